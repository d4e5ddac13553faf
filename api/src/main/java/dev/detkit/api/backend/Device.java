package dev.detkit.api.backend;

/**
 * Where a backend places its tensors, spelled as mmdetection's {@code --device}: {@code cpu},
 * {@code cuda} (the current CUDA device) or {@code cuda:N}. Only the backends that can use a GPU
 * accept anything but {@code cpu}; see {@link BackendFactory#acceleratorCapable()}.
 *
 * @param type {@code cpu} or {@code cuda}
 * @param index the CUDA device index, or -1 for "the current one" (always -1 for {@code cpu})
 */
public record Device(String type, int index) {
  /** The host CPU, every backend's default. */
  public static final Device CPU = new Device("cpu", -1);

  public Device {
    if (!type.equals("cpu") && !type.equals("cuda")) {
      throw new IllegalArgumentException("device type must be cpu or cuda, got '" + type + "'");
    }
    if (index < -1 || (type.equals("cpu") && index != -1)) {
      throw new IllegalArgumentException("bad device index " + index + " for " + type);
    }
  }

  /**
   * Parses {@code cpu}, {@code cuda} or {@code cuda:N}.
   *
   * @throws IllegalArgumentException with a one-line message naming what was expected
   */
  public static Device parse(String spec) {
    String s = spec.trim();
    if (s.equals("cpu")) {
      return CPU;
    }
    if (s.equals("cuda")) {
      return new Device("cuda", -1);
    }
    if (s.matches("cuda:\\d{1,3}")) {
      return new Device("cuda", Integer.parseInt(s.substring(5)));
    }
    throw new IllegalArgumentException(
        "--device: expected cpu, cuda or cuda:N (mmdetection's spelling), got '" + spec + "'");
  }

  public boolean isCpu() {
    return type.equals("cpu");
  }

  /** This device with {@code index} where none was given ({@code cuda} -> {@code cuda:index}). */
  public Device withDefaultIndex(int index) {
    return isCpu() || this.index >= 0 ? this : new Device(type, index);
  }

  /** The index to use: the given one, else 0 (CUDA's current device in a fresh process). */
  public int indexOrZero() {
    return Math.max(index, 0);
  }

  @Override
  public String toString() {
    return index < 0 ? type : type + ":" + index;
  }
}
