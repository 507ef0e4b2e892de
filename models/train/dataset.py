"""Seeded, on-the-fly procedural data set for training a small 64 px GLIDE inpainting model.

Each sample is a scene (a varied background, sometimes with distractor shapes in the kept area) with
one named object ("a large yellow star") inside the region to generate, the keep-mask (1 keep,
0 generate), the caption and the labels an evaluation needs.

* Objects: `COLOURS` (10 named colours, jittered by up to +-12 levels per channel), `SHAPES` (8 shapes)
  and `SIZES` (small / medium / large; medium has no word in the caption), antialiased from signed
  distance functions at random position, size within the size's range, and rotation (see shapes.py).
* Backgrounds: solid colours, linear and radial gradients, multi-octave value noise and random crops of
  the photographs in gnome-backgrounds, plasma-workspace-wallpapers and python3-skimage; sources and licences are in
  `BACKGROUND_SOURCES` (backgrounds.py). A background is redrawn (up to 6 times) when its mean colour
  under the object is too close to the object's colour.
* Masks: loose boxes, larger rectangles, ellipse unions, noise blobs and brush scribbles, all covering
  the object's footprint dilated by one pixel (see masks.py).
* 10% of samples have no object: the mask is drawn around where an object would have been, the caption
  is "" and the model learns to continue the background. Of the samples with an object, 20% get the
  caption "" (classifier-free guidance; the image is unchanged, as in GLIDE's training).
* Determinism and splits: a sample is a pure function of (seed, split, size, options). Training seeds are
  in [0, 2**31), held-out seeds in [2**31, 2**32); the held-out split also uses a disjoint set of
  photograph files (backgrounds.HELDOUT_GROUPS). `sample_batch(rng, n, split)` draws per-sample seeds
  from the split's range with `rng`; `heldout_scenes(n)` gives the fixed evaluation scenes.

Run `python3 -m models.train.dataset` for a speed benchmark and a grid of samples.
"""

from __future__ import annotations

import argparse
import math
import time
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from .backgrounds import BACKGROUND_KINDS, BACKGROUND_SOURCES, SPLITS, photo_bank, sample_background
from .masks import MASK_KINDS, make_mask
from .shapes import (
    COLOUR_NAMES,
    COLOURS,
    ROTATION_DEG,
    SHAPE_EXTENT,
    SHAPES,
    SIZE_RADIUS_FRAC,
    SIZE_WORDS,
    SIZES,
    jitter_colour,
    render_shape,
)

__all__ = [
    "COLOURS",
    "COLOUR_NAMES",
    "SHAPES",
    "SIZES",
    "SIZE_WORDS",
    "BACKGROUND_SOURCES",
    "BACKGROUND_KINDS",
    "MASK_KINDS",
    "SPLITS",
    "SEED_RANGES",
    "caption_for",
    "all_captions",
    "make_sample",
    "sample_batch",
    "stack_samples",
    "heldout_scenes",
    "heldout_batch",
]

SEED_RANGES = {"train": (0, 2**31), "heldout": (2**31, 2**32)}

P_NO_OBJECT = 0.1  # samples whose hole contains no object (caption "")
P_DROP_CAPTION = 0.2  # samples with an object whose caption is dropped to "" (classifier-free guidance)
P_DISTRACTORS = 0.35  # samples with 1-2 extra shapes in the kept region
MIN_CONTRAST = 70.0  # RGB distance between the object's colour and the background's mean under it


def caption_for(colour: str, shape: str, size: str) -> str:
    words = [w for w in (SIZE_WORDS[size], colour, shape) if w]
    article = "an" if words[0][0] in "aeiou" else "a"
    return " ".join([article] + words)


def all_captions() -> List[str]:
    """Every caption the generator can produce: "" first, then size x colour x shape, in a fixed order."""
    return [""] + [caption_for(c, s, z) for z in SIZES for c in COLOUR_NAMES for s in SHAPES]


