package dev.detkit.backend.libtorch;

import dev.detkit.api.distributed.CollectiveException;
import dev.detkit.api.distributed.DistributedEnv;
import dev.detkit.api.distributed.ProcessGroup;
import dev.detkit.api.tensor.Tensor;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.BroadcastOptions;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.gloo.Device;

/**
 * libtorch's own Gloo process group: rank 0 serves a {@code TCPStore} at MASTER_ADDR:MASTER_PORT
 * (the classic backend; the presets' libuv one is off), every rank connects to it, and Gloo pairs
 * the ranks over TCP. The store and every collective share the job's timeout, so a rank that dies
 * fails its peers (at once when its sockets close, after the timeout when it hangs).
 */
final class GlooProcessGroup implements ProcessGroup {
  private final DistributedEnv env;
  private final TCPStore store;
  private final ProcessGroupGloo group;

  GlooProcessGroup(DistributedEnv env) {
    this.env = env;
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
      ProcessGroupGloo.Options opts = ProcessGroupGloo.Options.create(new Milliseconds(ms));
      opts.devices(new GlooDeviceVector(device(env.masterAddr())));
      this.group = new ProcessGroupGloo(store, env.rank(), env.worldSize(), opts);
    } catch (RuntimeException e) {
      throw failure("connecting the Gloo ranks", e);
    }
  }

  /** The loopback device for a job on this host, the host's own address otherwise. */
  private static Device device(String masterAddr) {
    String host = System.getenv("DETKIT_GLOO_HOST");
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

  @Override
  public void allReduceSum(List<Tensor> tensors) {
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

  @Override
  public void broadcast(List<Tensor> tensors, int root) {
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
    group.close();
    store.close();
  }
}
