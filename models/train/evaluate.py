"""Evaluation of the default model on held-out scenes (backgrounds, photos and masks never trained on).

    npm run models:eval            (scripts/eval-default-model.sh runs the three steps)

1. `scenes <out.npz> <n> [first]`: writes n held-out scenes from scene `first` (image, keep-mask, caption).
2. models/train/sample-heldout.ts samples them with the engine, at the bundle's default settings,
   with their captions and again with the empty prompt.
3. `score <scenes.npz> <generated.npy> <generated-empty.npy> <grid.png>`: prints
   - colour adherence: the named colour that gained most pixels inside the mask, relative to the scene's
     own background there, is the prompt's colour (chance: 1 in 10); the target figure;
   - drawn colour (a diagnostic): the same counted only over pixels that moved far from the background,
     i.e. the colour of what was drawn, so a colour miss can be told apart from a refill that drifted;
   - shape adherence: our shape classifier (shape_classifier.py) names the prompt's shape (chance: 1 in 8);
   - the same two with the empty prompt (should be near chance);
   - both per object size, and which shapes are drawn as which (shape_confusion);
   - seam score: gradient energy on the mask border / the image's own gradient energy (1 = invisible).
4. `compare <dirs A> <dirs B>`: two evaluations of the same scenes (comma-separated output folders of
   step 2, pooled in order), scene by scene: how many colour and shape misses B fixes and breaks, and the
   sign test's p for "B is no better than A", since two figures 0.5 points apart on 480 scenes are noise;
   likewise in how many scenes B's seam score is lower and higher than A's. Where one has sampled more
   scenes than the other (480 against 240 from the same first scene), the scenes both have are compared.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from models.train import dataset, shape_classifier

COLOUR_RADIUS = 60.0  # RGB distance within which a pixel counts as a named colour
# A pixel moved at least this far from the scene's background is new content, not a drifted refill. The
# data set keeps an object's colour MIN_CONTRAST (70) from the background under it.
DRAWN_CHANGE = 60.0


def to_rgb(x: np.ndarray) -> np.ndarray:
    """[N,3,H,W] in [-1,1] -> [N,H,W,3] in 0..255 float."""
    return (np.clip(x, -1, 1).transpose(0, 2, 3, 1) + 1) * 127.5


def named_colour_counts(rgb: np.ndarray, where: np.ndarray) -> np.ndarray:
    """[N,K]: per image, the pixels of `where` ([N,H,W] bool) within COLOUR_RADIUS of each named colour."""
    table = np.array([dataset.COLOURS[c] for c in dataset.COLOUR_NAMES], np.float64)  # [K,3]
    return np.stack([((np.linalg.norm(rgb - c, axis=-1) < COLOUR_RADIUS) & where).sum(axis=(1, 2)) for c in table],
                    axis=1)


def colour_predictions(generated: np.ndarray, background: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Per scene, the named colour whose pixel count inside the generated region grew most."""
    hole = keep[:, 0] < 0.5
    gains = named_colour_counts(to_rgb(generated), hole) - named_colour_counts(to_rgb(background), hole)
    return gains.argmax(axis=1)


def drawn_colour_predictions(generated: np.ndarray, background: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Per scene, the named colour most of the generated region's new pixels (> DRAWN_CHANGE from the
    background) lie near; -1 where no new pixel is near any named colour. A diagnostic beside
    colour_predictions: a scene that fails there but passes here drew the prompt's colour and lost it to
    a refill whose whole area shifted a little (e.g. a flat sky refilled 10 levels lighter)."""
    gen, bg = to_rgb(generated), to_rgb(background)
    new = (keep[:, 0] < 0.5) & (np.linalg.norm(gen - bg, axis=-1) > DRAWN_CHANGE)
    counts = named_colour_counts(gen, new)
    return np.where(counts.max(axis=1) > 0, counts.argmax(axis=1), -1)


def shape_confusion(true_id: np.ndarray, predicted_id: np.ndarray) -> dict:
    """Which shapes the model draws as which: per prompted shape, the classifier's verdicts and their counts."""
    return {name: {dataset.SHAPES[b]: int(c) for b, c in
                   enumerate(np.bincount(predicted_id[true_id == a], minlength=len(dataset.SHAPES))) if c}
            for a, name in enumerate(dataset.SHAPES)}


def gradient_energy(rgb: np.ndarray) -> np.ndarray:
    """|dx| + |dy| summed over channels, [N,H,W] (last row/column zero)."""
    g = np.zeros(rgb.shape[:3])
    g[:, :, :-1] += np.abs(np.diff(rgb, axis=2)).sum(-1)
    g[:, :-1, :] += np.abs(np.diff(rgb, axis=1)).sum(-1)
    return g


