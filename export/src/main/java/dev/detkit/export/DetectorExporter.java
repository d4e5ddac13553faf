package dev.detkit.export;

import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.detectors.SingleStageDetector;
import dev.detkit.heads.HeadOutputs;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Exports a single-stage detector's network, from the data preprocessor's normalised input ({@code
 * inputs}, NCHW float32) to the head's raw per-level outputs ({@code cls_scores.{l}}, {@code
 * bbox_preds.{l}}, {@code centernesses.{l}} where the head has them), by running its forward pass
 * once on a {@link RecordingBackend}. The detector must have been built on that backend; any head
 * implementing {@code DenseHead} exports without code of its own.
 */
public final class DetectorExporter {
  /** The opset written by default (PyTorch 2.x's exporter default). */
  public static final int DEFAULT_OPSET = 17;

  /**
   * Identifies the exporter's build, for caches of exported files: the jar (or class folder) this
   * class was loaded from, with its size and modification time, so a rebuilt exporter (a SNAPSHOT
   * whose version string does not change) never serves a graph written by an older one.
   */
  public static String buildId() {
    try {
      Path p =
          Path.of(
              DetectorExporter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // In a class folder Maven recompiles the whole module on any change, so one class dates it.
      Path f = Files.isDirectory(p) ? p.resolve("dev/detkit/export/RecordingKernels.class") : p;
      return p + ":" + Files.size(f) + ":" + Files.getLastModifiedTime(f).toMillis();
    } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
      // No readable code source (an unusual class loader): the version string alone keys the cache.
      return "unknown";
    }
  }

  /** The oldest and newest opsets the recorded ops are written for. */
  public static final int MIN_OPSET = 13;

  public static final int MAX_OPSET = 21;

  /** The graph input's name. */
  public static final String INPUT = "inputs";

  private DetectorExporter() {}

  /**
   * The recorded network, plus the outputs the recording run computed for its seeded input (the
   * exported graph reproduces them).
   */
  public record Recorded(
      OnnxGraph graph, float[] input, int[] inputShape, Map<String, float[]> outputs) {}

  /** Runs the network once at {@code batch x 3 x h x w} and records it. */
  public static Recorded record(
      SingleStageDetector det, RecordingBackend rb, int batch, int h, int w) {
    det.eval();
    float[] x = new float[batch * 3 * h * w];
    Random rnd = new Random(0);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    Map<String, float[]> outs = new LinkedHashMap<>();
    try (TensorScope scope = TensorScope.open();
        var noGrad = rb.noGradients()) {
      Tensor in = rb.input(INPUT, x, batch, 3, h, w);
      HeadOutputs out = det.forward(in);
      for (Map.Entry<String, Tensor> e : out.flat().entrySet()) {
        rb.output(e.getKey(), e.getValue());
        outs.put(e.getKey(), rb.computed(e.getValue()));
      }
    }
    GraphOptimizer.run(rb.graph());
    return new Recorded(rb.graph(), x, new int[] {batch, 3, h, w}, outs);
  }

  /**
   * Folds batch norms into their convolutions and drops what no output needs; for graphs recorded
   * without {@link #record} (which does it).
   */
  public static void optimize(OnnxGraph graph) {
    GraphOptimizer.run(graph);
  }

  /** Writes the graph as {@code out} (through a temporary file, so a failed write leaves none). */
  public static long write(
      OnnxGraph graph, int opset, String producerVersion, Map<String, String> metadata, Path out)
      throws IOException {
    if (opset < MIN_OPSET || opset > MAX_OPSET) {
      throw new IllegalArgumentException(
          "--opset: expected " + MIN_OPSET + ".." + MAX_OPSET + ", got " + opset);
    }
    Path dir = out.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, out.getFileName().toString(), ".part");
    try {
      try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
        OnnxWriter.write(graph, opset, producerVersion, metadata, os);
      }
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return Files.size(out);
  }
}
