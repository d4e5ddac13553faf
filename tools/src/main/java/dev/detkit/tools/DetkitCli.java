package dev.detkit.tools;

import com.google.inject.Injector;
import dev.detkit.api.Warnings;
import dev.detkit.api.backend.BackendException;
import dev.detkit.api.checkpoint.CheckpointException;
import dev.detkit.api.config.ConfigException;
import dev.detkit.api.registry.DetkitInjector;
import dev.detkit.api.runtime.RuntimeOptions;
import dev.detkit.data.ImageLoadException;
import dev.detkit.evaluation.CocoFormatException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code ./detkit} command line. Exit codes: 0 success, 1 an unexpected failure, 2 a usage,
 * config or input error (one line naming what was wrong; the stack trace only with {@code
 * --debug}).
 */
@Command(
    name = "detkit",
    mixinStandardHelpOptions = true,
    // Subcommands inherit --help and --version.
    scope = CommandLine.ScopeType.INHERIT,
    versionProvider = DetkitCli.Version.class,
    description = "Object-detection research toolkit (mmdetection semantics on the JVM).",
    subcommands = {
      ListCommand.class,
      PrintConfigCommand.class,
      CheckCommand.class,
      ExtractCommand.class,
      ExportCommand.class,
      InferCommand.class,
      BenchmarkCommand.class,
      FlopsCommand.class,
      ConvertCheckpointCommand.class,
      EvalCommand.class,
      TestCommand.class,
      SuiteCommand.class,
      TrainCommand.class,
      QuickstartCommand.class,
      CommandLine.HelpCommand.class
    })
public final class DetkitCli {
  /** Exit code for usage, config and input errors. */
  public static final int USAGE_ERROR = 2;

  @Option(
      names = "--debug",
      description = "Print stack traces of errors.",
      scope = CommandLine.ScopeType.INHERIT)
  boolean debug;

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line and returns the exit code; for tests and embedding. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    Warnings.sendTo(err);
    boolean debug = java.util.Arrays.asList(args).contains("--debug");
    Injector injector;
    try {
      // The edge: system properties and environment are read here, once, into RuntimeOptions; the
      // commands' flags (--layout, --backend) refine them for their run.
      injector = DetkitInjector.shared(RuntimeOptions.fromSystem());
    } catch (RuntimeException e) {
      return report(e, debug, err);
    }
    CommandLine cli = new CommandLine(new DetkitCli(), new GuiceCommandFactory(injector));
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(e, debug, err));
    // Usage errors (unknown option, missing parameter) also exit 2, with one line.
    cli.setParameterExceptionHandler(
        (e, a) -> {
          err.println("error: " + e.getMessage());
          err.println(
              "(run 'detkit "
                  + (e.getCommandLine().getCommandName().equals("detkit")
                      ? ""
                      : e.getCommandLine().getCommandName() + " ")
                  + "--help' for usage)");
          return USAGE_ERROR;
        });
    try {
      return cli.execute(args);
    } catch (Throwable t) {
      // Errors (OutOfMemoryError, a native library that fails to link) bypass picocli's handler.
      return report(t, debug, err);
    }
  }

  /**
   * One line for a failure: exit 2 for what the user can fix (the exception types below name the
   * file and key), exit 1 for everything else, which is detkit's fault and says so.
   */
  static int report(Throwable e, boolean debug, PrintWriter err) {
    if (debug) {
      e.printStackTrace(err);
    }
    if (isUserError(e)) {
      err.println("error: " + e.getMessage());
      err.flush();
      return USAGE_ERROR;
    }
    String what =
        e instanceof OutOfMemoryError
            ? "out of memory ("
                + e.getMessage()
                + "); give the JVM more with DETKIT_JAVA_OPTS=-Xmx..."
            : "internal error: " + e;
    err.println("error: " + what + (debug ? "" : " (rerun with --debug for the stack trace)"));
    err.flush();
    return 1;
  }

  static boolean isUserError(Throwable e) {
    return e instanceof UserError
        || e instanceof ConfigException
        || e instanceof BackendException
        || e instanceof CheckpointException
        || e instanceof ImageLoadException
        || e instanceof CocoFormatException
        || e instanceof dev.detkit.api.model.InputShapeException;
  }

  /** Prints detkit's version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = DetkitCli.class.getPackage().getImplementationVersion();
      return new String[] {"detkit " + (v == null ? "0.1.0-SNAPSHOT" : v)};
    }
  }
}
