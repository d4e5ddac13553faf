package dev.detkit.export;

import com.google.protobuf.CodedOutputStream;
import dev.detkit.api.tensor.DType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Serialises an {@link OnnxGraph} as an ONNX {@code ModelProto} with protobuf-java's {@link
 * CodedOutputStream}. No Java classes generated from {@code onnx.proto} are published on Maven
 * Central and protoc does not run in the offline build, so the messages are written field by field;
 * the field numbers below are those of onnx/onnx.proto (ONNX 1.x, stable since IR version 3).
 */
public final class OnnxWriter {
  // ModelProto
  private static final int MODEL_IR_VERSION = 1;
  private static final int MODEL_PRODUCER_NAME = 2;
  private static final int MODEL_PRODUCER_VERSION = 3;
  private static final int MODEL_GRAPH = 7;
  private static final int MODEL_OPSET_IMPORT = 8;
  private static final int MODEL_METADATA_PROPS = 14;
  // OperatorSetIdProto
  private static final int OPSET_DOMAIN = 1;
  private static final int OPSET_VERSION = 2;
  // StringStringEntryProto
  private static final int ENTRY_KEY = 1;
  private static final int ENTRY_VALUE = 2;
  // GraphProto
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_NAME = 2;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int GRAPH_INPUT = 11;
  private static final int GRAPH_OUTPUT = 12;
  // NodeProto
  private static final int NODE_INPUT = 1;
  private static final int NODE_OUTPUT = 2;
  private static final int NODE_NAME = 3;
  private static final int NODE_OP_TYPE = 4;
  private static final int NODE_ATTRIBUTE = 5;
  private static final int NODE_DOC_STRING = 6;
  // AttributeProto and its AttributeType values
  private static final int ATTR_NAME = 1;
  private static final int ATTR_F = 2;
  private static final int ATTR_I = 3;
  private static final int ATTR_S = 4;
  private static final int ATTR_FLOATS = 7;
  private static final int ATTR_INTS = 8;
  private static final int ATTR_TYPE = 20;
  private static final int TYPE_FLOAT = 1;
  private static final int TYPE_INT = 2;
  private static final int TYPE_STRING = 3;
  private static final int TYPE_FLOATS = 6;
  private static final int TYPE_INTS = 7;
  // TensorProto
  private static final int TENSOR_DIMS = 1;
  private static final int TENSOR_DATA_TYPE = 2;
  private static final int TENSOR_NAME = 8;
  private static final int TENSOR_RAW_DATA = 9;
  // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto(.Dimension)
  private static final int VALUE_NAME = 1;
  private static final int VALUE_TYPE = 2;
  private static final int TYPE_TENSOR_TYPE = 1;
  private static final int TENSOR_TYPE_ELEM_TYPE = 1;
  private static final int TENSOR_TYPE_SHAPE = 2;
  private static final int SHAPE_DIM = 1;
  private static final int DIM_VALUE = 1;
  private static final int DIM_PARAM = 2;

  private OnnxWriter() {}

  /** ONNX's {@code TensorProto.DataType} of a detkit dtype. */
  public static int onnxType(DType t) {
    return switch (t) {
      case FLOAT32 -> 1;
      case UINT8 -> 2;
      case INT32 -> 6;
      case INT64 -> 7;
      case BOOL -> 9;
      case FLOAT64 -> 11;
      case BFLOAT16 -> 16;
    };
  }

  /**
   * IR version matching the opset (ONNX's versioning table): opset 17-18 go with IR 8, 19-20 with
   * IR 9, 21-22 with IR 10.
   */
  static long irVersion(int opset) {
    return opset <= 14 ? 7 : opset <= 18 ? 8 : opset <= 20 ? 9 : 10;
  }

