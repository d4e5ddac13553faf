# Environment for processes that run libtorch (sourced by ./detkit and benchmarks/run-jmh.sh; JMH forks and
# `./detkit suite` cells inherit it). Every default yields to a value the caller already set.

# Large tensors come from fresh pages; letting glibc back them with transparent huge pages makes
# first-touch ~20x cheaper on VMs where page faults are slow (measured: 116 MB, 230 ms -> 12 ms).
# One arena: the JVM calls libtorch from a thread that is not the process's first, so glibc gave
# its tensors a secondary arena, whose heaps go back to the kernel and fault in again on every
# training step; the main arena keeps them (oneDNN time of 3 seed-config training steps 36.5 s ->
# 26.0 s, iteration 14-16 s -> 11.1-11.5 s), as in a Python process whose main thread allocates.
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1}"
# ATen's AVX-512 kernels call Sleef's 16-lane exp (sigmoid, Swish); on this VM some processes stall in it for
# their whole life (profiled: 1.3-3.5 k samples in that one function against ~60 in a healthy process, end to end
# 2.2 s instead of 1.25 s per 896x896 image), while the AVX2 kernels run steadily at the healthy speed. oneDNN's
# convolutions pick their own ISA and keep AVX-512. Set ATEN_CPU_CAPABILITY=avx512 to choose otherwise.
export ATEN_CPU_CAPABILITY="${ATEN_CPU_CAPABILITY:-avx2}"
# libtorch warns on every NCHW conv that NNPACK is unsupported on this CPU; keep errors only.
export TORCH_CPP_LOG_LEVEL="${TORCH_CPP_LOG_LEVEL:-ERROR}"
