package dev.detkit.engine.hooks;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.structures.DetSample;
import dev.detkit.api.structures.Detections;
import dev.detkit.data.DetectionPainter;
import dev.detkit.engine.Runner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * mmdet's {@code DetVisualizationHook}: with {@code draw: true}, every {@code interval}-th
 * validation image is drawn with its detections above {@code score_thr} to {@code
 * WORK_DIR/vis_data/epoch_N/}. Off by default, as in mmdet.
 */
@Component(
    kind = ComponentKind.HOOK,
    name = "DetVisualizationHook",
    summary = "draw validation detections (draw: true)")
public final class DetVisualizationHook implements Hook {

  /**
   * mmdet's arguments.
   *
   * @param draw whether to draw prediction results; off by default (the hook then does nothing)
   * @param interval the interval of visualisation, in validation images; at least 1
   * @param scoreThr the threshold to visualise boxes with
   * @param show whether to display the drawn image; only false (no display), detkit refuses true
   * @param waitTime the display time in seconds; ignored, since show must be false
   * @param testOutDir directory for the test-time drawings; detkit draws under the work directory
   *     and ignores it
   * @param backendArgs arguments of the file backend; detkit reads local files only and ignores
   *     them
   */
  public record Args(
      @Default("false") boolean draw,
      @Default("50") int interval,
      @Default("0.3") double scoreThr,
      @Default("false") boolean show,
      @Default("0.0") double waitTime,
      @Default("null") String testOutDir,
      @Default("null") Map<String, Object> backendArgs) {
    public Args {
      if (interval < 1) {
        throw new IllegalArgumentException("interval must be at least 1");
      }
      if (show) {
        throw new IllegalArgumentException("show=true needs a display; use draw=true");
      }
    }
  }

  private final Args args;
  private int seen;

  public DetVisualizationHook(Args args) {
    this.args = args;
  }

  @Override
  public boolean recordOnly() {
    return true;
  }

  @Override
  public void afterValIter(Runner runner, DetSample sample, Detections detections) {
    if (!args.draw() || seen++ % args.interval() != 0) {
      return;
    }
    Path dir = runner.workDir().resolve("vis_data").resolve("epoch_" + runner.epoch());
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path src = Path.of(sample.meta().path());
    String name = src.getFileName().toString().replaceFirst("\\.[^.]*$", "") + ".png";
    DetectionPainter.paint(
        src, detections.withMinScore(args.scoreThr()), runner.classes(), dir.resolve(name));
  }

  @Override
  public void afterVal(Runner runner, Map<String, Double> metrics) {
    seen = 0;
  }
}
