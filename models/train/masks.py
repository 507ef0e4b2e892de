"""Inpainting masks that cover a given box (the object's footprint) without outlining it.

Masks use GLIDE's convention: 1 = keep, 0 = generate. Every generator returns a float32 [size,size]
array whose generated region contains the whole target box [x0,x1) x [y0,y1) (pixel units). The
shapes vary so that a model cannot learn "mask = object box":

* "box": the box with a small random padding on each side;
* "rect": a much larger random rectangle that contains the box;
* "ellipses": a random ellipse that contains the box, plus a few random ellipses overlapping it;
* "blob": a threshold of smooth noise plus a bump around the box, joined with a loose ellipse;
* "brush": thick brush strokes scribbled back and forth over the box, plus sometimes a stray stroke.
"""

from __future__ import annotations

import functools
import math
from typing import Tuple

import numpy as np

from .backgrounds import value_noise

MASK_KINDS = ["box", "rect", "ellipses", "blob", "brush"]
MASK_KIND_P = np.array([0.22, 0.18, 0.2, 0.18, 0.22])

Box = Tuple[float, float, float, float]  # x0, y0, x1, y1 in pixel units (x1, y1 exclusive)


@functools.lru_cache(maxsize=None)
def _centres(size: int) -> Tuple[np.ndarray, np.ndarray]:
    c = np.arange(size, dtype=np.float32) + 0.5
    return c[None, :].repeat(size, 0), c[:, None].repeat(size, 1)


def _rect_hole(size: int, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    x, y = _centres(size)
    return (x > x0) & (x < x1) & (y > y0) & (y < y1)


def _ellipse_hole(size, cx, cy, a, b, angle=0.0) -> np.ndarray:
    x, y = _centres(size)
    dx, dy = x - cx, y - cy
    c, s = math.cos(angle), math.sin(angle)
    u = (c * dx + s * dy) / a
    v = (-s * dx + c * dy) / b
    return u * u + v * v <= 1.0


def _covering_ellipse(rng, size, box: Box, inflate: Tuple[float, float]) -> np.ndarray:
    """An axis-aligned ellipse through or beyond the box's corners (random aspect, random inflation)."""
    x0, y0, x1, y1 = box
    hw, hh = (x1 - x0) / 2, (y1 - y0) / 2
    alpha = rng.uniform(0.2, 0.8)  # (hw/a)^2 = alpha, (hh/b)^2 = 1-alpha: the corners lie on the ellipse
    k = rng.uniform(*inflate)
    a = hw / math.sqrt(alpha) * k + 0.5
    b = hh / math.sqrt(1 - alpha) * k + 0.5
    return _ellipse_hole(size, (x0 + x1) / 2, (y0 + y1) / 2, a, b)


def _capsules_hole(size: int, pts: np.ndarray, r: float) -> np.ndarray:
    """Pixels within r of the polyline through pts [K,2]."""
    x, y = _centres(size)
    hole = np.zeros((size, size), bool)
    r2 = r * r
    for (ax, ay), (bx, by) in zip(pts[:-1], pts[1:]):
        # Only evaluate the segment's bounding window.
        wx0 = max(0, int(math.floor(min(ax, bx) - r)))
        wx1 = min(size, int(math.ceil(max(ax, bx) + r)) + 1)
        wy0 = max(0, int(math.floor(min(ay, by) - r)))
        wy1 = min(size, int(math.ceil(max(ay, by) + r)) + 1)
        if wx1 <= wx0 or wy1 <= wy0:
            continue
        px = x[wy0:wy1, wx0:wx1] - ax
        py = y[wy0:wy1, wx0:wx1] - ay
        ex, ey = bx - ax, by - ay
        ee = ex * ex + ey * ey
        t = np.clip((px * ex + py * ey) / ee, 0, 1) if ee > 0 else 0.0
        dx, dy = px - ex * t, py - ey * t
        hole[wy0:wy1, wx0:wx1] |= dx * dx + dy * dy <= r2
    return hole


def _box(rng, size, box):
    s = size / 64
    pad = rng.uniform(0.5, 7.0, 4) * s
    x0, y0, x1, y1 = box
    return _rect_hole(size, x0 - pad[0], y0 - pad[1], x1 + pad[2], y1 + pad[3])


def _rect(rng, size, box):
    x0, y0, x1, y1 = box
    # Random extra room on each side, up to the image edge; widths capped at ~85% of the image.
    cap = 0.85 * size
    room = [x0, y0, size - x1, size - y1]
    ext = [r * rng.uniform(0.15, 1.0) ** 0.7 for r in room]
    w_extra = max(0.0, (x1 - x0) + ext[0] + ext[2] - cap)
    h_extra = max(0.0, (y1 - y0) + ext[1] + ext[3] - cap)
    if w_extra > 0:
        f = max(0.0, 1 - w_extra / max(ext[0] + ext[2], 1e-6))
        ext[0] *= f
        ext[2] *= f
    if h_extra > 0:
        f = max(0.0, 1 - h_extra / max(ext[1] + ext[3], 1e-6))
        ext[1] *= f
        ext[3] *= f
    return _rect_hole(size, x0 - ext[0] - 0.5, y0 - ext[1] - 0.5, x1 + ext[2] + 0.5, y1 + ext[3] + 0.5)


def _ellipses(rng, size, box):
    hole = _covering_ellipse(rng, size, box, (1.0, 1.35))
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ext = max(x1 - x0, y1 - y0) / 2 + 2
    for _ in range(int(rng.integers(0, 4))):
        ang = rng.uniform(0, 2 * math.pi)
        dist = ext * rng.uniform(0.5, 1.3)
        a = ext * rng.uniform(0.35, 0.9) + 1
        b = a * rng.uniform(0.4, 1.0)
        hole |= _ellipse_hole(size, cx + dist * math.cos(ang), cy + dist * math.sin(ang), a, b, rng.uniform(0, math.pi))
    return hole


def _blob(rng, size, box):
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ext = max(x1 - x0, y1 - y0) / 2
    x, y = _centres(size)
    sigma = ext * rng.uniform(1.2, 2.0) + 2
    bump = np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sigma * sigma))
    n = value_noise(rng, size, 1)[0]
    f = bump + rng.uniform(0.4, 0.9) * (n - 0.5)
    hole = f > rng.uniform(0.35, 0.6)
    return hole | _covering_ellipse(rng, size, box, (1.0, 1.15))


