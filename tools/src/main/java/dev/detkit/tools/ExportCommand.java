package dev.detkit.tools;

import com.google.inject.Inject;
import dev.detkit.api.backend.Backends;
import dev.detkit.api.checkpoint.Safetensors;
import dev.detkit.api.checkpoint.StoredType;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.config.CfgList;
import dev.detkit.api.config.CfgNode;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.tensor.Shape;
import dev.detkit.export.DetectorExporter;
import dev.detkit.export.OnnxGraph;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./detkit export CONFIG --checkpoint FILE --out MODEL.onnx}: the network from the data
 * preprocessor's normalised input to the head's raw outputs, as ONNX, recorded by running the model
 * code once on a recording backend, with the detector's metadata in the file.
 */
@Command(
    name = "export",
    description =
        "Export the network (normalised input to the head's raw outputs) to ONNX, with the"
            + " detector's metadata.")
final class ExportCommand implements Callable<Integer> {
  @Inject Registry registry;
  @Inject Backends backends;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ModelOptions model;

  @Option(names = "--out", required = true, paramLabel = "MODEL.onnx", description = "The file.")
  Path out;

  @Option(
      names = "--shape",
      arity = "2",
      paramLabel = "H W",
      hideParamSyntax = true,
      description =
          "Input height and width (default: the config's image_size, else 896 896); with"
              + " --dynamic-shape, the size the graph is recorded at.")
  int[] shape;

  @Option(
      names = "--dynamic-shape",
      description =
          "Leave batch, height and width symbolic (sizes must keep the recorded size's remainders"
              + " by the network's strides, e.g. multiples of 128 for 896 x 896 recordings).")
  boolean dynamic;

  @Option(
      names = "--batch-size",
      defaultValue = "1",
      description = "Batch size of a static export (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--opset",
      defaultValue = "17",
      description = "ONNX opset, 13 to 21 (default ${DEFAULT-VALUE}).")
  int opset;

  @Option(
      names = "--save-io",
      paramLabel = "FILE.safetensors",
      description =
          "Also write the recording run's input (inputs) and raw outputs, to check the file in"
              + " another runtime (benchmarks/python/onnx_check.py).")
  Path saveIo;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    InputShape.check(shape);
    if (opset < DetectorExporter.MIN_OPSET || opset > DetectorExporter.MAX_OPSET) {
      throw new UserError(
          "--opset: expected "
              + DetectorExporter.MIN_OPSET
              + " to "
              + DetectorExporter.MAX_OPSET
              + ", got "
              + opset);
    }
    if (batch < 1) {
      throw new UserError("--batch-size must be at least 1, got " + batch);
    }
    if (model.backend.equals(OnnxModels.BACKEND)) {
      throw new UserError("--backend: export records on djl, nd4j or libtorch, not onnxruntime");
    }
    OutputPaths.checkFile(out, "--out");
    OutputPaths.checkFile(saveIo, "--save-io");
    ResolvedConfig cfg = model.loadConfig();
    int[] hw = shape != null ? shape : defaultShape(cfg);
    long t0 = System.nanoTime();
    OnnxModels.Written w =
        OnnxModels.export(
            cfg,
            model.checkpoint,
            model.context(registry, backends, model.backend(backends)),
            new int[] {batch, 3, hw[0], hw[1]},
            dynamic,
            opset,
            out,
            err);
    if (saveIo != null) {
      DetectorExporter.Recorded rec = w.recorded();
      Map<String, TensorData> io = new LinkedHashMap<>();
      io.put(DetectorExporter.INPUT, f32(rec.input(), Shape.of(rec.inputShape())));
      for (OnnxGraph.ValueInfo v : rec.graph().outputs()) {
        io.put(v.name(), f32(rec.outputs().get(v.name()), Shape.of(v.dims())));
      }
      Safetensors.write(saveIo, io, Map.of("model", out.toString()));
    }
    spec.commandLine()
        .getOut()
        .printf(
            Locale.ROOT,
            "wrote %s: %.1f MB, %d nodes, %d initializers, opset %d, input %s%dx3x%dx%d, %.1f s%n",
            w.file(),
            w.bytes() / 1e6,
            w.nodes(),
            w.initializers(),
            opset,
            dynamic ? "symbolic, recorded at " : "",
            batch,
            hw[0],
            hw[1],
            (System.nanoTime() - t0) / 1e9);
    spec.commandLine().getOut().flush();
    return 0;
  }

  private static TensorData f32(float[] v, Shape shape) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return new TensorData(StoredType.F32, shape, b);
  }

  /** The config's {@code image_size} (EfficientDet and crop configs), else 896 x 896. */
  static int[] defaultShape(ResolvedConfig cfg) {
    CfgNode n = cfg.at("image_size");
    if (n instanceof CfgList l && l.items().size() == 2) {
      try {
        return new int[] {
          ((Number) l.items().get(0).unwrapped()).intValue(),
          ((Number) l.items().get(1).unwrapped()).intValue()
        };
      } catch (ClassCastException e) {
        // fall through to the default
      }
    }
    return new int[] {896, 896};
  }
}
