package dev.detkit.tools;

import static dev.detkit.api.conformance.Assertions2.assertClose;

import dev.detkit.api.conformance.ConformanceCases;
import dev.detkit.api.conformance.OpCase;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.api.testing.TestRuntime;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every conformance case, run on DJL and on ND4J with the same random inputs: they agree. */
class CrossBackendAgreementTest {
  static Stream<OpCase> cases() {
    return ConformanceCases.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void djlAndNd4jAgreeTo1e5(OpCase c) {
    try (TensorScope scope = TensorScope.open()) {
      assertClose(
          c.run(TestRuntime.backend("nd4j")), c.run(TestRuntime.backend("djl")), 1e-5, c.name());
    }
  }
}
