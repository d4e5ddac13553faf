"""Times benchmarks' HotOp list in PyTorch eager (CPU), for side-by-side ratios with JMH.

Not needed to build or test detkit. Uses torch from the machine's local wheel store:
    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install --no-index torch
    /tmp/venv/bin/python benchmarks/python/hot_ops.py --threads 2
Shapes, padding (TF-SAME as mmcv's Conv2dAdaptivePadding) and weights' layout match HotOp.java.
"""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F

# name: (in_channels, size, out_channels, kernel, stride, groups)
HOT_OPS = {
    "DW3X3_S1": (40, 448, 40, 3, 1, 40),
    "DW3X3_S2": (144, 448, 144, 3, 2, 144),
    "DW5X5_S1": (288, 112, 288, 5, 1, 288),
    "DW5X5_S2": (192, 224, 192, 5, 2, 192),
    "CONV1X1": (48, 112, 288, 1, 1, 1),
    "CONV3X3_256": (256, 112, 256, 3, 1, 1),
}


def tf_same(size, k, s):
    out = math.ceil(size / s)
    pad = max((out - 1) * s + k - size, 0)
    return pad // 2, pad - pad // 2


def run(op, channels_last, warmup_s, measure_s):
    cin, size, cout, k, s, g = HOT_OPS[op]
    x = torch.randn(1, cin, size, size) * 0.1
    w = torch.randn(cout, cin // g, k, k) * 0.1
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
        w = w.contiguous(memory_format=torch.channels_last)
    before, after = tf_same(size, k, s)

    def once():
        # Same as detkit: symmetric padding goes to the conv, asymmetric is an explicit F.pad.
        if before == after:
            return F.conv2d(x, w, None, s, before, 1, g)
        return F.conv2d(F.pad(x, (before, after, before, after)), w, None, s, 0, 1, g)

    with torch.inference_mode():
        end = time.perf_counter() + warmup_s
        while time.perf_counter() < end:
            once()
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < measure_s:
            once()
            n += 1
        return (time.perf_counter() - start) / n * 1e3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=float, default=3.0)
    ap.add_argument("--measure", type=float, default=10.0)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    result = {"torch": torch.__version__, "threads": args.threads, "ms_per_op": {}}
    for op in HOT_OPS:
        result["ms_per_op"][op] = {
            "nchw": run(op, False, args.warmup, args.measure),
            "channels_last": run(op, True, args.warmup, args.measure),
        }
        print(op, {k: round(v, 3) for k, v in result["ms_per_op"][op].items()}, flush=True)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
