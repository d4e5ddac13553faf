package dev.detkit.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.inject.Inject;
import dev.detkit.api.runtime.RuntimeOptions;
import dev.detkit.api.util.Json;
import dev.detkit.engine.Progress;
import dev.detkit.tools.suite.SlurmScripts;
import dev.detkit.tools.suite.SuiteCell;
import dev.detkit.tools.suite.SuiteManifest;
import dev.detkit.tools.suite.SuitePlots;
import dev.detkit.tools.suite.SuiteReport;
import dev.detkit.tools.suite.SuiteRow;
import dev.detkit.tools.suite.SuiteShard;
import dev.detkit.tools.suite.SuiteSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./detkit suite FILE --out DIR}: runs every cell of a comparative grid, each as {@code
 * detkit benchmark --shape H W --flops --format json} in a fresh JVM (one cell's memory never leaks
 * into the next), then writes {@code results.csv}, {@code results.md} and two PNG plots. Finished
 * cells are kept under {@code DIR/cells/}; a rerun skips them (resume). Across machines: {@code
 * --shard I/N} or {@code --cell ID} run a share of the grid into a shared {@code DIR}, {@code
 * --report-only DIR} then rebuilds the report from the published cells, and {@code --launcher
 * slurm} writes the whole thing as a Slurm job array plus a dependent report job.
 */
@Command(
    name = "suite",
    description =
        "Run a comparative benchmark grid (configs x backends x sizes x dtypes), resumable.")
