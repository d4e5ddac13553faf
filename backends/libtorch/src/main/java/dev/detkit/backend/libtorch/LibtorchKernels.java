package dev.detkit.backend.libtorch;

import dev.detkit.api.tensor.BinaryOp;
import dev.detkit.api.tensor.Conv2dOptions;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Kernels;
import dev.detkit.api.tensor.Padding2d;
import dev.detkit.api.tensor.ReduceOp;
import dev.detkit.api.tensor.Shape;
import dev.detkit.api.tensor.UnaryOp;
import java.util.EnumMap;
import java.util.Map;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Kernels on libtorch 2.10 through the JavaCPP presets: each one is the ATen function PyTorch
 * itself calls, so the semantics are PyTorch's. Every returned {@link Tensor} is a C++ tensor that
 * the handle owns ({@link #free} drops its reference); argument wrappers (optionals, scalars,
 * vectors) are closed as soon as the call returns, so nothing waits for the garbage collector.
 *
 * <p>Device: every tensor created here (from host arrays, {@code full}) is on the kernels' device;
 * every op keeps its operands' device (scalars and gradient seeds are made with the operand's own
 * options); host reads copy to the CPU first. With no device (the CPU) nothing is copied.
 */
final class LibtorchKernels implements Kernels {
  private final Map<DType, TensorOptions> options = new EnumMap<>(DType.class);
  private final Map<DType, TensorOptions> hostOptions = new EnumMap<>(DType.class);
  // Null for the CPU; a CUDA device otherwise.
  private final Device device;

  LibtorchKernels(Device device) {
    this.device = device;
    for (DType t : DType.values()) {
      hostOptions.put(t, new TensorOptions(toTorch(t)));
      options.put(
          t,
          device == null
              ? hostOptions.get(t)
              : new TensorOptions(toTorch(t)).device(new DeviceOptional(device)));
    }
  }

  /** The device tensors are created on: null for the CPU. */
  Device device() {
    return device;
  }

  private static Tensor a(Object h) {
    return (Tensor) h;
  }

  static ScalarType toTorch(DType t) {
    return switch (t) {
      case FLOAT32 -> ScalarType.Float;
      case FLOAT64 -> ScalarType.Double;
      case BFLOAT16 -> ScalarType.BFloat16;
      case INT32 -> ScalarType.Int;
      case INT64 -> ScalarType.Long;
      case UINT8 -> ScalarType.Byte;
      case BOOL -> ScalarType.Bool;
    };
  }

  static DType fromTorch(ScalarType t) {
    return switch (t) {
      case Float -> DType.FLOAT32;
      case Double -> DType.FLOAT64;
      case BFloat16 -> DType.BFLOAT16;
      case Int -> DType.INT32;
      case Long -> DType.INT64;
      case Byte -> DType.UINT8;
      case Bool -> DType.BOOL;
      default -> throw new IllegalStateException("unsupported libtorch scalar type " + t);
    };
  }

  /**
   * The tensor's scalar type as the enum constant: JavaCPP returns native enums as fresh objects
   * (ordinal 0, so a switch reads them all as {@code Byte}); {@code intern()} maps to the constant.
   */
  static ScalarType scalarType(Tensor t) {
    return t.scalar_type().intern();
  }

  @Override
  public Shape shape(Object h) {
    Tensor t = a(h);
    long[] dims = new long[(int) t.dim()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = t.size(i);
    }
    return Shape.of(dims);
  }

  @Override
  public DType dtype(Object h) {
    return fromTorch(scalarType(a(h)));
  }

  @Override
  public void free(Object h) {
    a(h).close();
  }

  // ---- creation and host copies ----

  /** An uninitialised contiguous host tensor, filled by the caller through its data pointer. */
  private Tensor empty(Shape shape, DType dtype) {
    try (MemoryFormatOptional mf = new MemoryFormatOptional()) {
      return torch.empty(shape.longDims(), hostOptions.get(dtype), mf);
    }
  }