  /** Writes the model to {@code out}. */
  public static void write(
      OnnxGraph g,
      int opset,
      String producerVersion,
      Map<String, String> metadata,
      OutputStream out)
      throws IOException {
    CodedOutputStream c = CodedOutputStream.newInstance(out, 1 << 16);
    c.writeInt64(MODEL_IR_VERSION, irVersion(opset));
    c.writeString(MODEL_PRODUCER_NAME, "detkit");
    c.writeString(MODEL_PRODUCER_VERSION, producerVersion);
    c.writeByteArray(MODEL_GRAPH, graph(g));
    c.writeByteArray(
        MODEL_OPSET_IMPORT,
        message(
            m -> {
              m.writeString(OPSET_DOMAIN, "");
              m.writeInt64(OPSET_VERSION, opset);
            }));
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      c.writeByteArray(
          MODEL_METADATA_PROPS,
          message(
              m -> {
                m.writeString(ENTRY_KEY, e.getKey());
                m.writeString(ENTRY_VALUE, e.getValue());
              }));
    }
    c.flush();
  }

  private static byte[] graph(OnnxGraph g) {
    return message(
        c -> {
          int i = 0;
          for (OnnxGraph.Node n : g.nodes) {
            String name = n.opType() + "_n" + i++;
            c.writeByteArray(GRAPH_NODE, node(n, name));
          }
          c.writeString(GRAPH_NAME, "detkit");
          for (OnnxGraph.Initializer t : g.initializers.values()) {
            c.writeByteArray(GRAPH_INITIALIZER, tensor(t));
          }
          for (OnnxGraph.ValueInfo v : g.inputs) {
            c.writeByteArray(GRAPH_INPUT, valueInfo(v));
          }
          for (OnnxGraph.ValueInfo v : g.outputs) {
            c.writeByteArray(GRAPH_OUTPUT, valueInfo(v));
          }
        });
  }

  private static byte[] node(OnnxGraph.Node n, String name) {
    return message(
        c -> {
          for (String in : n.inputs()) {
            c.writeString(NODE_INPUT, in);
          }
          for (String out : n.outputs()) {
            c.writeString(NODE_OUTPUT, out);
          }
          c.writeString(NODE_NAME, name);
          c.writeString(NODE_OP_TYPE, n.opType());
          for (OnnxGraph.Attr a : n.attrs()) {
            c.writeByteArray(NODE_ATTRIBUTE, attribute(a));
          }
          if (n.origin() != null) {
            c.writeString(NODE_DOC_STRING, n.origin());
          }
        });
  }

  private static byte[] attribute(OnnxGraph.Attr a) {
    return message(
        c -> {
          c.writeString(ATTR_NAME, a.name());
          Object v = a.value();
          if (v instanceof Long l) {
            c.writeInt64(ATTR_I, l);
            c.writeEnum(ATTR_TYPE, TYPE_INT);
          } else if (v instanceof Integer l) {
            c.writeInt64(ATTR_I, l);
            c.writeEnum(ATTR_TYPE, TYPE_INT);
          } else if (v instanceof Double d) {
            c.writeFloat(ATTR_F, d.floatValue());
            c.writeEnum(ATTR_TYPE, TYPE_FLOAT);
          } else if (v instanceof String s) {
            c.writeByteArray(ATTR_S, s.getBytes(StandardCharsets.UTF_8));
            c.writeEnum(ATTR_TYPE, TYPE_STRING);
          } else if (v instanceof long[] ls) {
            for (long l : ls) {
              c.writeInt64(ATTR_INTS, l);
            }
            c.writeEnum(ATTR_TYPE, TYPE_INTS);
          } else if (v instanceof double[] ds) {
            for (double d : ds) {
              c.writeFloat(ATTR_FLOATS, (float) d);
            }
            c.writeEnum(ATTR_TYPE, TYPE_FLOATS);
          } else {
            throw new IllegalArgumentException("attribute " + a.name() + ": unsupported " + v);
          }
        });
  }

  private static byte[] tensor(OnnxGraph.Initializer t) {
    return message(
        c -> {
          for (long d : t.dims()) {
            c.writeInt64(TENSOR_DIMS, d);
          }
          c.writeInt32(TENSOR_DATA_TYPE, onnxType(t.dtype()));
          c.writeString(TENSOR_NAME, t.name());
          c.writeByteArray(TENSOR_RAW_DATA, t.raw());
        });
  }

  private static byte[] valueInfo(OnnxGraph.ValueInfo v) {
    byte[] shape =
        message(
            c -> {
              for (int i = 0; i < v.dims().length; i++) {
                int d = i;
                c.writeByteArray(
                    SHAPE_DIM,
                    message(
                        m -> {
                          if (v.dimNames() != null && v.dimNames()[d] != null) {
                            m.writeString(DIM_PARAM, v.dimNames()[d]);
                          } else {
                            m.writeInt64(DIM_VALUE, v.dims()[d]);
                          }
                        }));
              }
            });
    byte[] tensorType =
        message(
            c -> {
              c.writeInt32(TENSOR_TYPE_ELEM_TYPE, onnxType(v.dtype()));
              c.writeByteArray(TENSOR_TYPE_SHAPE, shape);
            });
    return message(
        c -> {
          c.writeString(VALUE_NAME, v.name());
          c.writeByteArray(
              VALUE_TYPE, message(m -> m.writeByteArray(TYPE_TENSOR_TYPE, tensorType)));
        });
  }

  private interface Body {
    void write(CodedOutputStream c) throws IOException;
  }

  /** A nested message's bytes (protobuf needs the length before the body). */
  private static byte[] message(Body body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream c = CodedOutputStream.newInstance(bytes);
    try {
      body.write(c);
      c.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
