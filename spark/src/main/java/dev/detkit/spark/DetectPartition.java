package dev.detkit.spark;

import dev.detkit.api.structures.DetSample;
import dev.detkit.api.structures.Detections;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.util.LongAccumulator;

/**
 * The executor side of a job: a partition's batches through the test pipeline and the detector. An
 * image that fails to load is answered with its error and left out of its batch; the others go on
 * (as {@code ./detkit test}'s data loader does).
 */
final class DetectPartition implements FlatMapFunction<Iterator<List<ImageTask>>, ImageDetections> {
  private static final long serialVersionUID = 1L;

  private final ModelSpec spec;
  private final LongAccumulator imagesDone;

  /** {@code imagesDone} counts every answered image (the driver's progress reads it). */
  DetectPartition(ModelSpec spec, LongAccumulator imagesDone) {
    this.spec = spec;
    this.imagesDone = imagesDone;
  }

  @Override
  public Iterator<ImageDetections> call(Iterator<List<ImageTask>> batches) {
    TaskContext task = TaskContext.get();
    DetectorPool.Loaded model = DetectorPool.borrow(spec, task == null ? 1 : task.cpus());
    List<ImageDetections> out = new ArrayList<>();
    try {
      while (batches.hasNext()) {
        List<ImageTask> loaded = new ArrayList<>();
        List<DetSample> samples = new ArrayList<>();
        for (ImageTask t : batches.next()) {
          try {
            samples.add(model.pipeline().load(t.path(), t.imgId()));
            loaded.add(t);
          } catch (RuntimeException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            out.add(
                ImageDetections.failed(t, msg.contains(t.path()) ? msg : t.path() + ": " + msg));
            imagesDone.add(1);
          }
        }
        if (!samples.isEmpty()) {
          List<Detections> dets = model.detector().predict(samples);
          for (int k = 0; k < samples.size(); k++) {
            out.add(ImageDetections.of(loaded.get(k), samples.get(k).meta(), dets.get(k)));
          }
          imagesDone.add(samples.size());
        }
      }
    } finally {
      DetectorPool.giveBack(spec, model);
    }
    return out.iterator();
  }
}