def _place(rng: np.random.Generator, size: int, shape: str, size_name: str):
    lo, hi = SIZE_RADIUS_FRAC[size_name]
    radius = rng.uniform(lo, hi) * size
    rot = math.radians(ROTATION_DEG[shape])
    angle = rng.uniform(-rot, rot)
    margin = radius * SHAPE_EXTENT + 1.0
    cx, cy = rng.uniform(margin, size - margin, 2)
    return cx, cy, radius, angle


def _footprint_bbox(alpha: np.ndarray) -> np.ndarray:
    rows = np.flatnonzero(alpha.any(axis=1))
    cols = np.flatnonzero(alpha.any(axis=0))
    return np.array([cols[0], rows[0], cols[-1] + 1, rows[-1] + 1], np.int32)


def make_sample(
    seed: int,
    split: str = "train",
    size: int = 64,
    *,
    p_no_object: float = P_NO_OBJECT,
    p_drop_caption: float = P_DROP_CAPTION,
    p_distractors: float = P_DISTRACTORS,
    colour: Optional[str] = None,
    shape: Optional[str] = None,
    size_name: Optional[str] = None,
    mask_kind: Optional[str] = None,
    background_kind: Optional[str] = None,
) -> Dict[str, Any]:
    """One scene, a pure function of its arguments. `seed` must lie in SEED_RANGES[split].

    Returns image (float32 [3,size,size] in [-1,1], the full scene with the object), mask (float32
    [1,size,size], 1 keep / 0 generate), caption, and labels: has_object, caption_dropped, colour, shape,
    size (names, None without object), rgb (the drawn colour, 0..255), bbox ([x0,y0,x1,y1) of the
    object's footprint, -1s without object), object_alpha ([1,size,size] coverage), mask_kind,
    background_kind, background_source (photo file name or ""), seed, split.
    """
    if split not in SEED_RANGES:
        raise ValueError(f"unknown split {split!r}")
    lo, hi = SEED_RANGES[split]
    if not lo <= seed < hi:
        raise ValueError(f"seed {seed} is outside the {split} seed range [{lo}, {hi})")
    rng = np.random.default_rng(seed)

    has_object = bool(rng.random() >= p_no_object)
    drop = bool(rng.random() < p_drop_caption)
    colour = colour or COLOUR_NAMES[int(rng.integers(len(COLOUR_NAMES)))]
    shape = shape or SHAPES[int(rng.integers(len(SHAPES)))]
    size_name = size_name or SIZES[int(rng.integers(len(SIZES)))]
    rgb = jitter_colour(colour, rng)
    cx, cy, radius, angle = _place(rng, size, shape, size_name)
    alpha = render_shape(shape, cx, cy, radius, angle, size)
    bbox = _footprint_bbox(alpha > 0)

    # Background, redrawn when it would hide the object.
    a3 = alpha[:, :, None]
    for _ in range(6):
        bg, bg_kind, bg_src = sample_background(rng, size, split, background_kind)
        if not has_object:
            break
        under = (bg * a3).sum(axis=(0, 1)) / a3.sum()
        if np.linalg.norm(under - rgb) >= MIN_CONTRAST:
            break

    # The hole covers the footprint dilated by one pixel (also without object, where it marks the spot).
    x0, y0, x1, y1 = (int(v) for v in bbox)
    mask, kind = make_mask(rng, size, (x0 - 1.0, y0 - 1.0, x1 + 1.0, y1 + 1.0), mask_kind)

    img = bg
    # Distractors: whole shapes strictly inside the kept region.
    if rng.random() < p_distractors:
        for _ in range(int(rng.integers(1, 3))):
            for _try in range(4):
                d_shape = SHAPES[int(rng.integers(len(SHAPES)))]
                d_size = SIZES[int(rng.integers(2))]
                d_rgb = jitter_colour(COLOUR_NAMES[int(rng.integers(len(COLOUR_NAMES)))], rng)
                dcx, dcy, dr, da = _place(rng, size, d_shape, d_size)
                d_alpha = render_shape(d_shape, dcx, dcy, dr, da, size)
                bx0, by0, bx1, by1 = (int(v) for v in _footprint_bbox(d_alpha > 0))
                if mask[max(0, by0 - 1) : by1 + 1, max(0, bx0 - 1) : bx1 + 1].min() == 1.0:
                    img = img + (d_rgb - img) * d_alpha[:, :, None]
                    break

    background = img  # the scene without its object: evaluation compares generated pixels with it
    if has_object:
        img = img + (rgb - img) * a3
        caption = "" if drop else caption_for(colour, shape, size_name)
    else:
        caption = ""
        alpha = np.zeros_like(alpha)
        bbox = np.full(4, -1, np.int32)

    to_model = lambda a: np.clip((np.ascontiguousarray(a.transpose(2, 0, 1)) / 127.5 - 1.0), -1, 1).astype(np.float32)  # noqa: E731
    return {
        "image": to_model(img),
        "background": to_model(background),
        "mask": mask[None],
        "caption": caption,
        "has_object": has_object,
        "caption_dropped": bool(has_object and drop),
        "colour": colour if has_object else None,
        "shape": shape if has_object else None,
        "size": size_name if has_object else None,
        "rgb": rgb if has_object else None,
        "bbox": bbox,
        "object_alpha": alpha[None],
        "mask_kind": kind,
        "background_kind": bg_kind,
        "background_source": bg_src,
        "seed": int(seed),
        "split": split,
    }