def _brush(rng, size, box):
    s = size / 64
    x0, y0, x1, y1 = box
    r = rng.uniform(3.0, 6.5) * s  # stroke radius
    theta = rng.uniform(0, math.pi)  # direction of the strokes
    ux, uy = math.cos(theta), math.sin(theta)
    vx, vy = -uy, ux
    corners = np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]], np.float64)
    cu = corners @ np.array([ux, uy])
    cv = corners @ np.array([vx, vy])
    u_lo, u_hi, v_lo, v_hi = cu.min(), cu.max(), cv.min(), cv.max()
    # Parallel strokes every `step` <= 2r along v cover every point between them; the first and last
    # lie within r of the box's extreme v, and every stroke runs past the box along u.
    step = r * rng.uniform(1.0, 1.8)
    v = v_lo + r * rng.uniform(0.1, 0.9)
    vs = [v]
    while vs[-1] < v_hi - r:
        vs.append(vs[-1] + step)
    pts = []
    for i, vv in enumerate(vs):
        a = u_lo - rng.uniform(0.3, 1.0) * r
        b = u_hi + rng.uniform(0.3, 1.0) * r
        ends = (a, b) if i % 2 == 0 else (b, a)
        for uu in ends:
            pts.append((uu * ux + vv * vx, uu * uy + vv * vy))
    hole = _capsules_hole(size, np.array(pts), r)
    if rng.random() < 0.5:  # a stray stroke wandering off from the scribble
        p = np.array(pts[int(rng.integers(len(pts)))])
        walk = [p]
        ang = rng.uniform(0, 2 * math.pi)
        for _ in range(int(rng.integers(1, 4))):
            ang += rng.uniform(-1.2, 1.2)
            p = p + rng.uniform(6, 18) * s * np.array([math.cos(ang), math.sin(ang)])
            walk.append(p)
        hole |= _capsules_hole(size, np.array(walk), r * rng.uniform(0.6, 1.0))
    return hole


_GENERATORS = {"box": _box, "rect": _rect, "ellipses": _ellipses, "blob": _blob, "brush": _brush}
assert list(_GENERATORS) == MASK_KINDS


def make_mask(
    rng: np.random.Generator, size: int, box: Box, kind: str | None = None, max_hole: float = 0.9
) -> Tuple[np.ndarray, str]:
    """A keep-mask (float32 [size,size], 1 keep / 0 generate) whose hole contains `box`.

    Masks whose hole would exceed `max_hole` of the image are redrawn (falling back to "box").
    """
    if kind is None:
        kind = MASK_KINDS[int(rng.choice(len(MASK_KINDS), p=MASK_KIND_P))]
    hole = _GENERATORS[kind](rng, size, box)
    if hole.mean() > max_hole:
        hole = _box(rng, size, box)
    # Guarantee coverage of the box (the generators already cover it; this guards rounding).
    x0, y0, x1, y1 = box
    hole[max(0, int(math.floor(y0))) : int(math.ceil(y1)), max(0, int(math.floor(x0))) : int(math.ceil(x1))] = True
    return (~hole).astype(np.float32), kind
