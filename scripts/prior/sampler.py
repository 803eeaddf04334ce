"""The sampler of contract repair-prior/v1: deterministic DDIM from an SDEdit start.

t_k = t0 (K - k) / K; x = sqrt(ab(t0)) render + sqrt(1 - ab(t0)) eps; each step
x0 = model(x, cond, t_k), eps = (x - sqrt(ab(t_k)) x0) / sqrt(1 - ab(t_k)),
x = sqrt(ab(t_{k+1})) x0 + sqrt(1 - ab(t_{k+1})) eps; the result is the last x0.
The TypeScript runtime (src/recon/prior/) implements the same steps.
"""
import torch

from model import alpha_bar


@torch.no_grad()
def repair(model, cond, strength, steps, eps):
    render = cond[:, 0:3]
    n = cond.shape[0]
    t = lambda k: torch.full((n,), strength * (steps - k) / steps)
    ab0 = alpha_bar(t(0))[:, None, None, None]
    x = ab0.sqrt() * render + (1 - ab0).sqrt() * eps
    x0 = render
    for k in range(steps):
        tk = t(k)
        x0 = model(x, cond, tk)
        ab = alpha_bar(tk)[:, None, None, None]
        e = (x - ab.sqrt() * x0) / (1 - ab).clamp_min(1e-8).sqrt()
        abn = alpha_bar(t(k + 1))[:, None, None, None]
        x = abn.sqrt() * x0 + (1 - abn).sqrt() * e
    return x0


def psnr(a, b):
    """Per-image PSNR of images in [-1,1], measured in [0,1] as the project's metrics do."""
    mse = (((a - b) / 2) ** 2).flatten(1).mean(1).clamp_min(1e-10)
    return -10 * torch.log10(mse)
