package dev.detkit.api.runtime;

import dev.detkit.api.config.ConfigException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * How this process runs models, as opposed to what a config describes: read once at the edge (the
 * command line, a Spark executor, a benchmark's set-up) and bound in the injector, so no code below
 * reads a system property. Each setting comes from a command-line flag where the command has one,
 * else the system property, else the environment variable, else the default:
 *
 * @param layout {@code detkit.layout} / {@code DETKIT_LAYOUT} / {@code --layout}: the inference
 *     input's memory layout, {@code nchw} (default; mmdetection's kernels) or {@code channels_last}
 * @param foldBn {@code detkit.foldBn} / {@code DETKIT_FOLD_BN}: fold batch norms into their
 *     convolutions in eval mode (default true)
 * @param threads {@code detkit.threads} / {@code DETKIT_THREADS}: intra-op threads a backend gives
 *     its native library when it loads (0, the default: the library's own choice)
 * @param progress {@code detkit.progress} / {@code DETKIT_PROGRESS}: {@code auto} (default: a bar
 *     on a terminal, whole lines otherwise), {@code bar} or {@code lines}
 * @param backend {@code detkit.backend} / {@code DETKIT_BACKEND}: the backend used where none is
 *     named (default {@value #DEFAULT_BACKEND})
 * @param cacheDir {@code detkit.cache} / {@code DETKIT_CACHE}: the folder of caches such as
 *     exported ONNX models (default {@code ~/.cache/detkit})
 * @param allReduce {@code detkit.ddp.allreduce} / {@code DETKIT_DDP_ALLREDUCE}: data-parallel
 *     gradient all-reduce, {@code bucketed} (default: c10d's Reducer where the group has one) or
 *     {@code flat} (one coalesced all-reduce after backward)
 * @param ortThreads {@code detkit.ortThreads} / {@code DETKIT_ORT_THREADS}, else {@code
 *     OMP_NUM_THREADS}: ONNX Runtime's intra-op threads (0, the default: the JVM's cores)
 * @param torchHome {@code detkit.torchHome} / {@code TORCH_HOME} (torch's own variable): where
 *     {@code init_cfg} looks for torch hub's cached checkpoints, under {@code hub/checkpoints}
 *     (default {@code ~/.cache/torch})
 */
public record RuntimeOptions(
    String layout,
    boolean foldBn,
    int threads,
    String progress,
    String backend,
    String cacheDir,
    String allReduce,
    int ortThreads,
    String torchHome)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The backend used when none is named and nothing overrides it. */
  public static final String DEFAULT_BACKEND = "djl";

  private static final List<String> LAYOUTS = List.of("nchw", "channels_last");
  private static final List<String> PROGRESS = List.of("auto", "bar", "lines");
  private static final List<String> ALL_REDUCE = List.of("bucketed", "flat");

  /**
   * The options of this JVM: its system properties and environment. The one place detkit reads
   * either; call it at the edge (a command line's start, an executor's first task), not below.
   */
  public static RuntimeOptions fromSystem() {
    return from(System::getProperty, System::getenv, System.getProperty("user.home"));
  }

  /** Every setting at its default (the cache under {@code user.home}, as the JVM reports it). */
  public static RuntimeOptions defaults() {
    return from(k -> null, k -> null, System.getProperty("user.home"));
  }

  public RuntimeOptions {
    check("layout", layout, LAYOUTS);
    check("progress", progress, PROGRESS);
    check("ddp.allreduce", allReduce, ALL_REDUCE);
    if (threads < 0) {
      throw new ConfigException("detkit.threads: expected 0 or more, got " + threads);
    }
    if (ortThreads < 0) {
      throw new ConfigException("detkit.ortThreads: expected 0 or more, got " + ortThreads);
    }
    if (torchHome == null || torchHome.isBlank()) {
      throw new ConfigException("TORCH_HOME: expected a folder, got nothing");
    }
    if (backend == null || backend.isBlank()) {
      throw new ConfigException("detkit.backend: expected a backend name, got nothing");
    }
    if (cacheDir == null || cacheDir.isBlank()) {
      throw new ConfigException("detkit.cache: expected a folder, got nothing");
    }
  }

  /**
   * The options {@code property} (system properties by name) and {@code env} (environment variables
   * by name) give, the property winning; {@code home} is the user's home for the default cache. A
   * bad value is a one-line {@link ConfigException} naming the property and what was expected.
   */
  public static RuntimeOptions from(
      UnaryOperator<String> property, UnaryOperator<String> env, String home) {
    Source s = new Source(property, env);
    String foldBn = s.get("foldBn", "DETKIT_FOLD_BN", "true").toLowerCase(Locale.ROOT);
    if (!foldBn.equals("true") && !foldBn.equals("false")) {
      throw new ConfigException("detkit.foldBn: expected true or false, got '" + foldBn + "'");
    }
    int n = integer("detkit.threads", s.get("threads", "DETKIT_THREADS", "0"));
    // OMP_NUM_THREADS is the fallback ONNX Runtime's own tools honour.
    String omp = env.apply("OMP_NUM_THREADS");
    int ort =
        integer(
            "detkit.ortThreads",
            s.get(
                "ortThreads",
                "DETKIT_ORT_THREADS",
                omp != null && omp.trim().matches("\\d+") ? omp.trim() : "0"));
    return new RuntimeOptions(
        s.get("layout", "DETKIT_LAYOUT", "nchw"),
        foldBn.equals("true"),
        n,
        s.get("progress", "DETKIT_PROGRESS", "auto"),
        s.get("backend", "DETKIT_BACKEND", DEFAULT_BACKEND),
        s.get("cache", "DETKIT_CACHE", Path.of(home, ".cache", "detkit").toString()),
        s.get("ddp.allreduce", "DETKIT_DDP_ALLREDUCE", "bucketed"),
        ort,
        s.get("torchHome", "TORCH_HOME", Path.of(home, ".cache", "torch").toString()));
  }

  private static int integer(String key, String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key + ": expected an integer, got '" + text + "'");
    }
  }

  /** {@code --layout}'s value in place of this layout. */
  public RuntimeOptions withLayout(String layout) {
    return new RuntimeOptions(
        layout, foldBn, threads, progress, backend, cacheDir, allReduce, ortThreads, torchHome);
  }

  /** {@code threads} in place of this thread count. */
  public RuntimeOptions withThreads(int threads) {
    return new RuntimeOptions(
        layout, foldBn, threads, progress, backend, cacheDir, allReduce, ortThreads, torchHome);
  }

  /** {@code cacheDir} in place of this cache folder. */
  public RuntimeOptions withCacheDir(String cacheDir) {
    return new RuntimeOptions(
        layout, foldBn, threads, progress, backend, cacheDir, allReduce, ortThreads, torchHome);
  }

  /** {@code foldBn} in place of this choice. */
  public RuntimeOptions withFoldBn(boolean foldBn) {
    return new RuntimeOptions(
        layout, foldBn, threads, progress, backend, cacheDir, allReduce, ortThreads, torchHome);
  }

  /** True when inference inputs go channels-last. */
  public boolean channelsLast() {
    return layout.equals("channels_last");
  }

  /** True for the flat, after-backward all-reduce. */
  public boolean flatAllReduce() {
    return allReduce.equals("flat");
  }

  /** Where torch hub keeps downloaded checkpoints ({@code $TORCH_HOME/hub/checkpoints}). */
  public Path hubCheckpoints() {
    return Path.of(torchHome, "hub", "checkpoints");
  }

  /** The folder of caches. */
  public Path cachePath() {
    return Path.of(cacheDir);
  }

  private static void check(String key, String value, List<String> allowed) {
    if (!allowed.contains(value)) {
      throw new ConfigException(
          "detkit."
              + key
              + ": expected "
              + String.join(", ", allowed.subList(0, allowed.size() - 1))
              + " or "
              + allowed.get(allowed.size() - 1)
              + ", got "
              + (value == null ? "nothing" : "'" + value + "'"));
    }
  }

  /** A property {@code detkit.KEY}, else the environment variable, else the default. */
  private record Source(UnaryOperator<String> property, UnaryOperator<String> env) {
    String get(String key, String envName, String dflt) {
      String v = property.apply("detkit." + key);
      if (v == null || v.isBlank()) {
        v = env.apply(envName);
      }
      return v == null || v.isBlank() ? dflt : v.trim();
    }
  }
}
