"""detkit against PyTorch eager on the same network, input shape and phases, in interleaved rounds.

Every run is a fresh process; one round runs each variant once, and the variants' order rotates from
round to round, so a slow spell of the machine does not land on one side. Both sides time the same
phases on the same synthetic uint8 input of H x W: preprocess (to the normalised float tensor) and
forward (backbone, neck, head); detkit's post-processing (decode, NMS) is left out of the compared
figure because the PyTorch script does not reimplement it (it is printed separately). Prints every
round's figures and ratios, the medians, and the environment; --out writes all of it as JSON.

    /tmp/venv/bin/python benchmarks/python/compare.py --shape 896 896 --rounds 3
    /tmp/venv/bin/python benchmarks/python/compare.py --shape 896 896 --rounds 3 --backends djl libtorch

(--backends adds detkit's libtorch 2.10 backend; --only keeps some variants, the baseline among them.)

Needs torch from the machine's local wheel store; detkit itself never needs Python.
"""
import argparse, json, os, platform, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SEED = 'configs/efficientnet/retinanet_effb3_fpn_8xb4-crop896-1x_coco.yaml'


def run_detkit(args, layout, backend='djl'):
    cmd = [os.path.join(ROOT, 'detkit'), 'benchmark', args.config, '--shape', str(args.shape[0]),
           str(args.shape[1]), '--num-images', str(args.iters), '--warmup', str(args.warmup),
           '--layout', layout, '--backend', backend, '--dtype', args.dtype,
           '--format', 'json'] + (['--peak'] if args.peak and backend != 'onnxruntime' else [])
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    rec = json.loads(out[out.index('{'):])
    lat = rec['latency_ms']
    return {'pre_forward_ms': lat['preprocess']['mean'] + lat['forward']['mean'],
            'forward_ms': lat['forward']['mean'], 'postprocess_ms': lat['postprocess']['mean'],
            'rss_peak_mb': rec['memory_mb']['rss_peak'], 'achieved_gflops': rec['achieved_gflops'],
            'peak': rec.get('peak'), 'env': rec['env'], 'input_shape': rec['input_shape'],
            'dtype': rec['protocol'].get('dtype', 'float32')}