def seam_scores(images: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Mean gradient energy on the mask's border / mean over the kept region, per image."""
    hole = keep[:, 0] < 0.5
    border = np.zeros_like(hole)
    border[:, :, :-1] |= hole[:, :, :-1] != hole[:, :, 1:]
    border[:, :-1, :] |= hole[:, :-1, :] != hole[:, 1:, :]
    g = gradient_energy(to_rgb(images))
    own = (g * ~hole).sum(axis=(1, 2)) / np.maximum((~hole).sum(axis=(1, 2)), 1)
    on_border = (g * border).sum(axis=(1, 2)) / np.maximum(border.sum(axis=(1, 2)), 1)
    return on_border / np.maximum(own, 1e-6)


def write_grid(path: Path, scenes: dict, generated: np.ndarray, generated_empty: np.ndarray, cols: int = 12) -> None:
    """Rows: scene (mask tinted), with the prompt, with the empty prompt (when sampled); cols: scenes."""
    shown = min(len(generated), len(generated_empty)) if len(generated_empty) else len(generated)  # scenes sampled both ways
    n = min(cols, shown)
    step = max(1, shown // n)
    idx = np.arange(0, step * n, step)
    tint = to_rgb(scenes["image"][idx])
    hole = scenes["mask"][idx, 0] < 0.5
    tint[hole] = tint[hole] * 0.5 + np.array([255, 0, 255]) * 0.5
    rows = [tint, to_rgb(generated[idx])] + ([to_rgb(generated_empty[idx])] if len(generated_empty) else [])
    s = 2
    grid = np.concatenate([np.concatenate(list(r), axis=1) for r in rows], axis=0).astype(np.uint8)
    Image.fromarray(grid).resize((grid.shape[1] * s, grid.shape[0] * s), Image.NEAREST).save(path)
    captions = [scenes["caption"][i] for i in idx]
    path.with_suffix(".txt").write_text("columns: " + " | ".join(captions) + "\n")


def score(scenes_path: Path, generated_path: Path, empty_path: Path, grid_path: Path) -> dict:
    scenes = dict(np.load(scenes_path))
    gen, gen_empty = np.load(generated_path), np.load(empty_path)
    n = len(gen)
    keep, bg = scenes["mask"][:n], scenes["background"][:n]
    colour_id, shape_id = scenes["colour_id"][:n], scenes["shape_id"][:n]
    classifier = shape_classifier.load_or_train()
    m = len(gen_empty)
    colour_ok = colour_predictions(gen, bg, keep) == colour_id
    drawn_ok = drawn_colour_predictions(gen, bg, keep) == colour_id
    shape_pred = shape_classifier.predict(classifier, gen, keep)
    shape_ok = shape_pred == shape_id
    settings = generated_path.with_suffix(".settings.json")

    def empty(value) -> float | None:  # the empty-prompt figures; none when no scene was sampled without its prompt
        return float(value().mean()) if m else None

    results = {
        "scenes": n,
        "sampling": json.loads(settings.read_text()) if settings.exists() else None,
        "colour_adherence": float(colour_ok.mean()),
        "shape_adherence": float(shape_ok.mean()),
        "empty_prompt_colour_match": empty(lambda: colour_predictions(gen_empty, bg[:m], keep[:m]) == colour_id[:m]),
        "drawn_colour_adherence": float(drawn_ok.mean()),
        "colour_misses_with_the_prompts_colour_drawn": int((~colour_ok & drawn_ok).sum()),
        "empty_prompt_drawn_colour_match": empty(
            lambda: drawn_colour_predictions(gen_empty, bg[:m], keep[:m]) == colour_id[:m]),
        "empty_prompt_shape_match": empty(
            lambda: shape_classifier.predict(classifier, gen_empty, keep[:m]) == shape_id[:m]),
        "chance_colour": 1 / len(dataset.COLOUR_NAMES),
        "chance_shape": 1 / len(dataset.SHAPES),
        "classifier_accuracy_on_true_scenes": float(
            (shape_classifier.predict(classifier, scenes["image"][:n], keep) == shape_id).mean()),
        "seam_score": float(np.median(seam_scores(gen, keep))),
        "seam_score_true_scenes": float(np.median(seam_scores(scenes["image"][:n], keep))),
    }
    if "size_id" in scenes:  # where the misses are: small objects have few pixels to show a shape with
        size_id = scenes["size_id"][:n]
        for k, name in enumerate(dataset.SIZES):
            results[f"colour_adherence_{name}"] = float(colour_ok[size_id == k].mean())
            results[f"shape_adherence_{name}"] = float(shape_ok[size_id == k].mean())
    results["shape_confusion"] = shape_confusion(shape_id, shape_pred)
    write_grid(grid_path, {**scenes, "caption": list(scenes["caption"])}, gen, gen_empty)
    return results


def sign_test_p(fixed: int, broken: int) -> float:
    """Two-sided sign test: the chance of a split at least this uneven if fixing and breaking were equally likely."""
    n, k = fixed + broken, min(fixed, broken)
    if n == 0:
        return 1.0
    return min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n)


def paired_counts(ok_a: np.ndarray, ok_b: np.ndarray) -> dict:
    """Per-scene verdicts of A and B (bool arrays): correct counts, B's fixes and breaks, and the sign test."""
    fixed, broken = int((~ok_a & ok_b).sum()), int((ok_a & ~ok_b).sum())
    return {"scenes": int(len(ok_a)), "a_correct": int(ok_a.sum()), "b_correct": int(ok_b.sum()),
            "fixed": fixed, "broken": broken, "sign_test_p": round(sign_test_p(fixed, broken), 4)}


def load_evaluation(dirs: str) -> tuple:
    """The scenes and generated images of comma-separated evaluation folders, concatenated in order."""
    parts = [(dict(np.load(Path(d) / "scenes.npz")), np.load(Path(d) / "generated.npy")) for d in dirs.split(",")]
    keys = ("image", "mask", "background", "colour_id", "shape_id")
    scenes = {k: np.concatenate([s[k][:len(g)] for s, g in parts]) for k in keys}
    return scenes, np.concatenate([g for _, g in parts])


def compare(dirs_a: str, dirs_b: str) -> dict:
    """Scene by scene on the scenes both sampled: where one evaluation has more (480 scenes against 240 of
    the same first scene), the first ones of the longer, as many as the shorter has."""
    scenes, gen_a = load_evaluation(dirs_a)
    scenes_b, gen_b = load_evaluation(dirs_b)
    n = min(len(gen_a), len(gen_b))
    scenes, scenes_b = ({k: v[:n] for k, v in s.items()} for s in (scenes, scenes_b))
    gen_a, gen_b = gen_a[:n], gen_b[:n]
    if any(not np.array_equal(scenes[k], scenes_b[k]) for k in scenes):
        sys.exit("compare: the two evaluations are not of the same scenes")
    keep, bg = scenes["mask"], scenes["background"]
    classifier = shape_classifier.load_or_train()

    def verdicts(gen: np.ndarray) -> tuple:
        return (colour_predictions(gen, bg, keep) == scenes["colour_id"],
                shape_classifier.predict(classifier, gen, keep) == scenes["shape_id"])

    (colour_a, shape_a), (colour_b, shape_b) = verdicts(gen_a), verdicts(gen_b)
    return {"a": dirs_a, "b": dirs_b, "colour": paired_counts(colour_a, colour_b), "shape": paired_counts(shape_a, shape_b),
            "seam": paired_seams(seam_scores(gen_a, keep), seam_scores(gen_b, keep))}


def paired_seams(seam_a: np.ndarray, seam_b: np.ndarray) -> dict:
    """Per-scene seam scores of A and B (lower is better): medians, the median of B - A, in how many
    scenes B's seam is better and worse, and the sign test's p."""
    better, worse = int((seam_b < seam_a).sum()), int((seam_b > seam_a).sum())
    return {"a_median": round(float(np.median(seam_a)), 4), "b_median": round(float(np.median(seam_b)), 4),
            "median_difference": round(float(np.median(seam_b - seam_a)), 4),
            "b_better": better, "b_worse": worse, "sign_test_p": round(sign_test_p(better, worse), 4)}


def main(argv: list) -> None:
    if argv[:1] == ["scenes"] and len(argv) in (3, 4):
        b = dataset.heldout_batch(int(argv[2]), first=int(argv[3]) if len(argv) == 4 else 0)
        np.savez(argv[1], image=b["image"], mask=b["mask"], background=b["background"],
                 colour_id=b["colour_id"], shape_id=b["shape_id"], size_id=b["size_id"], caption=np.array(b["caption"]))
        print(f"{len(b['caption'])} held-out scenes written to {argv[1]}")
    elif argv[:1] == ["score"] and len(argv) == 5:
        results = score(Path(argv[1]), Path(argv[2]), Path(argv[3]), Path(argv[4]))
        print(json.dumps(results, indent=2))
    elif argv[:1] == ["compare"] and len(argv) == 3:
        print(json.dumps(compare(argv[1], argv[2]), indent=2))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
