package dev.detkit.engine.optim;

import dev.detkit.api.nn.Parameter;

/**
 * One learnable parameter as the optimizer sees it: its state-dict name and the multipliers {@code
 * paramwise_cfg} gives it (mmengine builds one param group per parameter the same way).
 */
public record ParamGroup(String name, Parameter param, double lrMult, double decayMult) {}
