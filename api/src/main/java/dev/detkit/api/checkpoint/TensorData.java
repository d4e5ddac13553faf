package dev.detkit.api.checkpoint;

import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Shape;
import dev.detkit.api.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A checkpoint tensor on the host: stored type, shape and contiguous little-endian bytes. It
 * becomes a backend {@link Tensor} only when loaded into a module.
 */
public record TensorData(StoredType type, Shape shape, ByteBuffer bytes) {

  public TensorData {
    bytes = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    long need = shape.size() * type.bytes();
    if (bytes.remaining() != need) {
      throw new IllegalArgumentException(
          "tensor " + shape + " " + type + " needs " + need + " bytes, has " + bytes.remaining());
    }
  }

  /** Copies a backend tensor to the host. */
  public static TensorData of(Tensor t) {
    StoredType st = StoredType.of(t.dtype());
    ByteBuffer b =
        ByteBuffer.allocate((int) (t.size() * st.bytes())).order(ByteOrder.LITTLE_ENDIAN);
    switch (t.dtype()) {
      case FLOAT32 -> b.asFloatBuffer().put(t.toFloatArray());
      case FLOAT64 -> b.asDoubleBuffer().put(t.toDoubleArray());
      case BFLOAT16 -> {
        // A bfloat16 value is exactly the upper half of its float32 widening.
        for (float v : t.toFloatArray()) {
          b.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
        }
      }
      case INT32 -> b.asIntBuffer().put(t.toIntArray());
      case INT64 -> b.asLongBuffer().put(t.toLongArray());
      case UINT8 -> b.put(t.toByteArray());
      case BOOL -> {
        for (boolean v : t.toBooleanArray()) {
          b.put((byte) (v ? 1 : 0));
        }
      }
    }
    b.rewind();
    return new TensorData(st, t.shape(), b);
  }

  /** Number of elements. */
  public int size() {
    return (int) shape.size();
  }

  /** The values as floats (any numeric type). */
  public float[] toFloats() {
    ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int n = size();
    float[] out = new float[n];
    switch (type) {
      case F32 -> b.asFloatBuffer().get(out);
      case F64 -> {
        for (int i = 0; i < n; i++) {
          out[i] = (float) b.getDouble(i * 8);
        }
      }
      case F16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = halfToFloat(b.getShort(i * 2));
        }
      }
      case BF16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
        }
      }
      default -> {
        long[] l = toLongs();
        for (int i = 0; i < n; i++) {
          out[i] = l[i];
        }
      }
    }
    return out;
  }

  /** IEEE 754 half precision to float (Java 17 has no built-in). */
  static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /** The values as doubles. */
  public double[] toDoubles() {
    if (type == StoredType.F64) {
      double[] out = new double[size()];
      bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
      return out;
    }
    float[] f = toFloats();
    double[] out = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      out[i] = f[i];
    }
    return out;
  }

  /** The values as longs (integer and bool types; floats are truncated). */
  public long[] toLongs() {
    ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int n = size();
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] =
          switch (type) {
            case I64 -> b.getLong(i * 8);
            case I32 -> b.getInt(i * 4);
            case I16 -> b.getShort(i * 2);
            case I8 -> b.get(i);
            case U8, BOOL -> b.get(i) & 0xff;
            default -> (long) toFloats()[i];
          };
    }
    return out;
  }

  /** A new backend tensor of dtype {@code target} (converting as PyTorch's copy_ does). */
  public Tensor toTensor(Backend backend, DType target) {
    int[] d = shape.dims();
    return switch (target) {
      case FLOAT32 -> backend.fromFloats(toFloats(), d);
      case FLOAT64 -> backend.fromDoubles(toDoubles(), d);
      case BFLOAT16 -> {
        try (Tensor f = backend.fromFloats(toFloats(), d)) {
          yield f.toType(DType.BFLOAT16);
        }
      }
      case INT64 -> backend.fromLongs(toLongs(), d);
      case INT32 -> {
        long[] l = toLongs();
        int[] v = new int[l.length];
        for (int i = 0; i < l.length; i++) {
          v[i] = (int) l[i];
        }
        yield backend.fromInts(v, d);
      }
      case UINT8 -> {
        long[] l = toLongs();
        byte[] v = new byte[l.length];
        for (int i = 0; i < l.length; i++) {
          v[i] = (byte) l[i];
        }
        yield backend.fromBytes(v, d);
      }
      case BOOL -> {
        long[] l = toLongs();
        boolean[] v = new boolean[l.length];
        for (int i = 0; i < l.length; i++) {
          v[i] = l[i] != 0;
        }
        yield backend.fromBooleans(v, d);
      }
    };
  }

  /** A backend tensor in this data's natural dtype. */
  public Tensor toTensor(Backend backend) {
    return toTensor(backend, type.natural());
  }
}
