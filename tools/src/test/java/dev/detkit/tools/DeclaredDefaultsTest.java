package dev.detkit.tools;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.config.ConfigException;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.ComponentSpec;
import dev.detkit.api.registry.Default;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.testing.TestRuntime;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every default every registered component declares parses and fits its argument's type, through
 * the same binder a config goes through (nested records and components included): a default that
 * does not parse fails the build, not a user's run.
 */
class DeclaredDefaultsTest {
  static Stream<ComponentSpec<?, ?>> specs() {
    Registry r = TestRuntime.registry();
    List<ComponentSpec<?, ?>> all = new ArrayList<>();
    for (ComponentKind k : ComponentKind.values()) {
      if (k != ComponentKind.BACKEND) {
        all.addAll(r.specs(k));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void everyDeclaredDefaultBinds(ComponentSpec<?, ?> spec) {
    Registry r = TestRuntime.registry();
    for (RecordComponent rc : spec.argsType().getRecordComponents()) {
      if (rc.getAnnotation(Default.class) != null) {
        r.binder().defaultValue(rc, spec.qualifiedName());
      }
    }
  }

  /** The check itself fails on a broken default. */
  record Broken(@Default("[1, 2") List<Integer> sizes, @Default("many") int count) {}

  @Test
  void aBrokenDefaultIsCaught() {
    Registry r = TestRuntime.registry();
    for (RecordComponent rc : Broken.class.getRecordComponents()) {
      ConfigException e =
          assertThrows(ConfigException.class, () -> r.binder().defaultValue(rc, "Broken"));
      assertTrue(
          e.getMessage().contains(rc.getName().equals("sizes") ? "sizes" : "count"),
          e.getMessage());
    }
  }
}
