package dev.detkit.tools;

import dev.detkit.api.distributed.DistributedEnv;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One rank of a data-parallel job as a JVM of its own: {@code java JVM_OPTIONS -cp CLASS_PATH
 * DetkitCli ARGS} with the rank's {@link DistributedEnv} in its environment. Shared by {@code
 * --launcher local} and {@code ./detkit spark train}; a rank needs its own JVM because libtorch's
 * natives cannot share a process with DJL's (or with Spark's executor, which may hold them).
 */
public final class RankProcess {
  /** System properties a rank inherits even when they were not given on the command line. */
  private static final List<String> FORWARDED = List.of("detkit.", "ai.djl.", "javacpp.");

  private RankProcess() {}

  /**
   * This JVM's options for a rank: its command-line options plus the {@code detkit.*}, {@code
   * ai.djl.*} and {@code javacpp.*} system properties set otherwise (a test runner passes its
   * properties outside the command line).
   */
  public static List<String> jvmOptions() {
    List<String> opts = new ArrayList<>(ManagementFactory.getRuntimeMXBean().getInputArguments());
    for (String key : System.getProperties().stringPropertyNames()) {
      if (FORWARDED.stream().anyMatch(key::startsWith)
          && opts.stream().noneMatch(o -> o.startsWith("-D" + key + "="))) {
        opts.add("-D" + key + "=" + System.getProperty(key));
      }
    }
    return opts;
  }

  /**
   * This JVM's class path, with the location of detkit's own classes first where the class path
   * does not list it (Spark's executors load an application's jar through a class loader).
   */
  public static String classPath() {
    String cp = System.getProperty("java.class.path");
    try {
      var source = DetkitCli.class.getProtectionDomain().getCodeSource();
      if (source != null) {
        String own = Path.of(source.getLocation().toURI()).toString();
        if (!Arrays.asList(cp.split(File.pathSeparator)).contains(own)) {
          cp = cp.isEmpty() ? own : own + File.pathSeparator + cp;
        }
      }
    } catch (URISyntaxException | IllegalArgumentException e) {
      // Not a file location: the class path alone is all there is.
    }
    return cp;
  }

  /** {@code java JVM_OPTIONS -cp CLASS_PATH DetkitCli ARGS}, with this JVM's java. */
  public static List<String> command(List<String> jvmOptions, String classPath, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(DetkitCli.class.getName());
    cmd.addAll(args);
    return cmd;
  }

  /** The rank's process, not yet started: {@code command} with the rank's variables set. */
  public static ProcessBuilder of(List<String> command, DistributedEnv env) {
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> vars = pb.environment();
    vars.putAll(env.variables());
    return pb;
  }
}
