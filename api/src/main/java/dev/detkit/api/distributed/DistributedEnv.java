package dev.detkit.api.distributed;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a rank finds its job, in torchrun's environment variables: {@code RANK}, {@code
 * WORLD_SIZE}, {@code LOCAL_RANK}, {@code MASTER_ADDR}, {@code MASTER_PORT}, plus {@code
 * DETKIT_DIST_TIMEOUT_S} for the store and collective timeout (PyTorch's default, 1800 s, where
 * unset).
 *
 * @param glooHost {@code DETKIT_GLOO_HOST}: the host name Gloo binds this rank's device to, or null
 *     (the loopback address for a job on this host, the host's own name otherwise)
 */
public record DistributedEnv(
    int rank,
    int worldSize,
    int localRank,
    String masterAddr,
    int masterPort,
    Duration timeout,
    String glooHost) {

  /** A rank's environment with Gloo's default device host. */
  public DistributedEnv(
      int rank, int worldSize, int localRank, String masterAddr, int masterPort, Duration timeout) {
    this(rank, worldSize, localRank, masterAddr, masterPort, timeout, null);
  }

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1800);

  public DistributedEnv {
    if (worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException(
          "RANK must be in [0, WORLD_SIZE), got RANK=" + rank + " WORLD_SIZE=" + worldSize);
    }
    if (masterPort < 1 || masterPort > 65535) {
      throw new IllegalArgumentException("MASTER_PORT must be 1-65535, got " + masterPort);
    }
  }

  /** True when this process was started as a rank of a job ({@code WORLD_SIZE} is set). */
  public static boolean inEnvironment(Map<String, String> env) {
    return env.containsKey("WORLD_SIZE");
  }

  /** Reads the variables; a missing or malformed one is a one-line error naming it. */
  public static DistributedEnv fromEnvironment(Map<String, String> env) {
    int world = intVar(env, "WORLD_SIZE", null);
    int rank = intVar(env, "RANK", null);
    int local = intVar(env, "LOCAL_RANK", rank);
    String addr = env.getOrDefault("MASTER_ADDR", "127.0.0.1");
    int port = intVar(env, "MASTER_PORT", 29500);
    String t = env.get("DETKIT_DIST_TIMEOUT_S");
    Duration timeout =
        t == null
            ? DEFAULT_TIMEOUT
            : Duration.ofMillis((long) (parse("DETKIT_DIST_TIMEOUT_S", t) * 1000));
    String glooHost = env.get("DETKIT_GLOO_HOST");
    return new DistributedEnv(
        rank,
        world,
        local,
        addr,
        port,
        timeout,
        glooHost == null || glooHost.isBlank() ? null : glooHost);
  }

  /**
   * The variables {@link #fromEnvironment} reads back as this value: what a launcher puts in a
   * rank's environment.
   */
  public Map<String, String> variables() {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("RANK", Integer.toString(rank));
    v.put("LOCAL_RANK", Integer.toString(localRank));
    v.put("WORLD_SIZE", Integer.toString(worldSize));
    v.put("MASTER_ADDR", masterAddr);
    v.put("MASTER_PORT", Integer.toString(masterPort));
    v.put("DETKIT_DIST_TIMEOUT_S", Double.toString(timeout.toMillis() / 1000.0));
    return v;
  }

  private static int intVar(Map<String, String> env, String name, Integer dflt) {
    String v = env.get(name);
    if (v == null) {
      if (dflt == null) {
        throw new IllegalArgumentException("environment variable " + name + " is not set");
      }
      return dflt;
    }
    return (int) parse(name, v);
  }

  private static double parse(String name, String v) {
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "environment variable " + name + " must be a number, got '" + v + "'");
    }
  }
}
