package dev.detkit.api.backend;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import dev.detkit.api.runtime.RuntimeOptions;
import dev.detkit.api.tensor.Backend;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The backends of this injector: every {@link dev.detkit.api.registry.DetkitModule} contributes
 * {@link BackendFactory} bindings by name; {@link #get(String)} loads one once (with the injector's
 * {@link RuntimeOptions}) and keeps it. Inject it; there is no static lookup.
 */
@Singleton
public final class Backends {
  /** The backend used when none is named and {@link RuntimeOptions#backend()} is not set. */
  public static final String DEFAULT = RuntimeOptions.DEFAULT_BACKEND;

  private final Map<String, BackendFactory> factories;
  private final RuntimeOptions options;
  private final Map<String, Backend> loaded = new ConcurrentHashMap<>();

  @Inject
  public Backends(Map<String, BackendFactory> factories, RuntimeOptions options) {
    this.factories = new TreeMap<>(factories);
    this.options = options;
  }

  /** Registered backend names, sorted. */
  public List<String> names() {
    return List.copyOf(factories.keySet());
  }

  /** The options backends are created with. */
  public RuntimeOptions options() {
    return options;
  }

  /** The factory registered under {@code name}. */
  public BackendFactory factory(String name) {
    BackendFactory f = factories.get(name);
    if (f == null) {
      throw new BackendException(
          "unknown backend '" + name + "'; known backends: " + String.join(", ", names()), null);
    }
    return f;
  }

  /** The default backend ({@link RuntimeOptions#backend()}). */
  public Backend getDefault() {
    return get(options.backend());
  }

  /**
   * The backend registered under {@code name}, loading its native library on first use.
   *
   * @throws BackendException with a one-line message naming the backend and the cause
   */
  public Backend get(String name) {
    return get(name, Device.CPU);
  }

  /**
   * The backend registered under {@code name} with its tensors on {@code device} ({@code
   * --device}); one instance per name and device.
   *
   * @throws BackendException with a one-line message: the backend failed to load, runs on the CPU
   *     only, or does not see the device
   */
  public Backend get(String name, Device device) {
    String key = device.isCpu() ? name : name + "@" + device;
    Backend cached = loaded.get(key);
    if (cached != null) {
      return cached;
    }
    BackendFactory f = factory(name);
    if (!device.isCpu() && !f.acceleratorCapable()) {
      throw new BackendException(
          "--device "
              + device
              + ": backend '"
              + name
              + "' runs on the CPU only in detkit; CUDA is offered by --backend libtorch (built"
              + " with -Pcuda) and --backend onnxruntime (with onnxruntime_gpu)",
          null);
    }
    synchronized (this) {
      cached = loaded.get(key);
      if (cached != null) {
        return cached;
      }
      Backend b;
      try {
        b = device.isCpu() ? f.create(options) : f.create(options, device);
      } catch (DeviceUnavailableException e) {
        throw new BackendException(e.getMessage(), e);
      } catch (Throwable t) {
        throw new BackendException("backend '" + name + "' failed to load: " + rootCause(t), t);
      }
      loaded.put(key, b);
      return b;
    }
  }

  private static String rootCause(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg =
        root.getMessage() == null ? "" : ": " + root.getMessage().lines().findFirst().orElse("");
    return root.getClass().getSimpleName() + msg;
  }
}
