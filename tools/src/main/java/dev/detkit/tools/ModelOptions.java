package dev.detkit.tools;

import dev.detkit.api.backend.Backends;
import dev.detkit.api.backend.ComputePrecision;
import dev.detkit.api.backend.Device;
import dev.detkit.api.model.Detector;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.runtime.RuntimeOptions;
import dev.detkit.api.tensor.Backend;
import dev.detkit.onnxruntime.OrtNetwork;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every model-running command shares: {@link ConfigOptions} plus checkpoint, backend,
 * device, memory layout and compute dtype.
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
      names = "--device",
      defaultValue = "cpu",
      description =
          "cpu (default), cuda or cuda:N: where the network runs. CUDA needs --backend libtorch"
              + " built with -Pcuda, or --backend onnxruntime with onnxruntime_gpu (-Pcuda), and an"
              + " NVIDIA GPU; otherwise one line says what is missing.")
  String device;

  @Option(
      names = "--layout",
      description =
          "nchw (default: mmdetection's kernels) or channels_last (faster on DJL; may round"
              + " differently); overrides -Ddetkit.layout and DETKIT_LAYOUT.")
  String layout;

  @Option(
      names = "--dtype",
      defaultValue = "float32",
      description =
          "float32 (default); bf16: convolutions and matmuls in bfloat16 where the CPU has"
              + " AVX512-BF16 or AMX-BF16 (else float32, with a notice); bf16-emulated: the"
              + " bfloat16 path on any CPU (slow; for checking its numbers).")
  String dtype;

  private ComputePrecision precision;

  /** Checks {@code --layout} and {@code --dtype}'s names and returns the chosen backend. */
  Backend backend(Backends backends) {
    return backend(backends, onnxRuntime());
  }

  /**
   * As {@link #backend(Backends)}, on {@code --device}; with {@code networkInOrt} the network runs
   * in ONNX Runtime on {@code --device} (refused at once where its provider is missing) and the
   * returned host backend, which pre- and post-processes, stays on the CPU.
   */
  Backend backend(Backends backends, boolean networkInOrt) {
    runtime(backends.options());
    if (!ComputePrecision.NAMES.contains(dtype)) {
      throw new UserError("--dtype: expected float32, bf16 or bf16-emulated, got '" + dtype + "'");
    }
    if (networkInOrt) {
      OrtNetwork.requireDevice(device());
      return backends.get(onnxRuntime() ? "djl" : backend);
    }
    return backends.get(backend, device());
  }

  /** {@code --device}, parsed (a bad spelling is a one-line error). */
  Device device() {
    return parseDevice(device);
  }

  /** Parses a {@code --device} value; shared with {@code train}. */
  static Device parseDevice(String spec) {
    try {
      return Device.parse(spec);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }

  /** {@code base} (what the edge read) with {@code --layout} where it is given. */
  RuntimeOptions runtime(RuntimeOptions base) {
    if (layout == null) {
      return base;
    }
    if (!layout.equals("nchw") && !layout.equals("channels_last")) {
      throw new UserError("--layout: expected nchw or channels_last, got '" + layout + "'");
    }
    return base.withLayout(layout);
  }

  /** A build context on {@code b} (the chosen backend, or a wrapper of it) with these options. */
  BuildContext context(Registry registry, Backends backends, Backend b) {
    return new BuildContext(registry, b, runtime(backends.options()));
  }

  /** True for {@code --backend onnxruntime}: the network runs in ONNX Runtime. */
  boolean onnxRuntime() {
    return OnnxModels.BACKEND.equals(backend);
  }

  /**
   * {@code --dtype} resolved for {@code b} on this CPU (its notice printed once to {@code err}); a
   * backend without bfloat16 is a one-line error.
   */
  ComputePrecision precision(Backend b, PrintWriter err) {
    if (precision == null) {
      try {
        precision = ComputePrecision.resolve(dtype, b);
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage());
      }
      if (precision.notice() != null) {
        err.println(precision.notice());
      }
    }
    return precision;
  }

  /** Makes {@code det} compute in {@code --dtype}'s resolved type; returns that resolution. */
  ComputePrecision applyPrecision(Detector det, Backend b, PrintWriter err) {
    ComputePrecision p = precision(b, err);
    det.setComputeDType(p.dtype());
    return p;
  }
}
