package dev.detkit.spark;

import dev.detkit.api.config.CfgPrinter;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.runtime.RuntimeOptions;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What an executor needs to build the detector, shipped with every task: the resolved config (as
 * JSON, so executors need not see the config files), the checkpoint's path (read by the executor:
 * it must be reachable there, as the images), the backend, the driver's runtime options (an
 * executor builds its injector from them, once per JVM) and a key that names this model in the
 * executors' detector cache.
 *
 * @param configJson the resolved config
 * @param checkpoint the checkpoint file, or null for the config's own {@code load_from}
 * @param backend the backend name
 * @param options the driver's runtime options (layout, batch-norm folding, threads, ...)
 * @param key SHA-256 of the resolved config, the checkpoint's path, size and modification time, the
 *     backend and the options
 */
public record ModelSpec(
    String configJson, String checkpoint, String backend, RuntimeOptions options, String key)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * The spec of {@code cfg} with {@code checkpoint} (may be null) on {@code backend}, built with
   * {@code options}.
   */
  public static ModelSpec of(
      ResolvedConfig cfg, Path checkpoint, String backend, RuntimeOptions options) {
    String json = CfgPrinter.json(cfg.root(), false);
    String ckpt = checkpoint == null ? null : checkpoint.toAbsolutePath().toString();
    String stamp = "";
    if (checkpoint != null) {
      java.io.File f = checkpoint.toFile();
      stamp = f.length() + ":" + f.lastModified();
    }
    return new ModelSpec(
        json,
        ckpt,
        backend,
        options,
        sha256(json + "\n" + ckpt + "\n" + stamp + "\n" + backend + "\n" + options));
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
