package dev.detkit.api.registry;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import dev.detkit.api.backend.BackendFactory;

/**
 * A Guice module that contributes components to detkit. Implementations are listed in {@code
 * META-INF/services/dev.detkit.api.registry.DetkitModule} of their jar and found with {@link
 * java.util.ServiceLoader}, so a third-party jar adds components without touching detkit.
 */
public abstract class DetkitModule extends AbstractModule {

  /** Registers a backend factory under {@code name}. */
  protected final void bindBackend(String name, Class<? extends BackendFactory> factory) {
    MapBinder.newMapBinder(binder(), String.class, BackendFactory.class)
        .addBinding(name)
        .to(factory);
  }

  @Override
  protected void configure() {
    // Make the map exist even when no module binds a backend.
    MapBinder.newMapBinder(binder(), String.class, BackendFactory.class);
    configureComponents();
  }

  /** Binds this module's components. */
  protected abstract void configureComponents();
}
