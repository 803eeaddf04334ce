"""Exports LPIPS v0.1 (AlexNet) to ONNX with the contract of models/lpips.json.

    pip install torch lpips onnx
    python scripts/models/export_lpips_onnx.py lpips_alex.onnx

Inputs in0 (render) and in1 (photo): float32 [1, 3, H, W] in [-1, 1] (H and W dynamic);
output out: float32 [1, 1, 1, 1]. The `lpips` package downloads its published weights
(see "sources" in models/lpips.json). The weights are never committed to this repository.
"""
import sys

import lpips
import torch


def main(path: str) -> None:
    model = lpips.LPIPS(net="alex", version="0.1").eval()
    for p in model.parameters():
        p.requires_grad_(False)
    a = torch.rand(1, 3, 64, 64) * 2 - 1
    b = torch.rand(1, 3, 64, 64) * 2 - 1
    torch.onnx.export(
        model,
        (a, b),
        path,
        input_names=["in0", "in1"],
        output_names=["out"],
        dynamic_axes={"in0": {2: "height", 3: "width"}, "in1": {2: "height", 3: "width"}},
        opset_version=17,
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "lpips_alex.onnx")
