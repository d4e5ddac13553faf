package dev.detkit.backbones.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.checkpoint.CheckpointException;
import dev.detkit.api.checkpoint.StoredType;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.nn.ActCfg;
import dev.detkit.api.nn.ConvCfg;
import dev.detkit.api.nn.NormCfg;
import dev.detkit.api.tensor.Shape;
import dev.detkit.api.testing.TestRuntime;
import dev.detkit.backbones.EfficientNet;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** timm and torchvision EfficientNet names land on exactly mmdet's keys, each once. */
class EfficientNetKeyMapTest {
  /** Blocks per TF stage of b0 and b3. */
  static final int[] B0 = {1, 2, 2, 3, 3, 4, 1};

  static final int[] B3 = {2, 3, 3, 5, 5, 6, 2};

  static TensorData t() {
    return new TensorData(StoredType.F32, Shape.of(1), ByteBuffer.allocate(4));
  }

  static Set<String> bnKeys(String p) {
    return Set.of(
        p + ".weight",
        p + ".bias",
        p + ".running_mean",
        p + ".running_var",
        p + ".num_batches_tracked");
  }

  static Map<String, TensorData> timmKeys(int[] stages) {
    Map<String, TensorData> sd = new LinkedHashMap<>();
    sd.put("conv_stem.weight", t());
    bnKeys("bn1").forEach(k -> sd.put(k, t()));
    for (int s = 0; s < 7; s++) {
      for (int b = 0; b < stages[s]; b++) {
        String p = "blocks." + s + "." + b + ".";
        List<String> convs =
            s == 0 ? List.of("conv_dw", "conv_pw") : List.of("conv_pw", "conv_dw", "conv_pwl");
        List<String> bns = s == 0 ? List.of("bn1", "bn2") : List.of("bn1", "bn2", "bn3");
        convs.forEach(c -> sd.put(p + c + ".weight", t()));
        bns.forEach(n -> bnKeys(p + n).forEach(k -> sd.put(k, t())));
        for (String se : List.of("conv_reduce", "conv_expand")) {
          sd.put(p + "se." + se + ".weight", t());
          sd.put(p + "se." + se + ".bias", t());
        }
      }
    }
    sd.put("conv_head.weight", t());
    bnKeys("bn2").forEach(k -> sd.put(k, t()));
    sd.put("classifier.weight", t());
    sd.put("classifier.bias", t());
    return sd;
  }

  static Map<String, TensorData> torchvisionKeys(int[] stages) {
    Map<String, TensorData> sd = new LinkedHashMap<>();
    sd.put("features.0.0.weight", t());
    bnKeys("features.0.1").forEach(k -> sd.put(k, t()));
    for (int s = 0; s < 7; s++) {
      for (int b = 0; b < stages[s]; b++) {
        String p = "features." + (s + 1) + "." + b + ".block.";
        int part = 0;
        if (s > 0) {
          sd.put(p + "0.0.weight", t());
          bnKeys(p + "0.1").forEach(k -> sd.put(k, t()));
          part = 1;
        }
        sd.put(p + part + ".0.weight", t());
        bnKeys(p + part + ".1").forEach(k -> sd.put(k, t()));
        for (String fc : List.of("fc1", "fc2")) {
          sd.put(p + (part + 1) + "." + fc + ".weight", t());
          sd.put(p + (part + 1) + "." + fc + ".bias", t());
        }
        sd.put(p + (part + 2) + ".0.weight", t());
        bnKeys(p + (part + 2) + ".1").forEach(k -> sd.put(k, t()));
      }
    }
    sd.put("features.8.0.weight", t());
    bnKeys("features.8.1").forEach(k -> sd.put(k, t()));
    sd.put("classifier.1.weight", t());
    sd.put("classifier.1.bias", t());
    return sd;
  }

  static Set<String> mmdetKeys(String arch) {
    var args =
        new EfficientNet.Args(
            arch,
            0.0,
            List.of(6),
            0,
            new ConvCfg("Conv2dAdaptivePadding"),
            new NormCfg("BN", 1e-3, 0.1, true),
            new ActCfg("Swish"),
            false,
            false,
            null);
    try (EfficientNet net = new EfficientNet(args, TestRuntime.backend("djl"))) {
      Set<String> keys = new TreeSet<>();
      net.namedParameters().keySet().forEach(k -> keys.add("backbone." + k));
      keys.add("head.fc.weight");
      keys.add("head.fc.bias");
      return keys;
    }
  }

  @Test
  void timmB0AndB3() {
    assertEquals(
        mmdetKeys("b0"), new TreeSet<>(EfficientNetKeyMap.fromTimm(timmKeys(B0)).keySet()));
    Map<String, TensorData> b3 = EfficientNetKeyMap.fromTimm(timmKeys(B3));
    assertEquals(timmKeys(B3).size(), b3.size(), "no two timm keys land on one mmdet key");
    assertEquals(mmdetKeys("b3"), new TreeSet<>(b3.keySet()));
    assertTrue(
        b3.containsKey("backbone.layers.4.9.linear_conv.bn.running_var"),
        "stage 4 continues layer 4 after stage 3's 5 blocks");
  }

  @Test
  void torchvisionB0AndB3() {
    assertEquals(
        mmdetKeys("b0"),
        new TreeSet<>(EfficientNetKeyMap.fromTorchvision(torchvisionKeys(B0)).keySet()));
    Map<String, TensorData> b3 = EfficientNetKeyMap.fromTorchvision(torchvisionKeys(B3));
    assertEquals(torchvisionKeys(B3).size(), b3.size());
    assertEquals(mmdetKeys("b3"), new TreeSet<>(b3.keySet()));
  }

  @Test
  void foreignKeysAreRefusedByName() {
    Map<String, TensorData> sd = new LinkedHashMap<>(timmKeys(B0));
    sd.put("fc.weight", t());
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> EfficientNetKeyMap.fromTimm(sd));
    assertTrue(e.getMessage().contains("'fc.weight'"), e.getMessage());
  }
}
