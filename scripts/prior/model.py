"""The repair prior's network: a small conditional UNet, contract "repair-prior/v1".

Inputs: noisy [N,3,H,W] (x_t in [-1,1]), cond [N,7,H,W] (render RGB in [-1,1], its alpha in
[0,1], nearest input photo RGB in [-1,1]), t [N] (noise level in [0,1]). Output: x0 [N,3,H,W],
the predicted clean image (x0-prediction), in [-1,1]. Fully convolutional: H and W any multiples
of 16 (three 2x downsamplings need multiples of 8; the contract keeps a margin).
Only ops every ONNX runtime has (Conv, GroupNorm, SiLU, Resize nearest, Concat), so the export
runs on onnxruntime-web's wasm and WebGPU providers.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

S = 0.008


def alpha_bar(t):
    """Cosine schedule (Nichol & Dhariwal), normalised so that alpha_bar(0) = 1."""
    f = lambda x: torch.cos(0.5 * math.pi * (x + S) / (1 + S)) ** 2
    return f(t) / f(torch.zeros_like(t))


def time_embedding(t, dim):
    """Sinusoidal features of t*1000, as DDPM embeds its integer step."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    a = (t.float() * 1000.0)[:, None] * freqs[None, :]
    return torch.cat([torch.sin(a), torch.cos(a)], dim=1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, tdim):
        super().__init__()
        self.n1 = nn.GroupNorm(8, cin)
        self.c1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.t = nn.Linear(tdim, cout)
        self.n2 = nn.GroupNorm(8, cout)
        self.c2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, temb):
        h = self.c1(F.silu(self.n1(x)))
        h = h + self.t(temb)[:, :, None, None]
        h = self.c2(F.silu(self.n2(h)))
        return h + self.skip(x)


class RepairUNet(nn.Module):
    def __init__(self, ch=(16, 32, 64, 64), tdim=64):
        super().__init__()
        self.tdim = tdim
        self.tmlp = nn.Sequential(nn.Linear(tdim, tdim), nn.SiLU(), nn.Linear(tdim, tdim))
        self.inc = nn.Conv2d(3 + 7, ch[0], 3, padding=1)
        self.down = nn.ModuleList()
        self.pool = nn.ModuleList()
        c = ch[0]
        for i, co in enumerate(ch):
            self.down.append(ResBlock(c, co, tdim))
            c = co
            if i < len(ch) - 1:
                self.pool.append(nn.Conv2d(c, c, 3, stride=2, padding=1))
        self.mid = ResBlock(c, c, tdim)
        self.up = nn.ModuleList()
        for co in reversed(ch[:-1]):
            self.up.append(ResBlock(c + co, co, tdim))
            c = co
        self.outn = nn.GroupNorm(8, c)
        self.outc = nn.Conv2d(c, 3, 3, padding=1)

    def forward(self, noisy, cond, t):
        temb = self.tmlp(time_embedding(t, self.tdim))
        h = self.inc(torch.cat([noisy, cond], dim=1))
        skips = []
        for i, block in enumerate(self.down):
            h = block(h, temb)
            if i < len(self.pool):
                skips.append(h)
                h = self.pool[i](h)
        h = self.mid(h, temb)
        for block in self.up:
            h = F.interpolate(h, scale_factor=2.0, mode="nearest")
            h = block(torch.cat([h, skips.pop()], dim=1), temb)
        # Residual on the degraded render (cond[:, :3]): the network learns the repair, not the image.
        return torch.clamp(cond[:, :3] + self.outc(F.silu(self.outn(h))), -1.0, 1.0)


def param_count(m):
    return sum(p.numel() for p in m.parameters())
