package dev.detkit.api.checkpoint;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.detkit.api.tensor.Shape;
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
import java.util.List;
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
      JsonObject header =
          JsonParser.parseString(new String(hb.array(), StandardCharsets.UTF_8)).getAsJsonObject();
      Map<String, String> out = new LinkedHashMap<>();
      if (header.has("__metadata__")) {
        header
            .getAsJsonObject("__metadata__")
            .entrySet()
            .forEach(e -> out.put(e.getKey(), e.getValue().getAsString()));
      }
      return out;
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot read: " + e.getMessage(), e);
    } catch (JsonParseException | IllegalStateException e) {
      throw new CheckpointException(file + ": malformed safetensors header: " + jsonProblem(e), e);
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
    JsonObject header;
    try {
      header = JsonParser.parseString(new String(hb, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw new CheckpointException(name + ": malformed safetensors header: " + jsonProblem(e), e);
    }
    long dataStart = 8 + headerLen;
    long dataLen = buf.capacity() - dataStart;
    Map<String, TensorData> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : header.entrySet()) {
      if (e.getKey().equals("__metadata__")) {
        continue;
      }
      String key = e.getKey();
      try {
        JsonObject t = e.getValue().getAsJsonObject();
        StoredType type = StoredType.named(t.get("dtype").getAsString());
        List<Long> dims =
            new Gson()
                .fromJson(
                    t.get("shape"),
                    new com.google.gson.reflect.TypeToken<List<Long>>() {}.getType());
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        long begin = t.getAsJsonArray("data_offsets").get(0).getAsLong();
        long end = t.getAsJsonArray("data_offsets").get(1).getAsLong();
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

  /** Gson's message without its JSON-path suffix and exception class names. */
  private static String jsonProblem(RuntimeException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    m = m.replaceFirst("^[\\w.]+Exception: ", "");
    int path = m.indexOf(" path $");
    m = path < 0 ? m : m.substring(0, path);
    return m.lines().findFirst().orElse(m).replaceFirst("\\s*See https?://\\S+$", "").strip()
        + " (not valid JSON: truncated or not a safetensors file?)";
  }

  /** Writes tensors (in map order) with optional string metadata. */
  public static void write(
      Path file, Map<String, TensorData> tensors, Map<String, String> metadata) {
    JsonObject header = new JsonObject();
    if (metadata != null && !metadata.isEmpty()) {
      JsonObject m = new JsonObject();
      metadata.forEach(m::addProperty);
      header.add("__metadata__", m);
    }
    long offset = 0;
    for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
      TensorData t = e.getValue();
      JsonObject o = new JsonObject();
      o.addProperty("dtype", t.type().name());
      com.google.gson.JsonArray shape = new com.google.gson.JsonArray();
      for (int d : t.shape().dims()) {
        shape.add(d);
      }
      o.add("shape", shape);
      com.google.gson.JsonArray off = new com.google.gson.JsonArray();
      long len = t.bytes().remaining();
      off.add(offset);
      off.add(offset + len);
      o.add("data_offsets", off);
      header.add(e.getKey(), o);
      offset += len;
    }
    byte[] hb = header.toString().getBytes(StandardCharsets.UTF_8);
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
