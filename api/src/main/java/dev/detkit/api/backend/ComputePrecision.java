package dev.detkit.api.backend;

import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Capability;
import dev.detkit.api.tensor.DType;
import java.util.Set;

/**
 * What {@code --dtype} asked for and what runs: {@code float32}; {@code bf16}, which runs bfloat16
 * only where the CPU multiplies bfloat16 natively (AVX512-BF16 or AMX-BF16 in /proc/cpuinfo) and
 * float32 with a one-line notice elsewhere; or {@code bf16-emulated}, which runs the bfloat16 path
 * anyway (libtorch's kernels then widen bfloat16 to float32 in software: the same roundings of
 * inputs, weights and outputs, much slower) so that its numbers can be checked on any x86 CPU.
 *
 * @param requested the option's value
 * @param dtype the element type inference computes in
 * @param effective what the record reports: {@code float32}, {@code bf16} or {@code bf16-emulated}
 * @param notice one line for the user when the request was not honoured as asked, else null
 */
public record ComputePrecision(String requested, DType dtype, String effective, String notice) {
  /** The values {@code --dtype} takes. */
  public static final Set<String> NAMES = Set.of("float32", "bf16", "bf16-emulated");

  /** Resolves {@code requested} for {@code backend} on this machine's CPU. */
  public static ComputePrecision resolve(String requested, Backend backend) {
    return resolve(requested, backend, CpuFeatures.flags());
  }

  /**
   * Resolves {@code requested} for {@code backend} on a CPU with {@code cpuFlags}.
   *
   * @throws IllegalArgumentException for an unknown name or a backend without bfloat16, in one line
   */
  public static ComputePrecision resolve(String requested, Backend backend, Set<String> cpuFlags) {
    if (!NAMES.contains(requested)) {
      throw new IllegalArgumentException(
          "--dtype: expected float32, bf16 or bf16-emulated, got '" + requested + "'");
    }
    if (requested.equals("float32")) {
      return new ComputePrecision(requested, DType.FLOAT32, "float32", null);
    }
    if (!backend.has(Capability.BFLOAT16)) {
      throw new IllegalArgumentException(
          "--dtype "
              + requested
              + ": backend '"
              + backend.name()
              + "' has no bfloat16 kernels (use --backend libtorch)");
    }
    Set<String> hw = CpuFeatures.nativeBf16(cpuFlags);
    if (!hw.isEmpty()) {
      return new ComputePrecision(requested, DType.BFLOAT16, "bf16", null);
    }
    if (requested.equals("bf16-emulated")) {
      return new ComputePrecision(requested, DType.BFLOAT16, "bf16-emulated", null);
    }
    return new ComputePrecision(
        requested,
        DType.FLOAT32,
        "float32",
        "notice: --dtype bf16: this CPU has no native bfloat16 (neither avx512_bf16 nor amx_bf16"
            + " in /proc/cpuinfo), so inference runs in float32; --dtype bf16-emulated runs the"
            + " bfloat16 path anyway (slowly)");
  }
}
