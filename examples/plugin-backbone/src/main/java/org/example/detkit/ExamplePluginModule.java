package org.example.detkit;

import dev.detkit.api.registry.DetkitModule;

/**
 * The plugin's Guice module, listed in {@code
 * META-INF/services/dev.detkit.api.registry.DetkitModule}: it registers every {@code @Component} of
 * this package ({@code example.TinyBackbone}).
 */
public final class ExamplePluginModule extends DetkitModule {}
