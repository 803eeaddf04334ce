"""python3 scripts/prior/publish.py <run dir> [<second run dir>]

Copies a training run's ONNX to models/repair-prior.onnx and writes models/repair-prior.json
(the format of models/isnet.json plus the `prior` object of contract repair-prior/v1), taking
strength and steps from the run's best held-out setting. With a second run of the same seed,
records both runs' held-out PSNR and ONNX hashes (the reproducibility check).
"""
import hashlib
import json
import os
import shutil
import sys

MAX_BYTES = 8 * 1024 * 1024


def main():
    run = sys.argv[1]
    res = json.load(open(os.path.join(run, "results.json")))
    onnx = os.path.join(run, "repair-prior.onnx")
    data = json.load(open("out/prior-data/index.json"))
    size = os.path.getsize(onnx)
    if size > MAX_BYTES:
        raise SystemExit(f"{onnx} is {size} bytes, over the 8 MB a committed model may have")
    shutil.copyfile(onnx, "models/repair-prior.onnx")
    sha = hashlib.sha256(open("models/repair-prior.onnx", "rb").read()).hexdigest()
    best, degraded = res["best"], res["heldout"][0]
    n_train = sum(1 for o in data["objects"] if o["split"] == "train")
    n_held = len(data["objects"]) - n_train
    dims = lambda c: ["batch", c, "height", "width"]
    manifest = {
        "name": "repair-prior",
        "description": (
            "The project's own repair prior: a small conditional diffusion UNet "
            f"({res['params']} parameters, x0-prediction, cosine schedule) that turns a render of a view no input saw "
            "into a cleaner image, given the render's alpha and the nearest input photo. Run as SDEdit + DDIM "
            "(contract repair-prior/v1). Trained on the CPU by scripts/prior/ on generated objects only."),
        "file": "repair-prior.onnx",
        "sha256": sha,
        "licence": "The project's own licence: trained by this repository's scripts (scripts/prior/, see its README for the command, seed and data recipe) on data this repository generates; no third-party weights or data.",
        "sources": [
            {"what": "method: GaussianObject (Yang et al. 2024), repair of leave-one-out renders and 3D noise",
             "url": "https://arxiv.org/abs/2402.10259"},
            {"what": "sampling: SDEdit (Meng et al. 2022) start", "url": "https://arxiv.org/abs/2108.01073"},
            {"what": "sampling: DDIM (Song et al. 2021) deterministic steps", "url": "https://arxiv.org/abs/2010.02502"},
        ],
        "export": "torch.onnx.export (PyTorch 1.13, opset 17), dynamic batch, height and width; checked against PyTorch with onnxruntime-web (scripts/prior/checkOnnx.ts)",
        "inputs": [
            {"name": "noisy", "type": "float32", "shape": dims(3), "meaning": "noised image x_t, RGB in [-1, 1]"},
            {"name": "cond", "type": "float32", "shape": dims(7),
             "meaning": "channels 0-2: the degraded render of the novel view, RGB in [-1, 1]; 3: its alpha in [0, 1]; 4-6: the nearest input photo resized to HxW, RGB in [-1, 1]"},
            {"name": "t", "type": "float32", "shape": ["batch"],
             "meaning": "noise level in [0, 1]; alpha_bar(t) = cos^2(pi/2 (t + s)/(1 + s)) / cos^2(pi/2 s/(1 + s)), s = 0.008"},
        ],
        "outputs": [
            {"name": "x0", "type": "float32", "shape": dims(3), "meaning": "predicted clean image, RGB in [-1, 1] (x0-prediction)"},
        ],
        "prior": {
            "contract": "repair-prior/v1",
            "sizeMultiple": 16,
            "trainSize": data["size"],
            "strength": best["strength"],
            "steps": best["steps"],
            "heldout": {
                "objects": n_held, "pairs": None,
                "psnrDegraded": round(degraded["psnr"], 3), "psnrRepaired": round(best["psnr"], 3),
            },
            "reproduce": {
                "command": "npm run prior:data && npm run prior:train -- --seed "
                           f"{res['seed']} --out out/prior-train/run && python3 scripts/prior/publish.py out/prior-train/run",
                "seed": res["seed"],
                "data": (f"npm run prior:data (scripts/prior/makePairs.ts): random objects seeds 1..{n_train} for training, "
                         f"{data['heldoutBase'] + 1}..{data['heldoutBase'] + n_held} held out; {data['size'][0]}x{data['size'][1]} "
                         "pairs: per object one sparse reconstruction (2-4 views, "
                         f"{data['iters']} steps) rendered at 6 unseen views and the ray tracer's surface cloud with 3D noise at "
                         "3 levels x 3 views; condition = nearest input photo"),
            },
        },
    }
    if len(sys.argv) > 2:
        res2 = json.load(open(os.path.join(sys.argv[2], "results.json")))
        b2 = next(r for r in res2["heldout"] if r["setting"] == best["setting"])
        manifest["prior"]["reproduce"]["check"] = {
            "runs": [{"psnr": round(best["psnr"], 4), "onnxSha256": res["onnxSha256"]},
                     {"psnr": round(b2["psnr"], 4), "onnxSha256": res2["onnxSha256"]}],
            "identicalBytes": res["onnxSha256"] == res2["onnxSha256"],
        }
    manifest["prior"]["heldout"]["pairs"] = sum(o["pairs"] for o in data["objects"] if o["split"] == "heldout")
    json.dump(manifest, open("models/repair-prior.json", "w"), indent=2)
    open("models/repair-prior.json", "a").write("\n")
    print(f"models/repair-prior.onnx ({size} bytes, sha256 {sha}) and models/repair-prior.json written")


if __name__ == "__main__":
    main()
