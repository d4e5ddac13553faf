package dev.detkit.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.detkit.api.util.Json;
import org.junit.jupiter.api.Test;

/** The harness on a tiny model: every figure present, consistent, and the phases add up. */
class BenchmarkCommandTest {
  @Test
  void recordIsCompleteAndConsistent() {
    ConfigCommandsTest.Run r =
        ConfigCommandsTest.run(
            "benchmark",
            InferCommandTest.FIXTURE_CONFIG,
            "--shape",
            "96",
            "128",
            "--num-images",
            "6",
            "--warmup",
            "1",
            "--format",
            "json");
    assertEquals(0, r.code(), r.err());
    JsonNode o = Json.parse(r.out());
    assertEquals("[1,3,96,128]", o.get("input_shape").toString());
    assertEquals(4_694_448, o.get("params").asLong());
    assertEquals(6, o.get("protocol").get("timed_images").asInt());
    assertEquals("float32", o.get("protocol").get("dtype").asText());
    assertEquals("float32", o.get("protocol").get("dtype_requested").asText());
    assertEquals("djl", o.get("env").get("backend").asText());
    assertTrue(o.get("config_sha256").asText().matches("[0-9a-f]{64}"));
    JsonNode lat = o.get("latency_ms");
    double pre = lat.get("preprocess").get("mean").asDouble();
    double fwd = lat.get("forward").get("mean").asDouble();
    double post = lat.get("postprocess").get("mean").asDouble();
    double e2e = lat.get("end_to_end").get("mean").asDouble();
    assertTrue(pre > 0 && fwd > 0 && post > 0, lat.toString());
    assertTrue(
        Math.abs(pre + fwd + post - e2e) <= 0.05 * e2e,
        "phases add up to end to end within 5%: " + lat);
    for (String phase : new String[] {"preprocess", "forward", "postprocess", "end_to_end"}) {
      JsonNode s = lat.get(phase);
      assertTrue(
          s.get("p50").asDouble() <= s.get("p90").asDouble()
              && s.get("p90").asDouble() <= s.get("p99").asDouble(),
          phase);
      assertEquals(6, s.get("count").asInt());
    }
    double fps = o.get("fps").asDouble();
    assertTrue(
        fps > 0 && fps <= 1000 / (e2e * 0.5), "fps consistent with the per-image latency: " + fps);
    JsonNode mem = o.get("memory_mb");
    assertTrue(
        mem.get("rss_peak").asDouble() > mem.get("heap_peak").asDouble(), "RSS includes the heap");
  }

  /**
   * {@code --dtype} on backends without bfloat16 (DJL 0.36, ND4J): one line, exit 2, before any
   * model is built; an unknown name likewise. The bf16 runs are {@code LibtorchDtypeTest}'s.
   */
  @Test
  void bf16IsRefusedInOneLineWhereTheBackendHasNone() {
    for (String backend : new String[] {"djl", "nd4j"}) {
      ConfigCommandsTest.Run refused =
          ConfigCommandsTest.run(
              "benchmark",
              InferCommandTest.FIXTURE_CONFIG,
              "--backend",
              backend,
              "--dtype",
              "bf16",
              "--shape",
              "64",
              "96");
      assertEquals(2, refused.code(), refused.err());
      assertTrue(
          refused
              .err()
              .contains(
                  "error: --dtype bf16: backend '"
                      + backend
                      + "' has no bfloat16 kernels (use --backend libtorch)\n"),
          refused.err());
      assertFalse(refused.err().contains("\tat "), "no stack trace: " + refused.err());
    }
    ConfigCommandsTest.Run unknown =
        ConfigCommandsTest.run(
            "benchmark", InferCommandTest.FIXTURE_CONFIG, "--dtype", "fp16", "--shape", "64", "96");
    assertEquals(2, unknown.code(), unknown.err());
    assertTrue(unknown.err().contains("--dtype: expected float32, bf16 or bf16-emulated"));
  }
}
