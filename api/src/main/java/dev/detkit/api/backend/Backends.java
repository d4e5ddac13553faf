package dev.detkit.api.backend;

import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.detkit.api.registry.DetkitInjector;
import dev.detkit.api.tensor.Backend;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds backends: every {@link dev.detkit.api.registry.DetkitModule} on the class path (through
 * {@link java.util.ServiceLoader}) contributes {@link BackendFactory} bindings by name; {@link
 * #get(String)} loads one once and caches it.
 */
public final class Backends {
  /** The backend used when none is named. */
  public static final String DEFAULT = "djl";

  private static volatile Map<String, BackendFactory> factories;
  private static final Map<String, Backend> LOADED = new ConcurrentHashMap<>();

  private Backends() {}

  /** Registered backend names, sorted. */
  public static List<String> names() {
    return List.copyOf(factories().keySet());
  }

  /** The factory registered under {@code name}. */
  public static BackendFactory factory(String name) {
    BackendFactory f = factories().get(name);
    if (f == null) {
      throw new BackendException(
          "unknown backend '" + name + "'; known backends: " + String.join(", ", names()), null);
    }
    return f;
  }

  /** The default backend ({@value #DEFAULT}, or the {@code detkit.backend} system property). */
  public static Backend getDefault() {
    return get(System.getProperty("detkit.backend", DEFAULT));
  }

  /**
   * The backend registered under {@code name}, loading its native library on first use.
   *
   * @throws BackendException with a one-line message naming the backend and the cause
   */
  public static Backend get(String name) {
    return get(name, Device.CPU);
  }

  /**
   * The backend registered under {@code name} with its tensors on {@code device} ({@code
   * --device}); one instance per name and device.
   *
   * @throws BackendException with a one-line message: the backend failed to load, runs on the CPU
   *     only, or does not see the device
   */
  public static Backend get(String name, Device device) {
    String key = device.isCpu() ? name : name + "@" + device;
    Backend cached = LOADED.get(key);
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
    synchronized (Backends.class) {
      cached = LOADED.get(key);
      if (cached != null) {
        return cached;
      }
      Backend b;
      try {
        b = device.isCpu() ? f.create() : f.create(device);
      } catch (DeviceUnavailableException e) {
        throw new BackendException(e.getMessage(), e);
      } catch (Throwable t) {
        throw new BackendException("backend '" + name + "' failed to load: " + rootCause(t), t);
      }
      LOADED.put(key, b);
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

  private static Map<String, BackendFactory> factories() {
    Map<String, BackendFactory> f = factories;
    if (f == null) {
      synchronized (Backends.class) {
        f = factories;
        if (f == null) {
          Map<String, BackendFactory> bound =
              DetkitInjector.get()
                  .getInstance(Key.get(new TypeLiteral<Map<String, BackendFactory>>() {}));
          f = factories = new TreeMap<>(bound);
        }
      }
    }
    return f;
  }
}
