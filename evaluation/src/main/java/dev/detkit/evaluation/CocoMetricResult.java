package dev.detkit.evaluation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What mmdet's {@code CocoMetric(metric='bbox')} reports for an evaluation: the {@code bbox_mAP,
 * bbox_mAP_50, bbox_mAP_75, bbox_mAP_s, bbox_mAP_m, bbox_mAP_l} values (stats 0-5 rounded as mmdet
 * rounds them: numpy's {@code round(x, 3)}), the {@code bbox_mAP_copypaste} line ({@code '{:.3f}'}
 * of stats 0-5), and with {@code classwise} the per-category table and the {@code <name>_precision}
 * values; plus pycocotools' summary (all 12 stats at float64 and the printed lines). {@link
 * #toText()} and {@link #toJson()} render it for a command line.
 */
public final class CocoMetricResult {
  /** mmdet's names of stats 0-5, in order. */
  public static final List<String> METRIC_ITEMS =
      List.of("mAP", "mAP_50", "mAP_75", "mAP_s", "mAP_m", "mAP_l");

  private static final List<String> TABLE_HEADERS =
      List.of("category", "mAP", "mAP_50", "mAP_75", "mAP_s", "mAP_m", "mAP_l");

  private final CocoEvaluation evaluation;
  private final CocoSummary summary;
  private final List<ClasswiseRow> classwise;
  private final Map<String, Double> metrics;

  private CocoMetricResult(CocoEvaluation evaluation, boolean classwise) {
    this.evaluation = evaluation;
    this.summary = evaluation.summarize();
    this.classwise = classwise ? computeClasswise(evaluation) : null;
    Map<String, Double> m = new LinkedHashMap<>();
    if (this.classwise != null) {
      for (ClasswiseRow row : this.classwise) {
        m.put(row.name() + "_precision", NumpyMath.npRound3(row.mAP()));
      }
    }
    for (int i = 0; i < METRIC_ITEMS.size(); i++) {
      m.put("bbox_" + METRIC_ITEMS.get(i), NumpyMath.npRound3(summary.stat(i)));
    }
    this.metrics = Collections.unmodifiableMap(m);
  }

  /** mmdet's report of an evaluation; {@code classwise} adds the per-category table. */
  public static CocoMetricResult of(CocoEvaluation evaluation, boolean classwise) {
    return new CocoMetricResult(evaluation, classwise);
  }

  public CocoEvaluation evaluation() {
    return evaluation;
  }

  /** pycocotools' summary: the 12 stats (float64) and printed lines. */
  public CocoSummary summary() {
    return summary;
  }

  /** The 12 stats at full float64 precision. */
  public double[] stats() {
    return summary.stats();
  }

  /**
   * mmdet's {@code eval_results} in its order: with classwise, {@code <name>_precision} per
   * category first (NaN for a category without gt), then {@code bbox_mAP} ... {@code bbox_mAP_l};
   * all rounded with numpy's {@code round(x, 3)}.
   */
  public Map<String, Double> metrics() {
    return metrics;
  }

  /** Whether the classwise table was computed. */
  public boolean hasClasswise() {
    return classwise != null;
  }

  /** The classwise rows at full precision (empty when not requested). */
  public List<ClasswiseRow> classwise() {
    return classwise == null ? List.of() : classwise;
  }

  /** {@code "0.292 0.493 0.296 0.286 0.324 0.389"}: stats 0-5 as {@code '{:.3f}'}. */
  public String copypaste() {
    List<String> parts = new ArrayList<>(6);
    for (int i = 0; i < 6; i++) {
      parts.add(NumpyMath.formatFixed(summary.stat(i), 3));
    }
    return String.join(" ", parts);
  }

  /** The line mmdet logs: {@code "bbox_mAP_copypaste: 0.292 0.493 ..."}. */
  public String copypasteLine() {
    return "bbox_mAP_copypaste: " + copypaste();
  }

  /**
   * mmdet's classwise table as terminaltables' {@code AsciiTable} draws it; cells are {@code
   * f'{round(ap, 3)}'} ("0.27", "nan"). Empty when classwise was not requested.
   */
  public String classwiseTable() {
    if (classwise == null) {
      return "";
    }
    List<List<String>> rows = new ArrayList<>();
    rows.add(TABLE_HEADERS);
    for (ClasswiseRow row : classwise) {
      List<String> cells = new ArrayList<>(7);
      cells.add(row.name());
      for (double v : row.values()) {
        cells.add(NumpyMath.reprRounded3(NumpyMath.npRound3(v)));
      }
      rows.add(cells);
    }
    return asciiTable(rows);
  }

