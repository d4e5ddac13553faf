package dev.detkit.api.tensor;

import java.util.Set;

/**
 * An execution backend: creates tensors and runs their operations through its {@link Kernels}.
 * Model code talks only to this interface and to {@link Tensor}; it never imports a backend's
 * library.
 */
public interface Backend {

  /** The name config files and {@code --backend} use, for example {@code djl}. */
  String name();

  /** The backend library and its native engine, with versions. */
  String version();

  /** What the backend offers beyond inference. */
  Set<Capability> capabilities();

  /** One line saying plainly what the backend lacks; empty when it lacks nothing detkit uses. */
  String limitations();

  /**
   * Where this backend's tensors live ({@code --device}); CPU unless the backend says otherwise.
   */
  default dev.detkit.api.backend.Device device() {
    return dev.detkit.api.backend.Device.CPU;
  }

  /** Number of intra-op threads the native library uses. */
  int threads();

  /** The native operations behind this backend's tensors. */
  Kernels kernels();

  /** True when {@code c} is among {@link #capabilities()}. */
  default boolean has(Capability c) {
    return capabilities().contains(c);
  }

  /** Fails with a message naming the backend when it lacks {@code c}. */
  default void require(Capability c) {
    if (!has(c)) {
      throw new UnsupportedOperationException(
          "backend '"
              + name()
              + "' does not support "
              + c.description()
              + " ("
              + limitations()
              + ")");
    }
  }

  /**
   * Joins the data-parallel job described by {@code env} (blocks until every rank has arrived or
   * the timeout passes).
   *
   * @throws UnsupportedOperationException where the backend has no collectives
   */
  default dev.detkit.api.distributed.ProcessGroup processGroup(
      dev.detkit.api.distributed.DistributedEnv env) {
    throw new UnsupportedOperationException(
        "backend '" + name() + "' has no collectives; data-parallel training needs libtorch");
  }

  // ---- creation ----

  default Tensor fromFloats(float[] data, int... shape) {
    Shape s = checkedShape(data.length, shape);
    return Tensor.wrap(this, kernels().fromFloats(data, s));
  }

  default Tensor fromDoubles(double[] data, int... shape) {
    Shape s = checkedShape(data.length, shape);
    return Tensor.wrap(this, kernels().fromDoubles(data, s));
  }

  default Tensor fromInts(int[] data, int... shape) {
    Shape s = checkedShape(data.length, shape);
    return Tensor.wrap(this, kernels().fromInts(data, s));
  }

  default Tensor fromLongs(long[] data, int... shape) {
    Shape s = checkedShape(data.length, shape);
    return Tensor.wrap(this, kernels().fromLongs(data, s));
  }

  default Tensor fromBooleans(boolean[] data, int... shape) {
    Shape s = checkedShape(data.length, shape);
    return Tensor.wrap(this, kernels().fromBooleans(data, s));
  }

  /** UINT8 tensor from unsigned bytes (an image, for example). */
  default Tensor fromBytes(byte[] data, int... shape) {
    Shape s = checkedShape(data.length, shape);
    return Tensor.wrap(this, kernels().fromBytes(data, s));
  }

  /** A tensor filled with {@code value}. */
  default Tensor full(double value, DType dtype, int... shape) {
    if (dtype == DType.BFLOAT16) {
      require(Capability.BFLOAT16);
    }
    return Tensor.wrap(this, kernels().full(Shape.of(shape), dtype, value));
  }

  default Tensor zeros(DType dtype, int... shape) {
    return full(0, dtype, shape);
  }

  default Tensor ones(DType dtype, int... shape) {
    return full(1, dtype, shape);
  }

  /** A FLOAT32 scalar (rank 0). */
  default Tensor scalar(float value) {
    return fromFloats(new float[] {value});
  }

  /** INT64 {@code [0, 1, ..., n-1]}. */
  default Tensor arange(int n) {
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      v[i] = i;
    }
    return fromLongs(v, n);
  }

  /** Concatenates along an existing axis. */
  default Tensor concat(int axis, Tensor... parts) {
    return Tensor.concat(axis, parts);
  }

  /** Stacks along a new axis. */
  default Tensor stack(int axis, Tensor... parts) {
    return Tensor.stack(axis, parts);
  }

  /**
   * Turns gradient recording on for this thread until the returned scope closes. Without it,
   * operations build no autograd graph (inference mode).
   */
  default GradientScope recordGradients() {
    require(Capability.AUTOGRAD);
    return new GradientScope(kernels(), true);
  }

  /** Turns gradient recording off for this thread until the returned scope closes. */
  default GradientScope noGradients() {
    return new GradientScope(kernels(), false);
  }

  private static Shape checkedShape(int length, int[] shape) {
    Shape s = Shape.of(shape);
    if (s.size() != length) {
      throw new IllegalArgumentException(
          "data has " + length + " elements but shape " + s + " needs " + s.size());
    }
    return s;
  }
}
