package dev.detkit.api.registry;

import com.google.inject.AbstractModule;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import dev.detkit.api.backend.BackendFactory;

/**
 * A Guice module that contributes components to detkit. Implementations are listed in {@code
 * META-INF/services/dev.detkit.api.registry.DetkitModule} of their jar and found with {@link
 * java.util.ServiceLoader}, so a third-party jar adds components without touching detkit.
 *
 * <p>A module registers every {@link Component} declared in its package and below (the annotation
 * processor indexes them at compile time), so most modules are empty subclasses. Backends, which
 * are Guice-constructed factories rather than argument-record components, bind themselves in {@link
 * #configureComponents()}.
 */
public abstract class DetkitModule extends AbstractModule {
  private static final TypeLiteral<ComponentSpec<?, ?>> SPEC = new TypeLiteral<>() {};

  /** Registers a backend factory under {@code name}. */
  protected final void bindBackend(String name, Class<? extends BackendFactory> factory) {
    MapBinder.newMapBinder(binder(), String.class, BackendFactory.class)
        .addBinding(name)
        .to(factory);
  }

  /** Registers a component (backbone, neck, head, loss, ...). */
  protected final void register(ComponentSpec<?, ?> spec) {
    Multibinder.newSetBinder(binder(), SPEC).addBinding().toInstance(spec);
  }

  @Override
  protected final void configure() {
    // Make the collections exist even when no module contributes to them.
    MapBinder.newMapBinder(binder(), String.class, BackendFactory.class);
    Multibinder.newSetBinder(binder(), SPEC);
    ComponentIndex.declaredFor(getClass()).forEach(this::register);
    configureComponents();
  }

  /** Binds what is not declared with {@link Component}: backends, hand-built specs. */
  protected void configureComponents() {}
}
