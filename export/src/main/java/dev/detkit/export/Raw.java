package dev.detkit.export;

import dev.detkit.api.tensor.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Little-endian raw bytes of host arrays, as ONNX's {@code TensorProto.raw_data} stores them. */
final class Raw {
  private Raw() {}

  static byte[] ofFloats(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return b.array();
  }

  static byte[] ofDoubles(double[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asDoubleBuffer().put(v);
    return b.array();
  }

  static byte[] ofInts(int[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(v);
    return b.array();
  }

  static byte[] ofLongs(long[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(v);
    return b.array();
  }

  static byte[] ofBooleans(boolean[] v) {
    byte[] out = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (byte) (v[i] ? 1 : 0);
    }
    return out;
  }

  static float[] toFloats(byte[] raw) {
    float[] out = new float[raw.length / 4];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  static byte[] ofScalar(double value, DType dtype) {
    return switch (dtype) {
      case FLOAT32 -> ofFloats(new float[] {(float) value});
      case FLOAT64 -> ofDoubles(new double[] {value});
      case INT32 -> ofInts(new int[] {(int) value});
      case INT64 -> ofLongs(new long[] {(long) value});
      case BOOL -> new byte[] {(byte) (value != 0 ? 1 : 0)};
      case UINT8 -> new byte[] {(byte) (int) value};
      case BFLOAT16 ->
          throw new ExportException("a bfloat16 constant cannot be exported; export in float32");
    };
  }
}
