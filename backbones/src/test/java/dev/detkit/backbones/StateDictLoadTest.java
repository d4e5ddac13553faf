package dev.detkit.backbones;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.checkpoint.CheckpointException;
import dev.detkit.api.checkpoint.Checkpoints;
import dev.detkit.api.checkpoint.Safetensors;
import dev.detkit.api.checkpoint.StoredType;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.nn.LoadReport;
import dev.detkit.api.nn.Module;
import dev.detkit.api.nn.Parameter;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Shape;
import dev.detkit.api.testing.Fixtures;
import dev.detkit.api.testing.TestRuntime;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Strict and non-strict loading, mmengine's report, tied weights, and nothing half-loaded. */
class StateDictLoadTest {
  static final Backend B = TestRuntime.backend("djl");

  @TempDir Path dir;

  static Map<String, TensorData> fixtureBackbone() {
    return new LinkedHashMap<>(
        Checkpoints.withPrefix(
            Checkpoints.load(Fixtures.dir("retinanet_effb0_small").resolve("weights.safetensors")),
            "backbone"));
  }

  @Test
  void strictLoadFailsOnShapeMismatchNamingFileAndKeyAndLoadsNothing() {
    Map<String, TensorData> sd = fixtureBackbone();
    String key = "layers.0.conv.weight";
    sd.put(key, new TensorData(StoredType.F32, Shape.of(1), ByteBuffer.allocate(4)));
    try (EfficientNet net = EfficientNetParityTest.build(B)) {
      float[] before =
          net.namedParameters().get("layers.1.0.depthwise_conv.conv.weight").get().toFloatArray();
      CheckpointException e =
          assertThrows(
              CheckpointException.class, () -> net.loadStateDict(sd, B, true, "bad.safetensors"));
      assertTrue(e.getMessage().startsWith("bad.safetensors: strict load failed"), e.getMessage());
      assertTrue(
          e.getMessage().contains(key + ": checkpoint [1], model [32, 3, 3, 3]"), e.getMessage());
      float[] after =
          net.namedParameters().get("layers.1.0.depthwise_conv.conv.weight").get().toFloatArray();
      assertArrayEquals(before, after, "a failed strict load changes nothing");
      LoadReport lax = net.loadStateDict(sd, B, false, "bad.safetensors");
      assertEquals(List.of(key + ": checkpoint [1], model [32, 3, 3, 3]"), lax.shapeMismatched());
      assertTrue(lax.missing().isEmpty() && lax.unexpected().isEmpty(), lax.toString());
    }
  }

  @Test
  void missingAndUnexpectedKeys() {
    Map<String, TensorData> sd = fixtureBackbone();
    sd.remove("layers.2.0.se.conv1.conv.bias");
    sd.put("head.fc.weight", new TensorData(StoredType.F32, Shape.of(1), ByteBuffer.allocate(4)));
    try (EfficientNet net = EfficientNetParityTest.build(B)) {
      CheckpointException e =
          assertThrows(CheckpointException.class, () -> net.loadStateDict(sd, B, true, "w.pth"));
      assertTrue(
          e.getMessage()
              .contains("missing keys in source state_dict: layers.2.0.se.conv1.conv.bias"),
          e.getMessage());
      assertTrue(
          e.getMessage().contains("unexpected key in source state_dict: head.fc.weight"),
          e.getMessage());
      LoadReport r = net.loadStateDict(sd, B, false, "w.pth");
      assertEquals(List.of("layers.2.0.se.conv1.conv.bias"), r.missing());
      assertEquals(List.of("head.fc.weight"), r.unexpected());
    }
  }

  /** A module whose {@code weight} slots are aliases of one parameter. */
  static final class Tied extends Module {
    final Parameter shared;

    Tied(Backend b, int levels, int[] shape) {
      shared = parameter("cls_convs.0.0.conv.weight", b.zeros(DType.FLOAT32, shape));
      for (int i = 1; i < levels; i++) {
        alias("cls_convs." + i + ".0.conv.weight", shared);
      }
    }
  }

  @Test
  void tiedWeightsLoadFromEveryStorageLayout() {
    Path d = Fixtures.dir("retinanet_effb0_small");
    Map<String, TensorData> pth =
        Checkpoints.withPrefix(Checkpoints.load(d.resolve("weights.pth")), "bbox_head");
    Map<String, TensorData> all =
        Checkpoints.withPrefix(Checkpoints.load(d.resolve("weights.safetensors")), "bbox_head");
    TensorData expected = all.get("cls_convs.0.0.conv.weight");
    Map<String, TensorData> aliasesOnly = new LinkedHashMap<>();
    Map<String, TensorData> firstOnly = new LinkedHashMap<>();
    for (int i = 0; i < 5; i++) {
      aliasesOnly.put(
          "cls_convs." + i + ".0.conv.weight", all.get("cls_convs." + i + ".0.conv.weight"));
    }
    firstOnly.put("cls_convs.3.0.conv.weight", all.get("cls_convs.3.0.conv.weight"));
    Path dropped = dir.resolve("dropped.safetensors");
    Safetensors.write(dropped, firstOnly, Map.of("format", "pt"));
    List<Map<String, TensorData>> sources =
        List.of(pick(pth, aliasesOnly.keySet()), aliasesOnly, Checkpoints.load(dropped));
    for (Map<String, TensorData> src : sources) {
      try (Tied m = new Tied(B, 5, expected.shape().dims())) {
        LoadReport r = m.loadStateDict(src, B, true, "tied");
        assertTrue(r.isClean(), r.toString());
        m.namedParameters()
            .forEach((k, p) -> assertArrayEquals(expected.toFloats(), p.get().toFloatArray(), k));
        assertEquals(5, m.stateDict().size());
        assertEquals(expected.shape().size(), m.parameterCount(), "tied weights count once");
      }
    }
  }

  private static Map<String, TensorData> pick(
      Map<String, TensorData> sd, java.util.Set<String> keys) {
    Map<String, TensorData> out = new LinkedHashMap<>();
    keys.forEach(k -> out.put(k, sd.get(k)));
    return out;
  }
}
