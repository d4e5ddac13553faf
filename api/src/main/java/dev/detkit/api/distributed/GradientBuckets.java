package dev.detkit.api.distributed;

/**
 * DDP's gradient reducer (c10d's {@code Reducer}) on a fixed set of parameters: the gradients are
 * grouped in buckets in reverse parameter order, and each bucket's all-reduce starts during
 * backward as soon as its last gradient is ready, so communication overlaps the rest of backward.
 * When backward returns, every parameter's gradient is the mean over the ranks.
 */
public interface GradientBuckets extends AutoCloseable {

  /** Arms the reducer for the next backward (every parameter must receive a gradient in it). */
  void prepareForBackward();

  /** Number of buckets. */
  int bucketCount();

  @Override
  void close();
}
