package dev.detkit.api.registry;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.util.ServiceLoader;

/** The one Guice injector built from every {@link DetkitModule} on the class path. */
public final class DetkitInjector {
  private static volatile Injector injector;

  private DetkitInjector() {}

  /** The injector, created on first use. */
  public static Injector get() {
    Injector i = injector;
    if (i == null) {
      synchronized (DetkitInjector.class) {
        i = injector;
        if (i == null) {
          i = injector = Guice.createInjector(ServiceLoader.load(DetkitModule.class));
        }
      }
    }
    return i;
  }
}
