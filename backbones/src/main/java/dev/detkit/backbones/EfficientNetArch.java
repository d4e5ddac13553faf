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

  private static List<Block> repeat(Block first, Block rest, int n) {
    List<Block> out = new ArrayList<>();
    out.add(first);
    for (int i = 1; i < n; i++) {
      out.add(rest);
    }
    return out;
  }

  private static List<Block> concat(List<Block> a, List<Block> b) {
    List<Block> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  static List<List<Block>> base(char family) {
    if (family == 'b') {
      return List.of(
          List.of(new Block(3, 32, 0, 2, 0, -1)),
          List.of(new Block(3, 16, 4, 1, 1, 0)),
          repeat(new Block(3, 24, 4, 2, 6, 0), new Block(3, 24, 4, 1, 6, 0), 2),
          repeat(new Block(5, 40, 4, 2, 6, 0), new Block(5, 40, 4, 1, 6, 0), 2),
          concat(
              repeat(new Block(3, 80, 4, 2, 6, 0), new Block(3, 80, 4, 1, 6, 0), 3),
              repeat(new Block(5, 112, 4, 1, 6, 0), new Block(5, 112, 4, 1, 6, 0), 3)),
          concat(
              repeat(new Block(5, 192, 4, 2, 6, 0), new Block(5, 192, 4, 1, 6, 0), 4),
              List.of(new Block(3, 320, 4, 1, 6, 0))),
          List.of(new Block(1, 1280, 0, 1, 0, -1)));
    }
    return List.of(
        List.of(new Block(3, 32, 0, 2, 0, -1)),
        List.of(new Block(3, 24, 0, 1, 3, 1)),
        repeat(new Block(3, 32, 0, 2, 8, 1), new Block(3, 32, 0, 1, 8, 1), 2),
        repeat(new Block(3, 48, 0, 2, 8, 1), new Block(3, 48, 0, 1, 8, 1), 4),
        concat(
            repeat(new Block(5, 96, 0, 2, 8, 0), new Block(5, 96, 0, 1, 8, 0), 5),
            repeat(new Block(5, 144, 0, 1, 8, 0), new Block(5, 144, 0, 1, 8, 0), 4)),
        repeat(new Block(5, 192, 0, 2, 8, 0), new Block(5, 192, 0, 1, 8, 0), 2),
        List.of(new Block(1, 1280, 0, 1, 0, -1)));
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
