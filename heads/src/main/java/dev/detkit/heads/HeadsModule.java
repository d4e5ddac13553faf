package dev.detkit.heads;

import dev.detkit.api.registry.DetkitModule;

/**
 * detkit's dense heads and their parts (prior generators, box coders, assigners, samplers, losses):
 * every {@code @Component} under this package.
 */
public final class HeadsModule extends DetkitModule {}
