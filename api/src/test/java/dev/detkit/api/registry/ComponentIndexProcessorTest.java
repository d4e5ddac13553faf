package dev.detkit.api.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.processor.ComponentIndexProcessor;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The processor indexes declarations under their module, copies docs, and rejects bad shapes. */
class ComponentIndexProcessorTest {
  @TempDir Path dir;

  private boolean compile(StringWriter diagnostics, String... sources) throws IOException {
    Path src = dir.resolve("src");
    Path out = dir.resolve("out");
    Files.createDirectories(out);
    List<String> files = new java.util.ArrayList<>();
    for (int i = 0; i < sources.length; i += 2) {
      Path p = src.resolve(sources[i]);
      Files.createDirectories(p.getParent());
      Files.writeString(p, sources[i + 1]);
      files.add(p.toString());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "-proc:only",
                "-processor",
                ComponentIndexProcessor.class.getName(),
                "-cp",
                System.getProperty("java.class.path"),
                "-d",
                out.toString()));
    args.addAll(files);
    return javac.run(
            null,
            null,
            new java.io.PrintStream(
                new java.io.OutputStream() {
                  @Override
                  public void write(int b) {
                    diagnostics.write(b);
                  }
                }),
            args.toArray(String[]::new))
        == 0;
  }

  static final String MODULE =
      "package p; public final class PModule extends dev.detkit.api.registry.DetkitModule {}";

  @Test
  void indexesClassAndFactoryDeclarationsUnderTheModuleAndCopiesDocs() throws IOException {
    StringWriter log = new StringWriter();
    boolean ok =
        compile(
            log,
            "p/PModule.java",
            MODULE,
            "p/q/Thing.java",
            "package p.q;\n"
                + "import dev.detkit.api.registry.*;\n"
                + "@Component(kind = ComponentKind.NECK, name = {\"Thing\", \"Alias\"}, summary = \"s\")\n"
                + "public final class Thing {\n"
                + "  /** Args.\n   *\n   * @param size the {@code size}\n   *     in pixels\n   */\n"
                + "  public record Args(int size) {}\n"
                + "  public Thing(Args a) {}\n"
                + "  @Component(kind = ComponentKind.LOSS, name = \"Made\", summary = \"m\")\n"
                + "  public static Thing make(Args a, BuildContext ctx) { return new Thing(a); }\n"
                + "}\n");
    assertTrue(ok, log.toString());
    Path index = dir.resolve("out").resolve(ComponentIndex.RESOURCE_PREFIX + "p.PModule");
    assertEquals(
        List.of("p.q.Thing", "p.q.Thing#make"),
        Files.readAllLines(index).stream().filter(l -> !l.startsWith("#")).toList());
    Path docs = dir.resolve("out/META-INF/detkit/args/p.q.Thing$Args.properties");
    assertEquals(List.of("size\tthe size in pixels"), Files.readAllLines(docs));
  }

  @Test
  void rejectsAFactoryThatIsNotStaticAndAClassWithoutAnArgsConstructor() throws IOException {
    StringWriter log = new StringWriter();
    boolean ok =
        compile(
            log,
            "p/PModule.java",
            MODULE,
            "p/Bad.java",
            "package p;\n"
                + "import dev.detkit.api.registry.*;\n"
                + "@Component(kind = ComponentKind.NECK, name = \"Bad\", summary = \"s\")\n"
                + "public final class Bad {\n"
                + "  public record Args(int size) {}\n"
                + "  public Bad(int size) {}\n"
                + "  @Component(kind = ComponentKind.NECK, name = \"Worse\", summary = \"s\")\n"
                + "  public Bad make(Args a) { return null; }\n"
                + "}\n");
    assertFalse(ok);
    assertTrue(
        log.toString().contains("public constructor (Args) or (Args, BuildContext)"),
        log.toString());
    assertTrue(log.toString().contains("public and static"), log.toString());
  }

  @Test
  void aDeclarationNeedsAModuleAboveIt() throws IOException {
    StringWriter log = new StringWriter();
    boolean ok =
        compile(
            log,
            "p/PModule.java",
            MODULE,
            "other/Lone.java",
            "package other;\n"
                + "import dev.detkit.api.registry.*;\n"
                + "@Component(kind = ComponentKind.NECK, name = \"Lone\", summary = \"s\")\n"
                + "public final class Lone {\n"
                + "  public record Args(int size) {}\n"
                + "  public Lone(Args a) {}\n"
                + "}\n");
    assertFalse(ok);
    assertTrue(log.toString().contains("no DetkitModule in this compilation owns"), log.toString());
  }
}
