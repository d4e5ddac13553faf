package dev.detkit.api.tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Frees native memory deterministically. Every tensor created on this thread while a scope is open
 * belongs to the innermost open scope; closing the scope frees all of them except those it {@link
 * #handOut handed out}, which move to the enclosing scope (or become the caller's to close when
 * there is none).
 *
 * <pre>{@code
 * try (TensorScope scope = TensorScope.open()) {
 *   Tensor y = x.conv2d(w, b, opts).relu();
 *   return scope.handOut(y); // every intermediate is freed here, y survives
 * }
 * }</pre>
 */
public final class TensorScope implements AutoCloseable {
  private static final ThreadLocal<TensorScope> CURRENT = new ThreadLocal<>();

  private final TensorScope parent;
  private final Thread owner;
  private final List<Tensor> owned = new ArrayList<>();
  private boolean closed;

  private TensorScope(TensorScope parent) {
    this.parent = parent;
    this.owner = Thread.currentThread();
  }

  /** Opens a scope nested in the current thread's innermost scope. */
  public static TensorScope open() {
    TensorScope scope = new TensorScope(CURRENT.get());
    CURRENT.set(scope);
    return scope;
  }

  /** The current thread's innermost open scope, or null. */
  static TensorScope current() {
    return CURRENT.get();
  }

  void adopt(Tensor t) {
    owned.add(t);
    t.owner = this;
  }

  /** Keeps {@code t} alive past this scope: it moves to the enclosing scope. */
  public <T extends Tensor> T handOut(T t) {
    if (t.owner == this) {
      t.owner = null;
      if (parent != null) {
        parent.adopt(t);
      }
    }
    return t;
  }

  /**
   * Takes {@code t} out of whatever scope owns it: the caller (a module holding its parameters,
   * say) now closes it.
   */
  public static <T extends Tensor> T release(T t) {
    t.owner = null;
    return t;
  }

  /** Hands out every tensor of {@code ts}. */
  public <C extends Iterable<? extends Tensor>> C handOutAll(C ts) {
    for (Tensor t : ts) {
      handOut(t);
    }
    return ts;
  }

  /** Number of live tensors this scope would free now. */
  public int liveCount() {
    int n = 0;
    for (Tensor t : owned) {
      if (t.owner == this && !t.isClosed()) {
        n++;
      }
    }
    return n;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException("a TensorScope must be closed on the thread that opened it");
    }
    if (CURRENT.get() != this) {
      throw new IllegalStateException("TensorScopes must close innermost first");
    }
    closed = true;
    CURRENT.set(parent);
    RuntimeException failure = null;
    for (Tensor t : owned) {
      if (t.owner == this) {
        try {
          t.close();
        } catch (RuntimeException e) {
          failure = failure == null ? e : failure;
        }
      }
    }
    owned.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
