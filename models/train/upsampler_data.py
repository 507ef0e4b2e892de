"""Seeded, on-the-fly training data for the default model's upsampler (GLIDE's upsample-inpaint stage).

A sample is a PATCH-px high-resolution square, the keep-mask of a hole in it, a low-resolution copy
(the patch reduced by a factor from SCALE_FACTORS, blurred a little and rounded to 8 bits, as the base
model's output is) and a caption. The network is fully convolutional, so what it learns on 128-px
patches at factors 2-8 it applies to a 256, 512 or 1024-px crop and to any factor the engine asks for.

* Photographs (1 - P_SCENE of samples, caption ""): the training photographs of backgrounds.py and
  LOMIRI_PHOTOS' training half, decoded once at a long side of at most PHOTO_LONG_SIDE and cut at a
  random scale, so a patch is anything from a whole landscape to a leaf's veins.
* Procedural scenes (P_SCENE): dataset.make_sample rendered at PATCH px, with its object and caption
  (dropped to "" as often as for the base), so shapes keep crisp edges and the caption stays useful.
* Photo patches are turned by a random multiple of 90 degrees and mirrored half the time.
* Holes: masks.make_mask around a random box (a scene's object box), and for P_ALL_HOLE of samples the
  whole patch: the upsampler then has nothing but the low-res image, as deep inside a big hole.
"""
from __future__ import annotations

import functools
from typing import Any, Dict, List, Tuple

import numpy as np
from PIL import Image, ImageFilter

from . import dataset
from .backgrounds import lomiri_photo_files, photo_files
from .masks import make_mask

PATCH = 128
SCALE_FACTORS = (2, 3, 4, 5, 6, 8)
P_SCENE = 0.25
P_ALL_HOLE = 0.15
PHOTO_LONG_SIDE = 2048
# The smallest share of a photo's short side a patch may cover (1.0: the whole short side).
MIN_CROP_SHARE = PATCH / PHOTO_LONG_SIDE


@functools.lru_cache(maxsize=None)
def photos(split: str = "train") -> Tuple[np.ndarray, ...]:
    """Decoded training photographs, uint8 [H, W, 3], long side at most PHOTO_LONG_SIDE."""
    out: List[np.ndarray] = []
    for _, path in photo_files(split) + lomiri_photo_files(split):
        with Image.open(path) as im:
            im = im.convert("RGB")
            im.thumbnail((PHOTO_LONG_SIDE, PHOTO_LONG_SIDE), Image.LANCZOS)
            if min(im.size) >= PATCH:
                out.append(np.asarray(im, np.uint8).copy())
    if not out:
        raise SystemExit("no training photographs found: run scripts/setup.sh (Debian's wallpaper packages)")
    return tuple(out)


def reduce(image: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """The low-res copy: area reduction, a blur of 0-0.6 low-res px and 8-bit rounding."""
    im = Image.fromarray(image).resize((size, size), Image.BOX)
    sigma = float(rng.uniform(0.0, 0.6))
    if sigma > 0.05:
        im = im.filter(ImageFilter.GaussianBlur(sigma))
    return np.asarray(im, np.uint8)


def _photo_patch(rng: np.random.Generator, bank: Tuple[np.ndarray, ...]) -> np.ndarray:
    photo = bank[int(rng.integers(len(bank)))]
    h, w, _ = photo.shape
    short = min(h, w)
    # Log-uniform crop side between PATCH px (full detail) and the whole short side.
    side = int(round(np.exp(rng.uniform(np.log(PATCH), np.log(short)))))
    y, x = int(rng.integers(0, h - side + 1)), int(rng.integers(0, w - side + 1))
    crop = Image.fromarray(photo[y : y + side, x : x + side])
    if side != PATCH:
        crop = crop.resize((PATCH, PATCH), Image.LANCZOS)
    # One of the square's 8 symmetries: a photo's texture has no preferred direction at every scale, and
    # with horizontal flips alone the upsampler drew its grain as horizontal streaks in any hole.
    out = np.rot90(np.asarray(crop, np.uint8), int(rng.integers(4)))
    if rng.random() < 0.5:
        out = out[:, ::-1]
    return np.ascontiguousarray(out)


def _random_box(rng: np.random.Generator) -> Tuple[float, float, float, float]:
    w, h = rng.uniform(0.15, 0.6, 2) * PATCH
    x0, y0 = rng.uniform(0, PATCH - w), rng.uniform(0, PATCH - h)
    return (x0, y0, x0 + w, y0 + h)


def make_sample(seed: int, split: str = "train", scale: int = 0) -> Dict[str, Any]:
    """image / low_res float32 [3, .] in [-1, 1], mask float32 [1, PATCH, PATCH] (1 keep), caption, scale
    (drawn from SCALE_FACTORS unless given)."""
    rng = np.random.default_rng(seed)
    if rng.random() < P_SCENE:
        lo, hi = dataset.SEED_RANGES[split]
        scene = dataset.make_sample(int(rng.integers(lo, hi)), split, PATCH)
        high = ((scene["image"].transpose(1, 2, 0) + 1) * 127.5).round().clip(0, 255).astype(np.uint8)
        mask, caption = scene["mask"][0], scene["caption"]
    else:
        high = _photo_patch(rng, photos(split))
        mask, _ = make_mask(rng, PATCH, _random_box(rng))
        caption = ""
    if rng.random() < P_ALL_HOLE:
        mask = np.zeros_like(mask)
    drawn = int(SCALE_FACTORS[int(rng.integers(len(SCALE_FACTORS)))])
    scale = scale or drawn
    low = reduce(high, PATCH // scale, rng)
    to_model = lambda a: (a.transpose(2, 0, 1).astype(np.float32) / 127.5 - 1.0)  # noqa: E731
    return {"image": to_model(high), "low_res": to_model(low), "mask": mask[None].astype(np.float32),
            "caption": caption, "scale": scale}


def sample_batch(rng: np.random.Generator, n: int, split: str = "train") -> Dict[str, Any]:
    """n samples of one scale factor (so their low-res copies stack), seeds drawn with rng."""
    lo, hi = dataset.SEED_RANGES[split]
    scale = int(SCALE_FACTORS[int(rng.integers(len(SCALE_FACTORS)))])
    samples = [make_sample(int(rng.integers(lo, hi)), split, scale) for _ in range(n)]
    return {"image": np.stack([s["image"] for s in samples]), "low_res": np.stack([s["low_res"] for s in samples]),
            "mask": np.stack([s["mask"] for s in samples]), "caption": [s["caption"] for s in samples],
            "scale": samples[0]["scale"]}
