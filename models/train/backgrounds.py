"""Backgrounds for the procedural inpainting data set: solid colours, linear and radial gradients,
multi-octave value noise, and random crops of photographs and wallpapers shipped in Debian packages.

Photograph sources and their licences (from /usr/share/doc/<package>/copyright and, for the
scikit-image samples, the notes in each image's `skimage.data` docstring):

* gnome-backgrounds (Debian 43.1-1), /usr/share/backgrounds/gnome/*.webp. debian/copyright: the package
  is GPL-2+; the adwaita* wallpapers are (c) 2011 Jakub Steiner, CC BY-SA 3.0. The other WebP
  wallpapers used here (grid, licorice, pixels, symbolic, truchet, wood) are not listed one by one in
  that file, so the package-wide GPL-2+ statement is what covers them. The SVG wallpapers and the
  one-colour vnc-*.webp are not used.
* plasma-workspace-wallpapers (Debian 4:5.27.5-2), /usr/share/wallpapers/<Name>/contents/images/. Only its 13
  photographs are used (the other 30 wallpapers are renders). debian/copyright: GPL-2+ (2014 KDE Visual
  Design Group); each wallpaper's metadata.json says LGPLv3, except MilkyWay and Volna: CC-BY-SA-4.0.
* python3-skimage (scikit-image), <skimage>/data/*.png|jpg. debian/copyright: BSD-3-Clause
  (2009-2018 the scikit-image team). Only sample images whose docstring states a free status are used:
  public domain (astronaut, rocket, hubble_deep_field, clock, text), CC0 (chelsea, coffee, retina,
  camera, brick, grass, gravel, cell) or "no known copyright restrictions" (ihc, coins).

The images are only decoded and cropped in memory to make training inputs; none is redistributed.

Photographs are split by file into train and held-out sets (~20% of files held out, fixed below). The
light/dark variants of one GNOME wallpaper design share a group and always fall on the same side.
"""

from __future__ import annotations

import colorsys
import functools
import hashlib
import math
import os
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np
from PIL import Image

GNOME_DIR = Path("/usr/share/backgrounds/gnome")
PLASMA_DIR = Path("/usr/share/wallpapers")


def _skimage_data_dir() -> Optional[Path]:
    for cand in (
        Path("/usr/lib/python3/dist-packages/skimage/data"),
        Path("/usr/local/lib/python3/dist-packages/skimage/data"),
    ):
        if cand.is_dir():
            return cand
    try:  # pragma: no cover - depends on the machine
        import skimage.data  # type: ignore

        return Path(os.path.dirname(skimage.data.__file__))
    except Exception:
        return None


