package dev.detkit.data;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import java.util.Map;

/**
 * mmdet's {@code LoadAnnotations}: copies the dataset's boxes ({@code [x1, y1, x2, y2]}), labels
 * and crowd flags (mmdet's {@code ignore_flag}) into the results; at inference on bare images there
 * are none and this step does nothing (as mmdet's inferencer drops it).
 */
@Component(
    kind = ComponentKind.TRANSFORM,
    name = "LoadAnnotations",
    summary = "ground-truth boxes (provided by the dataset)")
public final class LoadAnnotations implements Transform {

  /**
   * mmdet's arguments; only boxes are supported.
   *
   * @param withBbox whether to load the boxes; detkit always loads the dataset's boxes and ignores
   *     it
   * @param withLabel whether to load the labels; detkit always loads them and ignores it
   * @param withMask whether to load instance masks; only false, detkit refuses true
   * @param withSeg whether to load the semantic segmentation map; only false, detkit refuses true
   * @param poly2mask whether to convert polygon masks to bitmaps; no effect without masks
   * @param boxType box type (hbox); detkit has plain [x1, y1, x2, y2] boxes and ignores it
   * @param resetId whether to reset instance ids (panoptic); ignored, detkit loads no instance ids
   * @param backendArgs arguments of the file backend; detkit reads local files only and ignores
   *     them
   */
  public record Args(
      @Default("true") boolean withBbox,
      @Default("true") boolean withLabel,
      @Default("false") boolean withMask,
      @Default("false") boolean withSeg,
      @Default("false") boolean poly2mask,
      @Default("null") String boxType,
      @Default("false") boolean resetId,
      @Default("null") Map<String, Object> backendArgs) {
    public Args {
      if (withMask || withSeg) {
        throw new IllegalArgumentException("with_mask and with_seg are not supported");
      }
    }
  }

  public LoadAnnotations(Args args) {}

  @Override
  public Results apply(Results r) {
    if (r.annotations != null) {
      r.gtBboxes = r.annotations.boxes().clone();
      r.gtLabels = r.annotations.labels().clone();
      r.gtIgnore = r.annotations.crowd().clone();
    }
    return r;
  }
}
