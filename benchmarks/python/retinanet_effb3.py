"""The same RetinaNet-EfficientNet network as detkit's, in plain PyTorch eager, timed by detkit's protocol.

Not needed to build or test detkit. It rebuilds mmdetection's EfficientNet (TF-SAME padding, SE, Swish),
FPN (on_input extra convs) and RetinaSepBNHead with mmdet's state-dict names, so a detkit/mmdet checkpoint
loads into it; `--check FIXTURE_DIR` verifies it against mmdetection's own outputs of the golden fixture
(EfficientNet-b0) before timing. Run with torch from the machine's local wheel store:

    /tmp/venv/bin/python benchmarks/python/retinanet_effb3.py --arch b3 --size 896 --threads 2 [--swish fused]

Phases as `./detkit benchmark --shape`: forward (backbone+neck+head) and end to end (preprocess of a
synthetic uint8 image + forward); post-processing is not reimplemented here.

`--train --batch 2` times training iterations instead (train-mode BN, forward, mmdet's CPU focal loss and
L1 loss against fixed random targets with about 100 positives per image, backward, SGD with momentum and
weight decay), to compare with the `time` that `./detkit train` logs for the seed config. The anchor
assignment itself is not reimplemented (detkit's time includes its MaxIoUAssigner on the host).
"""
import argparse, json, math, os, resource, time
import torch
import torch.nn as nn
import torch.nn.functional as F

ARCH = {'b0': (1.0, 1.0), 'b1': (1.0, 1.1), 'b2': (1.1, 1.2), 'b3': (1.2, 1.4), 'b4': (1.4, 1.8),
        'b5': (1.6, 2.2), 'b6': (1.8, 2.6), 'b7': (2.0, 3.1)}
BASE = [[[3, 32, 0, 2, 0]], [[3, 16, 4, 1, 1]], [[3, 24, 4, 2, 6], [3, 24, 4, 1, 6]],
        [[5, 40, 4, 2, 6], [5, 40, 4, 1, 6]],
        [[3, 80, 4, 2, 6]] + [[3, 80, 4, 1, 6]] * 2 + [[5, 112, 4, 1, 6]] * 3,
        [[5, 192, 4, 2, 6]] + [[5, 192, 4, 1, 6]] * 3 + [[3, 320, 4, 1, 6]], [[1, 1280, 0, 1, 0]]]


