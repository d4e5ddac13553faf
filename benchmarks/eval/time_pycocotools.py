"""Times pycocotools' COCOeval (bbox) on a ground-truth/result pair, step by step.

Usage: time_pycocotools.py GT.json DETS.json [--max-dets 1,10,100] [--compare detkit_arrays.safetensors]

With --compare, checks detkit's precision/recall/scores/stats (written by CocoEvalBenchmark)
against pycocotools' arrays. Needs numpy and pycocotools (and safetensors for --compare); detkit
itself never needs Python.
"""
import argparse
import contextlib
import io
import time

import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gt")
    ap.add_argument("dets")
    ap.add_argument("--max-dets", default="1,10,100")
    ap.add_argument("--compare", default=None)
    args = ap.parse_args()
    max_dets = [int(x) for x in args.max_dets.split(",")]

    quiet = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(quiet):
        gt = COCO(args.gt)
    t1 = time.perf_counter()
    with contextlib.redirect_stdout(quiet):
        dt = gt.loadRes(args.dets)
    t2 = time.perf_counter()
    ev = COCOeval(gt, dt, "bbox")
    ev.params.maxDets = max_dets
    with contextlib.redirect_stdout(quiet):
        ev.evaluate()
    t3 = time.perf_counter()
    with contextlib.redirect_stdout(quiet):
        ev.accumulate()
    t4 = time.perf_counter()
    ev.summarize()
    t5 = time.perf_counter()
    print(
        f"pycocotools: load gt {t1 - t0:.3f} s, loadRes {t2 - t1:.3f} s, evaluate {t3 - t2:.3f} s,"
        f" accumulate {t4 - t3:.3f} s, summarize {t5 - t4:.3f} s |"
        f" evaluate+accumulate+summarize {t5 - t2:.3f} s | total {t5 - t0:.3f} s"
    )
    print("stats:", " ".join(repr(float(s)) for s in ev.stats))

    if args.compare:
        from safetensors.numpy import load_file

        d = load_file(args.compare)
        ok = True
        for name, ref in [
            ("precision", ev.eval["precision"]),
            ("recall", ev.eval["recall"]),
            ("scores", ev.eval["scores"]),
            ("stats", np.asarray(ev.stats)),
        ]:
            got = d[name]
            same_shape = got.shape == ref.shape
            diff = float(np.max(np.abs(got - ref))) if same_shape else float("inf")
            identical = same_shape and np.array_equal(got, ref)
            ok &= identical
            print(f"compare {name}: shape {got.shape} vs {ref.shape}, max |diff| {diff:.3g},"
                  f" bit-identical {identical}")
        print("detkit == pycocotools:", ok)


if __name__ == "__main__":
    main()
