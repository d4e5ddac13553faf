#!/usr/bin/env bash
# Builds the benchmarks module and runs JMH; arguments go to JMH (for example: HotOps -p backend=djl).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests -Dspotless.check.skip=true package -pl benchmarks -am >&2)
source "$root/tools/native-env.sh"
exec java -cp "$root/benchmarks/target/classes:$root/benchmarks/target/lib/*" org.openjdk.jmh.Main "$@"
