package dev.detkit.tools.suite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a suite as Slurm jobs under {@code DIR/slurm/}: {@code cells.sbatch}, a job array with one
 * task per cell ({@code --exclusive}: a timed cell owns its node, as timings need), each task a
 * fresh JVM running {@code suite --cell ID} with this JVM's settings and libtorch environment;
 * {@code report.sbatch}, which rebuilds the report from the published cells ({@code
 * --report-only}); and {@code submit.sh}, which submits the array and the report job depending on
 * it ({@code afterany}: a failed cell still gets a report that names it).
 */
public final class SlurmScripts {
  /** The environment a cell's JVM needs (set by {@code tools/native-env.sh}). */
  public static final List<String> ENV =
      List.of("GLIBC_TUNABLES", "ATEN_CPU_CAPABILITY", "TORCH_CPP_LOG_LEVEL");

  private SlurmScripts() {}

  /**
   * Writes the three scripts and returns the folder holding them.
   *
   * @param name the suite's name (job names)
   * @param suiteFile the suite file, as the cells' JVMs will read it
   * @param outDir the suite's output folder (shared by every node)
   * @param cells the cells, one array task each
   * @param jvm the command that starts detkit's command line in a fresh JVM
   * @param env environment variables to export in every job
   */
  public static Path write(
      String name,
      Path suiteFile,
      Path outDir,
      List<SuiteCell> cells,
      List<String> jvm,
      Map<String, String> env)
      throws IOException {
    if (cells.isEmpty()) {
      throw new dev.detkit.api.config.ConfigException("--launcher slurm: no cell to run");
    }
    Path dir = Files.createDirectories(outDir.toAbsolutePath().resolve("slurm"));
    String job = "detkit-suite-" + name.replaceAll("[^A-Za-z0-9._-]", "_");
    StringBuilder exports = new StringBuilder();
    env.forEach(
        (k, v) -> exports.append("export ").append(k).append('=').append(q(v)).append('\n'));

    StringBuilder array = new StringBuilder("#!/bin/bash\n");
    array.append("#SBATCH --job-name=").append(job).append('\n');
    array.append("#SBATCH --array=0-").append(cells.size() - 1).append('\n');
    array.append("#SBATCH --exclusive\n");
    array.append("#SBATCH --output=").append(dir.resolve("cell-%A_%a.out")).append('\n');
    array.append(
        "# One task per cell, each in a fresh JVM; --exclusive because a timed cell must\n");
    array.append("# not share cores with another. Finished cells are kept: a resubmit resumes.\n");
    array.append("set -euo pipefail\n").append(exports).append("cells=(\n");
    for (SuiteCell c : cells) {
      array.append("  ").append(q(c.id())).append('\n');
    }
    array.append(")\n");
    List<String> cell = new ArrayList<>(jvm);
    cell.addAll(
        List.of(
            "suite",
            suiteFile.toAbsolutePath().toString(),
            "--out",
            outDir.toAbsolutePath().toString()));
    array.append("exec ").append(join(cell)).append(" --cell \"${cells[$SLURM_ARRAY_TASK_ID]}\"\n");
    Path arrayFile = write(dir.resolve("cells.sbatch"), array.toString());

    List<String> report = new ArrayList<>(jvm);
    report.addAll(List.of("suite", "--report-only", outDir.toAbsolutePath().toString()));
    Path reportFile =
        write(
            dir.resolve("report.sbatch"),
            "#!/bin/bash\n#SBATCH --job-name="
                + job
                + "-report\n#SBATCH --output="
                + dir.resolve("report-%j.out")
                + "\n# Rebuilds results.csv, results.md and the plots from the published cells.\n"
                + "set -euo pipefail\n"
                + exports
                + "exec "
                + join(report)
                + "\n");

    write(
        dir.resolve("submit.sh"),
        "#!/bin/bash\n# Submits the cells as a job array and the report as a job that runs after it.\n"
            + "set -euo pipefail\n"
            + "array=$(sbatch --parsable "
            + q(arrayFile.toString())
            + ")\n"
            + "report=$(sbatch --parsable --dependency=afterany:\"${array%%;*}\" "
            + q(reportFile.toString())
            + ")\n"
            + "echo \"submitted cells as job array ${array%%;*}, report as job ${report%%;*}\"\n");
    return dir;
  }

  private static Path write(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  private static String join(List<String> args) {
    return String.join(" ", args.stream().map(SlurmScripts::q).toList());
  }

  /** Single-quoted for bash. */
  static String q(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
