"""Named colours, shapes and sizes of the procedural objects, and their antialiased rendering.

Every shape is a signed distance function (SDF) in a unit frame: the shape roughly fills the unit
circle, +x points right and +y points *up*. A shape is rendered at a pixel centre, radius (pixels)
and rotation by evaluating its SDF on the pixel centres of a small window around it and turning the
distance into coverage with a one-pixel linear ramp (alpha = clip(0.5 - d, 0, 1)), which is close to
the exact box-filtered coverage for edges that are straight at the pixel scale.
"""

from __future__ import annotations

import math
from typing import Callable, Dict, List, Tuple

import numpy as np

# Named object colours (sRGB 0-255). Chosen to be far apart from each other in RGB and in hue, so that
# a classifier (and a small model) can tell them apart after a per-sample jitter of a few levels.
COLOURS: Dict[str, Tuple[int, int, int]] = {
    "red": (220, 30, 35),
    "orange": (245, 135, 20),
    "yellow": (245, 220, 35),
    "green": (35, 165, 55),
    "blue": (35, 75, 225),
    "purple": (135, 45, 185),
    "pink": (250, 135, 195),
    "white": (245, 245, 245),
    "black": (20, 20, 20),
    "brown": (120, 70, 30),
}
COLOUR_NAMES: List[str] = list(COLOURS)
# Largest per-channel offset applied to a named colour for one sample (uniform in [-J, J]).
COLOUR_JITTER = 12

SHAPES: List[str] = ["circle", "square", "triangle", "star", "ring", "heart", "cross", "diamond"]

# Object sizes (labels), the word each puts in captions (medium has none), and the object's radius for
# each, as a fraction of the image side (the radius of the circle the shape roughly fills). The ranges
# leave gaps between them so that "small" and "large" stay unambiguous.
SIZES: List[str] = ["small", "medium", "large"]
SIZE_WORDS: Dict[str, str] = {"small": "small", "medium": "", "large": "large"}
SIZE_RADIUS_FRAC: Dict[str, Tuple[float, float]] = {
    "small": (0.075, 0.115),  # 4.8 - 7.4 px at 64 px
    "medium": (0.145, 0.195),  # 9.3 - 12.5 px
    "large": (0.235, 0.30),  # 15.0 - 19.2 px
}

# Rotation range (degrees, symmetric around upright) per shape. Squares and diamonds stay near upright
# so that a square never turns into a diamond; hearts and crosses stay recognisably upright.
ROTATION_DEG: Dict[str, float] = {
    "circle": 180.0,
    "square": 20.0,
    "triangle": 180.0,
    "star": 180.0,
    "ring": 180.0,
    "heart": 30.0,
    "cross": 20.0,
    "diamond": 20.0,
}


# ---------------------------------------------------------------------------------------------------
# Signed distance functions in the unit frame (negative inside). x, y: arrays of the same shape.


def _sd_circle(x: np.ndarray, y: np.ndarray, r: float = 1.0) -> np.ndarray:
    return np.sqrt(x * x + y * y) - r


def _sd_box(x: np.ndarray, y: np.ndarray, hx: float, hy: float) -> np.ndarray:
    qx = np.abs(x) - hx
    qy = np.abs(y) - hy
    outside = np.sqrt(np.maximum(qx, 0.0) ** 2 + np.maximum(qy, 0.0) ** 2)
    inside = np.minimum(np.maximum(qx, qy), 0.0)
    return outside + inside


def _sd_polygon(x: np.ndarray, y: np.ndarray, verts: np.ndarray) -> np.ndarray:
    """Exact signed distance to a simple polygon (vertices [K,2], either orientation)."""
    px = x.reshape(1, -1)
    py = y.reshape(1, -1)
    ax = verts[:, 0:1]
    ay = verts[:, 1:2]
    bx = np.roll(verts[:, 0], -1)[:, None]
    by = np.roll(verts[:, 1], -1)[:, None]
    ex, ey = bx - ax, by - ay
    wx, wy = px - ax, py - ay
    t = np.clip((wx * ex + wy * ey) / (ex * ex + ey * ey), 0.0, 1.0)
    dx, dy = wx - ex * t, wy - ey * t
    dist = np.sqrt(np.min(dx * dx + dy * dy, axis=0))
    # Even-odd rule: count edges crossed by a ray towards +x.
    crosses = (ay > py) != (by > py)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_at = ax + (py - ay) * ex / ey
    inside = (np.sum(crosses & (px < x_at), axis=0) % 2) == 1
    return np.where(inside, -dist, dist).reshape(x.shape)