def make_divisible(v, d=8):
    n = max(d, int(v + d / 2) // d * d)
    return n + d if n < 0.9 * v else n


def scaled(arch):
    w, dmul = ARCH[arch]
    layers = [[[b[0], make_divisible(b[1] * w), b[2], b[3], b[4]] for b in l] for l in BASE]
    split = [layers[0]]
    for l in layers[1:-1]:
        idx = [0] + [i + 1 for i in range(len(l) - 1) if l[i + 1][1] != l[i][1]] + [len(l)]
        split += [l[idx[i]:idx[i + 1]] for i in range(len(idx) - 1)]
    split.append(layers[-1])
    merged = [split[0]]
    for i, st in enumerate(split[1:-1]):
        n = int(math.ceil(dmul * len(st)))
        st = st[:n] if n <= len(st) else st + [st[-1]] * (n - len(st))
        if st[0][3] == 1 and i != 0:
            merged[-1] = merged[-1] + st
        else:
            merged.append(st)
    return merged + [split[-1]]


class SameConv(nn.Conv2d):
    """mmcv's Conv2dAdaptivePadding: TF-SAME padding computed from the input size."""
    def forward(self, x):
        h, w = x.shape[-2:]
        kh, kw = self.weight.shape[-2:]
        s = self.stride[0]
        ph = max((math.ceil(h / s) - 1) * s + kh - h, 0)
        pw = max((math.ceil(w / s) - 1) * s + kw - w, 0)
        if ph or pw:
            x = F.pad(x, [pw // 2, pw - pw // 2, ph // 2, ph - ph // 2])
        return F.conv2d(x, self.weight, self.bias, self.stride, 0, 1, self.groups)


# mmcv's Swish is `x * torch.sigmoid(x)`, two ops (and two saved tensors when training); detkit
# computes it the same way. `--swish fused` uses F.silu instead, the faster form a PyTorch user could
# write for the same function.
SWISH = {'mmcv': lambda x: x * torch.sigmoid(x), 'fused': lambda x: F.silu(x)}
swish = SWISH['mmcv']


class ConvModule(nn.Module):
    def __init__(self, cin, cout, k, s=1, g=1, act='swish', same=True, norm=True, eps=1e-3, p=None):
        super().__init__()
        conv = SameConv if same else nn.Conv2d
        pad = 0 if same else (k // 2 if p is None else p)
        self.conv = conv(cin, cout, k, s, pad, groups=g, bias=not norm)
        self.bn = nn.BatchNorm2d(cout, eps=eps) if norm else None
        self.act = act

    def forward(self, x):
        x = self.conv(x)
        if self.bn is not None:
            x = self.bn(x)
        return swish(x) if self.act == 'swish' else F.relu(x) if self.act == 'relu' else torch.sigmoid(x) if self.act == 'sigmoid' else x


class SE(nn.Module):
    def __init__(self, ch, ratio):
        super().__init__()
        sq = int(ch / ratio)
        self.conv1 = ConvModule(ch, sq, 1, act='swish', same=False, norm=False)
        self.conv2 = ConvModule(sq, ch, 1, act='sigmoid', same=False, norm=False)

    def forward(self, x):
        return x * self.conv2(self.conv1(x.mean((2, 3), keepdim=True)))


class MBConv(nn.Module):
    def __init__(self, cin, cout, k, s, e, se):
        super().__init__()
        mid = int(cin * e)
        if mid != cin:
            self.expand_conv = ConvModule(cin, mid, 1)
        self.depthwise_conv = ConvModule(mid, mid, k, s, g=mid)
        self.se = SE(mid, e * se)
        self.linear_conv = ConvModule(mid, cout, 1, act=None)
        self.res = s == 1 and cin == cout

    def forward(self, x):
        y = self.expand_conv(x) if hasattr(self, 'expand_conv') else x
        y = self.linear_conv(self.se(self.depthwise_conv(y)))
        return x + y if self.res else y


class EfficientNet(nn.Module):
    def __init__(self, arch, out_indices=(3, 4, 5)):
        super().__init__()
        table = scaled(arch)
        self.out_indices = out_indices
        cin = make_divisible(table[0][0][1])
        self.layers = nn.ModuleList([ConvModule(3, cin, 3, 2)])
        self.channels = [cin]
        for l in table[1:-1][:max(out_indices)]:
            blocks = []
            for k, c, se, s, e in l:
                blocks.append(MBConv(cin, c, k, s, e, se))
                cin = c
            self.layers.append(nn.Sequential(*blocks))
            self.channels.append(cin)

    def forward(self, x):
        outs = []
        for i, l in enumerate(self.layers):
            x = l(x)
            if i in self.out_indices:
                outs.append(x)
        return outs


class FPN(nn.Module):
    def __init__(self, in_channels, out=256):
        super().__init__()
        self.lateral_convs = nn.ModuleList([ConvModule(c, out, 1, act=None, same=False, norm=False) for c in in_channels])
        self.fpn_convs = nn.ModuleList([ConvModule(out, out, 3, act=None, same=False, eps=1e-5) for _ in in_channels])
        self.fpn_convs.append(ConvModule(in_channels[-1], out, 3, 2, act=None, same=False, eps=1e-5))
        self.fpn_convs.append(ConvModule(out, out, 3, 2, act=None, same=False, eps=1e-5))

    def forward(self, inputs):
        lat = [c(x) for c, x in zip(self.lateral_convs, inputs)]
        for i in range(len(lat) - 1, 0, -1):
            lat[i - 1] = lat[i - 1] + F.interpolate(lat[i], size=lat[i - 1].shape[2:], mode='nearest')
        outs = [self.fpn_convs[i](lat[i]) for i in range(len(lat))]
        outs.append(self.fpn_convs[len(lat)](inputs[-1]))
        outs.append(self.fpn_convs[len(lat) + 1](F.relu(outs[-1])))
        return outs


class RetinaSepBNHead(nn.Module):
    def __init__(self, ch=256, levels=5, classes=80, anchors=9):
        super().__init__()
        self.cls_convs = nn.ModuleList()
        self.reg_convs = nn.ModuleList()
        for i in range(levels):
            self.cls_convs.append(nn.ModuleList([ConvModule(ch, ch, 3, act='relu', same=False, eps=1e-5) for _ in range(4)]))
            self.reg_convs.append(nn.ModuleList([ConvModule(ch, ch, 3, act='relu', same=False, eps=1e-5) for _ in range(4)]))
        for i in range(1, levels):
            for j in range(4):
                self.cls_convs[i][j].conv = self.cls_convs[0][j].conv
                self.reg_convs[i][j].conv = self.reg_convs[0][j].conv
        self.retina_cls = nn.Conv2d(ch, anchors * classes, 3, padding=1)
        self.retina_reg = nn.Conv2d(ch, anchors * 4, 3, padding=1)

    def forward(self, feats):
        cls, reg = [], []
        for i, x in enumerate(feats):
            c, r = x, x
            for m in self.cls_convs[i]:
                c = m(c)
            for m in self.reg_convs[i]:
                r = m(r)
            cls.append(self.retina_cls(c))
            reg.append(self.retina_reg(r))
        return cls, reg


class RetinaNet(nn.Module):
    def __init__(self, arch, width=256):
        super().__init__()
        self.backbone = EfficientNet(arch)
        self.neck = FPN(self.backbone.channels[3:6], width)
        self.bbox_head = RetinaSepBNHead(width)

    def forward(self, x):
        return self.bbox_head(self.neck(self.backbone(x)))


def check(fixture):
    from safetensors.torch import load_file
    m = RetinaNet('b0', 64).eval()
    m.load_state_dict(load_file(os.path.join(fixture, 'weights.safetensors')), strict=True)
    io = load_file(os.path.join(fixture, 'io.safetensors'))
    with torch.inference_mode():
        cls, reg = m(io['inputs'])
    err = max(float((a - io['cls_scores.%d' % i]).abs().max() / io['cls_scores.%d' % i].abs().max()) for i, a in enumerate(cls))
    print('fixture check (EfficientNet-b0 RetinaNet vs mmdetection): max rel error of cls_scores %.2e' % err)
    assert err < 1e-4, err


def train_step_times(args):
    torch.manual_seed(0)
    model = RetinaNet(args.arch).train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
    n, s = args.batch, args.size
    x = torch.randn(n, 3, s, s)
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        cls, reg = model(x)
    targets = []
    for c, r in zip(cls, reg):
        t = torch.zeros_like(c)
        cells = sum(q.shape[2] * q.shape[3] for q in cls)
        mask = torch.rand(c.shape[0], 9, 1, c.shape[2], c.shape[3], generator=g) < 100.0 / (9 * cells)
        label = torch.randint(0, 80, mask.shape, generator=g)
        t = (torch.arange(80).view(1, 1, 80, 1, 1) == label).float() * mask
        targets.append((t.view_as(c), torch.randn(r.shape, generator=g) * 0.5, mask.float().expand(-1, -1, 4, -1, -1).reshape(r.shape)))
    times = []
    for i in range(args.warmup + args.iters):
        t0 = time.perf_counter()
        cls, reg = model(x)
        loss = 0
        for c, r, (t, rt, rw) in zip(cls, reg, targets):
            p = c.sigmoid()
            pt = (1 - p) * t + p * (1 - t)
            w = (0.25 * t + 0.75 * (1 - t)) * pt.pow(2)
            loss = loss + (F.binary_cross_entropy_with_logits(c, t, reduction='none') * w).sum() / 100
            loss = loss + ((r - rt).abs() * rw).sum() / 100
        opt.zero_grad()
        loss.backward()
        opt.step()
        if i >= args.warmup:
            times.append(time.perf_counter() - t0)
        print('iteration %d: %.2f s' % (i, time.perf_counter() - t0), flush=True)
    return {'torch': torch.__version__, 'arch': args.arch, 'size': s, 'batch': n, 'threads': args.threads, 'swish': args.swish,
            'train_iter_s': sum(times) / len(times),
            'rss_peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--arch', default='b3')
    ap.add_argument('--size', type=int, default=896, help='square input side (see --shape)')
    ap.add_argument('--shape', type=int, nargs=2, metavar=('H', 'W'),
                    help='input height and width, as ./detkit benchmark --shape H W (default: --size)')
    ap.add_argument('--layouts', nargs='+', choices=['nchw', 'channels_last'],
                    default=['nchw', 'channels_last'],
                    help='layouts to time in this process (one per process gives its own peak RSS)')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--warmup', type=int, default=2)
    ap.add_argument('--iters', type=int, default=5)
    ap.add_argument('--check', metavar='FIXTURE_DIR')
    ap.add_argument('--train', action='store_true', help='time training iterations instead of inference')
    ap.add_argument('--batch', type=int, default=2)
    ap.add_argument('--swish', choices=sorted(SWISH), default='mmcv',
                    help="mmcv: x * sigmoid(x) as mmdetection's model computes it; fused: F.silu")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    global swish
    swish = SWISH[args.swish]
    if args.train:
        print(json.dumps(train_step_times(args), indent=2))
        return
    if args.check:
        check(args.check)
    model = RetinaNet(args.arch).eval()
    params = sum(p.numel() for p in {id(p): p for p in model.parameters()}.values())
    mean = torch.tensor([123.675, 116.28, 103.53]).view(1, 3, 1, 1)
    std = torch.tensor([58.395, 57.12, 57.375]).view(1, 3, 1, 1)
    h, w = args.shape if args.shape else (args.size, args.size)
    img = torch.randint(0, 256, (h, w, 3), dtype=torch.uint8)
    result = {'torch': torch.__version__, 'arch': args.arch, 'input_shape': [1, 3, h, w],
              'threads': args.threads, 'swish': args.swish, 'params': params}
    for layout in args.layouts:
        m = model.to(memory_format=torch.channels_last) if layout == 'channels_last' else model
        fwd, e2e, bb, pre = [], [], [], []
        with torch.inference_mode():
            for i in range(args.warmup + args.iters):
                t0 = time.perf_counter()
                x = (img.permute(2, 0, 1)[[2, 1, 0]].float().unsqueeze(0) - mean) / std
                if layout == 'channels_last':
                    x = x.contiguous(memory_format=torch.channels_last)
                t1 = time.perf_counter()
                feats = m.backbone(x)
                t2 = time.perf_counter()
                cls, reg = m.bbox_head(m.neck(feats))
                t3 = time.perf_counter()
                if i >= args.warmup:
                    bb.append((t2 - t1) * 1e3)
                    pre.append((t1 - t0) * 1e3)
                    fwd.append((t3 - t1) * 1e3)
                    e2e.append((t3 - t0) * 1e3)
        result[layout] = {'preprocess_ms': sum(pre) / len(pre), 'backbone_ms': sum(bb) / len(bb),
                          'forward_ms': sum(fwd) / len(fwd),
                          'end_to_end_ms': sum(e2e) / len(e2e), 'fps': 1e3 / (sum(e2e) / len(e2e))}
        print(layout, {k: round(v, 1) for k, v in result[layout].items()}, flush=True)
    result['rss_peak_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result, indent=2))


if __name__ == '__main__':
    main()
