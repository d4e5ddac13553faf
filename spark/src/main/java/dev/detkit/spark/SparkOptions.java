package dev.detkit.spark;

import dev.detkit.api.config.ConfigLoader;
import dev.detkit.api.config.ResolvedConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Options of the {@code spark} commands that run a detector: the model (as {@code ./detkit test}'s)
 * and the cluster.
 */
class SparkOptions extends ClusterOptions {
  @Parameters(index = "0", paramLabel = "CONFIG", description = "Config file.")
  Path config;

  @Option(names = "--cfg-options", arity = "1..*", paramLabel = "KEY=VALUE")
  List<String> cfgOptions = new ArrayList<>();

  @Option(
      names = "--checkpoint",
      paramLabel = "FILE",
      description =
          "Checkpoint, at a path the executors can read (default: the config's load_from).")
  Path checkpoint;

  @Option(names = "--backend", defaultValue = "djl", description = "djl (default) or nd4j.")
  String backend;

  @Option(
      names = "--partitions",
      defaultValue = "0",
      paramLabel = "N",
      description = "Partitions of the image list (default: 4 per core of the cluster).")
  int partitions;

  ResolvedConfig loadConfig() {
    return new ConfigLoader().load(config, cfgOptions);
  }
}
