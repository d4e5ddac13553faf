package dev.detkit.backend.libtorch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.detkit.api.backend.BackendException;
import dev.detkit.api.backend.Device;
import dev.detkit.api.backend.DeviceUnavailableException;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.BinaryOp;
import dev.detkit.api.tensor.Capability;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Kernels;
import dev.detkit.api.tensor.Shape;
import dev.detkit.api.testing.TestRuntime;
import java.util.Set;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * The device plumbing of the libtorch backend on this CPU-only machine: the default backend is on
 * the CPU and unchanged; kernels given an explicit device (here the CPU, the only one there is)
 * take the device paths (host arrays copied with {@code to(device)}, creation options carrying the
 * device, scalars and gradient seeds made with their operand's options) and still pass the whole
 * conformance suite; {@code --device cuda} on the CPU build is one line.
 */
class LibtorchDeviceTest {

  static Backend backend() {
    return TestRuntime.backend("libtorch");
  }

  @Test
  void defaultBackendIsOnTheCpu() {
    Backend b = backend();
    assertEquals(Device.CPU, b.device());
    assertNull(((LibtorchKernels) b.kernels()).device());
    assertTrue(b.version().contains("CPU build"), b.version());
  }

  @Test
  void cudaOnTheCpuBuildIsOneLine() {
    backend();
    assumeFalse(torch.cuda_is_available(), "a CUDA device is visible: the refusal cannot happen");
    for (String spec : new String[] {"cuda", "cuda:0", "cuda:3"}) {
      BackendException e =
          assertThrows(
              BackendException.class,
              () -> TestRuntime.backends().get("libtorch", Device.parse(spec)));
      assertEquals(
          "--device "
              + spec
              + ": libtorch 2.10.0 (CPU build) sees no CUDA device; build the backend with -Pcuda"
              + " on a machine with an NVIDIA GPU and driver",
          e.getMessage());
      assertTrue(e.getCause() instanceof DeviceUnavailableException);
    }
    // The refusal leaves the CPU backend usable.
    assertEquals(Device.CPU, TestRuntime.backends().get("libtorch", Device.CPU).device());
  }

  /** Every creation path puts its tensor on the kernels' device and reads back exactly. */
  @Test
  void explicitDeviceCreationPathsRoundTrip() {
    Kernels k = new LibtorchKernels(new org.bytedeco.pytorch.Device(torch.DeviceType.CPU));
    Shape s = Shape.of(2, 3);
    float[] f = {1.5f, -2f, 3.25f, 0f, 1e-7f, -1e30f};
    double[] d = {1.5, -2, Math.PI, 0, 1e-300, -1e300};
    int[] i = {1, -2, 3, 0, Integer.MAX_VALUE, Integer.MIN_VALUE};
    long[] l = {1, -2, 3, 0, Long.MAX_VALUE, Long.MIN_VALUE};
    boolean[] z = {true, false, true, true, false, false};
    byte[] u = {0, 1, 127, (byte) 128, (byte) 255, 7};
    Object[] hs = {
      k.fromFloats(f, s),
      k.fromDoubles(d, s),
      k.fromInts(i, s),
      k.fromLongs(l, s),
      k.fromBooleans(z, s),
      k.fromBytes(u, s),
      k.full(s, DType.FLOAT32, 2.5),
      k.full(s, DType.INT64, 7)
    };
    for (Object h : hs) {
      Tensor t = (Tensor) h;
      assertTrue(t.is_cpu());
      assertTrue(t.is_contiguous());
      assertEquals(s, k.shape(h));
    }
    assertArrayEquals(f, k.toFloats(hs[0]));
    assertArrayEquals(d, k.toDoubles(hs[1]));
    assertArrayEquals(i, k.toInts(hs[2]));
    assertArrayEquals(l, k.toLongs(hs[3]));
    assertArrayEquals(z, k.toBooleans(hs[4]));
    assertArrayEquals(u, k.toBytes(hs[5]));
    assertArrayEquals(new float[] {2.5f, 2.5f, 2.5f, 2.5f, 2.5f, 2.5f}, k.toFloats(hs[6]));
    assertArrayEquals(new long[] {7, 7, 7, 7, 7, 7}, k.toLongs(hs[7]));
    // A scalar operand takes the tensor's own dtype: no promotion of an int tensor to float.
    Object sum = k.binaryScalar(BinaryOp.ADD, hs[2], 1);
    assertEquals(DType.INT32, k.dtype(sum));
    assertEquals(2, k.toInts(sum)[0]);
    for (Object h : hs) {
      k.free(h);
    }
    k.free(sum);
  }

  /** The libtorch backend with kernels built for an explicit device. */
  static final class ExplicitDeviceBackend implements Backend {
    private final Backend base;
    private final Kernels kernels =
        new LibtorchKernels(new org.bytedeco.pytorch.Device(torch.DeviceType.CPU));

    ExplicitDeviceBackend(Backend base) {
      this.base = base;
    }

    @Override
    public String name() {
      return base.name();
    }

    @Override
    public String version() {
      return base.version();
    }

    @Override
    public Set<Capability> capabilities() {
      return base.capabilities();
    }

    @Override
    public String limitations() {
      return base.limitations();
    }

    @Override
    public int threads() {
      return base.threads();
    }

    @Override
    public Kernels kernels() {
      return kernels;
    }
  }
}