def run_torch(args, layout, swish):
    env = dict(os.environ)
    env.setdefault('GLIBC_TUNABLES', 'glibc.malloc.hugetlb=1')
    cmd = [args.python, os.path.join(HERE, 'retinanet_effb3.py'), '--arch', args.arch, '--shape',
           str(args.shape[0]), str(args.shape[1]), '--threads', str(args.threads), '--warmup',
           str(args.warmup), '--iters', str(args.iters), '--layouts', layout, '--swish', swish]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True, env=env).stdout
    rec = json.loads(out[out.index('{\n'):])
    r = rec[layout]
    return {'pre_forward_ms': r['preprocess_ms'] + r['forward_ms'], 'forward_ms': r['forward_ms'],
            'rss_peak_mb': rec['rss_peak_mb'], 'torch': rec['torch'], 'input_shape': rec['input_shape']}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--config', default=SEED)
    ap.add_argument('--arch', default='b3', help="the PyTorch side's EfficientNet (match the config)")
    ap.add_argument('--shape', type=int, nargs=2, default=[896, 896], metavar=('H', 'W'))
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--warmup', type=int, default=5)
    ap.add_argument('--iters', type=int, default=6)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--python', default=sys.executable)
    ap.add_argument('--peak', action='store_true', help="also record detkit's --peak figures")
    ap.add_argument('--baseline', default='torch nchw mmcv')
    ap.add_argument('--backends', nargs='+', default=['djl'], choices=['djl', 'libtorch'],
                    help="detkit's backends (libtorch: the 2.10 backend, variants 'detkit libtorch ...')")
    ap.add_argument('--dtype', default='float32', choices=['float32', 'bf16', 'bf16-emulated'],
                    help="detkit's --dtype (the record says what ran)")
    ap.add_argument('--only', nargs='+', metavar='VARIANT',
                    help='run only these variants (names as printed), e.g. to fit a time budget')
    ap.add_argument('--out', help='write every figure as JSON here')
    ap.add_argument('--variants', help='comma-separated subset of the variants (default: all)')
    args = ap.parse_args()
    variants = {}
    for backend in args.backends:
        prefix = 'detkit ' if backend == 'djl' else 'detkit %s ' % backend
        for layout in ['nchw', 'channels_last']:
            variants[prefix + layout] = (lambda b, l: lambda: run_detkit(args, l, b))(backend, layout)
    # The network exported to ONNX (cached per shape: export once before timing) in ONNX Runtime.
    variants['detkit onnxruntime'] = lambda: run_detkit(args, 'nchw', 'onnxruntime')
    variants.update({
        'torch nchw mmcv': lambda: run_torch(args, 'nchw', 'mmcv'),
        'torch channels_last mmcv': lambda: run_torch(args, 'channels_last', 'mmcv'),
        'torch channels_last fused': lambda: run_torch(args, 'channels_last', 'fused'),
    })
    if args.only:
        unknown = [v for v in args.only if v not in variants]
        if unknown:
            ap.error('--only: unknown variant(s) %s (known: %s)' % (unknown, ', '.join(variants)))
        if args.baseline not in args.only:
            ap.error('--only must include the baseline %r' % args.baseline)
        variants = {k: v for k, v in variants.items() if k in args.only}
    if args.variants:
        variants = {n: variants[n] for n in args.variants.split(',')}
    names = list(variants)
    rounds = []
    for r in range(args.rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        got = {}
        for name in order:
            t0 = time.time()
            got[name] = variants[name]()
            print('round %d  %-26s pre+forward %8.1f ms  forward %8.1f ms  RSS %6.0f MB  (%.0f s)' % (
                r + 1, name, got[name]['pre_forward_ms'], got[name]['forward_ms'],
                got[name]['rss_peak_mb'], time.time() - t0), flush=True)
        base = got[args.baseline]['pre_forward_ms']
        for name in names:
            got[name]['speed_vs_baseline'] = base / got[name]['pre_forward_ms']
            got[name]['rss_vs_baseline'] = got[name]['rss_peak_mb'] / got[args.baseline]['rss_peak_mb']
        print('round %d speed ratios vs %s: %s' % (r + 1, args.baseline, ', '.join(
            '%s %.2f' % (n, got[n]['speed_vs_baseline']) for n in names)), flush=True)
        rounds.append(got)
    summary = {}
    for name in names:
        col = [r[name] for r in rounds]
        summary[name] = {k: statistics.median(c[k] for c in col) for k in
                         ['pre_forward_ms', 'forward_ms', 'rss_peak_mb', 'speed_vs_baseline', 'rss_vs_baseline']}
        summary[name]['fps'] = 1e3 / summary[name]['pre_forward_ms']
    env = {'machine': platform.machine(), 'cpu_count': os.cpu_count(),
           'input_shape': [1, 3] + args.shape, 'rounds': args.rounds, 'warmup': args.warmup,
           'iters': args.iters, 'threads': args.threads, 'config': args.config,
           'detkit_env': next((rounds[0][n]['env'] for n in names if 'env' in rounds[0][n]), None),
           'detkit_dtype': args.dtype, 'torch': rounds[0][args.baseline]['torch'],
           'compared_phases': 'preprocess + forward (post-processing excluded on both sides)'}
    print('\nmedians over %d rounds, input %s (pre+forward; ratio > 1 = faster than %s):' % (
        args.rounds, 'x'.join(map(str, args.shape)), args.baseline))
    for name in names:
        s = summary[name]
        print('  %-26s %8.1f ms  %6.3f fps  speed x%.2f  RSS %6.0f MB (x%.2f)' % (
            name, s['pre_forward_ms'], s['fps'], s['speed_vs_baseline'], s['rss_peak_mb'], s['rss_vs_baseline']))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump({'env': env, 'rounds': rounds, 'medians': summary}, f, indent=2)


if __name__ == '__main__':
    main()
