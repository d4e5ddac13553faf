package dev.detkit.api.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.detkit.api.tensor.Shape;
import dev.detkit.api.util.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header mapping names to
 * {@code {dtype, shape, data_offsets}} (plus optional {@code __metadata__}), then the raw data.
 * Every offset is checked against the file, so a truncated or foreign file is an error naming the
 * file and the tensor.
 */
public final class Safetensors {
  private static final long MAX_HEADER = 100L << 20;

  private Safetensors() {}

  /** True when the file starts like a safetensors file (plausible header length, then '{'). */
  public static boolean looksLike(ByteBuffer head) {
    if (head.remaining() < 9) {
      return false;
    }
    long n = head.duplicate().order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    return n > 1 && n < MAX_HEADER && head.get(8) == '{';
  }

  /** The header's {@code __metadata__} strings (empty when there are none). */
  public static Map<String, String> metadata(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(len, 0);
      long headerLen = len.getLong(0);
      if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > ch.size()) {
        throw new CheckpointException(file + ": not a safetensors file or truncated");
      }
      ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
      ch.read(hb, 8);
      JsonNode header = headerTree(new String(hb.array(), StandardCharsets.UTF_8));
      Map<String, String> out = new LinkedHashMap<>();
      JsonNode m = header.get("__metadata__");
      if (m != null) {
        if (!m.isObject()) {
          throw new CheckpointException(
              file + ": malformed safetensors header: __metadata__ is not an object");
        }
        m.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
      }
      return out;
    } catch (JsonProcessingException e) {
      throw new CheckpointException(file + ": malformed safetensors header: " + jsonProblem(e), e);
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Reads every tensor, in header order. */
  public static Map<String, TensorData> read(Path file) {
    ByteBuffer buf;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot read: " + e.getMessage(), e);
    }
    return read(buf, file.toString());
  }

  static Map<String, TensorData> read(ByteBuffer buf, String name) {
    if (buf.capacity() < 8) {
      throw new CheckpointException(
          name + ": not a safetensors file (only " + buf.capacity() + " bytes)");
    }
    long headerLen = buf.getLong(0);
    if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > buf.capacity()) {
      throw new CheckpointException(
          name
              + ": not a safetensors file or truncated (header length "
              + headerLen
              + ", file "
              + buf.capacity()
              + " bytes)");
    }
    byte[] hb = new byte[(int) headerLen];
    buf.get(8, hb);
    JsonNode header;
    try {
      header = headerTree(new String(hb, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new CheckpointException(name + ": malformed safetensors header: " + jsonProblem(e), e);
    }
    long dataStart = 8 + headerLen;
    long dataLen = buf.capacity() - dataStart;
    Map<String, TensorData> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : header.properties()) {
      if (e.getKey().equals("__metadata__")) {
        continue;
      }
      String key = e.getKey();
      try {
        JsonNode t = e.getValue();
        StoredType type = StoredType.named(text(t, "dtype"));
        long[] shape = longs(t, "shape", -1);
        long[] offsets = longs(t, "data_offsets", 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin < 0 || end < begin || end > dataLen) {
          throw new CheckpointException(
              name
                  + ": tensor '"
                  + key
                  + "' lies at bytes ["
                  + begin
                  + ", "
                  + end
                  + ") but the file has "
                  + dataLen
                  + " data bytes (truncated?)");
        }
        ByteBuffer slice = buf.slice((int) (dataStart + begin), (int) (end - begin));
        out.put(key, new TensorData(type, Shape.of(shape), slice));
      } catch (CheckpointException ce) {
        throw ce;
      } catch (IllegalArgumentException
          | NullPointerException
          | IllegalStateException
          | UnsupportedOperationException ex) {
        throw new CheckpointException(
            name + ": bad header entry for tensor '" + key + "': " + ex.getMessage(), ex);
      }
    }
    return out;
  }

  /** The header as an object; anything else (an array, a number) is malformed. */
  private static JsonNode headerTree(String text) throws JsonProcessingException {
    JsonNode n = Json.tree(text);
    if (!n.isObject()) {
      throw new com.fasterxml.jackson.core.JsonParseException(
          null,
          "expected an object, got " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    return n;
  }

  private static String text(JsonNode t, String key) {
    JsonNode v = t.get(key);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("'" + key + "' must be a string");
    }
    return v.asText();
  }

  /** An array of integers ({@code n} of them, any number when negative). */
  private static long[] longs(JsonNode t, String key, int n) {
    JsonNode v = t.get(key);
    if (v == null || !v.isArray() || (n >= 0 && v.size() != n)) {
      throw new IllegalArgumentException(
          "'" + key + "' must be a list of " + (n >= 0 ? n + " " : "") + "integers");
    }
    long[] out = new long[v.size()];
    for (int i = 0; i < out.length; i++) {
      if (!v.get(i).canConvertToExactIntegral() || !v.get(i).canConvertToLong()) {
        throw new IllegalArgumentException("'" + key + "' must be a list of integers, got " + v);
      }
      out[i] = v.get(i).asLong();
    }
    return out;
  }

  /** Jackson's message on one line, without the excerpt of the header. */
  private static String jsonProblem(JsonProcessingException e) {
    return Json.problem(e) + " (not valid JSON: truncated or not a safetensors file?)";
  }

  /** Writes tensors (in map order) with optional string metadata. */
  public static void write(
      Path file, Map<String, TensorData> tensors, Map<String, String> metadata) {
    ObjectNode header = Json.object();
    if (metadata != null && !metadata.isEmpty()) {
      ObjectNode m = header.putObject("__metadata__");
      metadata.forEach(m::put);
    }
    long offset = 0;
    for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
      TensorData t = e.getValue();
      ObjectNode o = header.putObject(e.getKey());
      o.put("dtype", t.type().name());
      ArrayNode shape = o.putArray("shape");
      for (int d : t.shape().dims()) {
        shape.add(d);
      }
      long len = t.bytes().remaining();
      o.putArray("data_offsets").add(offset).add(offset + len);
      offset += len;
    }
    byte[] hb = Json.compact(header).getBytes(StandardCharsets.UTF_8);
    int pad = (8 - hb.length % 8) % 8;
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream os = Files.newOutputStream(tmp)) {
      ByteBuffer len =
          ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(hb.length + pad);
      os.write(len.array());
      os.write(hb);
      for (int i = 0; i < pad; i++) {
        os.write(' ');
      }
      for (TensorData t : tensors.values()) {
        ByteBuffer b = t.bytes().duplicate();
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        os.write(chunk);
      }
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the original error is the one to report
      }
      throw new CheckpointException(file + ": cannot write: " + e.getMessage(), e);
    }
    try {
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot write: " + e.getMessage(), e);
    }
  }
}
