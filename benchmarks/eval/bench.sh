#!/usr/bin/env bash
# Times detkit's COCO evaluator on a val2017-sized synthetic set (5,000 images, 80 categories,
# ~7 gts and 100 detections per image), then pycocotools on the same files, and checks that both
# give the same arrays. Usage: benchmarks/eval/bench.sh [DIR] [REPEATS] [MAXDETS]
# PYTHON (default /tmp/venv/bin/python) must have numpy, pycocotools and safetensors.
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR=${1:-$(mktemp -d /tmp/detkit-cocoeval.XXXXXX)}
REPEATS=${2:-5}
MAXDETS=${3:-1,10,100}
PY=${PYTHON:-/tmp/venv/bin/python}
mvn -q -B -Dstyle.color=never -DskipTests -Dspotless.check.skip=true package -pl benchmarks -am >&2
CP="benchmarks/target/classes:benchmarks/target/lib/*"
java -cp "$CP" dev.detkit.benchmarks.eval.CocoEvalBenchmark "$DIR" "$REPEATS" "$MAXDETS"
if [ -x "$PY" ] || command -v "$PY" >/dev/null; then
  "$PY" benchmarks/eval/time_pycocotools.py "$DIR/gt.json" "$DIR/dets.json" \
    --max-dets "$MAXDETS" --compare "$DIR/detkit_arrays.safetensors"
else
  echo "no Python at $PY: skipping pycocotools" >&2
fi
