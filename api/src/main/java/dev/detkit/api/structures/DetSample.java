package dev.detkit.api.structures;

/** One image leaving the data pipeline ({@code PackDetInputs}): pixels and their meta. */
public record DetSample(ImageData image, ImageMeta meta) {}
