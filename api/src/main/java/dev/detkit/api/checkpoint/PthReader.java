package dev.detkit.api.checkpoint;

import dev.detkit.api.tensor.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;

/**
 * Reads PyTorch zip checkpoints ({@code torch.save} since 1.6) without running pickled code: the
 * unpickler accepts only the globals a checkpoint needs (tensor rebuild functions, storage types,
 * {@code OrderedDict}) and refuses any other by name. Tensors sharing a storage (tied weights)
 * share it here too; storage offsets and strides are honoured.
 */
public final class PthReader {
  private PthReader() {}

  /** Reads the checkpoint's top-level object: nested maps/lists with {@link TensorData} leaves. */
  public static Object read(Path file) {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      ZipEntry pkl =
          zip.stream()
              .filter(e -> e.getName().endsWith("/data.pkl") || e.getName().equals("data.pkl"))
              .findFirst()
              .orElseThrow(
                  () ->
                      new CheckpointException(
                          file + ": a zip file, but not a PyTorch checkpoint (no data.pkl)"));
      String prefix = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
      ZipEntry order = zip.getEntry(prefix + "byteorder");
      if (order != null
          && !new String(zip.getInputStream(order).readNBytes(16)).trim().equals("little")) {
        throw new CheckpointException(file + ": big-endian checkpoints are not supported");
      }
      try (InputStream in = zip.getInputStream(pkl)) {
        return new TorchUnpickler(zip, prefix, file).load(in);
      }
    } catch (ZipException e) {
      throw new CheckpointException(
          file + ": corrupt or truncated checkpoint (" + e.getMessage() + ")", e);
    } catch (PickleException e) {
      throw new CheckpointException(file + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * An OrderedDict; PyTorch pickles a state dict's {@code _metadata} attribute through BUILD, which
   * the unpickler applies by calling {@code __setstate__}: the state is kept, not executed.
   */
  public static final class OrderedDict extends LinkedHashMap<Object, Object> {
    private static final long serialVersionUID = 1L;
    private transient Object state;

    /** Called reflectively by the unpickler's BUILD opcode. */
    public void __setstate__(java.util.HashMap<?, ?> s) {
      state = s;
    }

    /** Called reflectively by the unpickler's BUILD opcode. */
    public void __setstate__(Object[] s) {
      state = s;
    }

    /** What BUILD gave (PyTorch's {@code _metadata}), or null. */
    public Object state() {
      return state;
    }
  }

  /** A storage class named in a persistent id (torch.FloatStorage, ...). */
  private record StorageClass(StoredType type) implements IObjectConstructor {
    @Override
    public Object construct(Object[] args) {
      throw new PickleException("storage classes are not constructed directly");
    }
  }

  /** Raw bytes of one storage, shared by every tensor that views it. */
  private record Storage(StoredType type, ByteBuffer bytes, String key) {}

  private static final Map<String, IObjectConstructor> ALLOWED = new HashMap<>();

  static {
    ALLOWED.put("collections.OrderedDict", args -> new OrderedDict());
    ALLOWED.put("torch._utils._rebuild_tensor_v2", PthReader::rebuildTensor);
    ALLOWED.put("torch._utils._rebuild_tensor", PthReader::rebuildTensor);
    ALLOWED.put("torch._utils._rebuild_parameter", args -> args[0]);
    ALLOWED.put("torch._utils._rebuild_parameter_with_state", args -> args[0]);
    Map<String, StoredType> storages =
        Map.of(
            "FloatStorage", StoredType.F32,
            "DoubleStorage", StoredType.F64,
            "HalfStorage", StoredType.F16,
            "BFloat16Storage", StoredType.BF16,
            "LongStorage", StoredType.I64,
            "IntStorage", StoredType.I32,
            "ShortStorage", StoredType.I16,
            "CharStorage", StoredType.I8,
            "ByteStorage", StoredType.U8,
            "BoolStorage", StoredType.BOOL);
    storages.forEach((k, v) -> ALLOWED.put("torch." + k, new StorageClass(v)));
  }

  private static Object rebuildTensor(Object[] args) {
    Storage storage = (Storage) args[0];
    long offset = ((Number) args[1]).longValue();
    long[] size = longs(args[2]);
    long[] stride = longs(args[3]);
    for (int i = 0; i < size.length; i++) {
      if (size[i] < 0 || stride[i] < 0) {
        throw new PickleException(
            "tensor on storage '"
                + storage.key()
                + "' has size "
                + java.util.Arrays.toString(size)
                + " and stride "
                + java.util.Arrays.toString(stride)
                + ": sizes and strides must not be negative");
      }
    }
    long n = 1;
    for (long d : size) {
      n = d > 0 && n > MAX_BYTES / d ? MAX_BYTES : n * d;
    }
    int es = storage.type().bytes();
    if (n > MAX_BYTES / es) {
      throw new PickleException(
          "tensor of size "
              + java.util.Arrays.toString(size)
              + " on storage '"
              + storage.key()
              + "' is larger than one array holds");
    }
    Shape shape = Shape.of(size);
    ByteBuffer src = storage.bytes();
    long[] contiguous = shape.strides();
    boolean isContiguous = java.util.Arrays.equals(stride, contiguous) || n <= 1;
    if (n == 0) {
      return new TensorData(storage.type(), shape, ByteBuffer.allocate(0));
    }
    long maxIndex = offset;
    try {
      for (int i = 0; i < size.length; i++) {
        maxIndex = Math.addExact(maxIndex, Math.multiplyExact(size[i] - 1, stride[i]));
      }
    } catch (ArithmeticException overflow) {
      maxIndex = Long.MAX_VALUE / 16;
    }
    if (offset < 0 || (maxIndex + 1) * es > src.capacity()) {
      throw new PickleException(
          "tensor "
              + shape
              + " at offset "
              + offset
              + " runs past its storage '"
              + storage.key()
              + "' ("
              + src.capacity() / es
              + " elements)");
    }
    if (isContiguous) {
      return new TensorData(storage.type(), shape, src.slice((int) (offset * es), (int) (n * es)));
    }
    ByteBuffer out = ByteBuffer.allocate((int) (n * es)).order(ByteOrder.LITTLE_ENDIAN);
    long[] idx = new long[size.length];
    byte[] elem = new byte[es];
    for (long i = 0; i < n; i++) {
      long pos = offset;
      for (int d = 0; d < size.length; d++) {
        pos += idx[d] * stride[d];
      }
      src.get((int) (pos * es), elem);
      out.put(elem);
      for (int d = size.length - 1; d >= 0; d--) {
        if (++idx[d] < size[d]) {
          break;
        }
        idx[d] = 0;
      }
    }
    out.flip();
    return new TensorData(storage.type(), shape, out);
  }

  private static long[] longs(Object tuple) {
    Object[] a = tuple instanceof Object[] arr ? arr : ((List<?>) tuple).toArray();
    long[] out = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = ((Number) a[i]).longValue();
    }
    return out;
  }

  /** The largest storage a Java array holds. */
  private static final long MAX_BYTES = Integer.MAX_VALUE - 8;

  private static String sizeMismatch(String key, long has, long need, long numel, StoredType t) {
    return "storage '"
        + key
        + "' has "
        + has
        + " bytes, but its "
        + numel
        + " "
        + t
        + " elements need "
        + need
        + (has < need ? " (truncated?)" : "");
  }

  /** An unpickler that resolves only {@link #ALLOWED} globals and loads storages from the zip. */
  private static final class TorchUnpickler extends Unpickler {
    private final ZipFile zip;
    private final String prefix;
    private final Path file;
    private final Map<String, Storage> storages = new HashMap<>();

    TorchUnpickler(ZipFile zip, String prefix, Path file) {
      this.zip = zip;
      this.prefix = prefix;
      this.file = file;
    }

    @Override
    protected Object dispatch(short key) throws IOException {
      switch (key) {
        case Opcodes.GLOBAL -> {
          String module = readLine();
          String name = readLine();
          stack.add(allowed(module, name));
          return NO_RETURN_VALUE;
        }
        case Opcodes.STACK_GLOBAL -> {
          String name = (String) stack.pop();
          String module = (String) stack.pop();
          stack.add(allowed(module, name));
          return NO_RETURN_VALUE;
        }
        case Opcodes.INST ->
            throw new PickleException("refuses the INST opcode (old-style class instantiation)");
        default -> {
          return super.dispatch(key);
        }
      }
    }

    private IObjectConstructor allowed(String module, String name) {
      IObjectConstructor c = ALLOWED.get(module + "." + name);
      if (c == null) {
        throw new PickleException(
            "refuses to load global '"
                + module
                + "."
                + name
                + "': only tensor rebuild functions, storage types, OrderedDict and plain containers are allowed");
      }
      return c;
    }

    private String readLine() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int c;
      while ((c = input.read()) != '\n') {
        if (c < 0) {
          throw new PickleException("unexpected end of pickle data");
        }
        b.write(c);
      }
      return b.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    protected Object persistentLoad(Object pid) {
      Object[] t = pid instanceof Object[] a ? a : ((List<?>) pid).toArray();
      if (t.length < 5 || !"storage".equals(t[0]) || !(t[1] instanceof StorageClass sc)) {
        throw new PickleException("unsupported persistent id " + java.util.Arrays.deepToString(t));
      }
      String key = String.valueOf(t[2]);
      long numel = ((Number) t[4]).longValue();
      return storages.computeIfAbsent(key, k -> loadStorage(k, sc.type(), numel));
    }

    private Storage loadStorage(String key, StoredType type, long numel) {
      ZipEntry e = zip.getEntry(prefix + "data/" + key);
      if (e == null) {
        throw new PickleException("storage '" + key + "' is missing from the archive");
      }
      // The pickle states the storage's element count; the member must hold exactly that many
      // bytes. Reading no more than that keeps a member that inflates to gigabytes (a zip bomb)
      // from ever reaching memory.
      long need = numel < 0 || numel > MAX_BYTES / type.bytes() ? -1 : numel * type.bytes();
      if (need < 0) {
        throw new PickleException(
            "storage '"
                + key
                + "' claims "
                + numel
                + " elements of "
                + type
                + ", more than one array can hold");
      }
      if (e.getSize() >= 0 && e.getSize() != need) {
        throw new PickleException(sizeMismatch(key, e.getSize(), need, numel, type));
      }
      try (InputStream in = zip.getInputStream(e)) {
        byte[] data = in.readNBytes((int) need);
        if (data.length < need) {
          throw new PickleException(sizeMismatch(key, data.length, need, numel, type));
        }
        if (in.read() >= 0) {
          throw new PickleException(
              "storage '"
                  + key
                  + "' holds more than the "
                  + need
                  + " bytes its "
                  + numel
                  + " "
                  + type
                  + " elements need");
        }
        return new Storage(type, ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN), key);
      } catch (IOException ex) {
        throw new PickleException(file + ": cannot read storage '" + key + "': " + ex.getMessage());
      }
    }
  }
}
