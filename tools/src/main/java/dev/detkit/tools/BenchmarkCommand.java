package dev.detkit.tools;

import com.google.inject.Inject;
import dev.detkit.api.backend.Backends;
import dev.detkit.api.backend.ComputePrecision;
import dev.detkit.api.config.CfgPrinter;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.nn.FlopCounter;
import dev.detkit.api.nn.Module;
import dev.detkit.api.profile.ProfilingBackend;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.structures.DetSample;
import dev.detkit.api.structures.ImageData;
import dev.detkit.api.structures.ImageMeta;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.api.util.Json;
import dev.detkit.data.CocoDataset;
import dev.detkit.data.Pipeline;
import dev.detkit.detectors.DetDataPreprocessor;
import dev.detkit.detectors.SingleStageDetector;
import dev.detkit.engine.MemoryProbe;
import dev.detkit.engine.Progress;
import dev.detkit.heads.HeadOutputs;
import dev.detkit.onnxruntime.OrtNetwork;
import dev.detkit.tools.bench.Environment;
import dev.detkit.tools.bench.LatencyStats;
import dev.detkit.tools.bench.PeakProbe;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./detkit benchmark CONFIG}: mmdetection's inference benchmark protocol (batch 1 by
 * default, warm-up excluded, fps = timed images / timed seconds) with each phase timed separately:
 * preprocess (test pipeline and data preprocessor), forward (backbone, neck, head), post-process
 * (decode, NMS), end to end. Prints one JSON record (keys documented in README).
 */
@Command(
    name = "benchmark",
    description = "Time inference phase by phase and measure memory (mmdet's protocol).")
final class BenchmarkCommand implements Callable<Integer> {
  @Inject Registry registry;
  @Inject Backends backends;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ModelOptions model;

  @Option(
      names = "--num-images",
      defaultValue = "20",
      description = "Timed images (default ${DEFAULT-VALUE}).")
  int numImages;

  @Option(
      names = "--flops",
      description =
          "Accepted for older scripts: FLOPs (multiply-adds at the input shape, mmdet's"
              + " get_flops convention) and achieved_gflops are always in the record.")
  boolean countFlops;

  @Option(
      names = "--warmup",
      defaultValue = "3",
      description = "Untimed warm-up iterations (default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--shape",
      arity = "2",
      paramLabel = "H W",
      hideParamSyntax = true,
      description = "Synthetic network input of H x W (skips the file pipeline).")
  int[] shape;

  @Option(
      names = "--image",
      paramLabel = "FILE",
      description = "Image run through the test pipeline (default: the bundled demo image).")
  Path image;

  @Option(
      names = "--dataset",
      description =
          "Time the images of the config's test dataset, in order (cycled when --num-images is"
              + " larger), through the test pipeline, as mmdet's benchmark does.")
  boolean dataset;

  @Option(
      names = "--batch-size",
      defaultValue = "1",
      description = "Images per forward pass (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--format", defaultValue = "text", description = "text or json.")
  String format;

  @Option(
      names = "--peak",
      description =
          "Also measure this machine's attainable float32 rate in this process through the same"
              + " backend (a 4096^3 matmul and a 256-channel 3x3 conv at 112x112) and report the"
              + " fraction of it the forward pass reaches.")
  boolean peak;

  @Option(
      names = "--profile",
      description =
          "Time every kernel during the timed iterations and report the op table, most time"
              + " first (convolutions by kind: 1x1, KxK, depthwise).")
  boolean profile;

