#!/usr/bin/python3
"""Reference values for the TypeScript image metrics, from an independent implementation.

Reads the PNGs written by scripts/metrics/makeFixtureImages.ts from tests/fixtures/metrics/ and
writes tests/fixtures/metrics/expected.json with scikit-image's PSNR and SSIM (the settings the
sparse-view papers use), masked PSNR (numpy, over mask pixels), DTU-style black-background
metrics and SSIM on the mask's bounding box. The TypeScript tests read the JSON; they never run
Python. Use Debian's python (it has skimage): /usr/bin/python3 scripts/metrics/skimage_fixtures.py
"""
import json
import os

import numpy as np
import PIL
from PIL import Image
import scipy
import skimage
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.normpath(os.path.join(HERE, '..', '..', 'tests', 'fixtures', 'metrics'))


def rgb(name):
    """RGB as float64 in [0, 1]; alpha dropped (not composited)."""
    a = np.asarray(Image.open(os.path.join(FIX, name)))
    assert a.dtype == np.uint8 and a.ndim == 3 and a.shape[2] in (3, 4), (name, a.shape, a.dtype)
    return a[..., :3].astype(np.float64) / 255.0


def mask(name):
    m = np.asarray(Image.open(os.path.join(FIX, name)).convert('L'))
    return m >= 128


def ssim(a, b):
    return float(structural_similarity(a, b, gaussian_weights=True, sigma=1.5,
                                       use_sample_covariance=False, data_range=1.0,
                                       channel_axis=-1))


def psnr(a, b):
    return float(peak_signal_noise_ratio(a, b, data_range=1.0))


def black(img, m):
    out = img.copy()
    out[~m] = 0.0
    return out


def bbox(m):
    ys, xs = np.nonzero(m)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


PAIRS = [
    ('grad64_a.png', 'grad64_noise.png', 'mask64.png'),
    ('grad64_a.png', 'grad64_shift.png', 'mask64.png'),
    ('grad64_a.png', 'grad64_blur.png', 'mask64.png'),
    ('grad64_noise.png', 'grad64_blur.png', 'mask64.png'),
    ('odd37_a.png', 'odd37_b.png', 'mask37.png'),
    ('rand23_a.png', 'rand23_b.png', 'mask23.png'),
]

cases = []
for an, bn, mn in PAIRS:
    a, b, m = rgb(an), rgb(bn), mask(mn)
    x0, y0, x1, y1 = bbox(m)
    crop = (slice(y0, y1), slice(x0, x1))
    ab, bb = black(a, m), black(b, m)
    cases.append({
        'a': an, 'b': bn, 'mask': mn,
        'width': a.shape[1], 'height': a.shape[0],
        'maskPixels': int(m.sum()),
        'bbox': {'x0': x0, 'y0': y0, 'x1': x1, 'y1': y1},
        'psnr': psnr(a, b),
        'psnrInMask': float(10 * np.log10(1.0 / np.mean((a[m] - b[m]) ** 2))),
        'psnrMaskBlack': psnr(ab, bb),
        'ssim': ssim(a, b),
        'ssimMaskBlack': ssim(ab, bb),
        'ssimBBoxBlack': ssim(ab[crop], bb[crop]),
        'ssimBBoxRaw': ssim(a[crop], b[crop]),
    })

# The full SSIM map (skimage full=True, mean over channels) of one pair. The scalar SSIM never
# sees the border extension (the crop of 5 px equals the window radius), the map's border does:
# this pins the 'reflect' mode.
a, b = rgb('rand23_a.png'), rgb('rand23_b.png')
_, S = structural_similarity(a, b, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
                             data_range=1.0, channel_axis=-1, full=True)
ssim_map = {'a': 'rand23_a.png', 'b': 'rand23_b.png', 'width': a.shape[1], 'height': a.shape[0],
            'map': [round(float(v), 9) for v in S.mean(axis=2).ravel()]}

out = {
    'generator': 'scripts/metrics/skimage_fixtures.py',
    'versions': {'skimage': skimage.__version__, 'scipy': scipy.__version__,
                 'numpy': np.__version__, 'PIL': PIL.__version__},
    'ssimSettings': 'structural_similarity(gaussian_weights=True, sigma=1.5, '
                    'use_sample_covariance=False, data_range=1.0, channel_axis=-1)',
    'cases': cases,
    'ssimMap': ssim_map,
}
with open(os.path.join(FIX, 'expected.json'), 'w') as f:
    json.dump(out, f, indent=1)
    f.write('\n')
print('wrote', os.path.join(FIX, 'expected.json'), len(cases), 'cases')
