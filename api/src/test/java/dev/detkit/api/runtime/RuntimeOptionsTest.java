package dev.detkit.api.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.detkit.api.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuntimeOptionsTest {
  static RuntimeOptions read(Map<String, String> props, Map<String, String> env) {
    return RuntimeOptions.from(props::get, env::get, "/home/u");
  }

  @Test
  void defaultsWhenNothingIsSet() {
    RuntimeOptions o = read(Map.of(), Map.of());
    assertEquals(
        new RuntimeOptions(
            "nchw",
            true,
            0,
            "auto",
            "djl",
            Path.of("/home/u", ".cache", "detkit").toString(),
            "bucketed",
            0,
            Path.of("/home/u", ".cache", "torch").toString()),
        o);
  }

  @Test
  void propertyWinsOverEnvironmentWhichWinsOverDefault() {
    Map<String, String> env =
        Map.of(
            "DETKIT_LAYOUT", "channels_last",
            "DETKIT_THREADS", "3",
            "DETKIT_CACHE", "/env/cache",
            "DETKIT_FOLD_BN", "false",
            "DETKIT_PROGRESS", "bar",
            "DETKIT_BACKEND", "nd4j",
            "DETKIT_DDP_ALLREDUCE", "flat",
            "DETKIT_ORT_THREADS", "5",
            "OMP_NUM_THREADS", "6",
            "TORCH_HOME", "/env/torch");
    RuntimeOptions fromEnv = read(Map.of(), env);
    assertEquals(
        new RuntimeOptions(
            "channels_last", false, 3, "bar", "nd4j", "/env/cache", "flat", 5, "/env/torch"),
        fromEnv);
    assertEquals(Path.of("/env/torch", "hub", "checkpoints"), fromEnv.hubCheckpoints());
    // OMP_NUM_THREADS is ONNX Runtime's fallback.
    assertEquals(6, read(Map.of(), Map.of("OMP_NUM_THREADS", "6")).ortThreads());
    Map<String, String> props =
        Map.of(
            "detkit.layout", "nchw",
            "detkit.threads", "1",
            "detkit.cache", "/prop/cache",
            "detkit.foldBn", "true",
            "detkit.progress", "lines",
            "detkit.backend", "libtorch",
            "detkit.ddp.allreduce", "bucketed",
            "detkit.ortThreads", "2",
            "detkit.torchHome", "/prop/torch");
    assertEquals(
        new RuntimeOptions(
            "nchw", true, 1, "lines", "libtorch", "/prop/cache", "bucketed", 2, "/prop/torch"),
        read(props, env));
  }

  @Test
  void badValuesAreOneLineErrorsNamingTheProperty() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> read(Map.of("detkit.layout", "nhwc"), Map.of()));
    assertEquals("detkit.layout: expected nchw or channels_last, got 'nhwc'", e.getMessage());
    e = assertThrows(ConfigException.class, () -> read(Map.of(), Map.of("DETKIT_THREADS", "four")));
    assertEquals("detkit.threads: expected an integer, got 'four'", e.getMessage());
    e = assertThrows(ConfigException.class, () -> read(Map.of("detkit.foldBn", "no"), Map.of()));
    assertEquals("detkit.foldBn: expected true or false, got 'no'", e.getMessage());
    e =
        assertThrows(
            ConfigException.class, () -> read(Map.of("detkit.ddp.allreduce", "ring"), Map.of()));
    assertEquals("detkit.ddp.allreduce: expected bucketed or flat, got 'ring'", e.getMessage());
  }

  @Test
  void travelsSerializedToSparkExecutors() throws Exception {
    RuntimeOptions o = read(Map.of("detkit.layout", "channels_last"), Map.of()).withThreads(2);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(o, in.readObject());
    }
  }
}
