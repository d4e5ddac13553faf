package dev.detkit.api.nn;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts FLOPs of a forward pass the way mmdet's {@code get_flops} (mmengine/fvcore) does: one
 * multiply-add is one FLOP; convolutions count {@code N*Hout*Wout*Cout*Cin/groups*kh*kw} (bias
 * ignored), batch norm in eval {@code 2 * numel}, adaptive average pooling its input numel, nearest
 * upsampling its output numel. Element-wise ops (add, mul, activations), padding and
 * post-processing are not counted, as in fvcore. Active for the current thread while open.
 */
public final class FlopCounter implements AutoCloseable {
  private static final ThreadLocal<FlopCounter> CURRENT = new ThreadLocal<>();

  /** Ops fvcore (and so mmdet) does not count, reported by name. */
  public static final String NOT_COUNTED =
      "add, mul, relu, sigmoid, silu/swish, constant_pad_nd (TF-SAME padding), max_pool2d, post-processing (sigmoid, top-k, decode, NMS)";

  private final Map<Module, long[]> perModule = new IdentityHashMap<>();
  private final Map<String, Long> perOp = new TreeMap<>();

  private FlopCounter() {}

  /** Starts counting on this thread. */
  public static FlopCounter open() {
    FlopCounter c = new FlopCounter();
    CURRENT.set(c);
    return c;
  }

  /** Called by layers: records {@code flops} of {@code op} in {@code module}, if counting. */
  static void record(Module module, String op, long flops) {
    FlopCounter c = CURRENT.get();
    if (c != null) {
      c.perModule.computeIfAbsent(module, m -> new long[1])[0] += flops;
      c.perOp.merge(op, flops, Long::sum);
    }
  }

  /** For layers outside this package: records an op's FLOPs in {@code module}, if counting. */
  public static void count(Module module, String op, long flops) {
    record(module, op, flops);
  }

  /** Total counted FLOPs. */
  public long total() {
    return perOp.values().stream().mapToLong(Long::longValue).sum();
  }

  /** FLOPs by op name. */
  public Map<String, Long> byOp() {
    return Map.copyOf(perOp);
  }

  /**
   * FLOPs summed per module of {@code root} down to {@code depth} dots ({@code backbone.layers.3}
   * at depth 2), in tree order.
   */
  public Map<String, Long> byModule(Module root, int depth) {
    Map<String, Long> out = new LinkedHashMap<>();
    java.util.Set<Module> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    root.namedModules()
        .forEach(
            (name, m) -> {
              long[] f = perModule.get(m);
              // A shared module (tied convs) is listed under several names; count it once.
              if (f == null || !seen.add(m)) {
                return;
              }
              String key = truncate(name, depth);
              out.merge(key, f[0], Long::sum);
            });
    return out;
  }

  private static String truncate(String name, int depth) {
    String[] parts = name.split("\\.");
    return parts.length <= depth ? name : String.join(".", java.util.Arrays.copyOf(parts, depth));
  }

  @Override
  public void close() {
    CURRENT.remove();
  }
}
