package dev.detkit.engine;

import dev.detkit.api.checkpoint.Checkpoints;
import dev.detkit.api.checkpoint.Safetensors;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.nn.Module;
import dev.detkit.api.util.Json;
import dev.detkit.engine.optim.Optimizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A training checkpoint in one safetensors file: the model's state dict under its own keys (so
 * {@code test}, {@code infer} and {@code load_from} read it as any checkpoint), the optimizer state
 * under {@code optimizer.}, and the loop state as JSON metadata ({@link
 * Checkpoints#TRAIN_STATE_KEY}). Written to a temporary file and moved, so a killed run never
 * leaves a torn checkpoint.
 */
public final class TrainCheckpoint {
  private TrainCheckpoint() {}

  /** The loop's position: completed epochs and iterations, the seed, and the best metric so far. */
  public record State(int epoch, long iter, long seed, String config) {}

  public static void save(Path file, Module model, Optimizer optimizer, State state) {
    save(file, model, optimizer, state, Map.of());
  }

  /** As above, with {@code extra} tensors (a hook's state, such as EMA's) after the model's. */
  public static void save(
      Path file, Module model, Optimizer optimizer, State state, Map<String, TensorData> extra) {
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    model.stateDict().forEach((k, t) -> tensors.put(k, TensorData.of(t)));
    tensors.putAll(extra);
    optimizer.state().forEach((k, t) -> tensors.put(Checkpoints.OPTIMIZER_PREFIX + k, t));
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put(Checkpoints.TRAIN_STATE_KEY, Json.compact(state));
    meta.put("format", "pt");
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Safetensors.write(tmp, tensors, meta);
    try {
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + file, e);
    }
  }

  /** The loop state of a training checkpoint; an error for a plain model checkpoint. */
  public static State state(Path file) {
    String json = Safetensors.metadata(file).get(Checkpoints.TRAIN_STATE_KEY);
    if (json == null) {
      throw new dev.detkit.api.checkpoint.CheckpointException(
          file
              + ": not a training checkpoint (no loop state); use load_from to start from weights");
    }
    try {
      return Json.read(json, State.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new dev.detkit.api.checkpoint.CheckpointException(
          file + ": malformed loop state: " + Json.problem(e), e);
    }
  }

  /** The optimizer entries of a training checkpoint, prefix removed. */
  public static Map<String, TensorData> optimizerState(Path file) {
    Map<String, TensorData> out = new LinkedHashMap<>();
    Safetensors.read(file)
        .forEach(
            (k, v) -> {
              if (k.startsWith(Checkpoints.OPTIMIZER_PREFIX)) {
                out.put(k.substring(Checkpoints.OPTIMIZER_PREFIX.length()), v);
              }
            });
    return out;
  }
}
