package dev.detkit.backend.libtorch;

import dev.detkit.api.distributed.CollectiveException;
import dev.detkit.api.distributed.DistributedEnv;
import dev.detkit.api.distributed.GradientBuckets;
import dev.detkit.api.distributed.ProcessGroup;
import dev.detkit.api.tensor.Tensor;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.BackendOptional;
import org.bytedeco.pytorch.BoolVector;
import org.bytedeco.pytorch.BroadcastOptions;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.Reducer;
import org.bytedeco.pytorch.SizeTStringMap;
import org.bytedeco.pytorch.SizeTVector;
import org.bytedeco.pytorch.SizeTVectorVector;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.TensorBase;
import org.bytedeco.pytorch.TensorTensorHook;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.gloo.Device;

/**
 * libtorch's own process group: Gloo for CPU tensors, NCCL for CUDA tensors (the backend on {@code
 * --device cuda}; the presets map {@code c10d::ProcessGroupNCCL}, whose natives only the {@code
 * -Pcuda} build has, so the NCCL classes load only on that path). Rank 0 serves a {@code TCPStore}
 * at MASTER_ADDR:MASTER_PORT (the classic backend; the presets' libuv one is off), every rank
 * connects to it, and Gloo pairs the ranks over TCP. The store and every collective share the job's
 * timeout, so a rank that dies fails its peers (at once when its sockets close, after the timeout
 * when it hangs).
 */
final class GlooProcessGroup implements ProcessGroup {
  private final DistributedEnv env;
  private final TCPStore store;
  // ProcessGroupGloo, or ProcessGroupNCCL for CUDA tensors: the same c10d::Backend collectives.
  private final org.bytedeco.pytorch.Backend group;
  private final boolean nccl;
  // One hook serves every tensor (it only sums the gradient it is given); held here so that the
  // native function pointer outlives every graph that may call it.
  private final GradientSum gradientSum = new GradientSum();
  // The c10d::ProcessGroup that c10d's Reducer talks to, dispatching to the Gloo backend above.
  private org.bytedeco.pytorch.ProcessGroup dispatcher;
  // A collective that failed inside backward (where it cannot throw through libtorch's engine).
  private volatile CollectiveException failed;

  GlooProcessGroup(DistributedEnv env, boolean cuda) {
    this.env = env;
    this.nccl = cuda;
    long ms = env.timeout().toMillis();
    try (TCPStoreOptions so = new TCPStoreOptions();
        SizeTPointer workers = new SizeTPointer(1)) {
      so.port((short) env.masterPort())
          .isServer(env.rank() == 0)
          .waitWorkers(true)
          .useLibUV(false)
          .timeout(new Milliseconds(ms));
      so.numWorkers(workers.put(env.worldSize()));
      this.store = new TCPStore(env.masterAddr(), so);
    } catch (RuntimeException e) {
      throw failure("rendezvous at " + env.masterAddr() + ":" + env.masterPort(), e);
    }
    try {
      this.group = cuda ? ncclGroup(store, env, ms) : glooGroup(store, env, ms);
    } catch (RuntimeException e) {
      throw failure("connecting the " + (cuda ? "NCCL" : "Gloo") + " ranks", e);
    }
  }

  private static org.bytedeco.pytorch.Backend glooGroup(
      TCPStore store, DistributedEnv env, long ms) {
    ProcessGroupGloo.Options opts = ProcessGroupGloo.Options.create(new Milliseconds(ms));
    opts.devices(new GlooDeviceVector(device(env)));
    return new ProcessGroupGloo(store, env.rank(), env.worldSize(), opts);
  }

  /** NCCL for CUDA tensors (torch's default for GPUs); never run in this project's CI (no GPU). */
  private static org.bytedeco.pytorch.Backend ncclGroup(
      TCPStore store, DistributedEnv env, long ms) {
    org.bytedeco.pytorch.nccl.ProcessGroupNCCL.Options opts =
        org.bytedeco.pytorch.nccl.ProcessGroupNCCL.Options.create();
    opts.timeout(new Milliseconds(ms));
    return new org.bytedeco.pytorch.nccl.ProcessGroupNCCL(store, env.rank(), env.worldSize(), opts);
  }

