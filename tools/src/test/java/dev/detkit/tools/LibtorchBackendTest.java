package dev.detkit.tools;

import static dev.detkit.api.conformance.Assertions2.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.detkit.api.backend.BackendException;
import dev.detkit.api.conformance.ConformanceCases;
import dev.detkit.api.conformance.OpCase;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.api.testing.TestRuntime;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The libtorch backend as the launcher sees it: found in its isolated folder next to DJL and ND4J
 * (whose JavaCPP 1.5.7 is on the class path), agreeing with ND4J on every conformance case, and
 * refusing DJL's libtorch in the same process with a message naming both. Runs in the {@code
 * libtorch} surefire execution, a JVM where DJL's libtorch is never loaded first.
 */
class LibtorchBackendTest {

  @BeforeAll
  static void backendFolderBuilt() {
    assumeTrue(
        TestRuntime.backends().names().contains("libtorch"),
        "libtorch backend folder not built (mvn package builds backends/libtorch/target/backend)");
  }

  static Stream<OpCase> cases() {
    return ConformanceCases.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void libtorchAndNd4jAgreeTo1e5(OpCase c) {
    try (TensorScope scope = TensorScope.open()) {
      assertClose(
          c.run(TestRuntime.backend("nd4j")),
          c.run(TestRuntime.backend("libtorch")),
          1e-5,
          c.name());
    }
  }

  @Test
  void backendsAreFoundAcrossClassLoaders() {
    assertTrue(
        TestRuntime.backends().names().containsAll(java.util.List.of("djl", "libtorch", "nd4j")),
        TestRuntime.backends().names().toString());
    assertEquals("libtorch", TestRuntime.backend("libtorch").name());
    assertTrue(TestRuntime.backend("libtorch").version().contains("2.10"));
  }

  @Test
  void djlAfterLibtorchIsOneLineNamingBoth() {
    TestRuntime.backend("libtorch");
    BackendException e = assertThrows(BackendException.class, () -> TestRuntime.backend("djl"));
    String m = e.getMessage();
    assertTrue(m.startsWith("backend 'djl' failed to load: IllegalStateException: cannot load"), m);
    assertTrue(m.contains("libtorch 2.7.1") && m.contains("libtorch 2.10.0"), m);
    assertFalse(m.contains("\n"), m);
  }
}
