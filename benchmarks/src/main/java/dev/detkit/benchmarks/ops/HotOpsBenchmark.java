package dev.detkit.benchmarks.ops;

import dev.detkit.api.backend.Backends;
import dev.detkit.api.registry.DetkitInjector;
import dev.detkit.api.runtime.RuntimeOptions;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Conv2dOptions;
import dev.detkit.api.tensor.Tensor;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Hot convolutions of RetinaNet-EfficientNet-B3 at 896x896 on each backend, one op per call, output
 * freed each call. Run: {@code benchmarks/run-jmh.sh HotOps}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Dai.djl.offline=true", "-Djavacpp.platform.extension=-onednn"})
public class HotOpsBenchmark {
  @Param({"djl", "nd4j"})
  public String backend;

  @Param({"DW3X3_S1", "DW3X3_S2", "DW5X5_S1", "DW5X5_S2", "CONV1X1", "CONV3X3_256"})
  public HotOp op;

  /** {@code channels_last} stores the input NHWC where the backend can (DJL); see HotOp. */
  @Param({"nchw", "channels_last"})
  public String layout;

  private Tensor input;
  private Tensor weight;
  private Conv2dOptions options;

  @Setup(Level.Trial)
  public void setUp() {
    // JMH creates this class, so the benchmark is its own edge: one injector for the forked JVM,
    // from its system properties and environment, as the command line builds.
    Backend b =
        DetkitInjector.shared(RuntimeOptions.fromSystem()).getInstance(Backends.class).get(backend);
    Random rnd = new Random(42);
    input = op.input(b, rnd);
    if (layout.equals("channels_last")) {
      Tensor packed = input.toChannelsLast();
      input.close();
      input = packed;
    }
    weight = op.weight(b, rnd);
    options = op.options();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    input.close();
    weight.close();
  }

  @Benchmark
  public int conv() {
    try (Tensor out = input.conv2d(weight, null, options)) {
      return out.dim(1);
    }
  }
}
