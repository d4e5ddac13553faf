package dev.detkit.tools;

import dev.detkit.api.checkpoint.Checkpoints;
import dev.detkit.api.checkpoint.Safetensors;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.backbones.convert.EfficientNetKeyMap;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./detkit convert-checkpoint IN OUT [--from timm|torchvision|mmdet]}: writes a .pth (or
 * .safetensors) checkpoint as .safetensors, renaming timm's {@code tf_efficientnet_b*} and
 * torchvision's {@code efficientnet_b*} keys to mmdet's ({@code backbone.layers...}). Note that
 * torchvision's weights were trained with symmetric padding, not TF "SAME".
 */
@Command(
    name = "convert-checkpoint",
    description =
        "Convert a checkpoint to .safetensors, mapping timm/torchvision EfficientNet keys to mmdet's.")
final class ConvertCheckpointCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "IN",
      description = "Checkpoint to read: .pth/.pt (PyTorch zip) or .safetensors.")
  Path in;

  @Parameters(
      index = "1",
      paramLabel = "OUT",
      description =
          "The .safetensors file to write (not IN; written to a temporary file first, then moved"
              + " into place).")
  Path out;

  @Option(
      names = "--from",
      defaultValue = "mmdet",
      description =
          "Key names of IN: timm, torchvision, or mmdet (keys kept; the default, ${DEFAULT-VALUE}).")
  String from;

  @Override
  public Integer call() throws java.io.IOException {
    if (!from.equals("mmdet") && !from.equals("timm") && !from.equals("torchvision")) {
      throw new UserError("--from: expected timm, torchvision or mmdet, got '" + from + "'");
    }
    OutputPaths.checkReadable(in, "IN");
    if (!out.getFileName().toString().endsWith(".safetensors")) {
      throw new UserError("OUT " + out + ": expected a .safetensors file name");
    }
    OutputPaths.checkFile(out, "OUT");
    if (java.nio.file.Files.exists(out) && java.nio.file.Files.isSameFile(in, out)) {
      throw new UserError("OUT " + out + " is IN: refusing to overwrite the source checkpoint");
    }
    Map<String, TensorData> sd = Checkpoints.load(in);
    if (sd.isEmpty()) {
      throw new UserError(in + ": holds no tensors; nothing to convert");
    }
    Map<String, TensorData> mapped =
        switch (from) {
          case "timm" -> EfficientNetKeyMap.fromTimm(sd);
          case "torchvision" -> EfficientNetKeyMap.fromTorchvision(sd);
          default -> sd;
        };
    // Safetensors.write goes through a temporary file and a move: OUT is whole or untouched.
    Safetensors.write(
        out,
        mapped,
        Map.of("format", "pt", "converted_from", from, "source", in.getFileName().toString()));
    spec.commandLine()
        .getOut()
        .println(
            "wrote "
                + mapped.size()
                + " tensors to "
                + out
                + (from.equals("torchvision")
                    ? " (torchvision weights expect symmetric padding: set conv_cfg {type: Conv2d})"
                    : ""));
    return 0;
  }
}
