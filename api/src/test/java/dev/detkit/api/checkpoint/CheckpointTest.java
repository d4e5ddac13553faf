package dev.detkit.api.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.tensor.Shape;
import dev.detkit.api.testing.Fixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading and writing checkpoints, and every way a file can be bad. */
class CheckpointTest {
  @TempDir Path dir;

  static TensorData f32(float[] v, int... shape) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return new TensorData(StoredType.F32, Shape.of(shape), b);
  }

  @Test
  void safetensorsRoundTripsEveryType() {
    Map<String, TensorData> in = new LinkedHashMap<>();
    in.put("w", f32(new float[] {1, -2, 3.5f, 0}, 2, 2));
    ByteBuffer h =
        ByteBuffer.allocate(4)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putShort((short) 0x3c00)
            .putShort((short) 0xc000);
    in.put("half", new TensorData(StoredType.F16, Shape.of(2), h.flip()));
    ByteBuffer bf = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3fc0);
    in.put("bf", new TensorData(StoredType.BF16, Shape.of(1), bf.flip()));
    ByteBuffer l =
        ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(7).putLong(-1L << 40);
    in.put("n", new TensorData(StoredType.I64, Shape.of(2), l.flip()));
    in.put(
        "s",
        new TensorData(
            StoredType.I64,
            Shape.of(),
            ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 5)));
    in.put(
        "b", new TensorData(StoredType.BOOL, Shape.of(3), ByteBuffer.wrap(new byte[] {1, 0, 1})));
    in.put(
        "d",
        new TensorData(
            StoredType.F64,
            Shape.of(1),
            ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0, 0.1)));
    in.put(
        "i",
        new TensorData(
            StoredType.I32,
            Shape.of(1),
            ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, -3)));
    Path p = dir.resolve("x.safetensors");
    Safetensors.write(p, in, Map.of("format", "pt"));
    Map<String, TensorData> out = Checkpoints.load(p);
    assertEquals(in.keySet(), out.keySet());
    assertArrayEquals(new float[] {1, -2, 3.5f, 0}, out.get("w").toFloats());
    assertArrayEquals(new float[] {1, -2}, out.get("half").toFloats());
    assertArrayEquals(new float[] {1.5f}, out.get("bf").toFloats());
    assertArrayEquals(new long[] {7, -1L << 40}, out.get("n").toLongs());
    assertArrayEquals(new long[] {5}, out.get("s").toLongs());
    assertEquals(0, out.get("s").shape().rank());
    assertArrayEquals(new long[] {1, 0, 1}, out.get("b").toLongs());
    assertArrayEquals(new double[] {0.1}, out.get("d").toDoubles());
    assertArrayEquals(new long[] {-3}, out.get("i").toLongs());
  }

  @Test
  void fixtureSafetensorsAndPthAgreeAndShareTiedStorage() {
    Path d = Fixtures.dir("retinanet_effb0_small");
    Map<String, TensorData> st = Checkpoints.load(d.resolve("weights.safetensors"));
    Map<String, TensorData> pth = Checkpoints.load(d.resolve("weights.pth"));
    assertEquals(632, st.size());
    assertEquals(st.keySet(), pth.keySet());
    for (String k : st.keySet()) {
      assertEquals(st.get(k).type(), pth.get(k).type(), k);
      assertEquals(st.get(k).shape(), pth.get(k).shape(), k);
      assertEquals(st.get(k).bytes(), pth.get(k).bytes(), k);
    }
    // torch.save keeps the shared head convs once: the five level keys view one storage.
    String k0 = "bbox_head.cls_convs.0.0.conv.weight";
    String k3 = "bbox_head.cls_convs.3.0.conv.weight";
    assertNotNull(pth.get(k3));
    assertEquals(pth.get(k0).bytes(), pth.get(k3).bytes());
  }

  @Test
  void truncatedSafetensorsNamesFileAndTensor() throws IOException {
    Path p = dir.resolve("x.safetensors");
    Map<String, TensorData> two = new LinkedHashMap<>();
    two.put("a", f32(new float[] {1, 2}, 2));
    two.put("b", f32(new float[] {3, 4, 5}, 3));
    Safetensors.write(p, two, null);
    byte[] all = Files.readAllBytes(p);
    Path cut = dir.resolve("cut.safetensors");
    Files.write(cut, java.util.Arrays.copyOf(all, all.length - 4));
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(cut));
    assertTrue(e.getMessage().startsWith(cut.toString()), e.getMessage());
    assertTrue(
        e.getMessage().contains("tensor 'b'") && e.getMessage().contains("truncated"),
        e.getMessage());
  }

  @Test
  void truncatedPthNamesTheFile() throws IOException {
    Path src = Fixtures.dir("retinanet_effb0_small").resolve("weights.pth");
    byte[] all = Files.readAllBytes(src);
    Path cut = dir.resolve("cut.pth");
    Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(cut));
    assertTrue(e.getMessage().startsWith(cut.toString()), e.getMessage());
  }

  @Test
  void filesThatAreNotCheckpoints() throws IOException {
    Path text = dir.resolve("notes.pth");
    Files.writeString(text, "model: retinanet\n");
    assertTrue(
        assertThrows(CheckpointException.class, () -> Checkpoints.load(text))
            .getMessage()
            .contains("not a checkpoint"));
    Path missing = dir.resolve("absent.safetensors");
    assertTrue(
        assertThrows(CheckpointException.class, () -> Checkpoints.load(missing))
            .getMessage()
            .contains("not found"));
    Path zip = dir.resolve("other.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
      z.putNextEntry(new ZipEntry("readme.txt"));
      z.write("hi".getBytes());
    }
    assertTrue(
        assertThrows(CheckpointException.class, () -> Checkpoints.load(zip))
            .getMessage()
            .contains("no data.pkl"));
  }

  /** A .pth whose pickle calls os.system: refused by name, nothing runs. */
  @Test
  void pickledCodeIsRefusedByName() throws IOException {
    byte[] pickle = {
      (byte) 0x80,
      2,
      'c',
      'o',
      's',
      '\n',
      's',
      'y',
      's',
      't',
      'e',
      'm',
      '\n',
      'X',
      5,
      0,
      0,
      0,
      't',
      'o',
      'u',
      'c',
      'h',
      (byte) 0x85,
      'R',
      '.'
    };
    Path p = dir.resolve("evil.pth");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
      z.putNextEntry(new ZipEntry("evil/data.pkl"));
      z.write(pickle);
    }
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(p));
    assertTrue(e.getMessage().contains("refuses to load global 'os.system'"), e.getMessage());
    assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
  }

  @Test
  void legacyPickleFormatIsExplained() throws IOException {
    Path p = dir.resolve("old.pth");
    try (OutputStream o = Files.newOutputStream(p)) {
      o.write(new byte[] {(byte) 0x80, 2, 'K', 1, '.'});
    }
    assertTrue(
        assertThrows(CheckpointException.class, () -> Checkpoints.load(p))
            .getMessage()
            .contains("legacy"));
  }

  @Test
  void prefixAndModuleStripping() {
    Map<String, TensorData> sd = new LinkedHashMap<>();
    sd.put("backbone.a", f32(new float[] {1}, 1));
    sd.put("neck.b", f32(new float[] {2}, 1));
    assertEquals(java.util.Set.of("a"), Checkpoints.withPrefix(sd, "backbone").keySet());
    assertSame(sd, Checkpoints.withPrefix(sd, ""));
  }
}
