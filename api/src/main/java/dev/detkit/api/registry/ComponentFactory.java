package dev.detkit.api.registry;

/**
 * Builds a component from its bound argument record.
 *
 * @param <A> the argument record
 * @param <T> what it builds
 */
@FunctionalInterface
public interface ComponentFactory<A extends Record, T> {
  T create(A args, BuildContext context);
}