# Every photograph used: (source package, group, file name, licence of the image).
_GNOME_LICENCE_ADWAITA = "CC BY-SA 3.0, (c) 2011 Jakub Steiner"
_GNOME_LICENCE_OTHER = "GPL-2+ (gnome-backgrounds package licence)"
PHOTO_FILES: List[Tuple[str, str, str, str]] = [
    ("gnome-backgrounds", d, f"{d}-{v}.webp", _GNOME_LICENCE_ADWAITA if d == "adwaita" else _GNOME_LICENCE_OTHER)
    for d in ("adwaita", "grid", "licorice", "pixels", "symbolic", "truchet", "wood")
    for v in ("l", "d")
] + [
    ("python3-skimage", "astronaut", "astronaut.png", "public domain (NASA)"),
    ("python3-skimage", "chelsea", "chelsea.png", "CC0 (Stefan van der Walt)"),
    ("python3-skimage", "coffee", "coffee.png", "CC0 (Rachel Michetti)"),
    ("python3-skimage", "rocket", "rocket.jpg", "public domain (SpaceX)"),
    ("python3-skimage", "hubble_deep_field", "hubble_deep_field.jpg", "public domain (NASA)"),
    ("python3-skimage", "retina", "retina.jpg", "CC0 (Mikael Haggstrom)"),
    ("python3-skimage", "ihc", "ihc.png", "no known copyright restrictions"),
    ("python3-skimage", "camera", "camera.png", "CC0 (Lav Varshney)"),
    ("python3-skimage", "coins", "coins.png", "no known copyright restrictions (Brooklyn Museum)"),
    ("python3-skimage", "brick", "brick.png", "CC0 (CC0Textures)"),
    ("python3-skimage", "grass", "grass.png", "CC0"),
    ("python3-skimage", "gravel", "gravel.png", "CC0 (CC0Textures)"),
    ("python3-skimage", "cell", "cell.png", "CC0"),
    ("python3-skimage", "clock", "clock_motion.png", "public domain (Stefan van der Walt)"),
    ("python3-skimage", "text", "text.png", "public domain"),
] + [
    # One resolution each (the shortest side is reduced to PHOTO_SHORT_SIDE anyway): 1920x1080 where it exists.
    ("plasma-workspace-wallpapers", name, f"{name}/contents/images/{res}",
     "CC BY-SA 4.0" if name in ("MilkyWay", "Volna") else "LGPL-3 (the wallpaper's metadata.json)")
    for name, res in (
        ("BytheWater", "1920x1080.jpg"), ("ColdRipple", "1920x1080.jpg"), ("ColorfulCups", "2560x1600.jpg"),
        ("DarkestHour", "1920x1080.jpg"), ("EveningGlow", "1920x1080.jpg"), ("FallenLeaf", "1920x1080.jpg"),
        ("Grey", "1920x1080.jpg"), ("Kite", "1920x1080.jpg"), ("MilkyWay", "1080x1920.png"),
        ("OneStandsOut", "1920x1080.jpg"), ("Path", "1920x1080.jpg"), ("Volna", "5120x2880.jpg"),
        ("summer_1am", "1920x1080.jpg"),
    )
]

# Groups held out from training (6 of 42 files). The plasma photographs, added at step 24,400, all train: the
# held-out split stays the one every evaluation since step 0 was run on, so figures stay comparable.
HELDOUT_GROUPS = {
    "gnome-backgrounds": {"wood"},
    "python3-skimage": {"coffee", "rocket", "gravel", "coins"},
}

# Photographs of Debian's lomiri-wallpapers-16.04 and -20.04 (1.4-20 MP, /usr/share/backgrounds), for the
# upsampler and the real-photo evaluation only: the base model's photo bank (and so its held-out scenes) is
# unchanged. (group, file, split). The 8 held out are the evaluation's; Debian's mate-backgrounds is the
# reviewers' and is never used. Fossa, Infinite-Sea, Painting-Colors and umang are drawings, not photographs.
LOMIRI_DIR = Path("/usr/share/backgrounds")
LOMIRI_PHOTOS: List[Tuple[str, str]] = [
    (f, "heldout") for f in (
        "Bridge_by_Sander_Klootwijk.jpg", "aitzgorri_by_Aitzol_Berasategi.jpg", "friends_by_Aitzol_Berasategi.jpg",
        "life_by_Aitzol_Berasategi.jpg", "picosdeeuropa_by_Aitzol_Berasategi.jpg",
        "seeding_by_Clements_Engelhardt.jpg", "sunset_by_Aitzol_Berasategi.jpg", "Kleiber_by_Lukas_Baubkus.jpg")
] + [
    (f, "train") for f in (
        "Dragonfly_by_Bolly.jpg", "Picture_0B_by_freespace.jpg", "Picture_1A_by_freespace.jpg",
        "Wine_by_Jakkub_Mede.jpg", "free_by_Peter_Nerlich.jpg", "greentock_by_Peter_Nerlich.jpg",
        "analogpattern_by_Peter_Nerlich.jpg")
]
LOMIRI_LICENCE = "CC BY-SA 4.0 / CC BY 4.0 per photograph (debian/copyright of lomiri-wallpapers)"


