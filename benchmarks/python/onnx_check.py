"""Runs a detkit ONNX export in Python's ONNX Runtime and compares its raw outputs with detkit's.

    ./detkit export CONFIG --out model.onnx --save-io io.safetensors
    python benchmarks/python/onnx_check.py model.onnx io.safetensors --tol 1e-5

io.safetensors holds the recording run's `inputs` and the outputs detkit computed for them; the
script prints each output's max-rel error (max |ort - detkit| / max |detkit|) and exits 1 above tol.
Needs only onnxruntime and numpy (the safetensors format is read here).
"""
import argparse
import json
import struct
import sys

import numpy as np
import onnxruntime as ort


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        assert t["dtype"] == "F32", (name, t["dtype"])
        b, e = t["data_offsets"]
        out[name] = np.frombuffer(data[b:e], dtype="<f4").reshape(t["shape"])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("io")
    ap.add_argument("--tol", type=float, default=1e-5)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--no-optimize", action="store_true", help="graph optimisation off (level ALL by default)")
    a = ap.parse_args()
    opts = ort.SessionOptions()
    opts.graph_optimization_level = (ort.GraphOptimizationLevel.ORT_DISABLE_ALL if a.no_optimize
                                     else ort.GraphOptimizationLevel.ORT_ENABLE_ALL)
    if a.threads:
        opts.intra_op_num_threads = a.threads
    sess = ort.InferenceSession(a.model, opts, providers=["CPUExecutionProvider"])
    meta = sess.get_modelmeta().custom_metadata_map
    io = read_safetensors(a.io)
    names = [o.name for o in sess.get_outputs()]
    outs = sess.run(names, {"inputs": io["inputs"]})
    print(f"onnxruntime {ort.__version__}, model {a.model}, input {list(io['inputs'].shape)},"
          f" {len(meta)} metadata keys, classes: {len(json.loads(meta['detkit.classes']))}")
    worst = 0.0
    for name, got in zip(names, outs):
        ref = io[name]
        rel = float(np.abs(got - ref).max() / max(np.abs(ref).max(), 1e-12))
        worst = max(worst, rel)
        print(f"  {name:16s} {list(got.shape)} max-rel {rel:.2e}")
    print(f"worst max-rel {worst:.2e} (tol {a.tol:.0e}): {'OK' if worst <= a.tol else 'FAIL'}")
    sys.exit(0 if worst <= a.tol else 1)


if __name__ == "__main__":
    main()
