package dev.detkit.api.registry;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.detkit.api.backend.IsolatedBackends;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The one Guice injector built from every {@link DetkitModule} on the class path and in the
 * isolated backend folders ({@link IsolatedBackends}).
 */
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
          List<DetkitModule> modules = new ArrayList<>();
          ServiceLoader.load(DetkitModule.class).forEach(modules::add);
          modules.addAll(IsolatedBackends.modules());
          i = injector = Guice.createInjector(modules);
        }
      }
    }
    return i;
  }
}