def lomiri_photo_files(split: str) -> List[Tuple[str, Path]]:
    """(name, path) of the lomiri photographs of a split that exist on this machine, in a fixed order."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}")
    return [(f, LOMIRI_DIR / f) for f, s in LOMIRI_PHOTOS if s == split and (LOMIRI_DIR / f).is_file()]


BACKGROUND_SOURCES: Dict[str, Dict[str, str]] = {
    "gnome-backgrounds": {
        "package": "gnome-backgrounds",
        "version": "43.1-1 (Debian 12)",
        "path": str(GNOME_DIR),
        "copyright": "/usr/share/doc/gnome-backgrounds/copyright",
        "licence": "GPL-2+ for the package; adwaita-l/-d.webp (c) 2011 Jakub Steiner, CC BY-SA 3.0. "
        "grid, licorice, pixels, symbolic, truchet and wood are not itemised in debian/copyright "
        "and fall under the package's GPL-2+ statement.",
        "files": "adwaita, grid, licorice, pixels, symbolic, truchet, wood (-l and -d .webp, 4096x4096)",
        "heldout": "wood-l.webp, wood-d.webp",
    },
    "plasma-workspace-wallpapers": {
        "package": "plasma-workspace-wallpapers",
        "version": "4:5.27.5-2 (Debian 12)",
        "path": str(PLASMA_DIR),
        "copyright": "/usr/share/doc/plasma-workspace-wallpapers/copyright",
        "licence": "GPL-2+ for the package (2014 KDE Visual Design Group); per wallpaper metadata.json LGPLv3, "
        "MilkyWay and Volna CC-BY-SA-4.0.",
        "files": ", ".join(g for s, g, _, _ in PHOTO_FILES if s == "plasma-workspace-wallpapers")
        + " (the photographs among its 43 wallpapers)",
        "heldout": "none (all train; added at step 24,400)",
    },
    "python3-skimage": {
        "package": "python3-skimage",
        "version": "Debian 12 (scikit-image 0.19)",
        "path": "/usr/lib/python3/dist-packages/skimage/data",
        "copyright": "/usr/share/doc/python3-skimage/copyright",
        "licence": "BSD-3-Clause for the package (2009-2018 the scikit-image team); the images used are "
        "public domain, CC0 or 'no known copyright restrictions' per their skimage.data docstrings.",
        "files": ", ".join(f for s, _, f, _ in PHOTO_FILES if s == "python3-skimage"),
        "heldout": "coffee.png, rocket.jpg, gravel.png, coins.png",
    },
}

SPLITS = ("train", "heldout")
PHOTO_SHORT_SIDE = 256  # photographs are kept in memory at this shortest side
BACKGROUND_KINDS = ["solid", "linear", "radial", "noise", "photo"]
_KIND_P = np.array([0.14, 0.14, 0.12, 0.25, 0.35])


def photo_split(source: str, group: str) -> str:
    return "heldout" if group in HELDOUT_GROUPS.get(source, ()) else "train"


_PACKAGE_DIRS = {"gnome-backgrounds": GNOME_DIR, "plasma-workspace-wallpapers": PLASMA_DIR}


def _photo_path(source: str, fname: str) -> Optional[Path]:
    if source in _PACKAGE_DIRS:
        return _PACKAGE_DIRS[source] / fname
    d = _skimage_data_dir()  # python3-skimage: found where Python has it
    return None if d is None else d / fname


def photo_files(split: str) -> List[Tuple[str, Path]]:
    """(name, path) of the photographs of a split that exist on this machine, in a fixed order."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}")
    out = []
    for source, group, fname, _ in PHOTO_FILES:
        if photo_split(source, group) != split:
            continue
        p = _photo_path(source, fname)
        if p is not None and p.is_file():
            out.append((fname, p))
    return out


def _load_photo(path: Path, short: int) -> np.ndarray:
    with Image.open(path) as im:
        im.load()
        im = im.convert("RGB")
        w, h = im.size
        k = min(w, h) // (2 * short)
        if k >= 2:  # cheap integer reduction first, then a proper resampling
            im = im.reduce(k)
            w, h = im.size
        scale = short / min(w, h)
        if scale < 1:
            im = im.resize((max(short, round(w * scale)), max(short, round(h * scale))), Image.LANCZOS)
        return np.asarray(im, np.uint8).copy()


def _cache_dir() -> Optional[Path]:
    if os.environ.get("GLIDE_DATASET_CACHE", "1") == "0":
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "glide-inpaint-dataset"


