"""The evaluation's measures, on held-out scenes whose answers are known."""
import numpy as np
import pytest
import torch

from models.train import dataset, evaluate, shape_classifier


@pytest.fixture(scope="module")
def b():
    return dataset.heldout_batch(40)


def test_colour_of_the_true_scene_is_the_prompts_and_of_the_background_is_not(b):
    predicted = evaluate.colour_predictions(b["image"], b["background"], b["mask"])
    assert (predicted == b["colour_id"]).mean() >= 0.95
    # The background itself gains no pixels of any colour: argmax falls on colour 0 for every scene.
    unchanged = evaluate.colour_predictions(b["background"], b["background"], b["mask"])
    assert (unchanged == b["colour_id"]).mean() <= 0.2


def test_drawn_colour_names_what_was_drawn_and_ignores_a_refill_that_drifted(b):
    assert (evaluate.drawn_colour_predictions(b["image"], b["background"], b["mask"]) == b["colour_id"]).mean() >= 0.95
    assert (evaluate.drawn_colour_predictions(b["background"], b["background"], b["mask"]) == -1).all()
    # The object repainted in the next named colour: the drawn colour follows the paint.
    k = len(dataset.COLOUR_NAMES)
    other = (b["colour_id"] + 1) % k
    rgb = np.array([dataset.COLOURS[dataset.COLOUR_NAMES[c]] for c in other], np.float32)[:, :, None, None] / 127.5 - 1
    obj = np.abs(b["image"] - b["background"]).sum(axis=1, keepdims=True) > 1e-3
    repainted = np.where(obj, rgb, b["image"])
    assert (evaluate.drawn_colour_predictions(repainted, b["background"], b["mask"]) == other).mean() >= 0.9
    # The hole's background shifted by 20 levels: colour_predictions may call that a colour, this does not.
    hole = b["mask"] < 0.5
    drifted = np.clip(np.where(hole & ~obj, b["background"] + 40 / 255, b["image"]), -1, 1)
    assert (evaluate.drawn_colour_predictions(drifted, b["background"], b["mask"]) == b["colour_id"]).mean() >= 0.95


def test_seam_score_is_about_one_for_true_scenes_and_large_for_a_hole_of_flat_grey(b):
    true = np.median(evaluate.seam_scores(b["image"], b["mask"]))
    grey = b["image"] * b["mask"]  # the hole filled with 0 (mid grey)
    pasted = np.median(evaluate.seam_scores(grey, b["mask"]))
    assert 0.5 < true < 1.6
    assert pasted > 2 * true


def test_shape_confusion_counts_each_prompted_shape_by_verdict():
    true = np.array([0, 0, 5, 5, 5, 3])
    predicted = np.array([0, 0, 0, 0, 5, 6])
    c = evaluate.shape_confusion(true, predicted)
    assert list(c) == dataset.SHAPES
    assert c["circle"] == {"circle": 2}
    assert c["heart"] == {"circle": 2, "heart": 1}
    assert c["star"] == {"cross": 1}
    assert c["square"] == {}


def test_sign_test_matches_the_binomial_tail():
    assert evaluate.sign_test_p(0, 0) == 1.0
    assert evaluate.sign_test_p(5, 5) == 1.0
    assert evaluate.sign_test_p(6, 0) == pytest.approx(2 / 64)
    assert evaluate.sign_test_p(0, 6) == pytest.approx(2 / 64)
    assert evaluate.sign_test_p(10, 2) == pytest.approx(2 * (1 + 12 + 66) / 4096)


def test_paired_counts_count_what_b_fixes_and_breaks():
    a = np.array([True, True, False, False, True])
    b = np.array([True, False, True, True, True])
    c = evaluate.paired_counts(a, b)
    assert (c["a_correct"], c["b_correct"], c["fixed"], c["broken"]) == (3, 4, 2, 1)
    assert c["sign_test_p"] == 1.0


def test_compare_pools_folders_and_refuses_different_scenes(tmp_path, b, monkeypatch):
    # Shape verdicts need only some classifier: an untrained one spares training the real one (600 steps,
    # minutes of CPU; hours of wall on a busy machine) in a checkout without .work/shape-classifier.pt.
    torch.manual_seed(0)
    monkeypatch.setattr(shape_classifier, "load_or_train", lambda: shape_classifier.ShapeClassifier().eval())
    n = 4  # scenes 8, 16, 24, 32: colours 1-4, so "nothing drawn" (colour 0 wins) misses them all
    scenes = {k: b[k][8::8][:n] for k in ("image", "mask", "background", "colour_id", "shape_id")}
    for name, first in (("x", 0), ("y", 2)):
        d = tmp_path / name
        d.mkdir()
        np.savez(d / "scenes.npz", **{k: v[first:first + 2] for k, v in scenes.items()})
        np.save(d / "generated.npy", scenes["image"][first:first + 2])  # A: the true scenes
        d = tmp_path / (name + "-bg")
        d.mkdir()
        np.savez(d / "scenes.npz", **{k: v[first:first + 2] for k, v in scenes.items()})
        np.save(d / "generated.npy", scenes["background"][first:first + 2])  # B: nothing drawn
    r = evaluate.compare(f"{tmp_path / 'x'},{tmp_path / 'y'}", f"{tmp_path / 'x-bg'},{tmp_path / 'y-bg'}")
    assert r["seam"]["b_worse"] + r["seam"]["b_better"] <= n
    assert r["colour"]["scenes"] == n and r["colour"]["a_correct"] == n
    assert (r["colour"]["broken"], r["colour"]["fixed"]) == (n, 0)
    assert r["shape"]["scenes"] == n
    # A longer evaluation against a shorter one of the same first scenes: the scenes both sampled.
    r = evaluate.compare(f"{tmp_path / 'x'},{tmp_path / 'y'}", str(tmp_path / "x-bg"))
    assert r["colour"]["scenes"] == 2 and (r["colour"]["broken"], r["colour"]["fixed"]) == (2, 0)
    with pytest.raises(SystemExit):
        evaluate.compare(str(tmp_path / "x"), str(tmp_path / "y-bg"))


def test_paired_seams_count_scenes_whose_seam_b_improves_or_worsens():
    a = np.array([1.0, 1.2, 0.9, 1.5, 1.1])
    b = np.array([0.8, 1.3, 0.9, 1.0, 1.0])
    s = evaluate.paired_seams(a, b)
    assert (s["b_better"], s["b_worse"]) == (3, 1)
    assert s["a_median"] == 1.1 and s["b_median"] == 1.0
    assert s["median_difference"] == pytest.approx(-0.1)
    assert s["sign_test_p"] == pytest.approx(evaluate.sign_test_p(3, 1))
