package dev.detkit.onnxruntime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.detkit.api.backend.BackendException;
import dev.detkit.api.backend.Device;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.heads.HeadOutputs;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A detector's network executed by ONNX Runtime: the normalised input batch (a tensor of the host
 * backend) in, the head's raw per-level outputs out as host tensors, so the head's own {@code
 * predictByFeat} post-processes them exactly as on any other backend. This is a model executor, not
 * a {@code Kernels} backend: ONNX Runtime runs a whole graph, which is what lets it fuse conv,
 * batch norm and activation. Sessions (graph optimisation level ALL) are created once per model
 * file and reused; {@link ModelSource} says which file serves an input shape (one per shape for
 * static exports, one for all with a dynamic-shape export). On {@code --device cuda[:N]} each
 * session adds ONNX Runtime's CUDA execution provider first (the CPU one takes the nodes it cannot
 * run), which needs the {@code onnxruntime_gpu} artifact ({@code -Pcuda}).
 */
public final class OrtNetwork implements AutoCloseable {

  /** Which exported file runs inputs of a shape (exporting it first if need be). */
  public interface ModelSource {
    Path model(int[] inputShape);
  }

  private final Backend host;
  private final ModelSource source;
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final Map<Path, OrtSession> sessions = new HashMap<>();
  private final Map<List<Integer>, Path> byShape = new HashMap<>();
  private final Device device;

  private final int threads;

  /**
   * {@code threads}: ONNX Runtime's intra-op threads ({@code RuntimeOptions.ortThreads()}; 0: the
   * JVM's cores).
   */
  public OrtNetwork(Backend host, int threads, ModelSource source) {
    this(host, threads, source, Device.CPU);
  }

  /**
   * {@code threads} as above; {@code device}: where the sessions run ({@code --device}).
   *
   * @throws BackendException (one line) when {@code device} is CUDA and the loaded ONNX Runtime has
   *     no CUDA execution provider
   */
  public OrtNetwork(Backend host, int threads, ModelSource source, Device device) {
    requireDevice(device);
    this.host = host;
    this.source = source;
    this.threads = threads(threads);
    this.device = device;
  }

  /**
   * Checks that the loaded ONNX Runtime can run on {@code device}: always for the CPU; for CUDA
   * only when its CUDA execution provider is among {@link OrtEnvironment#getAvailableProviders()}
   * (the {@code onnxruntime_gpu} build).
   *
   * @throws BackendException with a one-line message naming the missing provider and the artifact
   */
  public static void requireDevice(Device device) {
    if (device.isCpu()) {
      return;
    }
    java.util.EnumSet<OrtProvider> providers = OrtEnvironment.getAvailableProviders();
    if (!providers.contains(OrtProvider.CUDA)) {
      throw new BackendException(
          "--device "
              + device
              + ": ONNX Runtime "
              + OrtEnvironment.getEnvironment().getVersion()
              + " here has no CUDA execution provider (available: "
              + providers
              + "); it is in com.microsoft.onnxruntime:onnxruntime_gpu: build with -Pcuda on a"
              + " machine with an NVIDIA GPU, driver, CUDA 12 and cuDNN 9",
          null);
    }
  }

  /** The intra-op threads a session gets for {@code requested} (0: the JVM's cores). */
  public static int threads(int requested) {
    return requested > 0 ? requested : Runtime.getRuntime().availableProcessors();
  }

  /** ONNX Runtime's version, for benchmark records. */
  public static String version() {
    return "onnxruntime " + OrtEnvironment.getEnvironment().getVersion();
  }

  /**
   * Opens a session on {@code file} with {@code threads} intra-op threads; an unreadable or foreign
   * file is a {@link BadModelException}.
   */
  public static OrtSession open(Path file, int threads) {
    return open(file, threads, Device.CPU);
  }

