package dev.detkit.backend.nd4j;

import dev.detkit.api.tensor.BinaryOp;
import dev.detkit.api.tensor.Conv2dOptions;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Kernels;
import dev.detkit.api.tensor.Padding2d;
import dev.detkit.api.tensor.ReduceOp;
import dev.detkit.api.tensor.Shape;
import dev.detkit.api.tensor.UnaryOp;
import org.nd4j.enums.PadMode;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.DepthwiseConv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.MaxPooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.api.ops.impl.transforms.Pad;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Kernels on ND4J's libnd4j (oneDNN CPU build). Every result is an array that owns its buffer
 * (views are copied), so that closing one tensor can never invalidate another.
 */
final class Nd4jKernels implements Kernels {

  private static INDArray a(Object h) {
    return (INDArray) h;
  }

  /** An array that owns its buffer, in C order with no offset. */
  private static INDArray own(INDArray x) {
    if (!x.isView() && x.ordering() == 'c') {
      return x;
    }
    INDArray copy = x.dup('c');
    if (x.closeable()) {
      x.close();
    }
    return copy;
  }

  static DataType toNd4j(DType t) {
    return switch (t) {
      case FLOAT32 -> DataType.FLOAT;
      case FLOAT64 -> DataType.DOUBLE;
      // Tensor and Backend refuse BFLOAT16 before a kernel runs: ND4J lacks Capability.BFLOAT16.
      case BFLOAT16 -> throw new UnsupportedOperationException("nd4j has no bfloat16 kernels");
      case INT32 -> DataType.INT;
      case INT64 -> DataType.LONG;
      case UINT8 -> DataType.UBYTE;
      case BOOL -> DataType.BOOL;
    };
  }

  static DType fromNd4j(DataType t) {
    return switch (t) {
      case FLOAT -> DType.FLOAT32;
      case DOUBLE -> DType.FLOAT64;
      case INT -> DType.INT32;
      case LONG -> DType.INT64;
      case UBYTE -> DType.UINT8;
      case BOOL -> DType.BOOL;
      default -> throw new IllegalStateException("unsupported ND4J data type " + t);
    };
  }

  @Override
  public Shape shape(Object h) {
    return Shape.of(a(h).shape());
  }

  @Override
  public DType dtype(Object h) {
    return fromNd4j(a(h).dataType());
  }

  @Override
  public void free(Object h) {
    INDArray x = a(h);
    if (x.closeable()) {
      x.close();
    }
  }

  @Override
  public Object fromFloats(float[] data, Shape shape) {
    return Nd4j.create(data, shape.longDims(), DataType.FLOAT);
  }

  @Override
  public Object fromDoubles(double[] data, Shape shape) {
    return Nd4j.create(data, shape.longDims(), DataType.DOUBLE);
  }

  @Override
  public Object fromInts(int[] data, Shape shape) {
    return Nd4j.create(data, shape.longDims(), DataType.INT);
  }

  @Override
  public Object fromLongs(long[] data, Shape shape) {
    return Nd4j.create(data, shape.longDims(), DataType.LONG);
  }

  @Override
  public Object fromBooleans(boolean[] data, Shape shape) {
    return Nd4j.create(data, shape.longDims(), DataType.BOOL);
  }

  @Override
  public Object fromBytes(byte[] data, Shape shape) {
    int[] widened = new int[data.length];
    for (int i = 0; i < data.length; i++) {
      widened[i] = data[i] & 0xff;
    }
    try (INDArray ints = Nd4j.create(widened, shape.longDims(), DataType.INT)) {
      return ints.castTo(DataType.UBYTE);
    }
  }

  @Override
  public Object full(Shape shape, DType dtype, double value) {
    INDArray x = Nd4j.create(toNd4j(dtype), shape.longDims());
    return value == 0 ? x : x.assign(value);
  }

  /** The elements in row-major order, converted to {@code type}. */
  private static INDArray hostView(Object h, DataType type) {
    INDArray x = a(h);
    INDArray c = x.dataType() == type ? x : x.castTo(type);
    return own(c);
  }

  private static void release(INDArray tmp, Object original) {
    if (tmp != original && tmp.closeable()) {
      tmp.close();
    }
  }

  @Override
  public float[] toFloats(Object h) {
    INDArray x = hostView(h, DataType.FLOAT);
    try {
      return x.length() == 0 ? new float[0] : x.data().asFloat();
    } finally {
      release(x, h);
    }
  }

