package dev.detkit.export;

import dev.detkit.api.tensor.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX graph under construction: nodes in execution order, initializers (constants), inputs and
 * outputs. Names are SSA values; {@link OnnxWriter} serialises it.
 */
public final class OnnxGraph {

  /** An attribute value: Long, Double, String, long[] or double[]. */
  public record Attr(String name, Object value) {}

  /** One operator call; {@code origin} is the model code that issued it (for error messages). */
  public record Node(
      String opType, List<String> inputs, List<String> outputs, List<Attr> attrs, String origin) {}

  /** A constant tensor stored in the file, little-endian raw data. */
  public record Initializer(String name, DType dtype, long[] dims, byte[] raw) {}

  /** A graph input or output; a null dim name means the dimension is fixed. */
  public record ValueInfo(String name, DType dtype, long[] dims, String[] dimNames) {}

  final List<Node> nodes = new ArrayList<>();
  final Map<String, Initializer> initializers = new LinkedHashMap<>();
  final List<ValueInfo> inputs = new ArrayList<>();
  final List<ValueInfo> outputs = new ArrayList<>();
  private final Map<String, String> smallConstants = new HashMap<>();
  private int counter;

  /** A fresh value name with a readable prefix. */
  public String fresh(String prefix) {
    return prefix + "_" + counter++;
  }

  /** Adds a node with one output and returns the output's name. */
  public String add(String opType, List<String> inputs, String origin, Attr... attrs) {
    String out = fresh(opType);
    nodes.add(new Node(opType, List.copyOf(inputs), List.of(out), List.of(attrs), origin));
    return out;
  }

  /** Adds a node writing to a chosen output name. */
  public void addNamed(
      String opType, List<String> inputs, String output, String origin, Attr... attrs) {
    nodes.add(new Node(opType, List.copyOf(inputs), List.of(output), List.of(attrs), origin));
  }

  /** Stores a constant and returns its name. */
  public String initializer(String prefix, DType dtype, long[] dims, byte[] raw) {
    String name = fresh(prefix);
    initializers.put(name, new Initializer(name, dtype, dims, raw));
    return name;
  }

  /** A 1-D INT64 constant (shapes, pads, axes), shared between nodes asking for equal values. */
  public String int64s(long... values) {
    String key = "i64" + java.util.Arrays.toString(values);
    return smallConstants.computeIfAbsent(
        key,
        k -> initializer("const", DType.INT64, new long[] {values.length}, Raw.ofLongs(values)));
  }

  /** A rank-0 constant of {@code dtype}, shared between nodes asking for equal values. */
  public String scalar(double value, DType dtype) {
    String key = dtype + ":" + Double.doubleToLongBits(value);
    return smallConstants.computeIfAbsent(
        key, k -> initializer("scalar", dtype, new long[0], Raw.ofScalar(value, dtype)));
  }

  public void input(ValueInfo v) {
    inputs.add(v);
  }

  public void output(ValueInfo v) {
    outputs.add(v);
  }

  public List<Node> nodes() {
    return nodes;
  }

  public Map<String, Initializer> initializers() {
    return initializers;
  }

  public List<ValueInfo> inputs() {
    return inputs;
  }

  public List<ValueInfo> outputs() {
    return outputs;
  }
}
