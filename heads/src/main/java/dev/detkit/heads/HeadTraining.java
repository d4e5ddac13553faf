package dev.detkit.heads;

import dev.detkit.heads.assign.Assigner;
import dev.detkit.heads.assign.Sampler;
import dev.detkit.heads.losses.ClassificationLoss;
import dev.detkit.heads.losses.RegressionLoss;

/**
 * What a dense head needs to compute its loss: the built losses and, when the detector has a {@code
 * train_cfg}, its assigner and sampler (null otherwise: such a head only predicts).
 */
public record HeadTraining(
    ClassificationLoss lossCls,
    RegressionLoss lossBbox,
    Assigner assigner,
    Sampler sampler,
    TrainCfg trainCfg) {}