  /** A filled host tensor moved to the kernels' device (itself on the CPU). */
  private Tensor onDevice(Tensor host) {
    if (device == null) {
      return host;
    }
    try (host) {
      return host.to(device, scalarType(host));
    }
  }

  @Override
  public Object fromFloats(float[] data, Shape shape) {
    if (data.length == 0) {
      return onDevice(empty(shape, DType.FLOAT32));
    }
    Tensor t = empty(shape, DType.FLOAT32);
    t.data_ptr_float().put(data);
    return onDevice(t);
  }

  @Override
  public Object fromDoubles(double[] data, Shape shape) {
    Tensor t = empty(shape, DType.FLOAT64);
    t.data_ptr_double().put(data);
    return onDevice(t);
  }

  @Override
  public Object fromInts(int[] data, Shape shape) {
    Tensor t = empty(shape, DType.INT32);
    t.data_ptr_int().put(data);
    return onDevice(t);
  }

  @Override
  public Object fromLongs(long[] data, Shape shape) {
    Tensor t = empty(shape, DType.INT64);
    t.data_ptr_long().put(data);
    return onDevice(t);
  }

  @Override
  public Object fromBooleans(boolean[] data, Shape shape) {
    byte[] bytes = new byte[data.length];
    for (int i = 0; i < data.length; i++) {
      bytes[i] = (byte) (data[i] ? 1 : 0);
    }
    // bool is one byte holding 0 or 1 in ATen.
    Tensor t = empty(shape, DType.BOOL);
    t.data_ptr_bool().capacity(bytes.length).asByteBuffer().put(bytes);
    return onDevice(t);
  }

  @Override
  public Object fromBytes(byte[] data, Shape shape) {
    Tensor t = empty(shape, DType.UINT8);
    t.data_ptr_byte().put(data);
    return onDevice(t);
  }

  @Override
  public Object full(Shape shape, DType dtype, double value) {
    try (Scalar s = new Scalar(value)) {
      return torch.full(shape.longDims(), s, options.get(dtype));
    }
  }

  /**
   * A contiguous host tensor of {@code type} with {@code h}'s values (may share {@code h}'s storage
   * on the CPU); a device tensor is copied to the CPU first.
   */
  private static Tensor contiguousAs(Tensor x, ScalarType type) {
    if (!x.is_cpu()) {
      try (Device cpu = new Device(torch.DeviceType.CPU);
          Tensor host = x.to(cpu, type)) {
        return host.contiguous();
      }
    }
    if (scalarType(x) == type) {
      return x.contiguous();
    }
    try (Tensor converted = x.to(type)) {
      return converted.contiguous();
    }
  }

  @Override
  public float[] toFloats(Object h) {
    try (Tensor c = contiguousAs(a(h), ScalarType.Float)) {
      float[] out = new float[(int) c.numel()];
      c.data_ptr_float().get(out);
      return out;
    }
  }

  @Override
  public double[] toDoubles(Object h) {
    try (Tensor c = contiguousAs(a(h), ScalarType.Double)) {
      double[] out = new double[(int) c.numel()];
      c.data_ptr_double().get(out);
      return out;
    }
  }

  @Override
  public int[] toInts(Object h) {
    try (Tensor c = contiguousAs(a(h), ScalarType.Int)) {
      int[] out = new int[(int) c.numel()];
      c.data_ptr_int().get(out);
      return out;
    }
  }

  @Override
  public long[] toLongs(Object h) {
    try (Tensor c = contiguousAs(a(h), ScalarType.Long)) {
      long[] out = new long[(int) c.numel()];
      c.data_ptr_long().get(out);
      return out;
    }
  }

  @Override
  public boolean[] toBooleans(Object h) {
    try (Tensor c = contiguousAs(a(h), ScalarType.Bool)) {
      byte[] bytes = new byte[(int) c.numel()];
      c.data_ptr_bool().capacity(bytes.length).asByteBuffer().get(bytes);
      boolean[] out = new boolean[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        out[i] = bytes[i] != 0;
      }
      return out;
    }
  }

