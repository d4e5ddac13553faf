"""Makes channel_mapper.safetensors: mmdet's ChannelMapper semantics in plain PyTorch.

ChannelMapper(in_channels=[8, 16, 32], out_channels=16, kernel_size=3, norm_cfg=GN(4 groups),
act_cfg=ReLU, num_outs=5): per level ConvModule(in_i, 16, 3, padding=1) (conv without bias, since
there is a norm; GroupNorm; ReLU), then extra ConvModule(3x3, stride 2, padding 1) on the last
input, then on each new output. Keys as mmdet names them: convs.{i}.conv.weight, convs.{i}.gn.*,
extra_convs.{j}.*. Inputs on odd sizes. Run: python make_channel_mapper.py (torch only)."""
import json
import struct

import torch
import torch.nn.functional as F

torch.manual_seed(7)
ins, out = [8, 16, 32], 16
sizes = [(17, 23), (9, 12), (5, 6)]
sd = {}


def conv_module(prefix, cin):
    sd[prefix + "conv.weight"] = torch.randn(out, cin, 3, 3) * 0.2
    sd[prefix + "gn.weight"] = 1 + 0.1 * torch.randn(out)
    sd[prefix + "gn.bias"] = 0.1 * torch.randn(out)


def run(prefix, x, stride):
    y = F.conv2d(x, sd[prefix + "conv.weight"], None, stride, 1)
    y = F.group_norm(y, 4, sd[prefix + "gn.weight"], sd[prefix + "gn.bias"], 1e-5)
    return F.relu(y)


for i, c in enumerate(ins):
    conv_module(f"convs.{i}.", c)
conv_module("extra_convs.0.", ins[-1])
conv_module("extra_convs.1.", out)
inputs = [torch.randn(1, c, h, w) for c, (h, w) in zip(ins, sizes)]
outs = [run(f"convs.{i}.", x, 1) for i, x in enumerate(inputs)]
outs.append(run("extra_convs.0.", inputs[-1], 2))
outs.append(run("extra_convs.1.", outs[-1], 2))
tensors = dict(sd)
tensors.update({f"inputs.{i}": x for i, x in enumerate(inputs)})
tensors.update({f"out.{i}": y for i, y in enumerate(outs)})

header, blobs, off = {}, [], 0
for k, t in tensors.items():
    b = t.contiguous().numpy().astype("<f4").tobytes()
    header[k] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
    blobs.append(b)
    off += len(b)
h = json.dumps(header).encode()
h += b" " * ((8 - len(h) % 8) % 8)
with open("channel_mapper.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
