package dev.detkit.detectors;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.detkit.api.testing.TestRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The RetinaNet fixture parity tests on the libtorch backend. A process holds one libtorch, so
 * surefire runs this class in a JVM of its own (the {@code libtorch} execution), with the backend's
 * isolated folder on {@code detkit.backend.path}.
 */
class LibtorchParityTest {

  @BeforeAll
  static void backendFolderBuilt() {
    assumeTrue(
        TestRuntime.backends().names().contains("libtorch"),
        "libtorch backend folder not built (mvn package builds backends/libtorch/target/backend)");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"weights.safetensors", "weights.pth"})
  void detectorMatchesMmdetection(String weights) {
    new RetinaNetParityTest().detectorMatchesMmdetection("libtorch", weights);
  }

  @ParameterizedTest(name = "bf16 {0}")
  @ValueSource(strings = {"nchw", "channels_last"})
  void bf16DetectionsAgreeWithFloat32(String layout) {
    Bf16InferenceTest.bf16AgreesWithFloat32(TestRuntime.backend("libtorch"), layout);
  }

  @Test
  void oneTrainStepMatchesMmdetection() {
    RetinaNetTrainStepParityTest.trainStepMatchesMmdetection(TestRuntime.backend("libtorch"));
  }
}