  /**
   * Opens a session on {@code file} with {@code threads} intra-op threads running on {@code
   * device}; an unreadable or foreign file is a {@link BadModelException}, a CUDA provider that
   * cannot start a one-line {@link BackendException}.
   */
  public static OrtSession open(Path file, int threads, Device device) {
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      o.setIntraOpNumThreads(threads);
      o.setInterOpNumThreads(1);
      o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      if (!device.isCpu()) {
        requireDevice(device);
        try {
          o.addCUDA(device.indexOrZero());
        } catch (OrtException e) {
          throw new BackendException(
              "--device "
                  + device
                  + ": ONNX Runtime's CUDA execution provider did not start ("
                  + firstLine(e.getMessage())
                  + ")",
              e);
        }
      }
      return OrtEnvironment.getEnvironment().createSession(file.toString(), o);
    } catch (OrtException e) {
      throw new BadModelException(
          file + ": ONNX Runtime cannot load it as a model (" + firstLine(e.getMessage()) + ")");
    }
  }

  static String firstLine(String s) {
    if (s == null) {
      return "no message";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** The session for {@code file}, created on first use. */
  public synchronized OrtSession session(Path file) {
    return sessions.computeIfAbsent(file, f -> open(f, threads, device));
  }

  /** The raw head outputs of a normalised NCHW float32 batch. */
  public HeadOutputs forward(Tensor inputs) {
    int[] shape = inputs.shape().dims();
    List<Integer> key = Arrays.stream(shape).boxed().toList();
    Path file;
    synchronized (this) {
      file = byShape.computeIfAbsent(key, k -> source.model(shape));
    }
    OrtSession s = session(file);
    checkShape(s, file, shape);
    float[] x =
        inputs.dtype() == DType.FLOAT32
            ? inputs.toFloatArray()
            : inputs.toType(DType.FLOAT32).toFloatArray();
    long[] dims = Arrays.stream(shape).asLongStream().toArray();
    String inputName = s.getInputNames().iterator().next();
    Map<String, List<Tensor>> maps = new LinkedHashMap<>();
    try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), dims);
        OrtSession.Result r = s.run(Map.of(inputName, in))) {
      for (Map.Entry<String, OnnxValue> e : r) {
        OnnxTensor t = (OnnxTensor) e.getValue();
        long[] d = t.getInfo().getShape();
        FloatBuffer fb = t.getFloatBuffer();
        float[] v = new float[fb.remaining()];
        fb.get(v);
        String name = e.getKey();
        int dot = name.lastIndexOf('.');
        String map = dot < 0 ? name : name.substring(0, dot);
        maps.computeIfAbsent(map, k -> new ArrayList<>())
            .add(host.fromFloats(v, Arrays.stream(d).mapToInt(l -> (int) l).toArray()));
      }
    } catch (OrtException e) {
      throw new IllegalStateException(
          file + ": ONNX Runtime failed: " + firstLine(e.getMessage()), e);
    }
    return new HeadOutputs(maps);
  }

  /** A static export runs only its own input shape; say so instead of ONNX Runtime's error. */
  private static void checkShape(OrtSession s, Path file, int[] shape) {
    try {
      NodeInfo info = s.getInputInfo().values().iterator().next();
      long[] want = ((TensorInfo) info.getInfo()).getShape();
      for (int i = 0; i < want.length && i < shape.length; i++) {
        if (want[i] >= 0 && want[i] != shape[i]) {
          throw new BadModelException(
              file
                  + ": exported for input "
                  + Arrays.toString(want)
                  + " but the batch is "
                  + Arrays.toString(shape)
                  + " (export with --dynamic-shape, or with this --shape)");
        }
      }
    } catch (OrtException e) {
      throw new BadModelException(file + ": " + firstLine(e.getMessage()));
    }
  }

  @Override
  public synchronized void close() {
    for (OrtSession s : sessions.values()) {
      try {
        s.close();
      } catch (OrtException e) {
        // Closing frees native memory; nothing to do if it fails at exit.
      }
    }
    sessions.clear();
  }
}
