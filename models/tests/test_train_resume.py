"""train.py --init-from-bundle: a run whose checkpoint is lost goes on from the shipped bundle's weights."""
import json
import subprocess
import sys
from pathlib import Path

import torch

from models.glide import create_model
from models.glide.add_attention import add_attention, carried_names
from models.glide.bundle import stage_entry, write_bundle
from models.glide.export_onnx import export_stage
from models.glide.import_onnx import load_stage
from models.train.train import DEFAULT_MODEL

REPO = Path(__file__).resolve().parents[2]


def test_run_starts_from_the_default_bundle(tmp_path):
    bundle = REPO / "models" / "default"
    trained = json.loads((bundle / "bundle.json").read_text())["provenance"]["training"]
    run = tmp_path / "run"
    cmd = [sys.executable, "-m", "models.train.train", "--run", str(run), "--init-from-bundle", str(bundle),
           "--batch", "2", "--threads", "1", "--max-steps", str(trained["steps"] + 1)]
    subprocess.run(cmd, cwd=REPO, check=True, capture_output=True)
    state = torch.load(run / "checkpoint.pt")
    assert state["step"] == trained["steps"] + 1  # the step count carries on
    assert state["warmup_from"] == trained["steps"]  # a fresh optimiser warms up again
    origin = json.loads((run / "origin.json").read_text())
    assert origin["training"]["objectivePhases"] == trained["objectivePhases"]
    # One step with the EMA at 0.995 moves the EMA weights by at most 0.5% of the step: still the bundle's.
    shipped_model = load_stage(bundle)
    assert origin["attentionResolutions"] == shipped_model.options.attention_resolutions
    carried = set(shipped_model.state_dict())
    if shipped_model.options.attention_resolutions != DEFAULT_MODEL["attention_resolutions"]:
        grown = add_attention(shipped_model, DEFAULT_MODEL["attention_resolutions"])  # as train.py grows it
        carried = set(carried_names(shipped_model, grown).values())
        shipped_model = grown
    shipped = shipped_model.state_dict()
    for name in carried:
        value = state["ema"][name]
        assert torch.allclose(value, shipped[name], atol=1e-3), name
    assert any(not torch.equal(v, shipped[k]) for k, v in state["model"].items())  # and it did train


def test_a_bundle_that_predicts_the_noise_seeds_a_v_run(tmp_path):
    """Models that predicted eps (the default model until step 13,836) go on predicting v from their weights."""
    shipped = load_stage(REPO / "models" / "default")
    trained = json.loads((REPO / "models" / "default" / "bundle.json").read_text())["provenance"]["training"]
    eps_model = create_model({**shipped.options.to_dict(), "prediction": "eps"}).eval()
    eps_model.load_state_dict(shipped.state_dict())
    bundle = tmp_path / "eps-bundle"
    graphs = export_stage(eps_model, bundle, "base")
    write_bundle(bundle, name="eps", description="eps", stages={"base": stage_entry(eps_model, graphs)},
                 defaults={}, license_={"name": "MIT", "text": ""}, provenance={"training": trained})
    run = tmp_path / "run"
    cmd = [sys.executable, "-m", "models.train.train", "--run", str(run), "--init-from-bundle", str(bundle),
           "--batch", "2", "--threads", "1", "--max-steps", str(trained["steps"] + 1)]
    done = subprocess.run(cmd, cwd=REPO, check=True, capture_output=True, text=True)
    assert "the output now predicts v, not eps" in done.stdout
    assert json.loads((run / "origin.json").read_text())["prediction"] == "eps"
    state = torch.load(run / "checkpoint.pt")
    assert state["options"]["prediction"] == DEFAULT_MODEL["prediction"] == "v"
    for name, value in eps_model.state_dict().items():
        assert torch.allclose(state["ema"][name], value, atol=1e-3), name