  @Override
  public Integer call() throws IOException {
    if (!format.equals("text") && !format.equals("json")) {
      throw new UserError("--format: expected text or json, got '" + format + "'");
    }
    if (numImages < 1 || warmup < 0 || batchSize < 1) {
      throw new UserError("--num-images and --batch-size must be positive, --warmup non-negative");
    }
    InputShape.check(shape);
    OutputPaths.checkReadable(image, "--image");
    if ((dataset ? 1 : 0) + (shape != null ? 1 : 0) + (image != null ? 1 : 0) > 1) {
      throw new UserError("--shape, --image and --dataset exclude each other");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ResolvedConfig cfg = model.loadConfig();
    Backend chosen = model.backend(backends);
    Backend b = profile ? new ProfilingBackend(chosen) : chosen;
    model.precision(b, err);
    BuildContext ctx = model.context(registry, backends, b);
    SingleStageDetector net =
        ModelLoader.detector(cfg, ctx, model.checkpoint, err, SingleStageDetector.class);
    ComputePrecision precision = model.applyPrecision(net, b, err);
    // --backend onnxruntime: the network runs in ONNX Runtime, pre- and post-processing on b.
    OrtNetwork ort =
        model.onnxRuntime()
            ? OnnxModels.network(cfg, ctx, model.checkpoint, err, model.device())
            : null;
    List<String> images = List.of();
    String input;
    Pipeline pipeline = null;
    if (shape == null) {
      if (dataset) {
        CocoDataset ds = ModelLoader.testDataset(cfg, ctx);
        images = ds.items().stream().map(CocoDataset.Item::path).toList();
        if (images.isEmpty()) {
          throw new UserError(ds.annFile() + ": the test dataset has no images");
        }
        input = "test dataset " + ds.annFile() + " (" + images.size() + " images, in order)";
      } else {
        Path img = image != null ? image : DemoImage.path();
        images = List.of(img.toString());
        input = "image " + img;
      }
      input += " through the config's test pipeline";
      pipeline =
          Pipeline.build(
              cfg.at("test_dataloader.dataset.pipeline"), "test_dataloader.dataset.pipeline", ctx);
    } else {
      input = "synthetic " + shape[0] + "x" + shape[1] + " uint8 image, no file pipeline";
    }
    int iterations = warmup + (numImages + batchSize - 1) / batchSize;
    double[] pre = new double[iterations - warmup];
    double[] fwd = new double[iterations - warmup];
    double[] post = new double[iterations - warmup];
    double[] e2e = new double[iterations - warmup];
    int[] inputShape = null;
    Progress progress = new Progress(err, "benchmark", iterations, ctx.options());
    long timedStart = 0;
    for (int it = 0; it < iterations; it++) {
      if (it == warmup) {
        if (b instanceof ProfilingBackend p) {
          p.reset();
        }
        timedStart = System.nanoTime();
      }
      try (TensorScope scope = TensorScope.open()) {
        long t0 = System.nanoTime();
        List<DetSample> batch = new ArrayList<>();
        for (int k = 0; k < batchSize; k++) {
          batch.add(
              pipeline == null
                  ? synthetic(shape[0], shape[1], k)
                  : pipeline.load(
                      images.get((it * batchSize + k) % images.size()), it * batchSize + k));
        }
        DetDataPreprocessor.Batch inputs = net.preprocessor().apply(batch, b);
        long t1 = System.nanoTime();
        HeadOutputs o = ort != null ? ort.forward(inputs.inputs()) : net.forward(inputs.inputs());
        o.clsScores().get(o.clsScores().size() - 1).toFloatArray();
        long t2 = System.nanoTime();
        net.head().predictByFeat(o, inputs.metas());
        long t3 = System.nanoTime();
        inputShape = inputs.inputs().shape().dims();
        if (it >= warmup) {
          int i = it - warmup;
          pre[i] = (t1 - t0) / 1e6;
          fwd[i] = (t2 - t1) / 1e6;
          post[i] = (t3 - t2) / 1e6;
          e2e[i] = (t3 - t0) / 1e6;
        }
      }
      progress.step();
    }
    double timedSeconds = (System.nanoTime() - timedStart) / 1e9;
    progress.done();
    List<Map<String, Object>> opTable = b instanceof ProfilingBackend p ? p.tableAsMaps() : null;
    Map<String, Object> throughput =
        batchSize > 1 ? throughput(net, ort, b, pipeline, images, iterations - warmup) : null;
    // The timed protocol's memory, before the FLOP count's forward (which runs on b even when the
    // timed network ran in ONNX Runtime).
    Map<String, Object> memory = MemoryProbe.snapshotMb();
    // One untimed forward under the counter, at the timed input's size: the FLOPs behind
    // achieved_gflops (multiply-adds, mmdet's get_flops convention).
    long flops;
    try (FlopCounter counter = FlopCounter.open();
        TensorScope scope = TensorScope.open()) {
      net.forward(b.zeros(DType.FLOAT32, 1, 3, inputShape[2], inputShape[3]));
      flops = counter.total();
    }
    double forwardSeconds = LatencyStats.of(fwd).mean() / 1e3;
    // FLOP/s counting a multiply and an add apart, as the peak probe's matmul does.
    double achieved = 2.0 * flops * batchSize / forwardSeconds / 1e9;
    int timedImages = (iterations - warmup) * batchSize;
    Map<String, Object> rec = new LinkedHashMap<>();
    rec.put("config", model.config.toString());
    rec.put("config_sha256", sha256(CfgPrinter.json(cfg.root(), false)));
    rec.put("checkpoint", model.checkpoint == null ? null : model.checkpoint.toString());
    Map<String, Object> env = Environment.describe(b);
    if (ort != null) {
      env.put("backend", OnnxModels.BACKEND);
      env.put(
          "backend_version",
          OrtNetwork.version()
              + (model.device().isCpu() ? "" : " on " + model.device())
              + " (pre/post-processing on "
              + b.name()
              + ")");
      env.put("threads", OrtNetwork.threads(ctx.options().ortThreads()));
    }
    rec.put("env", env);
    Map<String, Object> protocol = new LinkedHashMap<>();
    protocol.put("batch_size", batchSize);
    protocol.put("warmup_iterations", warmup);
    protocol.put("timed_images", timedImages);
    protocol.put("input", input);
    boolean cl =
        ctx.options().channelsLast() && b.has(dev.detkit.api.tensor.Capability.CHANNELS_LAST);
    protocol.put("layout", cl ? "channels_last" : "nchw");
    // What --dtype asked for and what ran (bf16 falls back to float32 without native bfloat16).
    protocol.put("dtype_requested", precision.requested());
    protocol.put("dtype", precision.effective());
    // True when eval-mode batch norms were folded into their convs (a GN-only model has none).
    boolean hasBatchNorm =
        ((Module) net)
            .namedModules().values().stream()
                .anyMatch(m -> m instanceof dev.detkit.api.nn.BatchNorm2d);
    protocol.put("bn_folded", hasBatchNorm && ctx.options().foldBn());
    rec.put("protocol", protocol);
    rec.put("input_shape", inputShape);
    rec.put("params", ((Module) net).parameterCount());
    rec.put("flops", flops);
    rec.put("achieved_gflops", achieved);
    if (peak) {
      Map<String, Object> pk = PeakProbe.measure(b, precision.dtype());
      pk.put("fraction_of_matmul", achieved / (double) pk.get("matmul_gflops"));
      pk.put("fraction_of_conv3x3", achieved / (double) pk.get("conv3x3_gflops"));
      rec.put("peak", pk);
    }
    rec.put("fps", timedImages / timedSeconds);
    if (throughput != null) {
      rec.put("throughput", throughput);
    }
    Map<String, Object> lat = new LinkedHashMap<>();
    lat.put("preprocess", LatencyStats.of(pre).toMap());
    lat.put("forward", LatencyStats.of(fwd).toMap());
    lat.put("postprocess", LatencyStats.of(post).toMap());
    lat.put("end_to_end", LatencyStats.of(e2e).toMap());
    rec.put("latency_ms", lat);
    rec.put("memory_mb", memory);
    if (opTable != null) {
      rec.put("profile", opTable);
    }
    ((Module) net).close();
    if (ort != null) {
      ort.close();
    }
    if (format.equals("json")) {
      out.println(Json.pretty(rec));
    } else {
      printText(out, rec, lat);
    }
    out.flush();
    return 0;
  }

  @SuppressWarnings("unchecked")
  private static void printText(PrintWriter out, Map<String, Object> rec, Map<String, Object> lat) {
    Map<String, Object> env = (Map<String, Object>) rec.get("env");
    out.printf(
        Locale.ROOT,
        "%s on %s (%s, %s threads)%n",
        rec.get("config"),
        env.get("backend"),
        env.get("backend_version"),
        env.get("threads"));
    Map<?, ?> protocol = (Map<?, ?>) rec.get("protocol");
    out.printf(
        Locale.ROOT,
        "input %s, %s, params %,d; %s, %s%s%n",
        java.util.Arrays.toString((int[]) rec.get("input_shape")),
        protocol.get("input"),
        (Long) rec.get("params"),
        protocol.get("layout"),
        protocol.get("dtype"),
        protocol.get("dtype").equals(protocol.get("dtype_requested"))
            ? ""
            : " (" + protocol.get("dtype_requested") + " requested)");
    out.printf(Locale.ROOT, "%-12s %9s %9s %9s %9s%n", "phase (ms)", "mean", "p50", "p90", "p99");
    for (Map.Entry<String, Object> e : lat.entrySet()) {
      Map<String, Object> s = (Map<String, Object>) e.getValue();
      out.printf(
          Locale.ROOT,
          "%-12s %9.1f %9.1f %9.1f %9.1f%n",
          e.getKey(),
          s.get("mean"),
          s.get("p50"),
          s.get("p90"),
          s.get("p99"));
    }
    Map<String, Object> mem = (Map<String, Object>) rec.get("memory_mb");
    out.printf(
        Locale.ROOT,
        "fps %.2f; memory: RSS peak %.0f MiB, heap peak %.0f MiB%n",
        rec.get("fps"),
        mem.get("rss_peak"),
        mem.get("heap_peak"));
    out.printf(
        Locale.ROOT,
        "forward: %.1f GFLOP/s (%.2f G multiply-adds per image)%n",
        rec.get("achieved_gflops"),
        ((Long) rec.get("flops")) / 1e9);
    if (rec.get("peak") instanceof Map<?, ?> pk) {
      out.printf(
          Locale.ROOT,
          "attainable here in %s: matmul %.1f GFLOP/s, 3x3 conv %.1f GFLOP/s; forward reaches"
              + " %.0f%% / %.0f%%%n",
          pk.get("dtype"),
          pk.get("matmul_gflops"),
          pk.get("conv3x3_gflops"),
          100 * (double) pk.get("fraction_of_matmul"),
          100 * (double) pk.get("fraction_of_conv3x3"));
    }
    if (rec.get("throughput") instanceof Map<?, ?> tp) {
      out.printf(
          Locale.ROOT,
          "throughput: %.2f images/s at batch %s (next batch decoded in the background)%n",
          tp.get("fps"),
          tp.get("batch_size"));
    }
    if (rec.get("profile") instanceof List<?> ops) {
      out.printf(
          Locale.ROOT, "%-28s %7s %10s %9s %6s%n", "op", "calls", "total ms", "mean ms", "%");
      for (Object o : ops.subList(0, Math.min(20, ops.size()))) {
        Map<String, Object> r = (Map<String, Object>) o;
        out.printf(
            Locale.ROOT,
            "%-28s %7d %10.1f %9.3f %6.1f%n",
            r.get("op"),
            r.get("calls"),
            r.get("total_ms"),
            r.get("mean_ms"),
            100 * (double) r.get("share"));
      }
    }
  }

  /**
   * Throughput mode: the next batch is decoded and resized on a background thread while the network
   * runs on this one (the data preprocessor, forward and post-processing stay here, as the
   * backend's tensors belong to it); images per second over {@code batches} batches.
   */
  private Map<String, Object> throughput(
      SingleStageDetector net,
      OrtNetwork ort,
      Backend b,
      Pipeline pipeline,
      List<String> images,
      int batches) {
    java.util.concurrent.BlockingQueue<List<DetSample>> ready =
        new java.util.concurrent.ArrayBlockingQueue<>(2);
    Thread loader =
        new Thread(
            () -> {
              try {
                for (int it = 0; it < batches; it++) {
                  List<DetSample> batch = new ArrayList<>();
                  for (int k = 0; k < batchSize; k++) {
                    int i = it * batchSize + k;
                    batch.add(
                        pipeline == null
                            ? synthetic(shape[0], shape[1], k)
                            : pipeline.load(images.get(i % images.size()), i));
                  }
                  ready.put(batch);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "detkit-benchmark-loader");
    loader.setDaemon(true);
    long t0 = System.nanoTime();
    loader.start();
    try {
      for (int it = 0; it < batches; it++) {
        List<DetSample> batch = ready.take();
        try (TensorScope scope = TensorScope.open()) {
          DetDataPreprocessor.Batch inputs = net.preprocessor().apply(batch, b);
          net.head()
              .predictByFeat(
                  ort != null ? ort.forward(inputs.inputs()) : net.forward(inputs.inputs()),
                  inputs.metas());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("batch_size", batchSize);
    m.put("images", batches * batchSize);
    m.put("fps", batches * batchSize / seconds);
    m.put("overlap", "decode and resize of the next batch on a background thread");
    return m;
  }

  /** A deterministic noise image of h x w with identity meta (network input = the image). */
  private static DetSample synthetic(int h, int w, int seed) {
    byte[] px = new byte[h * w * 3];
    new Random(seed).nextBytes(px);
    ImageMeta meta =
        new ImageMeta(
            "synthetic",
            seed,
            new int[] {h, w},
            new int[] {h, w},
            new double[] {1, 1},
            new int[] {h, w},
            new int[] {h, w});
    return new DetSample(new ImageData(px, h, w, 3), meta);
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The bundled demo image, extracted once to a temp file. */
  static final class DemoImage {
    private static Path path;

    static synchronized Path path() throws IOException {
      if (path == null) {
        Path p = Files.createTempFile("detkit-demo-", ".jpg");
        p.toFile().deleteOnExit();
        try (InputStream in = DemoImage.class.getResourceAsStream("/demo/chelsea.jpg")) {
          Files.copy(in, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        path = p;
      }
      return path;
    }
  }
}
