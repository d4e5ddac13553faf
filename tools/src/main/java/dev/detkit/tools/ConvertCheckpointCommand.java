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

  @Parameters(index = "0", paramLabel = "IN")
  Path in;

  @Parameters(index = "1", paramLabel = "OUT")
  Path out;

  @Option(
      names = "--from",
      defaultValue = "mmdet",
      description = "timm, torchvision or mmdet (keys kept).")
  String from;

  @Override
  public Integer call() {
    Map<String, TensorData> sd = Checkpoints.load(in);
    Map<String, TensorData> mapped =
        switch (from) {
          case "mmdet" -> sd;
          case "timm" -> EfficientNetKeyMap.fromTimm(sd);
          case "torchvision" -> EfficientNetKeyMap.fromTorchvision(sd);
          default ->
              throw new UserError(
                  "--from: expected timm, torchvision or mmdet, got '" + from + "'");
        };
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