@functools.lru_cache(maxsize=None)
def photo_bank(split: str) -> Tuple[Tuple[str, np.ndarray], ...]:
    """Decoded photographs of a split (name, uint8 [H,W,3] with shortest side PHOTO_SHORT_SIDE).

    Decoded once per process; the reduced images are also cached on disk (~/.cache, keyed by the
    files' paths, sizes and times; GLIDE_DATASET_CACHE=0 turns the disk cache off) because decoding the
    4096-pixel WebP wallpapers takes a few seconds.
    """
    files = photo_files(split)
    if not files:
        return ()
    key = hashlib.sha1(
        repr([(str(p), p.stat().st_size, int(p.stat().st_mtime)) for _, p in files] + [PHOTO_SHORT_SIDE]).encode()
    ).hexdigest()[:16]
    cdir = _cache_dir()
    cfile = None if cdir is None else cdir / f"photos-{split}-{key}.npz"
    if cfile is not None and cfile.is_file():
        try:
            with np.load(cfile) as z:
                return tuple((name, z[f"a{i}"]) for i, (name, _) in enumerate(files))
        except Exception:
            pass
    bank = tuple((name, _load_photo(p, PHOTO_SHORT_SIDE)) for name, p in files)
    if cfile is not None:
        try:
            cfile.parent.mkdir(parents=True, exist_ok=True)
            tmp = cfile.with_suffix(f".{os.getpid()}.tmp.npz")
            np.savez(tmp, **{f"a{i}": a for i, (_, a) in enumerate(bank)})
            os.replace(tmp, cfile)
        except OSError:
            pass
    return bank


# ---------------------------------------------------------------------------------------------------
# Procedural backgrounds. All return float32 [size,size,3] in 0..255.


def random_colour(rng: np.random.Generator) -> np.ndarray:
    """A random colour drawn in HSV so that greys, pastels, darks and saturated colours all occur."""
    h = rng.random()
    s = rng.random() ** 0.8
    v = 0.08 + 0.92 * rng.random() ** 0.7
    return np.array(colorsys.hsv_to_rgb(h, s, v), np.float32) * 255.0


@functools.lru_cache(maxsize=None)
def _coords(size: int) -> Tuple[np.ndarray, np.ndarray]:
    c = (np.arange(size, dtype=np.float32) + 0.5) / size
    return c[None, :].repeat(size, 0), c[:, None].repeat(size, 1)  # x (columns), y (rows), in 0..1


@functools.lru_cache(maxsize=None)
def _interp_matrix(size: int, g: int) -> np.ndarray:
    """[size, g] weights that smoothly interpolate g grid values (spanning the image) to size pixels."""
    t = (np.arange(size) + 0.5) / size * (g - 1)
    i0 = np.minimum(np.floor(t).astype(int), g - 2)
    f = t - i0
    f = f * f * (3 - 2 * f)
    m = np.zeros((size, g), np.float32)
    m[np.arange(size), i0] = 1 - f
    m[np.arange(size), i0 + 1] = f
    return m


def value_noise(rng: np.random.Generator, size: int, channels: int = 1) -> np.ndarray:
    """Multi-octave smooth value noise, [channels,size,size], each channel normalised to 0..1."""
    g = int(rng.integers(2, 6))
    octaves = int(rng.integers(2, 6))
    persistence = rng.uniform(0.35, 0.7)
    out = np.zeros((channels, size, size), np.float32)
    amp = 1.0
    for _ in range(octaves):
        if g > size:
            break
        m = _interp_matrix(size, g)
        grid = rng.random((channels, g, g), dtype=np.float32)
        out += amp * (m @ grid @ m.T)
        amp *= persistence
        g = 2 * g - 1
    lo = out.min(axis=(1, 2), keepdims=True)
    hi = out.max(axis=(1, 2), keepdims=True)
    return (out - lo) / np.maximum(hi - lo, 1e-6)


def _solid(rng, size):
    return np.broadcast_to(random_colour(rng), (size, size, 3)).astype(np.float32)


def _lerp(c0, c1, t):
    return c0[None, None, :] + (c1 - c0)[None, None, :] * t[:, :, None]


