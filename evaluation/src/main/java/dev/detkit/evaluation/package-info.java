/**
 * COCO bbox evaluation that reproduces pycocotools' {@code COCOeval} (2.0.x) bit for bit, and the
 * report of mmdet's {@code CocoMetric}.
 *
 * <ul>
 *   <li>{@link dev.detkit.evaluation.CocoJson} reads annotation and result files ({@link
 *       dev.detkit.evaluation.CocoGroundTruth}, {@link dev.detkit.evaluation.CocoDetections}), with
 *       errors that name the file and the entry.
 *   <li>{@link dev.detkit.evaluation.CocoParams}: thresholds, maxDets, area ranges.
 *   <li>{@link dev.detkit.evaluation.CocoEvaluator} runs {@code evaluate()} + {@code accumulate()}
 *       on every core and gives a {@link dev.detkit.evaluation.CocoEvaluation} (precision, recall,
 *       scores arrays; per-image matching), whose {@code summarize()} gives the 12 stats.
 *   <li>{@link dev.detkit.evaluation.CocoMetricResult}: mmdet's rounded {@code bbox_mAP*} values,
 *       copypaste line and classwise table, as text or JSON; {@link
 *       dev.detkit.evaluation.CocoEval#evaluateFiles} does it all in one call.
 * </ul>
 */
package dev.detkit.evaluation;
