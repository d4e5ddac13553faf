package dev.detkit.evaluation;

import dev.detkit.api.registry.DetkitModule;

/** detkit's evaluation metrics: every {@code @Component} under this package. */
public final class EvaluationModule extends DetkitModule {}
