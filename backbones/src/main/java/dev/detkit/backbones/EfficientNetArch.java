package dev.detkit.backbones;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * EfficientNet's layer tables and mmcls' {@code model_scaling} (width by {@code make_divisible},
 * depth by splitting at channel changes, repeating each stage's last block, and merging stride-1
 * stages back), giving the 7 layers mmdet builds from.
 */
public final class EfficientNetArch {
  /** {@code [kernel, out_channels, se_ratio, stride, expand_ratio, block_type]}. */
  public record Block(int kernel, int out, int seRatio, int stride, int expand, int type) {
    Block withOut(int o) {
      return new Block(kernel, o, seRatio, stride, expand, type);
    }
  }

  /** Width multiplier, depth multiplier, resolution. */
  public record Setting(double width, double depth, int resolution) {}

  static final Map<String, Setting> ARCHS =
      Map.ofEntries(
          Map.entry("b0", new Setting(1.0, 1.0, 224)),
          Map.entry("b1", new Setting(1.0, 1.1, 240)),
          Map.entry("b2", new Setting(1.1, 1.2, 260)),
          Map.entry("b3", new Setting(1.2, 1.4, 300)),
          Map.entry("b4", new Setting(1.4, 1.8, 380)),
          Map.entry("b5", new Setting(1.6, 2.2, 456)),
          Map.entry("b6", new Setting(1.8, 2.6, 528)),
          Map.entry("b7", new Setting(2.0, 3.1, 600)),
          Map.entry("b8", new Setting(2.2, 3.6, 672)),
          Map.entry("es", new Setting(1.0, 1.0, 224)),
          Map.entry("em", new Setting(1.0, 1.1, 240)),
          Map.entry("el", new Setting(1.2, 1.4, 300)));

  /** Architectures in a stable order, for listings and parameterised tests. */
  public static final List<String> NAMES =
      List.of("b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "es", "em", "el");

  /**
   * The base networks, one stage per string in timm's block-string notation (checkable against the
   * papers' tables): {@code cn} conv-norm-act, {@code ir} inverted residual (MBConv; with {@code
   * e1} it has no expansion conv, timm's {@code ds}), {@code er} edge residual (fused MBConv);
   * {@code r} repeats, {@code k} kernel, {@code s} stride of the first block (the rest have 1),
   * {@code e} expansion, {@code c} output channels, {@code se} squeeze-excite channels as a
   * fraction of the block's input. The first and last strings are the stem and the final 1x1 conv.
   */
  static final List<String> EFFICIENTNET =
      List.of(
          "cn_r1_k3_s2_c32",
          "ir_r1_k3_s1_e1_c16_se0.25",
          "ir_r2_k3_s2_e6_c24_se0.25",
          "ir_r2_k5_s2_e6_c40_se0.25",
          "ir_r3_k3_s2_e6_c80_se0.25",
          "ir_r3_k5_s1_e6_c112_se0.25",
          "ir_r4_k5_s2_e6_c192_se0.25",
          "ir_r1_k3_s1_e6_c320_se0.25",
          "cn_r1_k1_s1_c1280");

  /** EfficientNet-EdgeTPU (es, em, el): fused MBConv early, no squeeze-excite. */
  static final List<String> EFFICIENTNET_EDGETPU =
      List.of(
          "cn_r1_k3_s2_c32",
          "er_r1_k3_s1_e3_c24",
          "er_r2_k3_s2_e8_c32",
          "er_r4_k3_s2_e8_c48",
          "ir_r5_k5_s2_e8_c96",
          "ir_r4_k5_s1_e8_c144",
          "ir_r2_k5_s2_e8_c192",
          "cn_r1_k1_s1_c1280");

  static List<List<Block>> base(char family) {
    return (family == 'b' ? EFFICIENTNET : EFFICIENTNET_EDGETPU)
        .stream().map(EfficientNetArch::parse).toList();
  }

  /** One stage's blocks from its block string; mmcls' block types: -1 conv, 0 MBConv, 1 fused. */
  static List<Block> parse(String spec) {
    String[] parts = spec.split("_");
    int type =
        switch (parts[0]) {
          case "cn" -> -1;
          case "ir" -> 0;
          case "er" -> 1;
          default -> throw new IllegalArgumentException(spec + ": unknown block type " + parts[0]);
        };
    int repeats = 1;
    int kernel = 0;
    int stride = 1;
    int expand = 0;
    int out = 0;
    int seRatio = 0;
    for (String p : java.util.Arrays.asList(parts).subList(1, parts.length)) {
      if (p.startsWith("se")) {
        // mmcls keeps the inverse: squeeze channels = input channels / se_ratio
        seRatio = (int) Math.round(1 / Double.parseDouble(p.substring(2)));
        continue;
      }
      int v = Integer.parseInt(p.substring(1));
      switch (p.charAt(0)) {
        case 'r' -> repeats = v;
        case 'k' -> kernel = v;
        case 's' -> stride = v;
        case 'e' -> expand = v;
        case 'c' -> out = v;
        default -> throw new IllegalArgumentException(spec + ": unknown field " + p);
      }
    }
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < repeats; i++) {
      blocks.add(new Block(kernel, out, seRatio, i == 0 ? stride : 1, expand, type));
    }
    return blocks;
  }

  /** mmcv's make_divisible with min_ratio 0.9. */
  public static int makeDivisible(double value, int divisor) {
    int newValue = Math.max(divisor, (int) (value + divisor / 2.0) / divisor * divisor);
    if (newValue < 0.9 * value) {
      newValue += divisor;
    }
    return newValue;
  }

  /**
   * The 7 scaled layers for an arch ({@code b0}..{@code b8}, {@code es}, {@code em}, {@code el}).
   */
  public static List<List<Block>> scaled(String arch) {
    Setting s = ARCHS.get(arch);
    List<List<Block>> layers = new ArrayList<>();
    for (List<Block> layer : base(arch.charAt(0))) {
      List<Block> l = new ArrayList<>();
      for (Block b : layer) {
        l.add(b.withOut(makeDivisible(b.out() * s.width(), 8)));
      }
      layers.add(l);
    }
    // Split middle layers wherever the output width changes (the 7 original TF stages).
    List<List<Block>> split = new ArrayList<>();
    split.add(layers.get(0));
    for (List<Block> layer : layers.subList(1, layers.size() - 1)) {
      int start = 0;
      for (int i = 1; i <= layer.size(); i++) {
        if (i == layer.size() || layer.get(i).out() != layer.get(i - 1).out()) {
          split.add(new ArrayList<>(layer.subList(start, i)));
          start = i;
        }
      }
    }
    split.add(layers.get(layers.size() - 1));
    // Depth: ceil(d * n) blocks per stage, truncating or repeating the stage's last block.
    List<List<Block>> merged = new ArrayList<>();
    merged.add(split.get(0));
    List<List<Block>> stages = split.subList(1, split.size() - 1);
    for (int i = 0; i < stages.size(); i++) {
      List<Block> stage = stages.get(i);
      int n = (int) Math.ceil(s.depth() * stage.size());
      List<Block> resized = new ArrayList<>(stage.subList(0, Math.min(n, stage.size())));
      while (resized.size() < n) {
        resized.add(stage.get(stage.size() - 1));
      }
      // A stride-1 stage joins the previous layer, except the first middle stage.
      if (resized.get(0).stride() == 1 && i != 0) {
        merged.get(merged.size() - 1).addAll(resized);
      } else {
        merged.add(resized);
      }
    }
    merged.add(split.get(split.size() - 1));
    return merged;
  }

  private EfficientNetArch() {}
}
