package dev.detkit.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configs that must not reach the network, nor pass silently when they cannot mean anything. */
class HostileConfigTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private static ConfigException fails(Path p) {
    return assertThrows(ConfigException.class, () -> new ConfigLoader().load(p));
  }

  @Test
  void hoconIncludeUrlIsRefusedAndNothingIsFetched() throws IOException {
    try (ServerSocket listener =
        new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      listener.setSoTimeout(500);
      Path conf =
          write(
              "net.conf",
              "include url(\"http://127.0.0.1:" + listener.getLocalPort() + "/x.conf\")\na = 1\n");
      ConfigException e = fails(conf);
      assertTrue(e.getMessage().contains("HOCON 'include'"), e.getMessage());
      assertTrue(e.getMessage().contains("_base_"), e.getMessage());
      assertThrows(SocketTimeoutException.class, listener::accept, "no request reached it");
    }
  }

  @Test
  void hoconFileAndPlainIncludesAreRefused() throws IOException {
    write("other.conf", "b = 2\n");
    assertTrue(
        fails(write("f.conf", "include file(\"other.conf\")\n")).getMessage().contains("include"));
    assertTrue(fails(write("p.conf", "include \"other.conf\"\n")).getMessage().contains("include"));
  }

  @Test
  void hoconSubstitutionsAreRefusedForOneSyntax() throws IOException {
    ConfigException e = fails(write("s.conf", "a = 1\nb = ${a}\n"));
    assertTrue(e.getMessage().contains("{{$VAR:default}}"), e.getMessage());
  }

  @Test
  void aDirectoryIsNotAConfig() throws IOException {
    Path sub = Files.createDirectories(dir.resolve("configs"));
    assertTrue(fails(sub).getMessage().contains("is a directory"));
    Path child = write("c.yaml", "_base_: configs\n");
    ConfigException e = fails(child);
    assertTrue(
        e.getMessage().contains("c.yaml:1") && e.getMessage().contains("is a directory"),
        e.getMessage());
  }

  @Test
  void emptyEnvDefaultWithUnsetVariableIsRefused() throws IOException {
    Path p = write("e.yaml", "root: '{{$DETKIT_SURELY_UNSET_VAR:}}'\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> new ConfigLoader(v -> null).load(p));
    assertTrue(e.getMessage().contains("DETKIT_SURELY_UNSET_VAR"), e.getMessage());
    assertEquals(
        "set",
        new ConfigLoader(Map.of("DETKIT_SURELY_UNSET_VAR", "set")::get)
            .load(p)
            .at("root")
            .unwrapped());
  }

  @Test
  void oneAnchorReusedOftenIsAValidConfig() throws IOException {
    StringBuilder y = new StringBuilder("base: &b {x: 1}\nitems:\n");
    for (int i = 0; i < 200; i++) {
      y.append("  - *b\n");
    }
    ResolvedConfig c = new ConfigLoader().load(write("a.yaml", y.toString()));
    assertEquals(200, ((CfgList) c.at("items")).size());
  }

  @Test
  void unbalancedBracketsInCfgOptionsAreRefused() {
    for (String v : List.of("[1,2", "1,2]", "[(1,2],3)", "((1)")) {
      ConfigException e = assertThrows(ConfigException.class, () -> CfgOptions.parseValue(v));
      assertTrue(e.getMessage().contains("unbalanced brackets"), e.getMessage());
    }
  }
}
