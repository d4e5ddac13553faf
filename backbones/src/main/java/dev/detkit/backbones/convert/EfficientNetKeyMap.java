package dev.detkit.backbones.convert;

import dev.detkit.api.checkpoint.CheckpointException;
import dev.detkit.api.checkpoint.TensorData;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renames EfficientNet checkpoints of timm ({@code tf_efficientnet_b*}) and torchvision ({@code
 * efficientnet_b*}) to mmdet/mmpretrain key names ({@code backbone.layers.L.B....}). Both number
 * blocks by the 7 TF stages; mmdet merges stage 4 into layer 4 and stage 6 into layer 5, so block
 * indices there continue after the earlier stage's.
 */
public final class EfficientNetKeyMap {
  private static final Pattern TIMM_BLOCK = Pattern.compile("blocks\\.(\\d+)\\.(\\d+)\\.(.+)");
  private static final Pattern TV_BLOCK =
      Pattern.compile("features\\.(\\d+)\\.(\\d+)\\.block\\.(\\d+)\\.(.+)");

  private EfficientNetKeyMap() {}

  /** mmdet layer index of TF stage {@code s} (0-based). */
  static int layerOf(int stage) {
    return stage < 3 ? stage + 1 : (stage <= 4 ? 4 : 5);
  }

  /** Blocks per TF stage, from the keys ({@code stage -> count}). */
  private static Map<Integer, Integer> blockCounts(
      Map<String, TensorData> sd, Pattern p, int stageGroup, int blockGroup, int stageOffset) {
    Map<Integer, Integer> counts = new TreeMap<>();
    for (String k : sd.keySet()) {
      Matcher m = p.matcher(k);
      if (m.matches()) {
        int s = Integer.parseInt(m.group(stageGroup)) - stageOffset;
        int b = Integer.parseInt(m.group(blockGroup));
        counts.merge(s, b + 1, Math::max);
      }
    }
    return counts;
  }

  /** mmdet block index of block {@code b} of TF stage {@code s}. */
  private static int blockIndex(Map<Integer, Integer> counts, int s, int b) {
    if (s == 4) {
      return counts.getOrDefault(3, 0) + b;
    }
    if (s == 6) {
      return counts.getOrDefault(5, 0) + b;
    }
    return b;
  }

  private static String bn(String rest, String from, String to) {
    return rest.startsWith(from + ".") ? to + rest.substring(from.length()) : null;
  }

  /** timm {@code tf_efficientnet_b*} (conv_stem, bn1, blocks.S.B, conv_head, bn2, classifier). */
  public static Map<String, TensorData> fromTimm(Map<String, TensorData> sd) {
    Map<Integer, Integer> counts = blockCounts(sd, TIMM_BLOCK, 1, 2, 0);
    Map<String, TensorData> out = new LinkedHashMap<>();
    for (Map.Entry<String, TensorData> e : sd.entrySet()) {
      String k = e.getKey();
      String mapped;
      Matcher m = TIMM_BLOCK.matcher(k);
      if (m.matches()) {
        int s = Integer.parseInt(m.group(1));
        int b = Integer.parseInt(m.group(2));
        String rest = m.group(3);
        String leaf = s == 0 ? timmDepthwiseSeparable(rest) : timmInvertedResidual(rest);
        if (leaf == null) {
          throw new CheckpointException("timm key '" + k + "' has no mmdet counterpart");
        }
        mapped = "backbone.layers." + layerOf(s) + "." + blockIndex(counts, s, b) + "." + leaf;
      } else if (k.startsWith("conv_stem.")) {
        mapped = "backbone.layers.0.conv." + k.substring("conv_stem.".length());
      } else if (k.startsWith("bn1.")) {
        mapped = "backbone.layers.0.bn." + k.substring("bn1.".length());
      } else if (k.startsWith("conv_head.")) {
        mapped = "backbone.layers.6.conv." + k.substring("conv_head.".length());
      } else if (k.startsWith("bn2.")) {
        mapped = "backbone.layers.6.bn." + k.substring("bn2.".length());
      } else if (k.startsWith("classifier.")) {
        mapped = "head.fc." + k.substring("classifier.".length());
      } else {
        throw new CheckpointException("timm key '" + k + "' is not an EfficientNet key");
      }
      out.put(mapped, e.getValue());
    }
    return out;
  }

