package dev.detkit.api.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.testing.PthFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints made to hurt the reader: zip bombs, sizes no array holds, negative strides, foreign
 * dtypes and cut headers. Each is one line naming the file and the tensor, with bounded memory.
 */
class HostileCheckpointTest {
  @TempDir Path dir;

  private static CheckpointException fails(Path p) {
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(p));
    assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    return e;
  }

  @Test
  void wellFormedBuilderFileLoads() throws IOException {
    Path p = dir.resolve("ok.pth");
    PthFiles.oneTensor(p, "w", 4, new long[] {2, 2}, new long[] {2, 1}, 16);
    Map<String, TensorData> sd = Checkpoints.load(p);
    assertEquals("[2, 2]", sd.get("w").shape().toString());
    assertEquals(0f, sd.get("w").toFloats()[3]);
  }

  @Test
  void storageMemberLargerThanTheTensorNeedsIsRefusedWithoutReadingIt() throws IOException {
    // 256 MB of zeros deflate to ~250 KB: a zip bomb for a reader that inflates members whole.
    Path p = dir.resolve("bomb.pth");
    PthFiles.oneTensor(p, "w", 4, new long[] {4}, new long[] {1}, 256L << 20);
    assertTrue(Files.size(p) < 2L << 20);
    long before = usedHeap();
    CheckpointException e = fails(p);
    assertTrue(e.getMessage().contains("storage '0' has 268435456 bytes"), e.getMessage());
    assertTrue(usedHeap() - before < 64L << 20, "memory stays bounded");
  }

  @Test
  void storageSizesNoArrayHoldsAreRefused() throws IOException {
    Path p = dir.resolve("huge.pth");
    PthFiles.oneTensor(p, "w", 1L << 40, new long[] {4}, new long[] {1}, 16);
    assertTrue(fails(p).getMessage().contains("more than one array can hold"));
  }

  @Test
  void truncatedStorageIsRefused() throws IOException {
    Path p = dir.resolve("short.pth");
    PthFiles.oneTensor(p, "w", 8, new long[] {8}, new long[] {1}, 16);
    assertTrue(fails(p).getMessage().contains("(truncated?)"));
  }

  @Test
  void negativeStrideIsRefused() throws IOException {
    Path p = dir.resolve("stride.pth");
    PthFiles.oneTensor(p, "w", 4, new long[] {4}, new long[] {-1}, 16);
    assertTrue(fails(p).getMessage().contains("must not be negative"));
  }

  @Test
  void viewLargerThanAnArrayIsRefused() throws IOException {
    // stride 0 views one element as 2^31 x 2^31 elements.
    Path p = dir.resolve("expand.pth");
    PthFiles.oneTensor(p, "w", 1, new long[] {1L << 31, 1L << 31}, new long[] {0, 0}, 4);
    assertTrue(fails(p).getMessage().contains("larger than one array holds"));
  }

  @Test
  void unknownSafetensorsDtypeListsTheKnownOnes() throws IOException {
    Path p =
        writeSafetensors("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1);
    String m = fails(p).getMessage();
    assertTrue(m.contains("tensor 'w'") && m.contains("unknown dtype 'F8_E4M3'"), m);
    assertTrue(m.contains("F32") && m.contains("BF16") && !m.contains("No enum constant"), m);
  }

  @Test
  void cutSafetensorsHeaderNamesTheFileNotAJsonPath() throws IOException {
    Path p = writeSafetensors("{\"w\":{\"dtype\":\"F32\",\"sha", 0);
    String m = fails(p).getMessage();
    assertTrue(m.contains("malformed safetensors header"), m);
    assertFalse(m.contains("path $"), m);
  }

  private Path writeSafetensors(String header, int dataBytes) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    Path p = dir.resolve("t.safetensors");
    Files.write(p, b.array());
    return p;
  }

  private static long usedHeap() {
    Runtime r = Runtime.getRuntime();
    System.gc();
    return r.totalMemory() - r.freeMemory();
  }
}
