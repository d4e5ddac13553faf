package dev.detkit.necks;

import dev.detkit.api.nn.ConvModule;
import dev.detkit.api.nn.Sequential;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * mmdet's PAFPN (Path Aggregation Network): FPN's lateral, top-down and output convs, then a
 * bottom-up path: each level's output plus a stride-2 3x3 conv of the (updated) level below,
 * followed by a 3x3 conv on every level but the first; FPN's extra levels build on the result.
 * mmdet's PAFPN ignores FPN's {@code upsample_cfg} (it always upsamples nearest to the lateral's
 * size), which FPN's arguments already restrict to.
 */
public final class PAFPN extends FPN {

  @Component(
      kind = ComponentKind.NECK,
      name = "PAFPN",
      summary = "FPN plus a bottom-up path: stride-2 3x3 convs added level by level, 3x3 outputs")
  public static PAFPN build(Args a, BuildContext ctx) {
    return new PAFPN(a, ctx.backend(), NeckInputs.checkedStrides(a.inChannels(), ctx));
  }

  private final Sequential downsampleConvs;
  private final Sequential pafpnConvs;

  public PAFPN(Args a, Backend b, List<Integer> inStrides) {
    super(a, b, inStrides);
    // Seeded apart from FPN's convs; random init only matters without a checkpoint.
    Random rnd = new Random(1);
    downsampleConvs = register("downsample_convs", new Sequential());
    pafpnConvs = register("pafpn_convs", new Sequential());
    int c = a.outChannels();
    for (int i = 1; i < usedLevels(); i++) {
      downsampleConvs.add(
          ConvModule.builder(b, rnd, c, c)
              .kernel(3)
              .stride(2)
              .padding(1)
              .norm(a.normCfg())
              .act(act)
              .build());
      pafpnConvs.add(
          ConvModule.builder(b, rnd, c, c).kernel(3).padding(1).norm(a.normCfg()).act(act).build());
    }
  }

  @Override
  protected List<Tensor> pathAggregation(List<Tensor> inter) {
    List<Tensor> x = new ArrayList<>(inter);
    for (int i = 0; i + 1 < x.size(); i++) {
      x.set(i + 1, x.get(i + 1).add(downsampleConvs.get(i).forward(x.get(i))));
    }
    List<Tensor> outs = new ArrayList<>();
    outs.add(x.get(0));
    for (int i = 1; i < x.size(); i++) {
      outs.add(pafpnConvs.get(i - 1).forward(x.get(i)));
    }
    return outs;
  }
}
