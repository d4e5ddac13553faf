package dev.detkit.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.detkit.api.config.ConfigLoader;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.testing.TestRuntime;
import dev.detkit.data.CocoDataset;
import dev.detkit.data.Pipeline;
import dev.detkit.data.synthetic.SyntheticShapes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mmengine's DefaultSampler with world_size: the ranks' shards of one epoch's order. */
class TrainDataLoaderShardTest {
  @TempDir Path tmp;

  @Test
  void ranksTakeInterleavedPositionsOfTheRoundedUpOrder() {
    Path data = tmp.resolve("shapes");
    SyntheticShapes.generate(new SyntheticShapes.Spec(3, 5, 1, 32, 1, 2, 8, 16), data);
    ResolvedConfig cfg =
        new ConfigLoader()
            .load(
                Path.of("src/test/resources/tiny_shapes.yaml"),
                List.of(
                    "train_dataloader.dataset.data_root=" + data + "/",
                    "train_dataloader.batch_size=1"));
    Registry r = TestRuntime.registry();
    BuildContext ctx = new BuildContext(r, TestRuntime.backend("djl"));
    DataloaderCfg dl =
        r.bindArgs(
            DataloaderCfg.class,
            cfg.map("train_dataloader"),
            "train_dataloader",
            "train_dataloader");
    CocoDataset ds =
        r.build(
            ComponentKind.DATASET,
            cfg.map("train_dataloader.dataset"),
            "train_dataloader.dataset",
            CocoDataset.class,
            ctx);
    Pipeline pipe = Pipeline.build(cfg.at("train_dataloader.dataset.pipeline"), "p", ctx);
    try (TrainDataLoader one = new TrainDataLoader(ds, pipe, dl, 11, 10);
        TrainDataLoader r0 = new TrainDataLoader(ds, pipe, dl, 11, 10, 0, 2);
        TrainDataLoader r1 = new TrainDataLoader(ds, pipe, dl, 11, 10, 1, 2)) {
      for (int epoch = 0; epoch < 2; epoch++) {
        List<Integer> order = flat(one.batches(epoch));
        // Five images, two ranks: the order rounds up to six by repeating its first index.
        assertEquals(List.of(order.get(0), order.get(2), order.get(4)), flat(r0.batches(epoch)));
        assertEquals(List.of(order.get(1), order.get(3), order.get(0)), flat(r1.batches(epoch)));
      }
      assertEquals(3, r0.batchesPerEpoch());
    }
  }

  private static List<Integer> flat(List<int[]> batches) {
    List<Integer> out = new ArrayList<>();
    for (int[] b : batches) {
      for (int i : b) {
        out.add(i);
      }
    }
    return out;
  }
}
