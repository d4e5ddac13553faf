package dev.detkit.api.registry;

/**
 * A registered component: its kind, name (and scope, as mmengine's {@code mmdet.X}), the record
 * that declares its typed arguments with defaults, what it builds, and how.
 *
 * @param <A> the argument record
 * @param <T> the built type
 */
public record ComponentSpec<A extends Record, T>(
    ComponentKind kind,
    String scope,
    String name,
    Class<A> argsType,
    Class<T> type,
    ComponentFactory<A, ? extends T> factory,
    String summary) {

  /** detkit's components reproduce mmdetection's and answer to its scope. */
  public static final String DEFAULT_SCOPE = "mmdet";

  /** A component in the default scope. */
  public static <A extends Record, T> ComponentSpec<A, T> of(
      ComponentKind kind,
      String name,
      Class<A> argsType,
      Class<T> type,
      ComponentFactory<A, ? extends T> factory,
      String summary) {
    return new ComponentSpec<>(kind, DEFAULT_SCOPE, name, argsType, type, factory, summary);
  }

  /** {@code scope.name}. */
  public String qualifiedName() {
    return scope + "." + name;
  }
}