  @Override
  public double[] toDoubles(Object h) {
    INDArray x = hostView(h, DataType.DOUBLE);
    try {
      return x.length() == 0 ? new double[0] : x.data().asDouble();
    } finally {
      release(x, h);
    }
  }

  @Override
  public int[] toInts(Object h) {
    INDArray x = hostView(h, DataType.INT);
    try {
      return x.length() == 0 ? new int[0] : x.data().asInt();
    } finally {
      release(x, h);
    }
  }

  @Override
  public long[] toLongs(Object h) {
    INDArray x = hostView(h, DataType.LONG);
    try {
      return x.length() == 0 ? new long[0] : x.data().asLong();
    } finally {
      release(x, h);
    }
  }

  @Override
  public boolean[] toBooleans(Object h) {
    int[] v = toInts(h);
    boolean[] out = new boolean[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] != 0;
    }
    return out;
  }

  @Override
  public byte[] toBytes(Object h) {
    int[] v = toInts(h);
    byte[] out = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (byte) v[i];
    }
    return out;
  }

  @Override
  public Object cast(Object h, DType dtype) {
    INDArray x = a(h);
    return x.dataType() == toNd4j(dtype) ? x.dup('c') : own(x.castTo(toNd4j(dtype)));
  }

  @Override
  public Object copy(Object h) {
    return a(h).dup('c');
  }

  /** libnd4j's NCHW kernels want C order; channels-last storage would only add transposes. */
  @Override
  public Object toChannelsLast(Object h) {
    return a(h).dup('c');
  }

  /** libnd4j's broadcastable pairwise ops. */
  private static String opName(BinaryOp op) {
    return switch (op) {
      case ADD -> "add";
      case SUB -> "subtract";
      case MUL -> "multiply";
      case DIV -> "divide";
      case MAXIMUM -> "maximum";
      case MINIMUM -> "minimum";
      case POW -> "Pow";
      case EQ -> "equals";
      case NE -> "not_equals";
      case GT -> "greater";
      case GE -> "greater_equal";
      case LT -> "less";
      case LE -> "less_equal";
      case AND -> "boolean_and";
      case OR -> "boolean_or";
    };
  }

  private static INDArray pairwise(BinaryOp op, INDArray x, INDArray y, INDArray out) {
    Nd4j.exec(DynamicCustomOp.builder(opName(op)).addInputs(x, y).addOutputs(out).build());
    return out;
  }

  @Override
  public Object binary(BinaryOp op, Object x, Object y) {
    INDArray p = a(x);
    INDArray q = a(y);
    Shape out = Shape.broadcast(shape(p), shape(q));
    DataType type = op.isComparison() ? DataType.BOOL : p.dataType();
    return pairwise(op, p, q, Nd4j.create(type, out.longDims()));
  }

  @Override
  public Object binaryScalar(BinaryOp op, Object x, double s) {
    INDArray p = a(x);
    try (INDArray scalar = Nd4j.scalar(p.dataType(), s)) {
      return binary(op, p, scalar);
    }
  }

  @Override
  public Object unary(UnaryOp op, Object h) {
    INDArray x = a(h);
    return switch (op) {
      case NEG -> x.neg();
      case ABS -> Transforms.abs(x, true);
      case EXP -> Transforms.exp(x, true);
      case LOG -> Transforms.log(x, true);
      case SQRT -> Transforms.sqrt(x, true);
      case FLOOR -> Transforms.floor(x, true);
      case CEIL -> Transforms.ceil(x, true);
      case RELU -> Transforms.relu(x, true);
      case SIGMOID -> Transforms.sigmoid(x, true);
      // ND4J's own swish writes into its input; sigmoid on a copy, then multiply, never does.
      case SILU -> Transforms.sigmoid(x, true).muli(x);
      case SOFTPLUS -> softplus(x);
      case NOT -> Transforms.not(x);
      case IS_NAN -> own(x.isNaN());
    };
  }

  /** {@code max(x, 0) + log(1 + exp(-|x|))}: ND4J's own softplus overflows to inf for large x. */
  private static INDArray softplus(INDArray x) {
    INDArray tail = Transforms.exp(Transforms.abs(x, true).negi(), false).addi(1);
    return Transforms.log(tail, false).addi(Transforms.relu(x, true));
  }

  @Override
  public Object clamp(Object h, double min, double max) {
    INDArray out = Transforms.max(a(h), min, true);
    return Transforms.min(out, max, false);
  }

  @Override
  public Object where(Object cond, Object x, Object y) {
    Shape out = Shape.broadcast(Shape.broadcast(shape(cond), shape(x)), shape(y));
    INDArray c = (INDArray) broadcastTo(cond, out);
    INDArray p = (INDArray) broadcastTo(x, out);
    INDArray q = (INDArray) broadcastTo(y, out);
    try {
      INDArray result = Nd4j.create(p.dataType(), out.longDims());
      Nd4j.exec(DynamicCustomOp.builder("select").addInputs(c, p, q).addOutputs(result).build());
      return result;
    } finally {
      c.close();
      p.close();
      q.close();
    }
  }

  @Override
  public Object reduce(ReduceOp op, Object h, int[] axes, boolean keepDims) {
    INDArray x = a(h);
    if (x.length() == 0 || axes.length == 0) {
      return hostReduce(op, x, axes, keepDims);
    }
    if (op == ReduceOp.SUM || op == ReduceOp.MEAN) {
      // Accumulate in float64: libnd4j's float32 sums are sequential and drift on long axes.
      boolean f32 = x.dataType() == DataType.FLOAT;
      INDArray wide = f32 ? x.castTo(DataType.DOUBLE) : x;
      try {
        INDArray r = op == ReduceOp.SUM ? wide.sum(keepDims, axes) : wide.mean(keepDims, axes);
        if (!f32) {
          return own(r);
        }
        try (INDArray d = r) {
          return own(d.castTo(DataType.FLOAT));
        }
      } finally {
        if (f32) {
          wide.close();
        }
      }
    }
    return own(op == ReduceOp.MAX ? x.max(keepDims, axes) : x.min(keepDims, axes));
  }

  /** Degenerate reductions (empty tensors, no axes) that libnd4j does not define. */
  private static INDArray hostReduce(ReduceOp op, INDArray x, int[] axes, boolean keepDims) {
    if (axes.length == 0) {
      return x.dup('c');
    }
    long[] s = x.shape().clone();
    for (int ax : axes) {
      s[ax] = keepDims ? 1 : -1;
    }
    long[] out = java.util.Arrays.stream(s).filter(d -> d >= 0).toArray();
    return Nd4j.create(x.dataType(), out).assign(op == ReduceOp.MEAN ? Double.NaN : 0);
  }

  @Override
  public Object argMax(Object h, int axis, boolean keepDims) {
    INDArray x = a(h);
    INDArray r = Nd4j.argMax(x, axis).castTo(DataType.LONG);
    if (keepDims) {
      long[] s = x.shape().clone();
      s[axis] = 1;
      INDArray shaped = r.reshape('c', s).dup('c');
      r.close();
      return shaped;
    }
    return own(r);
  }

  @Override
  public Object reshape(Object h, Shape shape) {
    INDArray x = a(h);
    return x.reshape('c', shape.longDims()).dup('c');
  }

  @Override
  public Object permute(Object h, int[] axes) {
    return a(h).permute(axes).dup('c');
  }

  @Override
  public Object slice(Object h, int axis, int start, int end, int step) {
    INDArray x = a(h);
    if (end == start) {
      long[] s = x.shape().clone();
      s[axis] = 0;
      return Nd4j.create(x.dataType(), s);
    }
    INDArrayIndex[] idx = new INDArrayIndex[x.rank()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i == axis ? NDArrayIndex.interval(start, step, end) : NDArrayIndex.all();
    }
    return x.get(idx).dup('c');
  }

  private static INDArray[] arrays(Object[] hs) {
    INDArray[] out = new INDArray[hs.length];
    for (int i = 0; i < hs.length; i++) {
      out[i] = a(hs[i]);
    }
    return out;
  }

  @Override
  public Object concat(Object[] parts, int axis) {
    return own(Nd4j.concat(axis, arrays(parts)));
  }

  @Override
  public Object stack(Object[] parts, int axis) {
    return own(Nd4j.stack(axis, arrays(parts)));
  }

  @Override
  public Object broadcastTo(Object h, Shape shape) {
    INDArray x = a(h);
    long[] aligned = new long[shape.rank()];
    long[] src = x.shape();
    java.util.Arrays.fill(aligned, 1);
    System.arraycopy(src, 0, aligned, shape.rank() - src.length, src.length);
    INDArray r = x.reshape('c', aligned);
    if (java.util.Arrays.equals(aligned, shape.longDims())) {
      return r.dup('c');
    }
    return own(r.broadcast(shape.longDims()));
  }

  /** Whole slices along {@code axis} picked by a rank-1 LONG index (libnd4j's gather). */
  private static INDArray take(INDArray x, INDArray index, int axis) {
    long[] s = x.shape().clone();
    s[axis] = index.length();
    INDArray out = Nd4j.create(x.dataType(), s);
    if (index.length() > 0) {
      Nd4j.exec(
          DynamicCustomOp.builder("gather")
              .addInputs(x, index)
              .addIntegerArguments(axis)
              .addOutputs(out)
              .build());
    }
    return out;
  }

  @Override
  public Object indexSelect(Object h, int axis, Object index) {
    return take(a(h), a(index), axis);
  }

  @Override
  public Object gather(Object h, int axis, Object index) {
    // PyTorch gather = a 1-D gather of flat indices computed on the host.
    INDArray x = a(h);
    long[] idx = toLongs(index);
    long[] idxShape = a(index).shape();
    long[] strides = Shape.of(x.shape()).strides();
    long[] flat = new long[idx.length];
    long[] pos = new long[idxShape.length];
    for (int i = 0; i < idx.length; i++) {
      long off = 0;
      for (int d = 0; d < pos.length; d++) {
        off += (d == axis ? idx[i] : pos[d]) * strides[d];
      }
      flat[i] = off;
      for (int d = pos.length - 1; d >= 0; d--) {
        if (++pos[d] < idxShape[d]) {
          break;
        }
        pos[d] = 0;
      }
    }
    try (INDArray flatX = x.reshape('c', new long[] {x.length()}).dup('c');
        INDArray flatIdx = Nd4j.create(flat, new long[] {flat.length}, DataType.LONG)) {
      try (INDArray picked = take(flatX, flatIdx, 0)) {
        return picked.reshape('c', idxShape).dup('c');
      }
    }
  }

  @Override
  public Object matmul(Object x, Object y) {
    return own(Nd4j.matmul(a(x), a(y)));
  }

  @Override
  public Object conv2d(Object xh, Object wh, Object bh, Conv2dOptions o) {
    INDArray x = a(xh);
    INDArray w = a(wh);
    INDArray b = bh == null ? null : a(bh);
    if (o.dilationH() > 1 || o.dilationW() > 1) {
      // libnd4j's oneDNN conv2d fails on dilation > 1; a zero-dilated kernel computes the same.
      try (INDArray dilated = dilateKernel(w, o.dilationH(), o.dilationW())) {
        return conv2d(
            xh,
            dilated,
            bh,
            new Conv2dOptions(o.strideH(), o.strideW(), o.padding(), 1, 1, o.groups()));
      }
    }
    Padding2d p = o.padding();
    INDArray padded = null;
    if (!p.isSymmetric()) {
      padded = pad(x, p, 0);
      x = padded;
      p = Padding2d.NONE;
    }
    try {
      long inC = x.size(1);
      long outC = w.size(0);
      int groups = o.groups();
      Conv2DConfig cfg =
          Conv2DConfig.builder()
              .kH(w.size(2))
              .kW(w.size(3))
              .sH(o.strideH())
              .sW(o.strideW())
              .pH(p.top())
              .pW(p.left())
              .dH(o.dilationH())
              .dW(o.dilationW())
              .paddingMode(PaddingMode.VALID)
              .dataFormat(Conv2DConfig.NCHW)
              .weightsFormat(WeightsFormat.OIYX)
              .build();
      if (groups == 1) {
        return own(exec(new Conv2D(x, w, b, cfg)));
      }
      if (groups == inC && outC == inC) {
        // PyTorch depthwise [C, 1, kh, kw] is ND4J's [kh, kw, C, multiplier=1].
        long kh = w.size(2);
        long kw = w.size(3);
        Conv2DConfig dwCfg =
            Conv2DConfig.builder()
                .kH(kh)
                .kW(kw)
                .sH(o.strideH())
                .sW(o.strideW())
                .pH(p.top())
                .pW(p.left())
                .dH(1)
                .dW(1)
                .paddingMode(PaddingMode.VALID)
                .dataFormat(Conv2DConfig.NCHW)
                .weightsFormat(WeightsFormat.YXIO)
                .build();
        try (INDArray dw =
            w.reshape('c', new long[] {inC, kh, kw})
                .permute(1, 2, 0)
                .dup('c')
                .reshape('c', new long[] {kh, kw, inC, 1})) {
          return own(exec(new DepthwiseConv2D(x, dw, b, dwCfg)));
        }
      }
      return groupedConv(x, w, b, groups, cfg);
    } finally {
      if (padded != null) {
        padded.close();
      }
    }
  }

  /** {@code [o, i, (k-1)*d+1, ...]} with the taps {@code d} apart and zeros between. */
  private static INDArray dilateKernel(INDArray w, int dh, int dw) {
    long kh = (w.size(2) - 1) * dh + 1;
    long kw = (w.size(3) - 1) * dw + 1;
    INDArray out = Nd4j.create(w.dataType(), w.size(0), w.size(1), kh, kw);
    out.get(
            NDArrayIndex.all(),
            NDArrayIndex.all(),
            NDArrayIndex.interval(0, dh, kh),
            NDArrayIndex.interval(0, dw, kw))
        .assign(w);
    return out;
  }

  private static INDArray exec(DynamicCustomOp op) {
    return Nd4j.exec(op)[0];
  }

  /** General grouped convolution: one convolution per group, concatenated. */
  private static INDArray groupedConv(
      INDArray x, INDArray w, INDArray b, int groups, Conv2DConfig cfg) {
    long inG = x.size(1) / groups;
    long outG = w.size(0) / groups;
    INDArray[] outs = new INDArray[groups];
    try {
      for (int g = 0; g < groups; g++) {
        try (INDArray xg =
                x.get(NDArrayIndex.all(), NDArrayIndex.interval(g * inG, (g + 1) * inG)).dup('c');
            INDArray wg = w.get(NDArrayIndex.interval(g * outG, (g + 1) * outG)).dup('c');
            INDArray bg =
                b == null
                    ? null
                    : b.get(NDArrayIndex.interval(g * outG, (g + 1) * outG)).dup('c')) {
          outs[g] = exec(new Conv2D(xg, wg, bg, cfg));
        }
      }
      return Nd4j.concat(1, outs);
    } finally {
      for (INDArray out : outs) {
        if (out != null) {
          out.close();
        }
      }
    }
  }

  @Override
  public Object batchNorm(
      Object xh,
      Object meanH,
      Object varH,
      Object weightH,
      Object biasH,
      boolean training,
      double momentum,
      double eps) {
    INDArray x = a(xh);
    INDArray runningMean = a(meanH);
    INDArray runningVar = a(varH);
    long c = x.size(1);
    long[] bshape = new long[x.rank()];
    java.util.Arrays.fill(bshape, 1);
    bshape[1] = c;
    int[] redAxes = new int[x.rank() - 1];
    redAxes[0] = 0;
    for (int i = 2; i < x.rank(); i++) {
      redAxes[i - 1] = i;
    }
    INDArray mean;
    INDArray var;
    if (training) {
      long n = x.length() / c;
      mean = x.mean(false, redAxes);
      try (INDArray mean4 = mean.reshape('c', bshape).dup('c');
          INDArray centered =
              pairwise(BinaryOp.SUB, x, mean4, Nd4j.create(x.dataType(), x.shape()))) {
        var = centered.muli(centered).mean(false, redAxes);
      }
      try (INDArray m = mean.mul(momentum);
          INDArray v = var.mul(momentum * n / (n - 1.0))) {
        runningMean.muli(1 - momentum).addi(m);
        runningVar.muli(1 - momentum).addi(v);
      }
    } else {
      mean = runningMean;
      var = runningVar;
    }
    // y = (x - mean) * (weight / sqrt(var + eps)) + bias, in PyTorch's order: folding the mean
    // into a shift first loses precision when |mean| is large against the spread of x.
    try (INDArray scale = var.add(eps);
        INDArray m4 = mean.reshape('c', bshape).dup('c');
        INDArray b4 = a(biasH).reshape('c', bshape).dup('c')) {
      Transforms.sqrt(scale, false).rdivi(1).muli(a(weightH));
      try (INDArray s4 = scale.reshape('c', bshape).dup('c')) {
        INDArray y = pairwise(BinaryOp.SUB, x, m4, Nd4j.create(x.dataType(), x.shape()));
        pairwise(BinaryOp.MUL, y, s4, y);
        return pairwise(BinaryOp.ADD, y, b4, y);
      }
    } finally {
      if (training) {
        mean.close();
        var.close();
      }
    }
  }

  @Override
  public Object maxPool2d(
      Object xh, int kernelH, int kernelW, int strideH, int strideW, Padding2d p) {
    INDArray x = a(xh);
    INDArray padded = p.isZero() ? null : pad(x, p, Double.NEGATIVE_INFINITY);
    try {
      Pooling2DConfig cfg =
          Pooling2DConfig.builder()
              .kH(kernelH)
              .kW(kernelW)
              .sH(strideH)
              .sW(strideW)
              .pH(0)
              .pW(0)
              .dH(1)
              .dW(1)
              .type(Pooling2D.Pooling2DType.MAX)
              .paddingMode(PaddingMode.VALID)
              .isNHWC(false)
              .build();
      return own(exec(new MaxPooling2D(padded == null ? x : padded, cfg)));
    } finally {
      if (padded != null) {
        padded.close();
      }
    }
  }

  /**
   * libnd4j sums sequentially, so one float32 sum over H*W elements drifts (7e-6 relative at
   * 112x160, against PyTorch's cascaded sum); summing rows first, then columns, keeps each chain
   * short.
   */
  @Override
  public Object globalAvgPool2d(Object xh) {
    INDArray x = a(xh);
    long hw = x.size(2) * x.size(3);
    try (INDArray rows = x.sum(true, 3)) {
      INDArray s = own(rows.sum(true, 2));
      return s.divi(hw);
    }
  }

  /** PyTorch's nearest rule: src = min(floor(dst * (float) in / out), in - 1), in float32. */
  private static long[] nearestIndices(long in, int out) {
    long[] idx = new long[out];
    float scale = (float) in / out;
    for (int i = 0; i < out; i++) {
      idx[i] = Math.min((long) Math.floor(i * scale), in - 1);
    }
    return idx;
  }

  @Override
  public Object interpolateNearest(Object xh, int outH, int outW) {
    INDArray x = a(xh);
    try (INDArray ih =
            Nd4j.create(nearestIndices(x.size(2), outH), new long[] {outH}, DataType.LONG);
        INDArray iw =
            Nd4j.create(nearestIndices(x.size(3), outW), new long[] {outW}, DataType.LONG);
        INDArray rows = take(x, ih, 2)) {
      return take(rows, iw, 3);
    }
  }

  private static INDArray pad(INDArray x, Padding2d p, double value) {
    int r = x.rank();
    long[] widths = new long[2 * r];
    widths[2 * (r - 2)] = p.top();
    widths[2 * (r - 2) + 1] = p.bottom();
    widths[2 * (r - 1)] = p.left();
    widths[2 * (r - 1) + 1] = p.right();
    try (INDArray pw = Nd4j.create(widths, new long[] {r, 2}, DataType.LONG)) {
      return own(exec(new Pad(x, pw, PadMode.CONSTANT, value)));
    }
  }

  @Override
  public Object pad2d(Object x, Padding2d p, double value) {
    return pad(a(x), p, value);
  }

  @Override
  public void binaryInPlace(BinaryOp op, Object x, Object y) {
    pairwise(op, a(x), a(y), a(x));
  }

  @Override
  public void binaryScalarInPlace(BinaryOp op, Object x, double s) {
    INDArray p = a(x);
    try (INDArray scalar = Nd4j.scalar(p.dataType(), s)) {
      pairwise(op, p, scalar, p);
    }
  }

  @Override
  public void assign(Object dst, Object src) {
    a(dst).assign(a(src));
  }

  private static UnsupportedOperationException noAutograd() {
    return new UnsupportedOperationException("the nd4j backend has no autograd");
  }

  @Override
  public void setRequiresGrad(Object h, boolean requiresGrad) {
    if (requiresGrad) {
      throw noAutograd();
    }
  }

  @Override
  public boolean requiresGrad(Object h) {
    return false;
  }

  @Override
  public Object grad(Object h) {
    throw noAutograd();
  }

  @Override
  public void backward(Object h) {
    throw noAutograd();
  }

  @Override
  public Object detach(Object h) {
    return a(h).dup('c');
  }

  @Override
  public void zeroGrad(Object h) {
    throw noAutograd();
  }

  @Override
  public boolean setGradEnabled(boolean enabled) {
    return false;
  }
}