def stack_samples(samples: Sequence[Dict[str, Any]]) -> Dict[str, Any]:
    """Batch dict: image [N,3,H,W], mask [N,1,H,W], object_alpha [N,1,H,W] (float32), bbox [N,4],
    colour_id / shape_id / size_id (int64, -1 without object), has_object / caption_dropped (bool),
    seed (int64), and lists: caption, colour, shape, size, mask_kind, background_kind, background_source.
    """

    def idx(names, v):
        return -1 if v is None else names.index(v)

    return {
        "image": np.stack([s["image"] for s in samples]),
        "mask": np.stack([s["mask"] for s in samples]),
        "background": np.stack([s["background"] for s in samples]),
        "object_alpha": np.stack([s["object_alpha"] for s in samples]),
        "bbox": np.stack([s["bbox"] for s in samples]),
        "colour_id": np.array([idx(COLOUR_NAMES, s["colour"]) for s in samples], np.int64),
        "shape_id": np.array([idx(SHAPES, s["shape"]) for s in samples], np.int64),
        "size_id": np.array([idx(SIZES, s["size"]) for s in samples], np.int64),
        "has_object": np.array([s["has_object"] for s in samples], bool),
        "caption_dropped": np.array([s["caption_dropped"] for s in samples], bool),
        "seed": np.array([s["seed"] for s in samples], np.int64),
        "caption": [s["caption"] for s in samples],
        "colour": [s["colour"] for s in samples],
        "shape": [s["shape"] for s in samples],
        "size": [s["size"] for s in samples],
        "mask_kind": [s["mask_kind"] for s in samples],
        "background_kind": [s["background_kind"] for s in samples],
        "background_source": [s["background_source"] for s in samples],
    }


def sample_batch(rng: np.random.Generator, n: int, split: str = "train", size: int = 64, **options) -> Dict[str, Any]:
    """n samples whose seeds are drawn with `rng` from the split's seed range (see stack_samples)."""
    lo, hi = SEED_RANGES[split]
    seeds = rng.integers(lo, hi, n, dtype=np.int64)
    return stack_samples([make_sample(int(s), split, size, **options) for s in seeds])