  /**
   * {@code DETKIT_GLOO_HOST} where set, else the loopback device for a job on this host, the host's
   * own address otherwise.
   */
  private static Device device(DistributedEnv env) {
    String masterAddr = env.masterAddr();
    String host = env.glooHost();
    if (host == null) {
      try {
        host =
            InetAddress.getByName(masterAddr).isLoopbackAddress()
                ? "127.0.0.1"
                : InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("MASTER_ADDR '" + masterAddr + "' does not resolve", e);
      }
    }
    return ProcessGroupGloo.createDeviceForHostname(host);
  }

  private CollectiveException failure(String what, RuntimeException e) {
    String cause = e.getMessage() == null ? e.toString() : e.getMessage();
    // libtorch appends a C++ backtrace; its first line says what happened.
    String first = cause.lines().findFirst().orElse(cause).replaceFirst("^\\[[^\\]]*\\] ", "");
    return new CollectiveException(
        "rank "
            + env.rank()
            + "/"
            + env.worldSize()
            + ": "
            + what
            + " failed (a peer rank stopped, or "
            + env.timeout().toSeconds()
            + " s passed): "
            + first,
        e);
  }

  @Override
  public int rank() {
    return env.rank();
  }

  @Override
  public int worldSize() {
    return env.worldSize();
  }

