package dev.detkit.api.tensor;

/** Values and their INT64 source indices, as returned by sort and top-k. */
public record SortResult(Tensor values, Tensor indices) implements AutoCloseable {
  @Override
  public void close() {
    values.close();
    indices.close();
  }
}
