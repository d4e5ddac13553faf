package dev.detkit.tools;

import com.google.inject.Injector;
import picocli.CommandLine;

/**
 * Lets Guice create detkit's commands, so they receive the registry, the backends and the runtime
 * options by injection; picocli's own classes (help, converters, collections) come from picocli's
 * factory.
 */
public final class GuiceCommandFactory implements CommandLine.IFactory {
  private final CommandLine.IFactory fallback = CommandLine.defaultFactory();
  private final Injector injector;

  /** Commands from {@code injector} (built at the edge with the process's runtime options). */
  public GuiceCommandFactory(Injector injector) {
    this.injector = injector;
  }

  @Override
  public <K> K create(Class<K> cls) throws Exception {
    if (cls.getName().startsWith("dev.detkit.") && !cls.isInterface()) {
      return injector.getInstance(cls);
    }
    return fallback.create(cls);
  }
}
