package dev.detkit.api.profile;

import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.BinaryOp;
import dev.detkit.api.tensor.Conv2dOptions;
import dev.detkit.api.tensor.ForwardingBackend;
import dev.detkit.api.tensor.Kernels;
import dev.detkit.api.tensor.UnaryOp;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A backend that times every kernel of another: build the model on it, run, then read {@link
 * #table()}. CPU kernels return when their work is done, so the wall time of a call is the op's
 * time. Ops are named by kernel, with convolutions told apart by kind (1x1, KxK dense, depthwise),
 * and unary/binary ops by operator, since that is where a backbone's time goes. A dynamic proxy
 * adds about a microsecond per call, far below any kernel's time at detection sizes.
 */
public final class ProfilingBackend extends ForwardingBackend {
  private final Kernels kernels;
  private final Map<String, long[]> stats = new ConcurrentHashMap<>();

  public ProfilingBackend(Backend inner) {
    super(inner);
    Kernels k = inner.kernels();
    this.kernels =
        (Kernels)
            Proxy.newProxyInstance(
                Kernels.class.getClassLoader(),
                new Class<?>[] {Kernels.class},
                (proxy, method, args) -> time(k, method, args));
  }

  /** One row of the profile. */
  public record OpTime(String op, long calls, double totalMs, double meanMs, double share) {}

  private Object time(Kernels k, Method m, Object[] args) throws Throwable {
    long t0 = System.nanoTime();
    try {
      return m.invoke(k, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    } finally {
      long dt = System.nanoTime() - t0;
      long[] s = stats.computeIfAbsent(label(k, m, args), x -> new long[2]);
      synchronized (s) {
        s[0]++;
        s[1] += dt;
      }
    }
  }

  /** The op's name in the table. */
  private static String label(Kernels k, Method m, Object[] args) {
    String name = m.getName();
    if (args == null) {
      return name;
    }
    if (name.equals("conv2d") && args[3] instanceof Conv2dOptions o) {
      int[] w = k.shape(args[1]).dims();
      String kind =
          o.groups() > 1 && o.groups() == w[0]
              ? "depthwise " + w[2] + "x" + w[3]
              : w[2] == 1 && w[3] == 1 ? "1x1" : w[2] + "x" + w[3];
      return "conv2d " + kind + (o.strideH() > 1 ? " /" + o.strideH() : "");
    }
    if (args.length > 0 && (args[0] instanceof UnaryOp || args[0] instanceof BinaryOp)) {
      return name + " " + args[0].toString().toLowerCase(java.util.Locale.ROOT);
    }
    return name;
  }

  /** Every op's calls and time, most time first; {@code share} is of all kernels' time. */
  public List<OpTime> table() {
    double total = stats.values().stream().mapToLong(s -> s[1]).sum();
    List<OpTime> out = new ArrayList<>();
    stats.forEach(
        (op, s) ->
            out.add(
                new OpTime(
                    op,
                    s[0],
                    s[1] / 1e6,
                    s[1] / 1e6 / Math.max(s[0], 1),
                    s[1] / Math.max(total, 1))));
    out.sort(Comparator.comparingDouble(OpTime::totalMs).reversed());
    return out;
  }

  /** Forgets what was timed so far (after warm-up). */
  public void reset() {
    stats.clear();
  }

  /** The table as JSON-ready maps. */
  public List<Map<String, Object>> tableAsMaps() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (OpTime t : table()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("op", t.op());
      m.put("calls", t.calls());
      m.put("total_ms", t.totalMs());
      m.put("mean_ms", t.meanMs());
      m.put("share", t.share());
      out.add(m);
    }
    return out;
  }

  @Override
  public Kernels kernels() {
    return kernels;
  }
}