def heldout_scenes(n: int = 240, size: int = 64, balanced: bool = True, first: int = 0,
                   **options) -> List[Dict[str, Any]]:
    """The fixed evaluation scenes: held-out seeds 2**31 + i and held-out photographs, always with an
    object and its caption. With `balanced`, scene i shows combination i of all_captions()[1:] (cycling),
    so n = 240 covers every size x colour x shape once. `first` starts at scene i = first: scenes
    480-959 are a second set for confirming a choice made on scenes 0-479."""
    lo, _ = SEED_RANGES["heldout"]
    combos = [(c, s, z) for z in SIZES for c in COLOUR_NAMES for s in SHAPES]
    out = []
    for i in range(first, first + n):
        kw: Dict[str, Any] = dict(p_no_object=0.0, p_drop_caption=0.0)
        if balanced:
            c, s, z = combos[i % len(combos)]
            kw.update(colour=c, shape=s, size_name=z)
        kw.update(options)
        out.append(make_sample(lo + i, "heldout", size, **kw))
    return out


def heldout_batch(n: int = 240, size: int = 64, balanced: bool = True, first: int = 0, **options) -> Dict[str, Any]:
    return stack_samples(heldout_scenes(n, size, balanced, first, **options))


# ---------------------------------------------------------------------------------------------------


def grid_image(batch: Dict[str, Any], cols: int = 8, scale: int = 2, overlay: bool = True) -> np.ndarray:
    """uint8 [H,W,3] grid of the batch's images; with `overlay`, the region to generate is tinted
    magenta and outlined."""
    imgs = ((batch["image"].transpose(0, 2, 3, 1) + 1) * 127.5).astype(np.float32)
    n, h, w, _ = imgs.shape
    rows = math.ceil(n / cols)
    gap = 2
    out = np.full((rows * (h * scale + gap) + gap, cols * (w * scale + gap) + gap, 3), 40, np.uint8)
    for i in range(n):
        im = imgs[i]
        if overlay:
            hole = batch["mask"][i, 0] < 0.5
            tint = np.array([255, 0, 255], np.float32)
            im = np.where(hole[:, :, None], 0.8 * im + 0.2 * tint, im)
            edge = hole & ~(
                np.pad(hole, 1, mode="edge")[:-2, 1:-1]
                & np.pad(hole, 1, mode="edge")[2:, 1:-1]
                & np.pad(hole, 1, mode="edge")[1:-1, :-2]
                & np.pad(hole, 1, mode="edge")[1:-1, 2:]
            )
            im = np.where(edge[:, :, None], tint, im)
        tile = np.clip(im, 0, 255).astype(np.uint8).repeat(scale, 0).repeat(scale, 1)
        r, c = divmod(i, cols)
        y = gap + r * (h * scale + gap)
        x = gap + c * (w * scale + gap)
        out[y : y + h * scale, x : x + w * scale] = tile
    return out


def _main() -> None:  # pragma: no cover
    from PIL import Image

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=3000, help="samples for the speed benchmark")
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--grid", default="/tmp/dataset_grid.png", help="where to write a grid of 64 samples")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    t = time.perf_counter()
    for s in SPLITS:
        photo_bank(s)
    print(f"photographs loaded in {time.perf_counter() - t:.2f}s: "
          + ", ".join(f"{s} {len(photo_bank(s))}" for s in SPLITS))
    print(f"captions: {len(all_captions())} (incl. empty); colours {len(COLOURS)}, shapes {len(SHAPES)}, sizes {len(SIZES)}")

    rng = np.random.default_rng(args.seed)
    sample_batch(rng, 50, size=args.size)  # warm up caches
    t = time.perf_counter()
    done = 0
    while done < args.n:
        sample_batch(rng, 100, size=args.size)
        done += 100
    dt = time.perf_counter() - t
    print(f"{done / dt:.0f} samples/s at {args.size} px on one process ({dt / done * 1e3:.2f} ms/sample)")

    batch = sample_batch(np.random.default_rng(args.seed), 64, size=args.size)
    Image.fromarray(grid_image(batch)).save(args.grid)
    print(f"wrote {args.grid}")
    for i in range(0, 64, 8):
        print(" | ".join(f"{c or '-'}" for c in batch["caption"][i : i + 8]))


if __name__ == "__main__":  # pragma: no cover
    _main()
