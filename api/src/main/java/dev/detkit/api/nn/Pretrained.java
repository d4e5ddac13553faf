package dev.detkit.api.nn;

import dev.detkit.api.checkpoint.CheckpointException;
import dev.detkit.api.checkpoint.Checkpoints;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.tensor.Backend;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * mmengine's {@code init_cfg=dict(type='Pretrained', checkpoint=..., prefix=...)}: keep the
 * checkpoint keys under {@code prefix.}, strip it, and load non-strictly, reporting what did not
 * match. A URL is looked up in torch hub's cache ({@code $TORCH_HOME/hub/checkpoints}, {@code
 * ~/.cache/torch/hub/checkpoints} by default: {@code RuntimeOptions.torchHome()}); detkit never
 * downloads, so a URL that is not cached is skipped with a warning (random init remains). Other
 * init types (Kaiming, Constant, ...) describe the random init detkit already does.
 */
public final class Pretrained {
  private static final Logger LOG = System.getLogger(Pretrained.class.getName());

  private Pretrained() {}

  /**
   * Applies {@code initCfg} (a map or a list of maps, as written in the config) to {@code m}, on
   * {@code ctx}'s backend, with its options' torch hub cache.
   */
  public static LoadReport apply(Module m, Object initCfg, BuildContext ctx, String owner) {
    Backend backend = ctx.backend();
    Path hubCache = ctx.options().hubCheckpoints();
    if (initCfg instanceof List<?> l) {
      LoadReport last = null;
      for (Object o : l) {
        LoadReport r = apply(m, o, ctx, owner);
        last = r == null ? last : r;
      }
      return last;
    }
    if (!(initCfg instanceof Map<?, ?> cfg) || !"Pretrained".equals(cfg.get("type"))) {
      return null;
    }
    Object ckpt = cfg.get("checkpoint");
    if (!(ckpt instanceof String path)) {
      throw new CheckpointException(owner + ".init_cfg: Pretrained needs a 'checkpoint' path");
    }
    Path file = resolve(path, hubCache);
    if (file == null) {
      LOG.log(
          Level.WARNING,
          owner
              + ".init_cfg: "
              + path
              + " is not cached locally and detkit does not download; keeping random init"
              + " (put the file in "
              + hubCache
              + ")");
      return null;
    }
    Map<String, TensorData> sd = Checkpoints.load(file);
    Object prefix = cfg.get("prefix");
    if (prefix instanceof String p) {
      sd = Checkpoints.withPrefix(sd, p);
    }
    LoadReport report = m.loadStateDict(sd, backend, false, file.toString());
    if (!report.isClean()) {
      LOG.log(Level.INFO, owner + ": loaded " + file + " with mismatches: " + report);
    }
    return report;
  }

  private static Path resolve(String path, Path hubCache) {
    if (path.startsWith("http://") || path.startsWith("https://") || path.contains("://")) {
      Path cached = hubCache.resolve(path.substring(path.lastIndexOf('/') + 1));
      return Files.isRegularFile(cached) ? cached : null;
    }
    Path p = Path.of(path);
    if (!Files.isRegularFile(p)) {
      throw new CheckpointException(path + ": init_cfg checkpoint not found");
    }
    return p;
  }
}
