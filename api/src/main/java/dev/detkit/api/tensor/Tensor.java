package dev.detkit.api.tensor;

import java.util.Arrays;

/**
 * An n-dimensional array on some {@link Backend}. Operations return new tensors and never modify
 * their inputs, except the methods whose names end in {@code InPlace}.
 *
 * <p>Arguments are checked here, in Java, before a native kernel runs: a shape, axis or dtype error
 * is an {@link IllegalArgumentException} that names the operation and the shapes involved, never a
 * native crash.
 *
 * <p>Lifetime: a tensor created while a {@link TensorScope} is open belongs to that scope;
 * otherwise the creator closes it.
 */
public final class Tensor implements AutoCloseable {
  private final Backend backend;
  private final Kernels k;
  private final Object handle;
  private final Shape shape;
  private final DType dtype;
  private boolean closed;
  TensorScope owner;

  private Tensor(Backend backend, Object handle) {
    this.backend = backend;
    this.k = backend.kernels();
    this.handle = handle;
    this.shape = k.shape(handle);
    this.dtype = k.dtype(handle);
    TensorScope scope = TensorScope.current();
    if (scope != null) {
      scope.adopt(this);
    }
  }

  /** Wraps a native handle that the caller gives up; for backend implementations. */
  public static Tensor wrap(Backend backend, Object handle) {
    return new Tensor(backend, handle);
  }

  /** The backend's native array; for backend implementations. */
  public Object handle() {
    checkOpen();
    return handle;
  }

  public Backend backend() {
    return backend;
  }

  public Shape shape() {
    return shape;
  }

  public DType dtype() {
    return dtype;
  }

  public int rank() {
    return shape.rank();
  }

  /** Size of axis {@code i} (negative counts from the end). */
  public int dim(int i) {
    return shape.get(i);
  }

