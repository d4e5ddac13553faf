package dev.detkit.api.tensor;

/**
 * The service-provider side of a backend: the native operations a {@link Tensor} delegates to.
 *
 * <p>Handles are the backend's own array objects, passed around as {@code Object} so that the api
 * never imports a backend. {@link Tensor} validates shapes, axes and dtypes before it calls a
 * kernel, so kernels may assume well-formed arguments; every kernel returns a new handle that the
 * caller owns, except the in-place ones.
 */
public interface Kernels {

  // ---- metadata and lifetime ----

  /** The handle's shape. */
  Shape shape(Object h);

  /** The handle's element type. */
  DType dtype(Object h);

  /** Frees the handle's native memory. */
  void free(Object h);

  // ---- creation and host copies (data is row-major) ----

  Object fromFloats(float[] data, Shape shape);

  Object fromDoubles(double[] data, Shape shape);

  Object fromInts(int[] data, Shape shape);

  Object fromLongs(long[] data, Shape shape);

  Object fromBooleans(boolean[] data, Shape shape);

  Object fromBytes(byte[] data, Shape shape);

  Object full(Shape shape, DType dtype, double value);

  float[] toFloats(Object h);

  double[] toDoubles(Object h);

  int[] toInts(Object h);

  long[] toLongs(Object h);

  boolean[] toBooleans(Object h);

  byte[] toBytes(Object h);

  Object cast(Object h, DType dtype);

  /** A contiguous copy that shares nothing with {@code h}. */
  Object copy(Object h);

  /**
   * A copy of a rank-4 NCHW tensor stored channels-last where the backend has such a layout (a
   * plain copy otherwise). Indexing, shapes and values are unchanged.
   */
  Object toChannelsLast(Object h);

  // ---- element-wise ----

  Object binary(BinaryOp op, Object a, Object b);

  Object binaryScalar(BinaryOp op, Object a, double scalar);

  Object unary(UnaryOp op, Object a);

  Object clamp(Object a, double min, double max);

  /** {@code cond ? a : b}, all three broadcast to a common shape. */
  Object where(Object cond, Object a, Object b);

  // ---- reductions ----

  Object reduce(ReduceOp op, Object a, int[] axes, boolean keepDims);

  Object argMax(Object a, int axis, boolean keepDims);

  // ---- shape ----

  Object reshape(Object a, Shape shape);

  Object permute(Object a, int[] axes);

  Object slice(Object a, int axis, int start, int end, int step);

  Object concat(Object[] parts, int axis);

  Object stack(Object[] parts, int axis);

  Object broadcastTo(Object a, Shape shape);

  /** Selects whole slices along {@code axis} by an INT64 index vector. */
  Object indexSelect(Object a, int axis, Object index);

  /** PyTorch's {@code gather}: {@code out[i][j][k] = a[index[i][j][k]][j][k]} for axis 0. */
  Object gather(Object a, int axis, Object index);

  Object matmul(Object a, Object b);

  // ---- neural-network ops (NCHW) ----

  Object conv2d(Object x, Object weight, Object bias, Conv2dOptions options);

  /**
   * Batch norm over axis 1. In training mode it normalises with the batch statistics and updates
   * the running statistics in place: {@code running = (1 - momentum) * running + momentum * batch},
   * with the unbiased batch variance for {@code runningVar}.
   */
  Object batchNorm(
      Object x,
      Object runningMean,
      Object runningVar,
      Object weight,
      Object bias,
      boolean training,
      double momentum,
      double eps);

  /** Max pooling; padding is implicit negative infinity, as PyTorch pads. */
  Object maxPool2d(Object x, int kernelH, int kernelW, int strideH, int strideW, Padding2d padding);

  /** Mean over H and W, keeping them as size-1 axes. */
  Object globalAvgPool2d(Object x);

  /** Nearest-neighbour resize with PyTorch's index rule {@code src = floor(dst * in / out)}. */
  Object interpolateNearest(Object x, int outH, int outW);

  Object pad2d(Object x, Padding2d padding, double value);

  // ---- in place ----

  /** {@code a = a op b}; {@code b} broadcasts to {@code a}'s shape. */
  void binaryInPlace(BinaryOp op, Object a, Object b);

  void binaryScalarInPlace(BinaryOp op, Object a, double scalar);

  /** Copies {@code src}'s values into {@code dst} (same shape). */
  void assign(Object dst, Object src);

  // ---- autograd (only where the backend has Capability.AUTOGRAD) ----

  void setRequiresGrad(Object h, boolean requiresGrad);

  boolean requiresGrad(Object h);

  /** The accumulated gradient, or null when there is none. */
  Object grad(Object h);

  void backward(Object h);

  /** A handle sharing data with {@code h} but cut from the autograd graph. */
  Object detach(Object h);

  void zeroGrad(Object h);

  /** Turns gradient recording on or off for the current thread; returns the previous setting. */
  boolean setGradEnabled(boolean enabled);
}