def _linear(rng, size):
    x, y = _coords(size)
    a = rng.uniform(0, 2 * math.pi)
    d = math.cos(a) * (x - 0.5) + math.sin(a) * (y - 0.5)
    span = rng.uniform(0.5, 1.4)
    t = np.clip(d / span + 0.5, 0, 1)
    c0, c1 = random_colour(rng), random_colour(rng)
    if rng.random() < 0.3:  # three stops
        cm = random_colour(rng)
        return np.where((t < 0.5)[:, :, None], _lerp(c0, cm, t * 2), _lerp(cm, c1, t * 2 - 1)).astype(np.float32)
    return _lerp(c0, c1, t).astype(np.float32)


def _radial(rng, size):
    x, y = _coords(size)
    cx, cy = rng.uniform(-0.2, 1.2, 2)
    r = rng.uniform(0.3, 1.2)
    t = np.clip(np.sqrt((x - cx) ** 2 + (y - cy) ** 2) / r, 0, 1)
    if rng.random() < 0.5:
        t = t * t * (3 - 2 * t)
    return _lerp(random_colour(rng), random_colour(rng), t).astype(np.float32)


def _noise(rng, size):
    if rng.random() < 0.3:  # independent noise per channel around a base colour
        n = value_noise(rng, size, 3)
        base = random_colour(rng)
        amp = rng.uniform(40, 160)
        img = base[:, None, None] + (n - 0.5) * amp
        return np.clip(img.transpose(1, 2, 0), 0, 255).astype(np.float32)
    t = value_noise(rng, size, 1)[0]
    c0, c1 = random_colour(rng), random_colour(rng)
    if rng.random() < 0.4:
        cm = random_colour(rng)
        return np.where((t < 0.5)[:, :, None], _lerp(c0, cm, t * 2), _lerp(cm, c1, t * 2 - 1)).astype(np.float32)
    return _lerp(c0, c1, t).astype(np.float32)


def photo_crop(rng: np.random.Generator, size: int, split: str) -> Tuple[np.ndarray, str]:
    """A random crop (random scale, position and horizontal flip) of one of the split's photographs."""
    bank = photo_bank(split)
    name, src = bank[int(rng.integers(len(bank)))]
    h, w = src.shape[:2]
    hi = min(h, w)
    c = int(round(math.exp(rng.uniform(math.log(size), math.log(hi)))))
    c = min(max(c, size), hi)
    y0 = int(rng.integers(0, h - c + 1))
    x0 = int(rng.integers(0, w - c + 1))
    crop = src[y0 : y0 + c, x0 : x0 + c]
    if c != size:
        crop = np.asarray(Image.fromarray(crop).resize((size, size), Image.BILINEAR, reducing_gap=None))
    img = crop.astype(np.float32)
    if rng.random() < 0.5:
        img = img[:, ::-1]
    gain = rng.uniform(0.85, 1.15)
    return np.clip(img * gain, 0, 255), name


_GENERATORS = {"solid": _solid, "linear": _linear, "radial": _radial, "noise": _noise}


def background_kinds_available(split: str) -> List[str]:
    return BACKGROUND_KINDS if photo_bank(split) else BACKGROUND_KINDS[:-1]


def sample_background(
    rng: np.random.Generator, size: int, split: str = "train", kind: Optional[str] = None
) -> Tuple[np.ndarray, str, str]:
    """(float32 [size,size,3] in 0..255, kind, photo file name or "")."""
    if kind is None:
        kinds = background_kinds_available(split)
        p = _KIND_P[: len(kinds)] / _KIND_P[: len(kinds)].sum()
        kind = kinds[int(rng.choice(len(kinds), p=p))]
    if kind == "photo":
        img, name = photo_crop(rng, size, split)
        return img, kind, name
    return np.ascontiguousarray(_GENERATORS[kind](rng, size)), kind, ""


if __name__ == "__main__":  # pragma: no cover
    for s in SPLITS:
        t = time.time()
        b = photo_bank(s)
        print(s, len(b), "photos", f"{time.time() - t:.2f}s", [(n, a.shape) for n, a in b])
