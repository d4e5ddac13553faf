#!/usr/bin/env bash
# Builds the benchmarks module and runs JMH; arguments go to JMH (for example: HotOps -p backend=djl).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests -Dspotless.check.skip=true package -pl benchmarks -am >&2)
# Same allocator setting as ./detkit (see there); JMH forks inherit the environment.
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1}"
# libtorch warns on every NCHW conv that NNPACK is unsupported on this CPU; keep errors only.
export TORCH_CPP_LOG_LEVEL="${TORCH_CPP_LOG_LEVEL:-ERROR}"
exec java -cp "$root/benchmarks/target/classes:$root/benchmarks/target/lib/*" org.openjdk.jmh.Main "$@"
