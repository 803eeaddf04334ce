"""Loads the pairs written by makePairs.ts (out/prior-data/): index.json + obj-<seed>.npy."""
import json
import os

import numpy as np
import torch


def load_split(data_dir, split):
    """(cond [P,7,H,W], target [P,3,H,W], kind [P]) as float32 tensors, objects in index order.

    cond: render RGB in [-1,1], alpha in [0,1], nearest photo RGB in [-1,1]; target in [-1,1].
    kind: 0 for sparse-reconstruction pairs, 1 for 3D-noise pairs (makePairs writes 6 then 9).
    """
    meta = json.load(open(os.path.join(data_dir, "index.json")))
    conds, targets, kinds = [], [], []
    for o in meta["objects"]:
        if o["split"] != split:
            continue
        a = np.load(os.path.join(data_dir, o["file"])).astype(np.float32) / 255.0
        c = a[:, 0:7].copy()
        c[:, 0:3] = c[:, 0:3] * 2 - 1
        c[:, 4:7] = c[:, 4:7] * 2 - 1
        conds.append(c)
        targets.append(a[:, 7:10] * 2 - 1)
        kinds.append(np.array([0 if i < 6 else 1 for i in range(a.shape[0])], dtype=np.int64))
    if not conds:
        raise SystemExit(f"no {split} objects in {data_dir}/index.json")
    return (torch.from_numpy(np.concatenate(conds)), torch.from_numpy(np.concatenate(targets)),
            torch.from_numpy(np.concatenate(kinds)))
