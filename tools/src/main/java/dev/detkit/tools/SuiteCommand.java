package dev.detkit.tools;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.detkit.engine.Progress;
import dev.detkit.tools.suite.SuiteCell;
import dev.detkit.tools.suite.SuitePlots;
import dev.detkit.tools.suite.SuiteReport;
import dev.detkit.tools.suite.SuiteRow;
import dev.detkit.tools.suite.SuiteSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./detkit suite FILE --out DIR}: runs every cell of a comparative grid, each as {@code
 * detkit benchmark --shape H W --flops --format json} in a fresh JVM (one cell's memory never leaks
 * into the next), then writes {@code results.csv}, {@code results.md} and two PNG plots. Finished
 * cells are kept under {@code DIR/cells/}; a rerun skips them (resume).
 */
@Command(
    name = "suite",
    description = "Run a comparative benchmark grid (configs x backends x sizes), resumable.")
final class SuiteCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SUITE.yaml")
  Path suiteFile;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description =
          "Folder for the cells' records, results.csv, results.md and the plots; an existing one"
              + " is resumed.")
  Path outDir;

  @Option(names = "--rerun", description = "Measure every cell again, ignoring earlier results.")
  boolean rerun;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    SuiteSpec suite = SuiteSpec.load(suiteFile);
    for (Path c : suite.configs()) {
      if (!Files.isRegularFile(c)) {
        throw new UserError(suiteFile + ": configs: file not found: " + c);
      }
    }
    Path cells = Files.createDirectories(outDir.resolve("cells"));
    List<SuiteCell> grid = suite.cells();
    List<SuiteRow> rows = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    int reused = 0;
    Progress progress = new Progress(err, "suite", grid.size());
    for (SuiteCell cell : grid) {
      Path json = cells.resolve(cell.id() + ".json");
      JsonObject rec = rerun ? null : readRecord(json);
      if (rec != null) {
        reused++;
      } else {
        rec = measure(suite, cell, json, cells.resolve(cell.id() + ".log"));
      }
      if (rec == null) {
        failed.add(cell.id());
      } else {
        rows.add(SuiteRow.of(cell, rec));
      }
      progress.step();
    }
    progress.done();
    Path csv = outDir.resolve("results.csv");
    Path md = outDir.resolve("results.md");
    SuiteReport.writeCsv(rows, csv);
    SuiteReport.writeMarkdown(suite.name(), rows, md);
    SuitePlots.fpsVsFlops(suite.name(), rows, outDir.resolve("fps_vs_flops.png"));
    SuitePlots.memoryByArch(suite.name(), rows, outDir.resolve("memory_by_arch.png"));
    PrintWriter out = spec.commandLine().getOut();
    out.print(Files.readString(md));
    err.printf(
        "%d cell(s): %d measured, %d from earlier runs, %d failed; wrote %s, %s and plots%n",
        grid.size(), grid.size() - reused - failed.size(), reused, failed.size(), csv, md);
    if (!failed.isEmpty()) {
      err.println("failed (see their .log under " + cells + "): " + String.join(", ", failed));
      return 1;
    }
    return 0;
  }

  /** Runs one cell in a fresh JVM; the record is published atomically only when it succeeded. */
  private static JsonObject measure(SuiteSpec suite, SuiteCell cell, Path json, Path log)
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
            "--flops",
            "--format",
            "json"));
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(partial.toFile())
            .redirectError(log.toFile())
            .start();
    int code = p.waitFor();
    JsonObject rec = code == 0 ? readRecord(partial) : null;
    if (rec == null) {
      return null;
    }
    Path ckpt = suite.checkpoint(cell.config());
    if (ckpt != null) {
      Double ap = boxAp(suite, cell, ckpt, json.resolveSibling(cell.id() + ".bbox.json"), log);
      if (ap == null) {
        return null;
      }
      rec.addProperty("bbox_mAP", ap);
      Files.writeString(partial, rec.toString());
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
  private static JsonObject readRecord(Path json) throws IOException {
    if (!Files.isRegularFile(json)) {
      return null;
    }
    try {
      JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
      return o.has("fps") && o.has("params") && o.has("memory_mb") ? o : null;
    } catch (JsonParseException | IllegalStateException e) {
      return null;
    }
  }
}