  /**
   * The text report: pycocotools' 12 summary lines, the classwise table (when requested), mmdet's
   * rounded metrics and the copypaste line.
   */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append(summary.text()).append('\n');
    if (classwise != null) {
      sb.append(classwiseTable()).append('\n');
    }
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < METRIC_ITEMS.size(); i++) {
      String key = "bbox_" + METRIC_ITEMS.get(i);
      parts.add(key + ": " + NumpyMath.reprRounded3(metrics.get(key)));
    }
    sb.append(String.join("  ", parts)).append('\n');
    sb.append(copypasteLine()).append('\n');
    return sb.toString();
  }

  /**
   * The JSON report: {@code max_dets}, {@code stats} (12 float64 values), {@code stat_names},
   * {@code summary} (the printed lines), {@code metrics} (mmdet's rounded values), {@code
   * copypaste}, and with classwise a {@code classwise} array of unrounded rows. NaN is written as
   * null.
   */
  public String toJson() {
    StringWriter out = new StringWriter();
    // laid out as Python's json.dumps(indent=2): one value a line, "key": value
    DefaultPrettyPrinter pretty =
        new DefaultPrettyPrinter(
                Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
    try (JsonGenerator w = new JsonFactory().createGenerator(out).setPrettyPrinter(pretty)) {
      w.writeStartObject();
      w.writeArrayFieldStart("max_dets");
      for (int m : evaluation.params().maxDets()) {
        w.writeNumber(m);
      }
      w.writeEndArray();
      w.writeArrayFieldStart("stats");
      for (double s : summary.stats()) {
        number(w, s);
      }
      w.writeEndArray();
      w.writeArrayFieldStart("stat_names");
      for (String n : summary.names()) {
        w.writeString(n);
      }
      w.writeEndArray();
      w.writeArrayFieldStart("summary");
      for (String line : summary.lines()) {
        w.writeString(line);
      }
      w.writeEndArray();
      w.writeObjectFieldStart("metrics");
      for (Map.Entry<String, Double> e : metrics.entrySet()) {
        w.writeFieldName(e.getKey());
        number(w, e.getValue());
      }
      w.writeEndObject();
      w.writeStringField("copypaste", copypaste());
      if (classwise != null) {
        w.writeArrayFieldStart("classwise");
        for (ClasswiseRow row : classwise) {
          w.writeStartObject();
          w.writeNumberField("category_id", row.categoryId());
          w.writeStringField("name", row.name());
          double[] v = row.values();
          for (int i = 0; i < v.length; i++) {
            w.writeFieldName(METRIC_ITEMS.get(i));
            number(w, v[i]);
          }
          w.writeEndObject();
        }
        w.writeEndArray();
      }
      w.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString() + "\n";
  }

  private static void number(JsonGenerator w, double v) throws IOException {
    if (Double.isFinite(v)) {
      w.writeNumber(v);
    } else {
      w.writeNull();
    }
  }

  private static List<ClasswiseRow> computeClasswise(CocoEvaluation eval) {
    int[] s = eval.precisionShape();
    int nT = s[0];
    int nR = s[1];
    int nK = s[2];
    int nA = s[3];
    int nM = s[4];
    if (!eval.params().useCats()) {
      throw new IllegalStateException("classwise results need useCats=true");
    }
    if (nT < 6 || nA < 4) {
      throw new IllegalStateException(
          "mmdet's classwise table reads IoU index 5 and area index 3; params have "
              + nT
              + " IoU thresholds and "
              + nA
              + " area ranges");
    }
    double[] precision = eval.precision();
    long[] catIds = eval.categoryIds();
    CocoGroundTruth gt = eval.groundTruth();
    List<ClasswiseRow> rows = new ArrayList<>(nK);
    double[] buf = new double[nT * nR];
    int m = nM - 1;
    for (int k = 0; k < nK; k++) {
      double all = meanOver(precision, buf, 0, nT, nR, nK, nA, nM, k, 0, m);
      double ap50 = meanOver(precision, buf, 0, 1, nR, nK, nA, nM, k, 0, m);
      double ap75 = meanOver(precision, buf, 5, 6, nR, nK, nA, nM, k, 0, m);
      double small = meanOver(precision, buf, 0, nT, nR, nK, nA, nM, k, 1, m);
      double medium = meanOver(precision, buf, 0, nT, nR, nK, nA, nM, k, 2, m);
      double large = meanOver(precision, buf, 0, nT, nR, nK, nA, nM, k, 3, m);
      rows.add(
          new ClasswiseRow(
              catIds[k], gt.categoryName(catIds[k]), all, ap50, ap75, small, medium, large));
    }
    return List.copyOf(rows);
  }

  /** np.mean of precision[t0:t1, :, k, a, m] over cells > -1, NaN when none. */
  private static double meanOver(
      double[] p,
      double[] buf,
      int t0,
      int t1,
      int nR,
      int nK,
      int nA,
      int nM,
      int k,
      int a,
      int m) {
    int n = 0;
    for (int t = t0; t < t1; t++) {
      for (int r = 0; r < nR; r++) {
        double v = p[(((t * nR + r) * nK + k) * nA + a) * nM + m];
        if (v > -1) {
          buf[n++] = v;
        }
      }
    }
    return n == 0 ? Double.NaN : NumpyMath.mean(buf, n);
  }

  /** terminaltables' AsciiTable: a border line, the heading, a border line, the rows, a border. */
  static String asciiTable(List<List<String>> rows) {
    int cols = rows.get(0).size();
    int[] width = new int[cols];
    for (List<String> row : rows) {
      for (int c = 0; c < cols; c++) {
        width[c] = Math.max(width[c], row.get(c).length());
      }
    }
    StringBuilder border = new StringBuilder("+");
    for (int c = 0; c < cols; c++) {
      border.append("-".repeat(width[c] + 2)).append('+');
    }
    StringBuilder sb = new StringBuilder();
    sb.append(border).append('\n');
    for (int i = 0; i < rows.size(); i++) {
      sb.append('|');
      for (int c = 0; c < cols; c++) {
        String cell = rows.get(i).get(c);
        sb.append(' ').append(cell).append(" ".repeat(width[c] - cell.length())).append(" |");
      }
      sb.append('\n');
      if (i == 0) {
        sb.append(border).append('\n');
      }
    }
    sb.append(border);
    return sb.toString();
  }
}