def _regular_star(points: int, r_out: float, r_in: float) -> np.ndarray:
    angles = np.pi / 2 + np.arange(2 * points) * np.pi / points
    radii = np.where(np.arange(2 * points) % 2 == 0, r_out, r_in)
    return np.stack([radii * np.cos(angles), radii * np.sin(angles)], axis=1)


_TRIANGLE = np.array(
    [[0.0, 1.0], [-math.sqrt(3) / 2, -0.5], [math.sqrt(3) / 2, -0.5]]
) + np.array([0.0, -0.1])  # centroid slightly below centre so the triangle sits in the unit circle
_STAR = _regular_star(5, 1.0, 0.42)
_DIAMOND = np.array([[0.0, 1.0], [-0.62, 0.0], [0.0, -1.0], [0.62, 0.0]])


def _sd_heart(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    # A square standing on a corner with two discs on its two upper sides: the classic heart.
    h = 0.74  # half-diagonal of the square
    cy = -0.077  # centre of the square: puts the heart's top and bottom tip at +-0.83
    u = (x + (y - cy)) / math.sqrt(2)
    v = (-x + (y - cy)) / math.sqrt(2)
    side = h * math.sqrt(2)
    sq = _sd_box(u, v, side / 2, side / 2)
    r = side / 2
    c1 = _sd_circle(x + h / 2, y - (cy + h / 2), r)
    c2 = _sd_circle(x - h / 2, y - (cy + h / 2), r)
    return np.minimum(sq, np.minimum(c1, c2))


SDF: Dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "circle": lambda x, y: _sd_circle(x, y, 0.95),
    "square": lambda x, y: _sd_box(x, y, 0.74, 0.74),
    "triangle": lambda x, y: _sd_polygon(x, y, _TRIANGLE),
    "star": lambda x, y: _sd_polygon(x, y, _STAR),
    "ring": lambda x, y: np.abs(_sd_circle(x, y, 0.76)) - 0.22,
    "heart": _sd_heart,
    "cross": lambda x, y: np.minimum(_sd_box(x, y, 0.92, 0.3), _sd_box(x, y, 0.3, 0.92)),
    "diamond": lambda x, y: _sd_polygon(x, y, _DIAMOND),
}
assert list(SDF) == SHAPES

# Every shape lies inside this radius of its unit frame (used for window and placement bounds).
SHAPE_EXTENT = 1.06


def render_shape(
    shape: str, cx: float, cy: float, radius: float, angle: float, size: int
) -> np.ndarray:
    """Coverage (float32 [size,size] in [0,1]) of `shape` centred at pixel coords (cx, cy).

    (cx, cy) are in pixel units with pixel (row i, column j) covering [j, j+1) x [i, i+1); radius in
    pixels; angle in radians, counter-clockwise as seen on screen.
    """
    alpha = np.zeros((size, size), np.float32)
    reach = radius * SHAPE_EXTENT + 1.0
    x0 = max(0, int(math.floor(cx - reach)))
    x1 = min(size, int(math.ceil(cx + reach)))
    y0 = max(0, int(math.floor(cy - reach)))
    y1 = min(size, int(math.ceil(cy + reach)))
    if x1 <= x0 or y1 <= y0:
        return alpha
    px = np.arange(x0, x1, dtype=np.float64) + 0.5 - cx
    py = cy - (np.arange(y0, y1, dtype=np.float64) + 0.5)  # +y up
    gx, gy = np.meshgrid(px, py)
    c, s = math.cos(angle), math.sin(angle)
    # Rotate the sample points by -angle to go into the shape's frame, then scale to unit size.
    ux = (c * gx + s * gy) / radius
    uy = (-s * gx + c * gy) / radius
    d = SDF[shape](ux, uy) * radius  # distance in pixels
    alpha[y0:y1, x0:x1] = np.clip(0.5 - d, 0.0, 1.0)
    return alpha


def jitter_colour(name: str, rng: np.random.Generator) -> np.ndarray:
    """The named colour with a uniform per-channel jitter, as float32 RGB 0-255."""
    base = np.asarray(COLOURS[name], np.float32)
    j = rng.uniform(-COLOUR_JITTER, COLOUR_JITTER, 3).astype(np.float32)
    return np.clip(base + j, 0, 255)
