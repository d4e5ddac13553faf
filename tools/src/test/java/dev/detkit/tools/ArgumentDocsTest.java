package dev.detkit.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.registry.ComponentSpec;
import dev.detkit.api.registry.ParamDocs;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every argument of every registered component, and of the records nested in its arguments, has a
 * meaning: an {@code @param} tag in its record's Javadoc, which {@code ./detkit list} shows.
 */
class ArgumentDocsTest {
  /** detkit's own components (the tests' stand-ins, registered by hand, have no docs). */
  static java.util.stream.Stream<ComponentSpec<?, ?>> specs() {
    return DeclaredDefaultsTest.specs()
        .filter(s -> s.scope().equals(ComponentSpec.DEFAULT_SCOPE))
        .filter(s -> !s.argsType().getName().startsWith("dev.detkit.tools."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void everyArgumentHasAMeaning(ComponentSpec<?, ?> spec) {
    List<String> missing = new ArrayList<>();
    for (Class<?> record : records(spec.argsType(), new LinkedHashSet<>())) {
      Map<String, String> docs = ParamDocs.of(record);
      for (RecordComponent rc : record.getRecordComponents()) {
        String doc = docs.get(rc.getName());
        if (doc == null || doc.isBlank()) {
          missing.add(record.getSimpleName() + "." + rc.getName());
        }
      }
      Set<String> stale = new LinkedHashSet<>(docs.keySet());
      for (RecordComponent rc : record.getRecordComponents()) {
        stale.remove(rc.getName());
      }
      assertTrue(stale.isEmpty(), record.getName() + ": @param for no argument: " + stale);
    }
    assertEquals(List.of(), missing, spec.qualifiedName() + ": arguments without an @param doc");
  }

  /** {@code record} and every record type its components name, generics included. */
  static Set<Class<?>> records(Class<?> record, Set<Class<?>> seen) {
    if (seen.add(record)) {
      for (RecordComponent rc : record.getRecordComponents()) {
        nested(rc.getGenericType(), seen);
      }
    }
    return seen;
  }

  private static void nested(Type t, Set<Class<?>> seen) {
    // A nested component's arguments are its own component's (checked as that component).
    if (t == dev.detkit.api.registry.ComponentConfig.class) {
      return;
    }
    if (t instanceof Class<?> c && c.isRecord()) {
      records(c, seen);
    } else if (t instanceof ParameterizedType p) {
      for (Type a : p.getActualTypeArguments()) {
        nested(a, seen);
      }
    }
  }
}