  @Override
  public byte[] toBytes(Object h) {
    try (Tensor c = contiguousAs(a(h), ScalarType.Byte)) {
      byte[] out = new byte[(int) c.numel()];
      c.data_ptr_byte().get(out);
      return out;
    }
  }

  @Override
  public Object cast(Object h, DType dtype) {
    Tensor x = a(h);
    // to() returns the same tensor for an unchanged type; a cast hands out a tensor of its own.
    return scalarType(x) == toTorch(dtype) ? torch.clone(x) : x.to(toTorch(dtype));
  }

  @Override
  public Object copy(Object h) {
    try (MemoryFormatOptional mf = new MemoryFormatOptional(torch.MemoryFormat.Contiguous)) {
      return torch.clone(a(h), mf);
    }
  }

  /** libtorch's own channels-last layout: convolutions and element-wise ops keep it. */
  @Override
  public Object toChannelsLast(Object h) {
    try (MemoryFormatOptional mf = new MemoryFormatOptional(torch.MemoryFormat.ChannelsLast)) {
      return torch.clone(a(h), mf);
    }
  }

  // ---- element-wise ----

  @Override
  public Object binary(BinaryOp op, Object x, Object y) {
    Tensor p = a(x);
    Tensor q = a(y);
    return switch (op) {
      case ADD -> torch.add(p, q);
      case SUB -> torch.sub(p, q);
      case MUL -> torch.mul(p, q);
      case DIV -> torch.div(p, q);
      case MAXIMUM -> torch.maximum(p, q);
      case MINIMUM -> torch.minimum(p, q);
      case POW -> torch.pow(p, q);
      case EQ -> torch.eq(p, q);
      case NE -> torch.ne(p, q);
      case GT -> torch.gt(p, q);
      case GE -> torch.ge(p, q);
      case LT -> torch.lt(p, q);
      case LE -> torch.le(p, q);
      case AND -> torch.logical_and(p, q);
      case OR -> torch.logical_or(p, q);
    };
  }

  /**
   * A rank-0 tensor of {@code like}'s dtype and device, so that scalars never promote the result
   * nor cross devices.
   */
  private static Tensor scalarLike(Tensor like, double s) {
    try (Scalar v = new Scalar(s);
        TensorOptions o = optionsOf(like)) {
      return torch.full(new long[0], v, o);
    }
  }

  /** {@code x}'s dtype on {@code x}'s device (just the dtype for a CPU tensor, as before). */
  static TensorOptions optionsOf(Tensor x) {
    if (x.is_cpu()) {
      return new TensorOptions(scalarType(x));
    }
    try (Device d = x.device();
        DeviceOptional od = new DeviceOptional(d);
        TensorOptions t = new TensorOptions(scalarType(x))) {
      return t.device(od);
    }
  }

  @Override
  public Object binaryScalar(BinaryOp op, Object x, double s) {
    if (op == BinaryOp.POW && s == 2) {
      // One multiply instead of the general pow kernel (the focal loss squares anchors x classes).
      return torch.square(a(x));
    }
    try (Tensor scalar = scalarLike(a(x), s)) {
      return binary(op, x, scalar);
    }
  }

  @Override
  public Object unary(UnaryOp op, Object h) {
    Tensor x = a(h);
    return switch (op) {
      case NEG -> torch.neg(x);
      case ABS -> torch.abs(x);
      case EXP -> torch.exp(x);
      case LOG -> torch.log(x);
      case SQRT -> torch.sqrt(x);
      case FLOOR -> torch.floor(x);
      case CEIL -> torch.ceil(x);
      case RELU -> torch.relu(x);
      case SIGMOID -> torch.sigmoid(x);
      case SILU -> torch.silu(x);
      case SOFTPLUS -> torch.softplus(x);
      case NOT -> torch.logical_not(x);
      case IS_NAN -> torch.isnan(x);
    };
  }

  @Override
  public Object clamp(Object h, double min, double max) {
    try (Scalar lo = new Scalar(min);
        Scalar hi = new Scalar(max);
        ScalarOptional l = new ScalarOptional(lo);
        ScalarOptional u = new ScalarOptional(hi)) {
      return torch.clamp(a(h), l, u);
    }
  }