  private static String timmDepthwiseSeparable(String rest) {
    String[][] rules = {
      {"conv_dw", "depthwise_conv.conv"}, {"bn1", "depthwise_conv.bn"},
      {"se.conv_reduce", "se.conv1.conv"}, {"se.conv_expand", "se.conv2.conv"},
      {"conv_pw", "linear_conv.conv"}, {"bn2", "linear_conv.bn"}
    };
    return apply(rest, rules);
  }

  private static String timmInvertedResidual(String rest) {
    String[][] rules = {
      {"conv_pwl", "linear_conv.conv"},
      {"conv_pw", "expand_conv.conv"},
      {"bn1", "expand_conv.bn"},
      {"conv_dw", "depthwise_conv.conv"},
      {"bn2", "depthwise_conv.bn"},
      {"se.conv_reduce", "se.conv1.conv"},
      {"se.conv_expand", "se.conv2.conv"},
      {"bn3", "linear_conv.bn"}
    };
    return apply(rest, rules);
  }

  private static String apply(String rest, String[][] rules) {
    for (String[] r : rules) {
      String m = bn(rest, r[0], r[1]);
      if (m != null) {
        return m;
      }
    }
    return null;
  }

  /**
   * torchvision {@code efficientnet_b*} (features.0 stem, features.1-7 stages, features.8 head).
   */
  public static Map<String, TensorData> fromTorchvision(Map<String, TensorData> sd) {
    Map<Integer, Integer> counts = blockCounts(sd, TV_BLOCK, 1, 2, 1);
    Map<String, Boolean> expanded = new TreeMap<>();
    for (String k : sd.keySet()) {
      Matcher m = TV_BLOCK.matcher(k);
      if (m.matches() && m.group(3).equals("3")) {
        expanded.put(m.group(1) + "." + m.group(2), true);
      }
    }
    Map<String, TensorData> out = new LinkedHashMap<>();
    for (Map.Entry<String, TensorData> e : sd.entrySet()) {
      String k = e.getKey();
      String mapped;
      Matcher m = TV_BLOCK.matcher(k);
      if (m.matches()) {
        int s = Integer.parseInt(m.group(1)) - 1;
        int b = Integer.parseInt(m.group(2));
        int part = Integer.parseInt(m.group(3));
        String rest = m.group(4);
        boolean expand = expanded.containsKey(m.group(1) + "." + m.group(2));
        String[] parts =
            expand
                ? new String[] {"expand_conv", "depthwise_conv", "se", "linear_conv"}
                : new String[] {"depthwise_conv", "se", "linear_conv"};
        if (part >= parts.length) {
          throw new CheckpointException("torchvision key '" + k + "' has no mmdet counterpart");
        }
        String module = parts[part];
        String leaf;
        if (module.equals("se")) {
          leaf =
              rest.startsWith("fc1.")
                  ? "se.conv1.conv." + rest.substring(4)
                  : rest.startsWith("fc2.") ? "se.conv2.conv." + rest.substring(4) : null;
        } else {
          leaf =
              rest.startsWith("0.")
                  ? module + ".conv." + rest.substring(2)
                  : rest.startsWith("1.") ? module + ".bn." + rest.substring(2) : null;
        }
        if (leaf == null) {
          throw new CheckpointException("torchvision key '" + k + "' has no mmdet counterpart");
        }
        mapped = "backbone.layers." + layerOf(s) + "." + blockIndex(counts, s, b) + "." + leaf;
      } else if (k.startsWith("features.0.0.")) {
        mapped = "backbone.layers.0.conv." + k.substring("features.0.0.".length());
      } else if (k.startsWith("features.0.1.")) {
        mapped = "backbone.layers.0.bn." + k.substring("features.0.1.".length());
      } else if (k.matches("features\\.8\\.0\\..+")) {
        mapped = "backbone.layers.6.conv." + k.substring("features.8.0.".length());
      } else if (k.matches("features\\.8\\.1\\..+")) {
        mapped = "backbone.layers.6.bn." + k.substring("features.8.1.".length());
      } else if (k.startsWith("classifier.1.")) {
        mapped = "head.fc." + k.substring("classifier.1.".length());
      } else {
        throw new CheckpointException("torchvision key '" + k + "' is not an EfficientNet key");
      }
      out.put(mapped, e.getValue());
    }
    return out;
  }
}