  public long size() {
    return shape.size();
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      k.free(handle);
    }
  }

  @Override
  public String toString() {
    return "Tensor" + shape + " " + dtype + " on " + backend.name() + (closed ? " (closed)" : "");
  }

  // ---- host copies ----

  public float[] toFloatArray() {
    return k.toFloats(handle());
  }

  public double[] toDoubleArray() {
    return k.toDoubles(handle());
  }

  public int[] toIntArray() {
    return k.toInts(handle());
  }

  public long[] toLongArray() {
    return k.toLongs(handle());
  }

  public boolean[] toBooleanArray() {
    return k.toBooleans(handle());
  }

  public byte[] toByteArray() {
    return k.toBytes(handle());
  }

  /** The single element of a one-element tensor, as a double. */
  public double item() {
    if (size() != 1) {
      throw new IllegalArgumentException("item() needs one element, tensor has shape " + shape);
    }
    return k.toDoubles(handle())[0];
  }

  /**
   * A copy converted to {@code to} (round to nearest even, as PyTorch's {@code to}). BFLOAT16 needs
   * a backend with {@link Capability#BFLOAT16}; others refuse it in one line.
   */
  public Tensor toType(DType to) {
    if (to == DType.BFLOAT16) {
      backend.require(Capability.BFLOAT16);
    }
    return wrap(k.cast(handle(), to));
  }

  /** A copy sharing nothing with this tensor. */
  public Tensor copy() {
    return wrap(k.copy(handle()));
  }

  /**
   * The same NCHW tensor stored channels-last (NHWC in memory) where the backend supports it
   * ({@link Capability#CHANNELS_LAST}); operations on it keep that storage. Shapes, indexing and
   * values do not change, only speed: depthwise and 1x1 convolutions run much faster on CPU.
   */
  public Tensor toChannelsLast() {
    if (rank() != 4) {
      throw new IllegalArgumentException("toChannelsLast: needs an NCHW tensor, got " + shape);
    }
    return wrap(k.toChannelsLast(handle()));
  }

  // ---- element-wise ----

  public Tensor add(Tensor o) {
    return binary(BinaryOp.ADD, o);
  }

  public Tensor sub(Tensor o) {
    return binary(BinaryOp.SUB, o);
  }

  public Tensor mul(Tensor o) {
    return binary(BinaryOp.MUL, o);
  }

  public Tensor div(Tensor o) {
    return binary(BinaryOp.DIV, o);
  }

  public Tensor maximum(Tensor o) {
    return binary(BinaryOp.MAXIMUM, o);
  }

  public Tensor minimum(Tensor o) {
    return binary(BinaryOp.MINIMUM, o);
  }

  public Tensor pow(Tensor o) {
    return binary(BinaryOp.POW, o);
  }

  public Tensor add(double s) {
    return binary(BinaryOp.ADD, s);
  }

  public Tensor sub(double s) {
    return binary(BinaryOp.SUB, s);
  }

  public Tensor mul(double s) {
    return binary(BinaryOp.MUL, s);
  }

  public Tensor div(double s) {
    return binary(BinaryOp.DIV, s);
  }

  public Tensor pow(double s) {
    return binary(BinaryOp.POW, s);
  }

  public Tensor maximum(double s) {
    return binary(BinaryOp.MAXIMUM, s);
  }

  public Tensor minimum(double s) {
    return binary(BinaryOp.MINIMUM, s);
  }

  public Tensor eq(Tensor o) {
    return binary(BinaryOp.EQ, o);
  }

  public Tensor ne(Tensor o) {
    return binary(BinaryOp.NE, o);
  }

  public Tensor gt(Tensor o) {
    return binary(BinaryOp.GT, o);
  }

  public Tensor ge(Tensor o) {
    return binary(BinaryOp.GE, o);
  }

  public Tensor lt(Tensor o) {
    return binary(BinaryOp.LT, o);
  }

  public Tensor le(Tensor o) {
    return binary(BinaryOp.LE, o);
  }

  public Tensor eq(double s) {
    return binary(BinaryOp.EQ, s);
  }

  public Tensor gt(double s) {
    return binary(BinaryOp.GT, s);
  }

  public Tensor ge(double s) {
    return binary(BinaryOp.GE, s);
  }

  public Tensor lt(double s) {
    return binary(BinaryOp.LT, s);
  }

  public Tensor le(double s) {
    return binary(BinaryOp.LE, s);
  }

  public Tensor and(Tensor o) {
    return binary(BinaryOp.AND, o);
  }

  public Tensor or(Tensor o) {
    return binary(BinaryOp.OR, o);
  }

  /** Element-wise binary operation with broadcasting; both operands must have the same dtype. */
  public Tensor binary(BinaryOp op, Tensor o) {
    checkSameBackend(op.name(), o);
    if (op == BinaryOp.AND || op == BinaryOp.OR) {
      if (dtype != DType.BOOL || o.dtype != DType.BOOL) {
        throw new IllegalArgumentException(
            op + " needs BOOL operands, got " + dtype + " and " + o.dtype);
      }
    } else if (dtype != o.dtype) {
      throw new IllegalArgumentException(
          op + ": dtype mismatch " + dtype + " vs " + o.dtype + " (convert one with toType)");
    }
    try {
      Shape.broadcast(shape, o.shape);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(op + ": " + e.getMessage(), e);
    }
    return wrap(k.binary(op, handle(), o.handle()));
  }

  /** Element-wise operation with a scalar operand; the result keeps this tensor's dtype. */
  public Tensor binary(BinaryOp op, double s) {
    if (op == BinaryOp.AND || op == BinaryOp.OR) {
      throw new IllegalArgumentException(op + " takes a BOOL tensor, not a scalar");
    }
    if (dtype == DType.BOOL) {
      throw new IllegalArgumentException(op + " with a scalar is not defined on BOOL tensors");
    }
    return wrap(k.binaryScalar(op, handle(), s));
  }

  public Tensor neg() {
    return unary(UnaryOp.NEG);
  }

  public Tensor abs() {
    return unary(UnaryOp.ABS);
  }

  public Tensor exp() {
    return unary(UnaryOp.EXP);
  }

  public Tensor log() {
    return unary(UnaryOp.LOG);
  }

  public Tensor sqrt() {
    return unary(UnaryOp.SQRT);
  }

  public Tensor floor() {
    return unary(UnaryOp.FLOOR);
  }

  public Tensor ceil() {
    return unary(UnaryOp.CEIL);
  }

  public Tensor relu() {
    return unary(UnaryOp.RELU);
  }

  public Tensor sigmoid() {
    return unary(UnaryOp.SIGMOID);
  }

  /** {@code x * sigmoid(x)} (Swish). */
  public Tensor silu() {
    return unary(UnaryOp.SILU);
  }

  /** {@code log(1 + exp(x))}, computed without overflow (PyTorch's {@code softplus}). */
  public Tensor softplus() {
    return unary(UnaryOp.SOFTPLUS);
  }

  public Tensor not() {
    return unary(UnaryOp.NOT);
  }

  public Tensor isNaN() {
    return unary(UnaryOp.IS_NAN);
  }

  public Tensor unary(UnaryOp op) {
    boolean boolOp = op == UnaryOp.NOT;
    if (boolOp != (dtype == DType.BOOL)) {
      throw new IllegalArgumentException(op + " is not defined on " + dtype + " tensors");
    }
    boolean floatOnly =
        switch (op) {
          case EXP, LOG, SQRT, SIGMOID, SILU, SOFTPLUS, IS_NAN, FLOOR, CEIL -> true;
          default -> false;
        };
    if (floatOnly && !dtype.isFloating()) {
      throw new IllegalArgumentException(op + " needs a floating tensor, got " + dtype);
    }
    return wrap(k.unary(op, handle()));
  }

  /** Limits every element to {@code [min, max]}; pass infinities for a one-sided clamp. */
  public Tensor clamp(double min, double max) {
    if (min > max) {
      throw new IllegalArgumentException("clamp: min " + min + " > max " + max);
    }
    return wrap(k.clamp(handle(), min, max));
  }

  /** {@code this ? a : b} element-wise; this must be BOOL; all three broadcast. */
  public Tensor where(Tensor a, Tensor b) {
    if (dtype != DType.BOOL) {
      throw new IllegalArgumentException("where: condition must be BOOL, got " + dtype);
    }
    if (a.dtype != b.dtype) {
      throw new IllegalArgumentException("where: dtype mismatch " + a.dtype + " vs " + b.dtype);
    }
    checkSameBackend("where", a);
    checkSameBackend("where", b);
    Shape.broadcast(Shape.broadcast(shape, a.shape), b.shape);
    return wrap(k.where(handle(), a.handle(), b.handle()));
  }

  // ---- reductions ----

  public Tensor sum(int... axes) {
    return reduce(ReduceOp.SUM, false, axes);
  }

  public Tensor mean(int... axes) {
    return reduce(ReduceOp.MEAN, false, axes);
  }

  public Tensor max(int... axes) {
    return reduce(ReduceOp.MAX, false, axes);
  }

  public Tensor min(int... axes) {
    return reduce(ReduceOp.MIN, false, axes);
  }

  /** Reduces over {@code axes} (all axes when none are given). */
  public Tensor reduce(ReduceOp op, boolean keepDims, int... axes) {
    int[] norm = normaliseAxes(axes.length == 0 ? allAxes() : axes, op.name());
    if ((op == ReduceOp.MAX || op == ReduceOp.MIN) && size() == 0) {
      throw new IllegalArgumentException(op + " of an empty tensor " + shape);
    }
    if (op == ReduceOp.MEAN && !dtype.isFloating()) {
      throw new IllegalArgumentException("MEAN needs a floating tensor, got " + dtype);
    }
    return wrap(k.reduce(op, handle(), norm, keepDims));
  }

  /** INT64 index of the maximum along {@code axis} (the first one among ties). */
  public Tensor argMax(int axis, boolean keepDims) {
    int a = shape.axis(axis);
    if (shape.get(a) == 0) {
      throw new IllegalArgumentException("argMax over an empty axis of " + shape);
    }
    return wrap(k.argMax(handle(), a, keepDims));
  }

  // ---- shape ----

  /** A tensor with the same elements in a new shape; one dimension may be -1 (inferred). */
  public Tensor reshape(int... dims) {
    int infer = -1;
    long known = 1;
    int[] out = dims.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] == -1) {
        if (infer >= 0) {
          throw new IllegalArgumentException(
              "reshape: more than one -1 in " + Arrays.toString(dims));
        }
        infer = i;
      } else if (out[i] < 0) {
        throw new IllegalArgumentException("reshape: negative size in " + Arrays.toString(dims));
      } else {
        known *= out[i];
      }
    }
    if (infer >= 0) {
      if (known == 0 || size() % known != 0) {
        throw new IllegalArgumentException(
            "reshape: cannot reshape " + shape + " to " + Arrays.toString(dims));
      }
      out[infer] = (int) (size() / known);
    } else if (known != size()) {
      throw new IllegalArgumentException(
          "reshape: "
              + shape
              + " has "
              + size()
              + " elements, "
              + Arrays.toString(dims)
              + " needs "
              + known);
    }
    return wrap(k.reshape(handle(), Shape.of(out)));
  }

  /** Reorders axes: output axis i is input axis {@code axes[i]}. */
  public Tensor permute(int... axes) {
    if (axes.length != rank()) {
      throw new IllegalArgumentException(
          "permute: " + Arrays.toString(axes) + " is not a permutation of " + rank() + " axes");
    }
    int[] norm = new int[axes.length];
    boolean[] seen = new boolean[axes.length];
    for (int i = 0; i < axes.length; i++) {
      norm[i] = shape.axis(axes[i]);
      if (seen[norm[i]]) {
        throw new IllegalArgumentException(
            "permute: " + Arrays.toString(axes) + " repeats axis " + norm[i]);
      }
      seen[norm[i]] = true;
    }
    return wrap(k.permute(handle(), norm));
  }

  /** Swaps two axes. */
  public Tensor transpose(int a, int b) {
    int[] perm = allAxes();
    int na = shape.axis(a);
    int nb = shape.axis(b);
    perm[na] = nb;
    perm[nb] = na;
    return permute(perm);
  }

  /** Elements {@code start, start+step, ... < end} along {@code axis}; end is clamped. */
  public Tensor slice(int axis, int start, int end, int step) {
    int a = shape.axis(axis);
    int n = shape.get(a);
    int s = start < 0 ? start + n : start;
    int e = end < 0 ? end + n : Math.min(end, n);
    if (step < 1 || s < 0 || s > n || e < s) {
      throw new IllegalArgumentException(
          "slice: ["
              + start
              + ":"
              + end
              + ":"
              + step
              + "] is out of range for axis "
              + axis
              + " of "
              + shape);
    }
    return wrap(k.slice(handle(), a, s, e, step));
  }

  public Tensor slice(int axis, int start, int end) {
    return slice(axis, start, end, 1);
  }

  /** Inserts a size-1 axis at {@code axis}. */
  public Tensor unsqueeze(int axis) {
    int a = axis < 0 ? axis + rank() + 1 : axis;
    if (a < 0 || a > rank()) {
      throw new IllegalArgumentException("unsqueeze: axis " + axis + " out of range for " + shape);
    }
    int[] d = new int[rank() + 1];
    for (int i = 0, j = 0; i < d.length; i++) {
      d[i] = i == a ? 1 : shape.get(j++);
    }
    return wrap(k.reshape(handle(), Shape.of(d)));
  }

  /** Removes a size-1 axis. */
  public Tensor squeeze(int axis) {
    int a = shape.axis(axis);
    if (shape.get(a) != 1) {
      throw new IllegalArgumentException("squeeze: axis " + axis + " of " + shape + " is not 1");
    }
    int[] d = new int[rank() - 1];
    for (int i = 0, j = 0; i < rank(); i++) {
      if (i != a) {
        d[j++] = shape.get(i);
      }
    }
    return wrap(k.reshape(handle(), Shape.of(d)));
  }

  /** Flattens to one axis. */
  public Tensor flatten() {
    return reshape(-1);
  }

  /** Repeats size-1 axes to reach {@code dims} (broadcasting rules). */
  public Tensor broadcastTo(int... dims) {
    Shape target = Shape.of(dims);
    if (!Shape.broadcast(shape, target).equals(target)) {
      throw new IllegalArgumentException(
          "broadcastTo: " + shape + " does not broadcast to " + target);
    }
    return wrap(k.broadcastTo(handle(), target));
  }

  /** Whole slices along {@code axis} picked by a rank-1 integer index. */
  public Tensor indexSelect(int axis, Tensor index) {
    int a = shape.axis(axis);
    checkSameBackend("indexSelect", index);
    if (index.rank() != 1 || index.dtype.isFloating() || index.dtype == DType.BOOL) {
      throw new IllegalArgumentException(
          "indexSelect: index must be a rank-1 integer tensor, got "
              + index.shape
              + " "
              + index.dtype);
    }
    Tensor idx = index.dtype == DType.INT64 ? index : index.toType(DType.INT64);
    checkIndexRange("indexSelect", idx, shape.get(a), axis);
    return wrap(k.indexSelect(handle(), a, idx.handle()));
  }

  /** PyTorch's {@code gather}: picks one element along {@code axis} per index entry. */
  public Tensor gather(int axis, Tensor index) {
    int a = shape.axis(axis);
    checkSameBackend("gather", index);
    if (index.rank() != rank() || index.dtype != DType.INT64) {
      throw new IllegalArgumentException(
          "gather: index must be INT64 of rank "
              + rank()
              + ", got "
              + index.shape
              + " "
              + index.dtype);
    }
    for (int i = 0; i < rank(); i++) {
      if (i != a && index.dim(i) > dim(i)) {
        throw new IllegalArgumentException(
            "gather: index " + index.shape + " is larger than input " + shape + " on axis " + i);
      }
    }
    checkIndexRange("gather", index, shape.get(a), axis);
    return wrap(k.gather(handle(), a, index.handle()));
  }

  /** Matrix product of the last two axes; leading (batch) axes must be equal. */
  public Tensor matmul(Tensor o) {
    checkSameBackend("matmul", o);
    if (rank() < 2 || o.rank() < 2 || rank() != o.rank()) {
      throw new IllegalArgumentException(
          "matmul: needs two tensors of equal rank >= 2, got " + shape + " and " + o.shape);
    }
    if (dim(-1) != o.dim(-2)) {
      throw new IllegalArgumentException(
          "matmul: inner sizes differ in " + shape + " @ " + o.shape);
    }
    for (int i = 0; i < rank() - 2; i++) {
      if (dim(i) != o.dim(i)) {
        throw new IllegalArgumentException(
            "matmul: batch axes differ in " + shape + " @ " + o.shape);
      }
    }
    if (dtype != o.dtype || !dtype.isFloating()) {
      throw new IllegalArgumentException(
          "matmul: needs equal floating dtypes, got " + dtype + ", " + o.dtype);
    }
    return wrap(k.matmul(handle(), o.handle()));
  }

  /**
   * Sorts along {@code axis}. Order is stable: equal values keep their index order (lower index
   * first), the same on every backend. NaN sorts as the largest value, as in PyTorch.
   */
  public SortResult sort(int axis, boolean descending) {
    return topK(dim(axis), axis, descending);
  }

  /**
   * The {@code k} largest (or smallest) values along {@code axis}, sorted, with their indices. Ties
   * are broken by lower index first, so the result is deterministic across backends.
   */
  public SortResult topK(int k, int axis, boolean largest) {
    int a = shape.axis(axis);
    if (k < 0 || k > shape.get(a)) {
      throw new IllegalArgumentException(
          "topK: k=" + k + " out of range for axis " + axis + " of " + shape);
    }
    if (dtype == DType.BOOL) {
      throw new IllegalArgumentException("topK/sort: not defined on BOOL tensors");
    }
    long[] idx = HostSort.topKIndices(this, a, k, largest);
    int[] outDims = shape.dims();
    outDims[a] = k;
    // Indices are computed with the sorted axis last; move it back into place.
    int[] lastDims = moveToEnd(outDims, a);
    Tensor indices;
    try (Tensor lastIdx = backend.fromLongs(idx, lastDims)) {
      indices = a == rank() - 1 ? lastIdx.copy() : lastIdx.permute(inverseMoveToEnd(rank(), a));
    }
    Tensor values = gather(a, indices);
    return new SortResult(values, indices);
  }

  // ---- neural-network ops ----

  /**
   * 2-D convolution of an NCHW input with a {@code [out, in/groups, kh, kw]} weight; {@code bias}
   * may be null. Asymmetric padding is applied as explicit zero padding first.
   */
  public Tensor conv2d(Tensor weight, Tensor bias, Conv2dOptions o) {
    checkSameBackend("conv2d", weight);
    if (rank() != 4 || weight.rank() != 4) {
      throw new IllegalArgumentException(
          "conv2d: input must be NCHW and weight [out, in/groups, kh, kw], got "
              + shape
              + " and "
              + weight.shape);
    }
    int groups = o.groups();
    if (dim(1) != weight.dim(1) * groups || weight.dim(0) % groups != 0) {
      throw new IllegalArgumentException(
          "conv2d: input "
              + shape
              + " has "
              + dim(1)
              + " channels but weight "
              + weight.shape
              + " with groups="
              + groups
              + " expects "
              + weight.dim(1) * groups);
    }
    if (bias != null && (bias.rank() != 1 || bias.dim(0) != weight.dim(0))) {
      throw new IllegalArgumentException(
          "conv2d: bias " + bias.shape + " does not match " + weight.dim(0) + " output channels");
    }
    if (dtype != weight.dtype || !dtype.isFloating()) {
      throw new IllegalArgumentException(
          "conv2d: needs equal floating dtypes, got " + dtype + ", " + weight.dtype);
    }
    if (o.outH(dim(2), weight.dim(2)) < 1 || o.outW(dim(3), weight.dim(3)) < 1) {
      throw new IllegalArgumentException(
          "conv2d: input " + shape + " is smaller than kernel " + weight.shape + " with " + o);
    }
    return wrap(k.conv2d(handle(), weight.handle(), bias == null ? null : bias.handle(), o));
  }

  /**
   * Batch norm over axis 1 (inference: with the running statistics; training: with batch
   * statistics, updating the running ones in place as PyTorch does).
   */
  public Tensor batchNorm(
      Tensor runningMean,
      Tensor runningVar,
      Tensor weight,
      Tensor bias,
      boolean training,
      double momentum,
      double eps) {
    if (rank() < 2) {
      throw new IllegalArgumentException("batchNorm: input needs a channel axis, got " + shape);
    }
    int c = dim(1);
    for (Tensor p : new Tensor[] {runningMean, runningVar, weight, bias}) {
      checkSameBackend("batchNorm", p);
      if (p.rank() != 1 || p.dim(0) != c) {
        throw new IllegalArgumentException(
            "batchNorm: parameter " + p.shape + " does not match " + c + " channels of " + shape);
      }
    }
    if (training) {
      backend.require(Capability.BATCH_NORM_TRAINING);
      if (size() / c < 2) {
        throw new IllegalArgumentException(
            "batchNorm: training needs more than one value per channel, got input " + shape);
      }
    }
    return wrap(
        k.batchNorm(
            handle(),
            runningMean.handle(),
            runningVar.handle(),
            weight.handle(),
            bias.handle(),
            training,
            momentum,
            eps));
  }

  /** Max pooling of an NCHW tensor; padded cells never win. */
  public Tensor maxPool2d(int kernel, int stride, int padding) {
    if (rank() != 4) {
      throw new IllegalArgumentException("maxPool2d: input must be NCHW, got " + shape);
    }
    if (kernel < 1 || stride < 1 || padding < 0 || 2 * padding > kernel) {
      throw new IllegalArgumentException(
          "maxPool2d: kernel "
              + kernel
              + ", stride "
              + stride
              + ", padding "
              + padding
              + " is invalid");
    }
    if (dim(2) + 2 * padding < kernel || dim(3) + 2 * padding < kernel) {
      throw new IllegalArgumentException(
          "maxPool2d: input " + shape + " is smaller than kernel " + kernel);
    }
    return wrap(k.maxPool2d(handle(), kernel, kernel, stride, stride, Padding2d.of(padding)));
  }

  /** Mean over H and W of an NCHW tensor, keeping them as size 1. */
  public Tensor globalAvgPool2d() {
    if (rank() != 4) {
      throw new IllegalArgumentException("globalAvgPool2d: input must be NCHW, got " + shape);
    }
    return wrap(k.globalAvgPool2d(handle()));
  }

  /** Nearest resize of an NCHW tensor to {@code outH x outW}, PyTorch's index rule. */
  public Tensor interpolateNearest(int outH, int outW) {
    if (rank() != 4 || outH < 1 || outW < 1) {
      throw new IllegalArgumentException(
          "interpolateNearest: needs NCHW input and a positive size, got "
              + shape
              + " -> "
              + outH
              + "x"
              + outW);
    }
    return wrap(k.interpolateNearest(handle(), outH, outW));
  }

  /** Pads the last two axes with a constant. */
  public Tensor pad2d(Padding2d p, double value) {
    if (rank() < 2) {
      throw new IllegalArgumentException("pad2d: needs at least two axes, got " + shape);
    }
    if (p.isZero()) {
      return copy();
    }
    return wrap(k.pad2d(handle(), p, value));
  }

  // ---- in place ----

  /** {@code this += o} ({@code o} broadcasts to this shape); returns this. */
  public Tensor addInPlace(Tensor o) {
    return inPlace(BinaryOp.ADD, o);
  }

  public Tensor subInPlace(Tensor o) {
    return inPlace(BinaryOp.SUB, o);
  }

  public Tensor mulInPlace(Tensor o) {
    return inPlace(BinaryOp.MUL, o);
  }

  public Tensor mulInPlace(double s) {
    k.binaryScalarInPlace(BinaryOp.MUL, handle(), s);
    return this;
  }

  public Tensor addInPlace(double s) {
    k.binaryScalarInPlace(BinaryOp.ADD, handle(), s);
    return this;
  }

  /** Copies {@code src}'s values (same shape and dtype) into this tensor; returns this. */
  public Tensor assign(Tensor src) {
    checkSameBackend("assign", src);
    if (!shape.equals(src.shape) || dtype != src.dtype) {
      throw new IllegalArgumentException(
          "assign: " + src.shape + " " + src.dtype + " into " + shape + " " + dtype);
    }
    k.assign(handle(), src.handle());
    return this;
  }

  private Tensor inPlace(BinaryOp op, Tensor o) {
    checkSameBackend(op + " in place", o);
    if (dtype != o.dtype || !Shape.broadcast(shape, o.shape).equals(shape)) {
      throw new IllegalArgumentException(
          op + " in place: " + o.shape + " " + o.dtype + " does not fit " + shape + " " + dtype);
    }
    k.binaryInPlace(op, handle(), o.handle());
    return this;
  }

  // ---- autograd ----

  /** Marks this (leaf) tensor as needing a gradient; returns this. */
  public Tensor requiresGrad(boolean v) {
    if (v) {
      backend.require(Capability.AUTOGRAD);
    }
    k.setRequiresGrad(handle(), v);
    return this;
  }

  public boolean requiresGrad() {
    return backend.has(Capability.AUTOGRAD) && k.requiresGrad(handle());
  }

  /** The accumulated gradient, or null when none has been computed. */
  public Tensor grad() {
    backend.require(Capability.AUTOGRAD);
    Object g = k.grad(handle());
    return g == null ? null : wrap(g);
  }

  /** Back-propagates from this scalar. */
  public void backward() {
    backend.require(Capability.AUTOGRAD);
    if (size() != 1) {
      throw new IllegalArgumentException("backward: needs a one-element tensor, got " + shape);
    }
    k.backward(handle());
  }

  /** Clears the accumulated gradient. */
  public void zeroGrad() {
    backend.require(Capability.AUTOGRAD);
    k.zeroGrad(handle());
  }

  /** The same values cut from the autograd graph. */
  public Tensor detach() {
    return wrap(k.detach(handle()));
  }

  // ---- combining ----

  static Tensor concat(int axis, Tensor... parts) {
    Tensor first = checkParts("concat", parts);
    int a = first.shape.axis(axis);
    for (Tensor p : parts) {
      for (int i = 0; i < first.rank(); i++) {
        if (p.rank() != first.rank() || (i != a && p.dim(i) != first.dim(i))) {
          throw new IllegalArgumentException(
              "concat on axis " + axis + ": " + p.shape + " does not match " + first.shape);
        }
      }
    }
    return first.wrap(first.k.concat(handles(parts), a));
  }

  static Tensor stack(int axis, Tensor... parts) {
    Tensor first = checkParts("stack", parts);
    int a = axis < 0 ? axis + first.rank() + 1 : axis;
    if (a < 0 || a > first.rank()) {
      throw new IllegalArgumentException(
          "stack: axis " + axis + " out of range for " + first.shape);
    }
    for (Tensor p : parts) {
      if (!p.shape.equals(first.shape)) {
        throw new IllegalArgumentException("stack: " + p.shape + " does not match " + first.shape);
      }
    }
    return first.wrap(first.k.stack(handles(parts), a));
  }

  private static Tensor checkParts(String op, Tensor[] parts) {
    if (parts.length == 0) {
      throw new IllegalArgumentException(op + ": nothing to combine");
    }
    Tensor first = parts[0];
    for (Tensor p : parts) {
      first.checkSameBackend(op, p);
      if (p.dtype != first.dtype) {
        throw new IllegalArgumentException(
            op + ": dtype mismatch " + p.dtype + " vs " + first.dtype);
      }
    }
    return first;
  }

  private static Object[] handles(Tensor[] parts) {
    Object[] h = new Object[parts.length];
    for (int i = 0; i < parts.length; i++) {
      h[i] = parts[i].handle();
    }
    return h;
  }

  // ---- helpers ----

  private Tensor wrap(Object h) {
    return new Tensor(backend, h);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("tensor " + shape + " " + dtype + " was already closed");
    }
  }

  private void checkSameBackend(String op, Tensor o) {
    if (o == null) {
      throw new IllegalArgumentException(op + ": operand is null");
    }
    if (o.backend != backend) {
      throw new IllegalArgumentException(
          op
              + ": operands live on different backends ("
              + backend.name()
              + ", "
              + o.backend.name()
              + ")");
    }
  }

  private static void checkIndexRange(String op, Tensor index, int n, int axis) {
    for (long v : index.toLongArray()) {
      if (v < 0 || v >= n) {
        throw new IllegalArgumentException(
            op + ": index " + v + " out of range [0, " + n + ") on axis " + axis);
      }
    }
  }

  private int[] allAxes() {
    int[] a = new int[rank()];
    for (int i = 0; i < a.length; i++) {
      a[i] = i;
    }
    return a;
  }

  private int[] normaliseAxes(int[] axes, String op) {
    int[] out = new int[axes.length];
    boolean[] seen = new boolean[rank()];
    for (int i = 0; i < axes.length; i++) {
      out[i] = shape.axis(axes[i]);
      if (seen[out[i]]) {
        throw new IllegalArgumentException(op + ": axis " + axes[i] + " given twice");
      }
      seen[out[i]] = true;
    }
    Arrays.sort(out);
    return out;
  }

  static int[] moveToEnd(int[] dims, int axis) {
    int[] out = new int[dims.length];
    for (int i = 0, j = 0; i < dims.length; i++) {
      if (i != axis) {
        out[j++] = dims[i];
      }
    }
    out[dims.length - 1] = dims[axis];
    return out;
  }

  /** The permutation that undoes moving {@code axis} to the end. */
  static int[] inverseMoveToEnd(int rank, int axis) {
    int[] perm = new int[rank];
    for (int i = 0; i < rank; i++) {
      perm[i] = i < axis ? i : (i == axis ? rank - 1 : i - 1);
    }
    return perm;
  }
}
