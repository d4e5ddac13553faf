package dev.detkit.api.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** torchrun's environment variables, and one-line errors for bad ones. */
class DistributedEnvTest {

  @Test
  void readsTorchrunVariablesWithDefaults() {
    Map<String, String> env = Map.of("RANK", "3", "WORLD_SIZE", "4", "MASTER_ADDR", "node0");
    assertTrue(DistributedEnv.inEnvironment(env));
    DistributedEnv e = DistributedEnv.fromEnvironment(env);
    assertEquals(new DistributedEnv(3, 4, 3, "node0", 29500, Duration.ofSeconds(1800)), e);
    assertEquals(
        Duration.ofMillis(2500),
        DistributedEnv.fromEnvironment(
                Map.of("RANK", "0", "WORLD_SIZE", "1", "DETKIT_DIST_TIMEOUT_S", "2.5"))
            .timeout());
    assertFalse(DistributedEnv.inEnvironment(Map.of("RANK", "0")));
  }

  @Test
  void variablesReadBackAsTheSameEnvironment() {
    DistributedEnv e = new DistributedEnv(5, 8, 1, "10.0.0.7", 41234, Duration.ofMillis(20500));
    assertEquals(e, DistributedEnv.fromEnvironment(e.variables()));
    assertEquals("20.5", e.variables().get("DETKIT_DIST_TIMEOUT_S"));
  }

  @Test
  void badVariablesAreOneLineNamingThem() {
    assertEquals(
        "environment variable RANK is not set",
        assertThrows(
                IllegalArgumentException.class,
                () -> DistributedEnv.fromEnvironment(Map.of("WORLD_SIZE", "2")))
            .getMessage());
    assertEquals(
        "environment variable MASTER_PORT must be a number, got 'x'",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    DistributedEnv.fromEnvironment(
                        Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_PORT", "x")))
            .getMessage());
    assertEquals(
        "RANK must be in [0, WORLD_SIZE), got RANK=2 WORLD_SIZE=2",
        assertThrows(
                IllegalArgumentException.class,
                () -> DistributedEnv.fromEnvironment(Map.of("RANK", "2", "WORLD_SIZE", "2")))
            .getMessage());
  }
}
