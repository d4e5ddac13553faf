package dev.detkit.spark;

import com.google.inject.Injector;
import dev.detkit.api.backend.Backends;
import dev.detkit.api.config.ConfigLoader;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.model.Detector;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.DetkitInjector;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.runtime.RuntimeOptions;
import dev.detkit.data.Pipeline;
import dev.detkit.tools.ModelLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The executor JVM's detectors, built once per model ({@link ModelSpec#key()}: config hash and
 * checkpoint) and reused by every later task of any job. A task borrows one for its partition and
 * gives it back, so a JVM holds as many as it runs tasks at once: one with {@code
 * spark.executor.cores = spark.task.cpus} (the recommended setting), N in {@code local[N]}.
 */
final class DetectorPool {
  /** A built model: the detector and the config's test pipeline. */
  record Loaded(Detector detector, Pipeline pipeline) {}

  private static final Map<String, Deque<Loaded>> IDLE = new ConcurrentHashMap<>();

  private DetectorPool() {}

  /**
   * An idle detector for {@code spec}, built when none is; the backend gets {@code threads} unless
   * the options name a count.
   */
  static Loaded borrow(ModelSpec spec, int threads) {
    Deque<Loaded> idle = IDLE.computeIfAbsent(spec.key(), k -> new ArrayDeque<>());
    synchronized (idle) {
      if (!idle.isEmpty()) {
        return idle.pop();
      }
    }
    return build(spec, threads);
  }

  static void giveBack(ModelSpec spec, Loaded loaded) {
    Deque<Loaded> idle = IDLE.get(spec.key());
    synchronized (idle) {
      idle.push(loaded);
    }
  }

  private static Loaded build(ModelSpec spec, int threads) {
    // The driver's options; without a thread count the backend takes spark.task.cpus.
    RuntimeOptions options =
        spec.options().threads() > 0 ? spec.options() : spec.options().withThreads(threads);
    ResolvedConfig cfg = new ConfigLoader().load(configFile(spec), java.util.List.of());
    // An executor has no command line: it builds its injector from the shipped options, once per
    // JVM (DetkitInjector.shared), and takes the registry and backend from it.
    Injector injector = DetkitInjector.shared(options);
    BuildContext ctx =
        new BuildContext(
            injector.getInstance(Registry.class),
            injector.getInstance(Backends.class).get(spec.backend()),
            options);
    Pipeline pipeline =
        Pipeline.build(
            cfg.at("test_dataloader.dataset.pipeline"), "test_dataloader.dataset.pipeline", ctx);
    Detector det =
        ModelLoader.detector(
            cfg,
            ctx,
            spec.checkpoint() == null ? null : Path.of(spec.checkpoint()),
            new PrintWriter(System.err, true));
    return new Loaded(det, pipeline);
  }

  /** The resolved config written where this JVM can load it (once per model). */
  private static Path configFile(ModelSpec spec) {
    try {
      Path f =
          Path.of(System.getProperty("java.io.tmpdir"), "detkit-spark-" + spec.key() + ".json");
      if (!Files.isRegularFile(f)) {
        Path tmp = Files.createTempFile(f.getParent(), "detkit-spark-", ".partial");
        Files.writeString(tmp, spec.configJson());
        Files.move(
            tmp,
            f,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
