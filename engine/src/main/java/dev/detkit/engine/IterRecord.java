package dev.detkit.engine;

import java.util.Map;

/**
 * What one training iteration produced: its losses ({@code loss}, {@code loss_cls}, {@code
 * loss_bbox}; with {@code clip_grad} also {@code grad_norm} before clipping, as mmengine logs it),
 * the lr it ran at, its wall time and the part spent loading data (seconds).
 */
public record IterRecord(Map<String, Double> losses, double lr, double time, double dataTime) {}