final class SuiteCommand implements Callable<Integer> {
  @Inject RuntimeOptions runtime;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "SUITE.yaml")
  Path suiteFile;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Folder for the cells' records, results.csv, results.md and the plots; an existing one"
              + " is resumed.")
  Path outDir;

  @Option(names = "--rerun", description = "Measure every cell again, ignoring earlier results.")
  boolean rerun;

  @Option(
      names = "--shard",
      paramLabel = "I/N",
      description =
          "Run only shard I of N (1-based; cell k of the grid goes to shard k mod N + 1); no report.")
  String shard;

  @Option(names = "--cell", paramLabel = "ID", description = "Run only this cell; no report.")
  String cellId;

  @Option(
      names = "--list",
      description =
          "Print the ids of the cells this run would measure, one per line; measure none.")
  boolean list;

  @Option(
      names = "--report-only",
      paramLabel = "DIR",
      description = "Rebuild results.csv, results.md and the plots from DIR's published cells.")
  Path reportOnly;

  @Option(
      names = "--launcher",
      defaultValue = "local",
      paramLabel = "local|slurm",
      description =
          "local (default): measure the cells here, one after another; slurm: write DIR/slurm/"
              + " (a job array, one exclusive task per cell, and a dependent report job).")
  String launcher;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    if (reportOnly != null) {
      if (suiteFile != null) {
        throw new UserError(
            "--report-only DIR takes no SUITE.yaml (DIR/suite.json names the grid)");
      }
      return report(SuiteManifest.read(reportOnly), reportOnly, null);
    }
    if (suiteFile == null) {
      throw new UserError("missing SUITE.yaml (or --report-only DIR)");
    }
    if (!launcher.equals("local") && !launcher.equals("slurm")) {
      throw new UserError("--launcher: expected local or slurm, got '" + launcher + "'");
    }
    SuiteSpec suite = SuiteSpec.load(suiteFile);
    for (Path c : suite.configs()) {
      if (!Files.isRegularFile(c)) {
        throw new UserError(suiteFile + ": configs: file not found: " + c);
      }
    }
    List<SuiteCell> grid = suite.cells();
    List<SuiteCell> selected = selection(grid);
    if (list) {
      PrintWriter out = spec.commandLine().getOut();
      selected.forEach(c -> out.println(c.id()));
      out.flush();
      return 0;
    }
    if (outDir == null) {
      throw new UserError("missing --out DIR");
    }
    Path cells = Files.createDirectories(outDir.resolve("cells"));
    SuiteManifest manifest = new SuiteManifest(suite.name(), grid);
    manifest.write(outDir);
    if (launcher.equals("slurm")) {
      Path dir =
          SlurmScripts.write(
              suite.name(), suiteFile, outDir, selected, childJvm(), slurmEnvironment());
      err.printf(
          "wrote %s (%d array task(s)) and %s; submit with: bash %s%n",
          dir.resolve("cells.sbatch"),
          selected.size(),
          dir.resolve("report.sbatch"),
          dir.resolve("submit.sh"));
      return 0;
    }
    List<String> failed = new ArrayList<>();
    int reused = 0;
    int measured = 0;
    int repeats = suite.repeats();
    Progress progress = new Progress(err, "suite", selected.size() * repeats, runtime);
    // Round-robin: every cell once per round, so a slow spell of the machine spreads over all.
    for (int round = 1; round <= repeats; round++) {
      for (SuiteCell cell : selected) {
        Path json = cells.resolve(cell.id() + (repeats > 1 ? ".rep" + round : "") + ".json");
        ObjectNode rec = rerun ? null : readRecord(json);
        if (rec != null) {
          reused++;
        } else if (!failed.contains(cell.id())) {
          rec = measure(suite, cell, json, cells.resolve(cell.id() + ".log"));
          if (rec == null) {
            failed.add(cell.id());
          } else {
            measured++;
          }
        }
        progress.step();
      }
    }
    progress.done();
    if (repeats > 1) {
      for (SuiteCell cell : selected) {
        if (!failed.contains(cell.id())) {
          summariseRepeats(cells, cell, repeats);
        }
      }
    }
    String counts =
        String.format(
            "%d cell(s)%s: %d measured, %d from earlier runs, %d failed",
            selected.size(),
            repeats > 1 ? " x " + repeats + " runs" : "",
            measured,
            reused,
            failed.size());
    if (selected.size() == grid.size()) {
      return report(manifest, outDir, counts);
    }
    err.printf(
        "%s (%s); once every share is done: ./detkit suite --report-only %s%n",
        counts, cellId != null ? "cell " + cellId : "shard " + shard, outDir);
    if (!failed.isEmpty()) {
      err.println("failed (see their .log under " + cells + "): " + String.join(", ", failed));
      return 1;
    }
    return 0;
  }

  /** The cells of {@code --shard} and {@code --cell} (every cell without them). */
  private List<SuiteCell> selection(List<SuiteCell> grid) {
    List<SuiteCell> selected;
    try {
      selected = shard == null ? grid : SuiteShard.parse(shard).select(grid);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    if (cellId == null) {
      return selected;
    }
    for (SuiteCell c : selected) {
      if (c.id().equals(cellId)) {
        return List.of(c);
      }
    }
    throw new UserError(
        "--cell: "
            + suiteFile
            + (shard != null ? " (shard " + shard + ")" : "")
            + " has no cell '"
            + cellId
            + "'; its cells: "
            + String.join(", ", selected.stream().map(SuiteCell::id).toList()));
  }

  /**
   * Writes the report from the published cells of {@code dir}, in the grid's order; 1 when a cell
   * has no record (failed or not yet run), which the message names.
   */
  private int report(SuiteManifest manifest, Path dir, String counts) throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    Path cells = dir.resolve("cells");
    List<SuiteRow> rows = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (SuiteCell cell : manifest.cells()) {
      ObjectNode rec = readRecord(cells.resolve(cell.id() + ".json"));
      if (rec == null) {
        missing.add(cell.id());
      } else {
        rows.add(SuiteRow.of(cell, rec));
      }
    }
    Path csv = dir.resolve("results.csv");
    Path md = dir.resolve("results.md");
    SuiteReport.writeCsv(rows, csv);
    SuiteReport.writeMarkdown(manifest.name(), rows, md);
    SuitePlots.fpsVsFlops(manifest.name(), rows, dir.resolve("fps_vs_flops.png"));
    SuitePlots.memoryByArch(manifest.name(), rows, dir.resolve("memory_by_arch.png"));
    PrintWriter out = spec.commandLine().getOut();
    out.print(Files.readString(md));
    out.flush();
    err.printf(
        "%s; wrote %s, %s and plots%n",
        counts != null
            ? counts
            : String.format(
                "report of %d cell(s): %d published, %d missing",
                manifest.cells().size(), rows.size(), missing.size()),
        csv,
        md);
    if (!missing.isEmpty()) {
      err.println(
          (counts != null ? "failed" : "missing")
              + " (see their .log under "
              + cells
              + "): "
              + String.join(", ", missing));
      return 1;
    }
    return 0;
  }

  /** The libtorch environment of this process (tools/native-env.sh), for the Slurm jobs. */
  private static Map<String, String> slurmEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String k : SlurmScripts.ENV) {
      if (System.getenv(k) != null) {
        env.put(k, System.getenv(k));
      }
    }
    return env;
  }

  /**
   * The cell's published record from its repeated runs: the run with the median fps, with {@code
   * fps} the median and {@code repeats} holding every run's fps and the spread.
   */
  static void summariseRepeats(Path cells, SuiteCell cell, int repeats) throws IOException {
    List<ObjectNode> runs = new ArrayList<>();
    for (int r = 1; r <= repeats; r++) {
      runs.add(readRecord(cells.resolve(cell.id() + ".rep" + r + ".json")));
    }
    runs.sort(java.util.Comparator.comparingDouble(o -> o.get("fps").asDouble()));
    double[] fps = runs.stream().mapToDouble(o -> o.get("fps").asDouble()).toArray();
    int n = fps.length;
    double median = n % 2 == 1 ? fps[n / 2] : (fps[n / 2 - 1] + fps[n / 2]) / 2;
    ObjectNode rec = runs.get((n - 1) / 2).deepCopy();
    rec.put("fps", median);
    ObjectNode rep = rec.putObject("repeats");
    rep.put("count", n);
    var all = rep.putArray("fps");
    for (double f : fps) {
      all.add(f);
    }
    rep.put("fps_min", fps[0]);
    rep.put("fps_max", fps[n - 1]);
    Path json = cells.resolve(cell.id() + ".json");
    Path tmp = json.resolveSibling(json.getFileName() + ".partial");
    Files.writeString(tmp, Json.compact(rec));
    Files.move(tmp, json, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Runs one cell in a fresh JVM; the record is published atomically only when it succeeded. */
  private static ObjectNode measure(SuiteSpec suite, SuiteCell cell, Path json, Path log)
      throws IOException, InterruptedException {
    Path partial = json.resolveSibling(json.getFileName() + ".partial");
    List<String> cmd = childJvm();
    cmd.addAll(
        List.of(
            "benchmark",
            cell.config().toString(),
            "--backend",
            cell.backend(),
            "--shape",
            String.valueOf(cell.height()),
            String.valueOf(cell.width()),
            "--num-images",
            String.valueOf(suite.numImages()),
            "--warmup",
            String.valueOf(suite.warmup()),
            "--dtype",
            cell.dtype(),
            "--format",
            "json"));
    if (suite.peak()) {
      cmd.add("--peak");
    }
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(partial.toFile())
            .redirectError(log.toFile())
            .start();
    int code = p.waitFor();
    ObjectNode rec = code == 0 ? readRecord(partial) : null;
    if (rec == null) {
      return null;
    }
    Path ckpt = suite.checkpoint(cell.config());
    if (ckpt != null) {
      Double ap = boxAp(suite, cell, ckpt, json.resolveSibling(cell.id() + ".bbox.json"), log);
      if (ap == null) {
        return null;
      }
      rec.put("bbox_mAP", ap);
      Files.writeString(partial, Json.compact(rec));
    }
    Files.move(partial, json, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return rec;
  }

  /** {@code ./detkit test} of the cell's config and checkpoint in a fresh JVM; its bbox_mAP. */
  private static Double boxAp(SuiteSpec suite, SuiteCell cell, Path ckpt, Path results, Path log)
      throws IOException, InterruptedException {
    List<String> cmd = childJvm();
    cmd.addAll(
        List.of(
            "test",
            cell.config().toString(),
            "--checkpoint",
            ckpt.toString(),
            "--backend",
            cell.backend(),
            "--dtype",
            cell.dtype(),
            "--out",
            results.toString()));
    if (!suite.testCfgOptions().isEmpty()) {
      cmd.add("--cfg-options");
      cmd.addAll(suite.testCfgOptions());
    }
    Path out = results.resolveSibling(cell.id() + ".test.txt");
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    if (p.waitFor() != 0) {
      return null;
    }
    for (String line : Files.readAllLines(out)) {
      if (line.startsWith("bbox_mAP_copypaste:")) {
        return Double.parseDouble(
            line.substring("bbox_mAP_copypaste:".length()).trim().split(" ")[0]);
      }
    }
    return null;
  }

  /** This JVM's java, class path, heap limit and detkit/DJL/JavaCPP properties. */
  private static List<String> childJvm() {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // Heap and GC settings too: a cell's memory figures must be those of the launcher's JVM.
      if (a.startsWith("-Xm") || a.startsWith("-Xss") || a.startsWith("-XX:")) {
        cmd.add(a);
      }
    }
    for (String k : System.getProperties().stringPropertyNames()) {
      if (k.startsWith("detkit.")
          || k.startsWith("ai.djl.")
          || k.startsWith("javacpp.")
          || k.startsWith("org.slf4j.")) {
        cmd.add("-D" + k + "=" + System.getProperty(k));
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), DetkitCli.class.getName()));
    return cmd;
  }

  /** A finished cell's record, or null when absent or unreadable (then the cell runs again). */
  private static ObjectNode readRecord(Path json) throws IOException {
    if (!Files.isRegularFile(json)) {
      return null;
    }
    try {
      JsonNode n = Json.tree(Files.readString(json));
      return n instanceof ObjectNode o && o.has("fps") && o.has("params") && o.has("memory_mb")
          ? o
          : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
