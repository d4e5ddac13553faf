package dev.detkit.spark;

import com.google.inject.Injector;
import dev.detkit.api.backend.BackendException;
import dev.detkit.api.checkpoint.CheckpointException;
import dev.detkit.api.config.ConfigException;
import dev.detkit.api.registry.DetkitInjector;
import dev.detkit.api.runtime.RuntimeOptions;
import dev.detkit.data.ImageLoadException;
import dev.detkit.tools.GuiceCommandFactory;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./detkit spark ...}: detkit's inference and COCO evaluation on Apache Spark. The {@code
 * ./detkit} launcher starts this entry point (with the spark module's class path) only for {@code
 * spark}, so no other command loads Spark; under {@code spark-submit} it is the jar's main class.
 * Exit codes as {@code ./detkit}'s: 0, 1 unexpected, 2 usage, input or cluster error (one line).
 */
@Command(
    name = "detkit spark",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT,
    description = "Distributed inference, COCO evaluation and training on Apache Spark.",
    subcommands = {
      SparkTestCommand.class,
      SparkInferCommand.class,
      SparkTrainCommand.class,
      CommandLine.HelpCommand.class
    })
public final class SparkCli {
  /** Exit code for usage, config, input and cluster errors. */
  public static final int USAGE_ERROR = 2;

  @CommandLine.Option(
      names = "--debug",
      description = "Print stack traces of errors.",
      scope = CommandLine.ScopeType.INHERIT)
  boolean debug;

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs a spark command and returns the exit code; for tests and embedding. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    boolean debug = Arrays.asList(args).contains("--debug");
    Injector injector;
    try {
      // The driver's edge: system properties and environment, read once; the options travel to the
      // executors inside each task's ModelSpec.
      injector = DetkitInjector.shared(RuntimeOptions.fromSystem());
    } catch (ConfigException e) {
      if (debug) {
        e.printStackTrace(err);
      }
      err.println("error: " + e.getMessage());
      return USAGE_ERROR;
    }
    CommandLine cli = new CommandLine(new SparkCli(), new GuiceCommandFactory(injector));
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (debug) {
            e.printStackTrace(err);
          }
          if (e instanceof SparkUserError
              || e instanceof ConfigException
              || e instanceof BackendException
              || e instanceof CheckpointException
              || e instanceof ImageLoadException
              || e instanceof IllegalArgumentException
              || e instanceof dev.detkit.tools.UserError) {
            err.println("error: " + e.getMessage());
            return USAGE_ERROR;
          }
          err.println("error: " + (e.getMessage() == null ? e : e.getMessage()));
          return 1;
        });
    cli.setParameterExceptionHandler(
        (e, a) -> {
          err.println("error: " + e.getMessage());
          err.println("(run 'detkit spark --help' for usage)");
          return USAGE_ERROR;
        });
    return cli.execute(args);
  }
}