  @Override
  public Object where(Object cond, Object x, Object y) {
    return torch.where(a(cond), a(x), a(y));
  }

  // ---- reductions ----

  @Override
  public Object reduce(ReduceOp op, Object h, int[] axes, boolean keepDims) {
    Tensor x = a(h);
    long[] dims = new long[axes.length];
    for (int i = 0; i < axes.length; i++) {
      dims[i] = axes[i];
    }
    try (ScalarTypeOptional keepType = new ScalarTypeOptional()) {
      return switch (op) {
        case SUM -> torch.sum(x, dims, keepDims, keepType);
        case MEAN -> torch.mean(x, dims, keepDims, keepType);
        case MAX -> torch.amax(x, dims, keepDims);
        case MIN -> torch.amin(x, dims, keepDims);
      };
    }
  }

  @Override
  public Object argMax(Object h, int axis, boolean keepDims) {
    try (LongOptional dim = new LongOptional(axis)) {
      return torch.argmax(a(h), dim, keepDims);
    }
  }

  // ---- shape ----

  @Override
  public Object reshape(Object h, Shape shape) {
    return torch.reshape(a(h), shape.longDims());
  }

  @Override
  public Object permute(Object h, int[] axes) {
    long[] d = new long[axes.length];
    for (int i = 0; i < axes.length; i++) {
      d[i] = axes[i];
    }
    return torch.permute(a(h), d);
  }

  @Override
  public Object slice(Object h, int axis, int start, int end, int step) {
    try (LongOptional s = new LongOptional(start);
        LongOptional e = new LongOptional(end)) {
      return a(h).slice(axis, s, e, step);
    }
  }

  private static TensorVector vector(Object[] hs) {
    Tensor[] ts = new Tensor[hs.length];
    for (int i = 0; i < hs.length; i++) {
      ts[i] = a(hs[i]);
    }
    return new TensorVector(ts);
  }

  @Override
  public Object concat(Object[] parts, int axis) {
    try (TensorVector v = vector(parts)) {
      return torch.cat(v, axis);
    }
  }

  @Override
  public Object stack(Object[] parts, int axis) {
    try (TensorVector v = vector(parts)) {
      return torch.stack(v, axis);
    }
  }

  @Override
  public Object broadcastTo(Object h, Shape shape) {
    return torch.broadcast_to(a(h), shape.longDims());
  }

  @Override
  public Object indexSelect(Object h, int axis, Object index) {
    return torch.index_select(a(h), axis, a(index));
  }

  @Override
  public Object gather(Object h, int axis, Object index) {
    return torch.gather(a(h), axis, a(index));
  }

  @Override
  public Object matmul(Object x, Object y) {
    return torch.matmul(a(x), a(y));
  }

  // ---- neural-network ops ----

  private static TensorOptional optional(Object h) {
    return h == null ? new TensorOptional() : new TensorOptional(a(h));
  }

  @Override
  public Object conv2d(Object x, Object w, Object b, Conv2dOptions o) {
    Padding2d p = o.padding();
    Tensor input = a(x);
    Tensor padded = null;
    if (!p.isSymmetric()) {
      // TF-SAME padding: pad first (as mmcv's Conv2dAdaptivePadding does), then no padding.
      padded = pad(input, p, 0);
      input = padded;
      p = Padding2d.NONE;
    }
    try (TensorOptional bias = optional(b)) {
      return torch.conv2d(
          input,
          a(w),
          bias,
          new long[] {o.strideH(), o.strideW()},
          new long[] {p.top(), p.left()},
          new long[] {o.dilationH(), o.dilationW()},
          o.groups());
    } finally {
      if (padded != null) {
        padded.close();
      }
    }
  }

  @Override
  public Object batchNorm(
      Object x,
      Object runningMean,
      Object runningVar,
      Object weight,
      Object bias,
      boolean training,
      double momentum,
      double eps) {
    // torch::batch_norm(input, weight, bias, running_mean, running_var, ...), as F.batch_norm.
    try (TensorOptional w = optional(weight);
        TensorOptional b = optional(bias);
        TensorOptional m = optional(runningMean);
        TensorOptional v = optional(runningVar)) {
      return torch.batch_norm(a(x), w, b, m, v, training, momentum, eps, false);
    }
  }

