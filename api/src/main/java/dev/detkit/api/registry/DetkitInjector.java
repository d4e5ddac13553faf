package dev.detkit.api.registry;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.detkit.api.backend.IsolatedBackends;
import dev.detkit.api.runtime.RuntimeOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds detkit's Guice injector: every {@link DetkitModule} on the class path and in the isolated
 * backend folders ({@link IsolatedBackends}), plus the {@link RuntimeOptions} the edge read. It
 * provides the {@link Registry}, the {@link dev.detkit.api.backend.Backends} and the options; the
 * command line, Spark executors and benchmarks each build one at their start, and everything below
 * receives what it needs by injection or through {@link BuildContext}.
 */
public final class DetkitInjector {
  // One injector per options value and JVM: a process runs the command line several times in tests
  // and a Spark executor runs many tasks, and each injector loads its backends' natives anew.
  private static final Map<RuntimeOptions, Injector> SHARED = new ConcurrentHashMap<>();

  private DetkitInjector() {}

  /** A new injector of every module, with {@code options} bound. */
  public static Injector create(RuntimeOptions options) {
    List<com.google.inject.Module> modules = new ArrayList<>();
    ServiceLoader.load(DetkitModule.class).forEach(modules::add);
    modules.addAll(IsolatedBackends.modules());
    modules.add(
        new AbstractModule() {
          @Override
          protected void configure() {
            bind(RuntimeOptions.class).toInstance(options);
          }
        });
    return Guice.createInjector(modules);
  }

  /** The injector of this JVM for {@code options}, created on first use. */
  public static Injector shared(RuntimeOptions options) {
    return SHARED.computeIfAbsent(options, DetkitInjector::create);
  }
}
