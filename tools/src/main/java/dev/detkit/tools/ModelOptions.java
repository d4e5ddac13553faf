package dev.detkit.tools;

import dev.detkit.api.backend.Backends;
import dev.detkit.api.tensor.Backend;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every model-running command shares: {@link ConfigOptions} plus checkpoint, backend
 * and memory layout.
 */
final class ModelOptions extends ConfigOptions {

  @Option(
      names = "--checkpoint",
      paramLabel = "FILE",
      description = "Detector checkpoint (.pth or .safetensors); default: the config's load_from.")
  Path checkpoint;

  @Option(
      names = "--backend",
      defaultValue = "djl",
      description =
          "djl (default), nd4j, libtorch, or onnxruntime (the network exported to ONNX, cached,"
              + " and run in ONNX Runtime; pre- and post-processing on djl).")
  String backend;

  @Option(
      names = "--layout",
      defaultValue = "nchw",
      description =
          "nchw (default: mmdetection's kernels) or channels_last (faster on DJL; may round differently).")
  String layout;

  /** Applies {@code --layout} and returns the chosen backend (djl for onnxruntime's host side). */
  Backend backend() {
    if (!layout.equals("nchw") && !layout.equals("channels_last")) {
      throw new UserError("--layout: expected nchw or channels_last, got '" + layout + "'");
    }
    System.setProperty("detkit.layout", layout);
    return Backends.get(onnxRuntime() ? "djl" : backend);
  }

  /** True for {@code --backend onnxruntime}: the network runs in ONNX Runtime. */
  boolean onnxRuntime() {
    return OnnxModels.BACKEND.equals(backend);
  }
}