  @Override
  public Object maxPool2d(
      Object x, int kernelH, int kernelW, int strideH, int strideW, Padding2d p) {
    Tensor input = a(x);
    Tensor padded = null;
    if (!p.isSymmetric()) {
      padded = pad(input, p, Double.NEGATIVE_INFINITY);
      input = padded;
      p = Padding2d.NONE;
    }
    try {
      return torch.max_pool2d(
          input,
          new long[] {kernelH, kernelW},
          new long[] {strideH, strideW},
          new long[] {p.top(), p.left()},
          new long[] {1, 1},
          false);
    } finally {
      if (padded != null) {
        padded.close();
      }
    }
  }

  @Override
  public Object globalAvgPool2d(Object x) {
    return torch.adaptive_avg_pool2d(a(x), 1, 1);
  }

  @Override
  public Object interpolateNearest(Object x, int outH, int outW) {
    // No scale factors: ATen then uses in/out, PyTorch's floor(dst * in / out) rule.
    try (DoubleOptional sh = new DoubleOptional();
        DoubleOptional sw = new DoubleOptional()) {
      return torch.upsample_nearest2d(a(x), new long[] {outH, outW}, sh, sw);
    }
  }

  private static Tensor pad(Tensor x, Padding2d p, double value) {
    try (Scalar v = new Scalar(value)) {
      return torch.constant_pad_nd(x, new long[] {p.left(), p.right(), p.top(), p.bottom()}, v);
    }
  }

  @Override
  public Object pad2d(Object x, Padding2d p, double value) {
    return pad(a(x), p, value);
  }

  // ---- in place ----
  // JavaCPP hands back the receiver itself for a returned self-reference: never close those.

  @Override
  public void binaryInPlace(BinaryOp op, Object x, Object y) {
    Tensor p = a(x);
    Tensor q = a(y);
    switch (op) {
      case ADD -> p.add_(q);
      case SUB -> p.sub_(q);
      case MUL -> p.mul_(q);
      case DIV -> p.div_(q);
      default -> throw new IllegalArgumentException(op + " has no in-place form");
    }
  }

  @Override
  public void binaryScalarInPlace(BinaryOp op, Object x, double s) {
    try (Tensor scalar = scalarLike(a(x), s)) {
      binaryInPlace(op, x, scalar);
    }
  }

  @Override
  public void assign(Object dst, Object src) {
    a(dst).copy_(a(src));
  }

  // ---- autograd ----

  @Override
  public void setRequiresGrad(Object h, boolean requiresGrad) {
    a(h).set_requires_grad(requiresGrad);
  }

  @Override
  public boolean requiresGrad(Object h) {
    return a(h).requires_grad();
  }

  @Override
  public Object grad(Object h) {
    try (Tensor g = a(h).grad()) {
      // A handle of its own on the same gradient tensor (PyTorch's p.grad is that tensor).
      return g.isNull() || !g.defined() ? null : new Tensor(g);
    }
  }

  @Override
  public void backward(Object h) {
    Tensor x = a(h);
    try (Scalar one = new Scalar(1.0);
        TensorOptions o = optionsOf(x);
        Tensor ones = torch.full(shape(x).longDims(), one, o);
        BoolOptional retain = new BoolOptional();
        TensorArrayRefOptional inputs = new TensorArrayRefOptional()) {
      x.backward(ones, retain, false, inputs);
    }
  }

  @Override
  public Object detach(Object h) {
    return a(h).detach();
  }

  @Override
  public void zeroGrad(Object h) {
    try (Tensor g = a(h).grad()) {
      if (!g.isNull() && g.defined()) {
        g.zero_();
      }
    }
  }

  @Override
  public boolean setGradEnabled(boolean enabled) {
    boolean previous = GradMode.is_enabled();
    GradMode.set_enabled(enabled);
    return previous;
  }
}
