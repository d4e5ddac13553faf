package dev.detkit.api.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Opens checkpoints by content, not by extension: safetensors or a PyTorch zip ({@code .pth},
 * {@code .pt}); unwraps mmengine's {@code {state_dict, meta}} wrapper and DataParallel's {@code
 * module.} prefix, as mmengine's {@code _load_checkpoint} does.
 */
public final class Checkpoints {
  private Checkpoints() {}

  /**
   * Metadata key marking a training checkpoint (detkit's runner): the model's weights at the top
   * level, the optimizer's state under {@link #OPTIMIZER_PREFIX} (dropped when loading a model),
   * and this key's JSON value holding the loop state (epoch, iteration, scheduler, seed).
   */
  public static final String TRAIN_STATE_KEY = "detkit_train_state";

  /**
   * Key prefix of hook state in a training checkpoint (EMAHook's training weights under {@code
   * ema_state_dict.module.}, as mmengine names them): not the model's, dropped when loading one.
   */
  public static final String HOOK_STATE_PREFIX = "ema_state_dict.";

  /** Key prefix of optimizer state in a training checkpoint. */
  public static final String OPTIMIZER_PREFIX = "optimizer.";

  /** The state dict of a checkpoint file, keys in file order. */
  public static Map<String, TensorData> load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException(file + ": checkpoint file not found");
    }
    byte[] head = new byte[16];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot read: " + e.getMessage(), e);
    }
    if (n >= 4 && head[0] == 'P' && head[1] == 'K') {
      return stateDict(PthReader.read(file), file);
    }
    if (Safetensors.looksLike(ByteBuffer.wrap(head, 0, n))) {
      Map<String, TensorData> all = stripModulePrefix(Safetensors.read(file));
      if (Safetensors.metadata(file).containsKey(TRAIN_STATE_KEY)) {
        all.keySet()
            .removeIf(k -> k.startsWith(OPTIMIZER_PREFIX) || k.startsWith(HOOK_STATE_PREFIX));
      }
      return all;
    }
    if (n >= 2 && (head[0] & 0xff) == 0x80) {
      throw new CheckpointException(
          file
              + ": a legacy (pre-1.6, non-zip) PyTorch checkpoint; re-save it with torch.save in PyTorch >= 1.6 or convert it to .safetensors");
    }
    throw new CheckpointException(
        file + ": not a checkpoint (neither safetensors nor a PyTorch zip file)");
  }

  private static Map<String, TensorData> stateDict(Object root, Path file) {
    Object sd = root;
    if (root instanceof Map<?, ?> m && m.get("state_dict") instanceof Map<?, ?> inner) {
      sd = inner;
    }
    if (!(sd instanceof Map<?, ?> map)) {
      throw new CheckpointException(
          file
              + ": holds a "
              + (sd == null ? "None" : sd.getClass().getSimpleName())
              + ", not a state dict");
    }
    Map<String, TensorData> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getValue() instanceof TensorData t)) {
        throw new CheckpointException(
            file
                + ": key '"
                + e.getKey()
                + "' holds a "
                + (e.getValue() == null ? "None" : e.getValue().getClass().getSimpleName())
                + ", not a tensor (is this a state dict?)");
      }
      out.put(String.valueOf(e.getKey()), t);
    }
    return stripModulePrefix(out);
  }

  private static Map<String, TensorData> stripModulePrefix(Map<String, TensorData> sd) {
    if (sd.isEmpty() || !sd.keySet().stream().allMatch(k -> k.startsWith("module."))) {
      return sd;
    }
    Map<String, TensorData> out = new LinkedHashMap<>();
    sd.forEach((k, v) -> out.put(k.substring("module.".length()), v));
    return out;
  }

  /** The entries under {@code prefix.} with the prefix removed (mmengine's Pretrained prefix). */
  public static Map<String, TensorData> withPrefix(Map<String, TensorData> sd, String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      return sd;
    }
    String p = prefix.endsWith(".") ? prefix : prefix + ".";
    Map<String, TensorData> out = new LinkedHashMap<>();
    sd.forEach(
        (k, v) -> {
          if (k.startsWith(p)) {
            out.put(k.substring(p.length()), v);
          }
        });
    return out;
  }
}
