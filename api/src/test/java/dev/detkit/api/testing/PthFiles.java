package dev.detkit.api.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes PyTorch zip checkpoints the way {@code torch.save} lays them out ({@code
 * archive/data.pkl}, {@code archive/byteorder}, {@code archive/data/<key>}), with a pickle written
 * opcode by opcode, so tests can make well-formed and hostile files without Python.
 */
public final class PthFiles {
  private PthFiles() {}

  /** A state dict holding no tensors: {@code {}}. */
  public static void empty(Path file) throws IOException {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(new byte[] {(byte) 0x80, 2, '}', '.'});
    write(file, p.toByteArray(), null, 0);
  }

  /**
   * {@code {key: tensor}}: a float32 tensor of {@code size}/{@code stride} viewing storage "0",
   * which the pickle says holds {@code numel} elements; the archive's storage member is {@code
   * storageBytes} bytes long (zeros, so it compresses to almost nothing).
   */
  public static void oneTensor(
      Path file, String key, long numel, long[] size, long[] stride, long storageBytes)
      throws IOException {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(new byte[] {(byte) 0x80, 2, '}'});
    unicode(p, key);
    global(p, "torch._utils", "_rebuild_tensor_v2");
    p.write('(');
    p.write('(');
    unicode(p, "storage");
    global(p, "torch", "FloatStorage");
    unicode(p, "0");
    unicode(p, "cpu");
    integer(p, numel);
    p.write('t');
    p.write('Q'); // BINPERSID
    integer(p, 0); // storage offset
    tuple(p, size);
    tuple(p, stride);
    p.write(0x89); // NEWFALSE: requires_grad
    global(p, "collections", "OrderedDict");
    p.write(')');
    p.write('R');
    p.write('t');
    p.write('R');
    p.write('s');
    p.write('.');
    write(file, p.toByteArray(), "0", storageBytes);
  }

  private static void write(Path file, byte[] pickle, String storageKey, long storageBytes)
      throws IOException {
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(file))) {
      z.putNextEntry(new ZipEntry("archive/data.pkl"));
      z.write(pickle);
      z.putNextEntry(new ZipEntry("archive/byteorder"));
      z.write("little".getBytes(StandardCharsets.US_ASCII));
      if (storageKey != null) {
        z.putNextEntry(new ZipEntry("archive/data/" + storageKey));
        zeros(z, storageBytes);
      }
    }
  }

  private static void zeros(OutputStream o, long n) throws IOException {
    byte[] chunk = new byte[1 << 16];
    for (long left = n; left > 0; left -= chunk.length) {
      o.write(chunk, 0, (int) Math.min(chunk.length, left));
    }
  }

  private static void unicode(ByteArrayOutputStream p, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    p.write('X');
    p.write(b.length);
    p.write(0);
    p.write(0);
    p.write(0);
    p.write(b, 0, b.length);
  }

  private static void global(ByteArrayOutputStream p, String module, String name) {
    byte[] b = ("c" + module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII);
    p.write(b, 0, b.length);
  }

  /** LONG1: any 64-bit value, little-endian two's complement in 8 bytes. */
  private static void integer(ByteArrayOutputStream p, long v) {
    p.write(0x8a);
    p.write(8);
    for (int i = 0; i < 8; i++) {
      p.write((int) (v >>> (8 * i)) & 0xff);
    }
  }

  private static void tuple(ByteArrayOutputStream p, long[] values) {
    p.write('(');
    for (long v : values) {
      integer(p, v);
    }
    p.write('t');
  }
}