  private static TensorVector vector(List<Tensor> tensors) {
    org.bytedeco.pytorch.Tensor[] ts = new org.bytedeco.pytorch.Tensor[tensors.size()];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = (org.bytedeco.pytorch.Tensor) tensors.get(i).handle();
    }
    return new TensorVector(ts);
  }

  private void throwIfFailed() {
    CollectiveException f = failed;
    if (f != null) {
      throw f;
    }
  }

  @Override
  public void allReduceSum(List<Tensor> tensors) {
    throwIfFailed();
    if (tensors.isEmpty()) {
      return;
    }
    // The vector holds references to the same storages: Gloo writes the sums into the tensors.
    try (TensorVector v = vector(tensors);
        Work w = group.allreduce_coalesced(v)) {
      w._wait();
    } catch (RuntimeException e) {
      throw failure("all-reduce of " + tensors.size() + " tensors", e);
    }
  }

  /** Sums one contiguous tensor over the ranks, in place. */
  private void allReduceInPlace(org.bytedeco.pytorch.Tensor t, String what) {
    try (TensorVector v = new TensorVector(t);
        Work w = group.allreduce(v)) {
      w._wait();
    } catch (RuntimeException e) {
      throw failure(what, e);
    }
  }

  private static org.bytedeco.pytorch.Tensor contiguousCopy(org.bytedeco.pytorch.Tensor t) {
    try (MemoryFormatOptional mf = new MemoryFormatOptional(torch.MemoryFormat.Contiguous)) {
      return t.clone(mf);
    }
  }

  @Override
  public Tensor allReduceSumDifferentiable(Tensor x) {
    throwIfFailed();
    // clone() is recorded by autograd with an identity backward; Gloo then writes the sum into the
    // clone's storage, which autograd does not see. The hook sums the gradient that arrives at the
    // result over the ranks before the clone's backward passes it on to x.
    org.bytedeco.pytorch.Tensor out = contiguousCopy((org.bytedeco.pytorch.Tensor) x.handle());
    Tensor result = Tensor.wrap(x.backend(), out);
    allReduceInPlace(out, "all-reduce of batch statistics");
    if (out.requires_grad()) {
      out.register_hook(gradientSum);
    }
    return result;
  }

  /**
   * The backward of {@link #allReduceSumDifferentiable}: a copy of the gradient, summed over the
   * ranks. libtorch copies the returned tensor when the call returns, so the Java handle is closed
   * at the next call (or at {@link #close}).
   */
  private final class GradientSum extends TensorTensorHook {
    private final List<org.bytedeco.pytorch.Tensor> returned = new ArrayList<>();

    @Override
    public TensorBase call(TensorBase grad) {
      release();
      org.bytedeco.pytorch.Tensor sum;
      try (org.bytedeco.pytorch.Tensor g = new org.bytedeco.pytorch.Tensor(grad)) {
        sum = contiguousCopy(g);
      }
      returned.add(sum);
      if (failed == null) {
        try {
          allReduceInPlace(sum, "all-reduce of batch-statistics gradients");
        } catch (CollectiveException e) {
          // Thrown through libtorch's autograd engine it would lose its message; the group's
          // next collective after backward rethrows it.
          failed = e;
        }
      }
      return sum;
    }

    void release() {
      for (org.bytedeco.pytorch.Tensor t : returned) {
        t.close();
      }
      returned.clear();
    }
  }

  @Override
  public GradientBuckets gradientBuckets(
      List<Tensor> params, long firstBucketBytes, long bucketBytes) {
    throwIfFailed();
    if (dispatcher == null) {
      // The presets' ProcessGroup(store, rank, size) aborts the process (libtorch's constructor
      // takes a reference to itself before JavaCPP adopts it: an intrusive_ptr assertion); the
      // (rank, size) one does not, and the Reducer needs only the backend of its tensors.
      dispatcher = new org.bytedeco.pytorch.ProcessGroup(env.rank(), env.worldSize());
      dispatcher.setBackend(
          nccl ? torch.DeviceType.CUDA : torch.DeviceType.CPU,
          nccl
              ? org.bytedeco.pytorch.ProcessGroup.BackendType.NCCL
              : org.bytedeco.pytorch.ProcessGroup.BackendType.GLOO,
          new BackendOptional(group));
    }
    return new Buckets(params, firstBucketBytes, bucketBytes);
  }

  @Override
  public RuntimeException collectiveFailure(RuntimeException e) {
    if (e instanceof CollectiveException) {
      return e;
    }
    String m = String.valueOf(e.getMessage());
    // Gloo's transport errors, raised in the Reducer's buckets and rethrown by backward.
    return m.contains("gloo") || m.contains("Gloo") || m.contains("c10d") || m.contains("NCCL")
        ? failure("all-reduce of gradient buckets", e)
        : e;
  }

  /** c10d's Reducer with DDP's bucket assignment: reverse parameter order, cut by size. */
  private final class Buckets implements GradientBuckets {
    private final Reducer reducer;
    private final int count;
    private final TensorVector noOutputs = new TensorVector();

    Buckets(List<Tensor> params, long firstBucketBytes, long bucketBytes) {
      List<long[]> buckets = new ArrayList<>();
      List<Long> current = new ArrayList<>();
      long bytes = 0;
      long cap = firstBucketBytes;
      for (int i = params.size() - 1; i >= 0; i--) {
        current.add((long) i);
        bytes += params.get(i).size() * Float.BYTES;
        if (bytes >= cap || i == 0) {
          buckets.add(current.stream().mapToLong(Long::longValue).toArray());
          current = new ArrayList<>();
          bytes = 0;
          cap = bucketBytes;
        }
      }
      this.count = buckets.size();
      SizeTVector[] indices = new SizeTVector[count];
      for (int b = 0; b < count; b++) {
        indices[b] = new SizeTVector().put(buckets.get(b));
      }
      try (TensorVector vars = vector(params);
          SizeTVectorVector bucketIndices = new SizeTVectorVector(indices);
          BoolVector sparse = new BoolVector(params.size());
          SizeTStringMap names = new SizeTStringMap()) {
        this.reducer =
            new Reducer(
                vars,
                bucketIndices,
                dispatcher,
                sparse,
                bucketBytes,
                false,
                false,
                names,
                firstBucketBytes,
                false,
                false);
      } finally {
        for (SizeTVector v : indices) {
          v.close();
        }
      }
    }

    @Override
    public void prepareForBackward() {
      throwIfFailed();
      reducer.prepare_for_forward();
      reducer.prepare_for_backward(noOutputs);
    }

    @Override
    public int bucketCount() {
      return count;
    }

    @Override
    public void close() {
      reducer.close();
      noOutputs.close();
    }
  }

  @Override
  public void broadcast(List<Tensor> tensors, int root) {
    throwIfFailed();
    for (Tensor t : tensors) {
      try (TensorVector v = vector(List.of(t));
          BroadcastOptions o = new BroadcastOptions()) {
        o.rootRank(root);
        try (Work w = group.broadcast(v, o)) {
          w._wait();
        }
      } catch (RuntimeException e) {
        throw failure("broadcast from rank " + root, e);
      }
    }
  }

  @Override
  public void close() {
    gradientSum.release();
    group.close();
    store.close();
  }
}
