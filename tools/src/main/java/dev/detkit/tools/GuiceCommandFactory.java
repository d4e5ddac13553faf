package dev.detkit.tools;

import com.google.inject.Injector;
import dev.detkit.api.registry.DetkitInjector;
import picocli.CommandLine;

/**
 * Lets Guice create detkit's commands, so they receive the registry and other services by
 * injection; picocli's own classes (help, converters, collections) come from picocli's factory.
 */
final class GuiceCommandFactory implements CommandLine.IFactory {
  private final CommandLine.IFactory fallback = CommandLine.defaultFactory();
  private Injector injector;

  @Override
  public <K> K create(Class<K> cls) throws Exception {
    if (cls.getName().startsWith("dev.detkit.") && !cls.isInterface()) {
      return injector().getInstance(cls);
    }
    return fallback.create(cls);
  }

  private Injector injector() {
    if (injector == null) {
      injector = DetkitInjector.get();
    }
    return injector;
  }
}
