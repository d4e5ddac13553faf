package dev.detkit.api.testing;

import com.google.inject.Injector;
import dev.detkit.api.backend.Backends;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.DetkitInjector;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.runtime.RuntimeOptions;
import dev.detkit.api.tensor.Backend;

/**
 * Tests' shortcut to the injector a command line would build (the test JVM's system properties and
 * environment, so surefire's {@code detkit.threads} applies): one per test JVM. Main code receives
 * these services by injection instead.
 */
public final class TestRuntime {
  private TestRuntime() {}

  /** The test JVM's injector. */
  public static Injector injector() {
    return DetkitInjector.shared(RuntimeOptions.fromSystem());
  }

  /** The registry of every module on the test class path. */
  public static Registry registry() {
    return injector().getInstance(Registry.class);
  }

  /** The backends of the test class path. */
  public static Backends backends() {
    return injector().getInstance(Backends.class);
  }

  /** The backend registered under {@code name}. */
  public static Backend backend(String name) {
    return backends().get(name);
  }

  /** A build context on {@code name}'s backend with the test JVM's runtime options. */
  public static BuildContext context(String name) {
    return new BuildContext(registry(), backend(name), backends().options());
  }
}
