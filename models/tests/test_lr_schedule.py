"""train.py's learning-rate schedule (warm-up, constant, an optional linear cool-down) and how
export_default records it."""
import json

import pytest

from models.train.export_default import objective_phases, trained_log
from models.train.training_run import COOLDOWN_FLOOR, lr_factor


def test_warm_up_then_constant():
    assert lr_factor(0, 0) == pytest.approx(0.01)
    assert lr_factor(49, 0) == pytest.approx(0.5)
    assert lr_factor(99, 0) == 1.0
    assert lr_factor(5000, 0) == 1.0
    assert lr_factor(13836, 13836) == pytest.approx(0.01)  # a run seeded from a bundle warms up again


def test_cooldown_falls_linearly_to_its_floor_and_stays():
    cooldown = (1000, 2000)
    assert lr_factor(999, 0, cooldown) == 1.0
    assert lr_factor(1000, 0, cooldown) == 1.0
    assert lr_factor(1500, 0, cooldown) == pytest.approx((1 + COOLDOWN_FLOOR) / 2)
    assert lr_factor(2000, 0, cooldown) == pytest.approx(COOLDOWN_FLOOR)
    assert lr_factor(9000, 0, cooldown) == pytest.approx(COOLDOWN_FLOOR)
    factors = [lr_factor(s, 0, cooldown) for s in range(1000, 2001, 50)]
    assert all(a > b for a, b in zip(factors, factors[1:]))


def test_export_records_the_cooldown_as_its_own_phase(tmp_path):
    base = {"eps_weight_cap": 300.0, "object_weight": 0.0, "text_lr_mult": 5.0, "lr": 3e-4, "attention": "16,8",
            "t_sampler": "gradient-norm", "prediction": "v"}
    lines = [{**base, "step": s} for s in (10, 20, 30)]
    lines += [{**base, "step": 30}]  # a run killed after its last checkpoint retrains step 30
    lines += [{**base, "step": s, "cooldown": [30, 60]} for s in (40, 50, 60, 70)]
    log_path = tmp_path / "log.jsonl"
    log_path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    log = trained_log(log_path, checkpoint_step=60)  # step 70 is not in the checkpoint's weights
    assert [e["step"] for e in log] == [10, 20, 30, 40, 50, 60]
    phases = objective_phases(log)
    assert [(p["fromStep"], p["toStep"]) for p in phases] == [(0, 30), (30, 60)]
    assert "lrCooldown" not in phases[0] and phases[1]["lrCooldown"] == [30, 60]
    assert phases[1]["prediction"] == "v" and phases[1]["lr"] == 3e-4


def test_export_records_a_change_of_no_object_share_as_its_own_phase(tmp_path):
    base = {"eps_weight_cap": 300.0, "object_weight": 0.0, "text_lr_mult": 5.0, "lr": 3e-4, "attention": "16,8",
            "t_sampler": "gradient-norm", "prediction": "v"}
    lines = [{**base, "step": s} for s in (10, 20)]  # written before the knob was logged: the default share
    lines += [{**base, "step": s, "p_no_object": 0.1} for s in (30, 40)]
    lines += [{**base, "step": s, "p_no_object": 0.3} for s in (50, 60)]
    log_path = tmp_path / "log.jsonl"
    log_path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    phases = objective_phases(trained_log(log_path, checkpoint_step=60))
    assert [(p["fromStep"], p["toStep"], p["pNoObject"]) for p in phases] == [(0, 40, 0.1), (40, 60, 0.3)]
