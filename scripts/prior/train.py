"""npm run prior:train -- [--data out/prior-data] [--out out/prior-train/run] [--seed 0] [--steps N]

Trains the repair prior (model.py) on the pairs of makePairs.ts, deterministically: one seed
fixes the initial weights, the data order, the crops and the noise; torch runs deterministic
kernels on a fixed number of threads. Then exports ONNX (export.py), scores the held-out objects
with the SDEdit/DDIM sampler over a grid of strengths and steps (sampler.py) and writes
results.json next to the model. See scripts/prior/README.md.
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import load_split  # noqa: E402
from export import export_onnx  # noqa: E402
from model import RepairUNet, alpha_bar, param_count  # noqa: E402
from sampler import psnr, repair  # noqa: E402

STRENGTHS = [0.1, 0.25, 0.5, 0.75, 1.0]
STEPS = [1, 2, 4]


def batch_at(g, cond, target, batch, crop):
    """A random batch of random crops (with random horizontal flips): all draws from generator g."""
    n, _, H, W = cond.shape
    idx = torch.randint(0, n, (batch,), generator=g)
    ys = torch.randint(0, H - crop[0] + 1, (batch,), generator=g)
    xs = torch.randint(0, W - crop[1] + 1, (batch,), generator=g)
    flips = torch.rand(batch, generator=g) < 0.5
    cs, ts = [], []
    for i in range(batch):
        c = cond[idx[i], :, ys[i]:ys[i] + crop[0], xs[i]:xs[i] + crop[1]]
        t = target[idx[i], :, ys[i]:ys[i] + crop[0], xs[i]:xs[i] + crop[1]]
        if flips[i]:
            c, t = c.flip(-1), t.flip(-1)
        cs.append(c)
        ts.append(t)
    return torch.stack(cs), torch.stack(ts)


def train(args):
    torch.manual_seed(args.seed)
    g = torch.Generator().manual_seed(args.seed)
    cond, target, _ = load_split(args.data, "train")
    model = RepairUNet()
    print(f"{cond.shape[0]} training pairs of {cond.shape[3]}x{cond.shape[2]}; model {param_count(model)} parameters", flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.0)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=args.steps, pct_start=0.05)
    t0 = time.time()
    running = 0.0
    for step in range(1, args.steps + 1):
        c, x0 = batch_at(g, cond, target, args.batch, (args.crop, args.crop))
        # Noise levels over the whole range, biased low where SDEdit repair works (t^1.5).
        t = torch.rand(args.batch, generator=g) ** 1.5
        eps = torch.randn(x0.shape, generator=g)
        ab = alpha_bar(t)[:, None, None, None]
        xt = ab.sqrt() * x0 + (1 - ab).sqrt() * eps
        loss = F.l1_loss(model(xt, c, t), x0)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        running += loss.item()
        if step % 50 == 0 or step == args.steps:
            print(f"step {step}/{args.steps}  L1 {running / 50:.4f}  {time.time() - t0:.0f} s", flush=True)
            running = 0.0
    return model, time.time() - t0


def evaluate(model, args):
    """Held-out PSNR of degraded renders and of their repairs, per sampler setting and pair kind."""
    model.eval()
    cond, target, kind = load_split(args.data, "heldout")
    g = torch.Generator().manual_seed(args.seed + 1)
    eps = torch.randn(target.shape, generator=g)
    rows = []

    def row(name, strength, steps, out):
        p = psnr(out, target)
        r = {"setting": name, "strength": strength, "steps": steps, "psnr": p.mean().item(),
             "psnrSparse": p[kind == 0].mean().item(), "psnrNoise3d": p[kind == 1].mean().item()}
        rows.append(r)
        print(f"  {name:<22} PSNR {r['psnr']:.3f}  sparse {r['psnrSparse']:.3f}  3d-noise {r['psnrNoise3d']:.3f}", flush=True)

    print(f"held-out: {cond.shape[0]} pairs", flush=True)
    row("degraded", 0, 0, cond[:, 0:3])
    for s in STRENGTHS:
        for k in STEPS:
            with torch.no_grad():
                out = torch.cat([repair(model, cond[i:i + 32], s, k, eps[i:i + 32]) for i in range(0, cond.shape[0], 32)])
            row(f"strength {s} steps {k}", s, k, out)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="out/prior-data")
    ap.add_argument("--out", default="out/prior-train/run")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--steps", type=int, default=1200)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--crop", type=int, default=48)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    # Same seed, same threads, same machine -> the same weights: no nondeterministic kernels. One
    # thread by default: on cores shared with other jobs, OpenMP threads spin-wait (measured here:
    # 0.55 s a step on one thread, 2-10 s on two).
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    os.makedirs(args.out, exist_ok=True)
    model, train_s = train(args)
    torch.save(model.state_dict(), os.path.join(args.out, "model.pt"))
    onnx_path = os.path.join(args.out, "repair-prior.onnx")
    sha = export_onnx(model, onnx_path, os.path.join(args.out, "check"))
    t1 = time.time()
    rows = evaluate(model, args)
    eval_s = time.time() - t1
    best = max(rows[1:], key=lambda r: r["psnr"])
    res = {"seed": args.seed, "steps": args.steps, "batch": args.batch, "crop": args.crop, "lr": args.lr,
           "threads": args.threads, "params": param_count(model), "trainSeconds": train_s, "evalSeconds": eval_s,
           "onnxSha256": sha, "onnxBytes": os.path.getsize(onnx_path), "heldout": rows, "best": best}
    json.dump(res, open(os.path.join(args.out, "results.json"), "w"), indent=1)
    print(f"best: strength {best['strength']} steps {best['steps']}: {best['psnr']:.3f} dB vs degraded {rows[0]['psnr']:.3f} dB")
    print(f"onnx {onnx_path} sha256 {sha} ({res['onnxBytes']} bytes); train {train_s:.0f} s, eval {eval_s:.0f} s")


if __name__ == "__main__":
    main()
