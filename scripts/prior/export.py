"""ONNX export of the repair prior (contract repair-prior/v1) and a check file for checkOnnx.ts.

Opset 17 (onnxruntime-web 1.30 runs it on wasm and WebGPU); batch, height and width are dynamic.
Writes check/inputs.json + raw float32 tensors: fixed inputs at a size other than the training
crop and PyTorch's output on them, which checkOnnx.ts runs through onnxruntime and compares.
"""
import hashlib
import json
import os

import torch


def export_onnx(model, path, check_dir):
    model.eval()
    g = torch.Generator().manual_seed(1234)
    N, H, W = 2, 64, 96
    noisy = torch.rand((N, 3, H, W), generator=g) * 2 - 1
    cond = torch.rand((N, 7, H, W), generator=g) * 2 - 1
    cond[:, 3] = (cond[:, 3] + 1) / 2
    t = torch.tensor([0.2, 0.6])
    dyn = {0: "batch", 2: "height", 3: "width"}
    torch.onnx.export(model, (noisy, cond, t), path, opset_version=17, input_names=["noisy", "cond", "t"],
                      output_names=["x0"], dynamic_axes={"noisy": dyn, "cond": dyn, "t": {0: "batch"}, "x0": dyn},
                      do_constant_folding=True)
    with torch.no_grad():
        x0 = model(noisy, cond, t)
    os.makedirs(check_dir, exist_ok=True)
    tensors = {"noisy": noisy, "cond": cond, "t": t, "x0": x0}
    for k, v in tensors.items():
        v.contiguous().numpy().astype("<f4").tofile(os.path.join(check_dir, f"{k}.f32"))
    json.dump({k: list(v.shape) for k, v in tensors.items()}, open(os.path.join(check_dir, "shapes.json"), "w"))
    return hashlib.sha256(open(path, "rb").read()).hexdigest()
