package dev.detkit.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.backend.BackendException;
import dev.detkit.api.testing.TestRuntime;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Choosing backends by name, and the errors for unknown or broken ones. */
class BackendSelectionTest {

  @Test
  void backendsAreFoundThroughServiceLoader() {
    assertTrue(
        TestRuntime.backends().names().containsAll(java.util.List.of("djl", "nd4j")),
        TestRuntime.backends().names().toString());
    assertEquals("djl", TestRuntime.backends().getDefault().name());
    assertEquals("nd4j", TestRuntime.backend("nd4j").name());
  }

  @Test
  void unknownNameListsTheKnownOnes() {
    BackendException e =
        assertThrows(BackendException.class, () -> TestRuntime.backend("tensorflow"));
    assertEquals("unknown backend 'tensorflow'; known backends: broken, djl, nd4j", e.getMessage());
  }

  @Test
  void nativeLoadFailureIsOneLineNamingBackendAndCause() {
    BackendException e = assertThrows(BackendException.class, () -> TestRuntime.backend("broken"));
    assertEquals(
        "backend 'broken' failed to load: UnsatisfiedLinkError: no libbroken.so in java.library.path",
        e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void listBackendPrintsCapabilitiesAndFailures() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc =
        DetkitCli.run(
            new String[] {"list", "backend"},
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    assertEquals(0, rc, err.toString());
    String text = out.toString();
    assertTrue(text.contains("djl (default)"), text);
    assertTrue(text.contains("autograd"), text);
    assertTrue(text.contains("lacks:        no autograd"), text);
    assertTrue(text.contains("unavailable:  backend 'broken' failed to load"), text);
  }

  @Test
  void unknownKindIsAUsageError() {
    StringWriter err = new StringWriter();
    int rc =
        DetkitCli.run(
            new String[] {"list", "gizmo"},
            new PrintWriter(new StringWriter()),
            new PrintWriter(err, true));
    assertEquals(DetkitCli.USAGE_ERROR, rc);
    assertTrue(
        err.toString().startsWith("error: unknown component kind or name 'gizmo'"), err.toString());
  }
}
