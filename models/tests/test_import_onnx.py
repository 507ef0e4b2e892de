"""A bundle's graphs read back into PyTorch (models/glide/import_onnx.py): every weight, bit for bit."""
import json

import numpy as np
import pytest
import torch

from models.glide import create_model
from models.glide.bundle import stage_entry, write_bundle
from models.glide.export_onnx import export_stage, store_weights_as_fp16
from models.glide.import_onnx import load_stage

SMALL = dict(image_size=32, num_channels=32, num_res_blocks=1, channel_mult="1,2", attention_resolutions="8",
             num_head_channels=16, xf_width=32, xf_layers=2, xf_heads=2, text_ctx=8, xf_final_ln=True,
             xf_padding=True, use_scale_shift_norm=True, resblock_updown=True, inpaint=True)


def _random_model(options):
    model = create_model(options).eval()
    with torch.no_grad():  # no zero or one-valued parameters, so a wrong mapping cannot pass by chance
        for p in model.parameters():
            p.copy_(torch.randn(p.shape) * 0.05)
    return model


def _bundle(tmp_path):
    """A bundle of two small random stages; returns {stage: model}."""
    torch.manual_seed(3)
    models = {"base": _random_model({**SMALL, "super_res": False}),
              "upsampler": _random_model({**SMALL, "super_res": True, "noise_schedule": "linear"})}
    stages = {}
    for stage, model in models.items():
        graphs = export_stage(model, tmp_path, stage)
        for g in graphs.values():
            store_weights_as_fp16(tmp_path / g)
        stages[stage] = stage_entry(model, graphs)
    write_bundle(tmp_path, name="t", description="t", stages=stages, defaults={"guidanceScale": 3.0},
                 license_={"name": "MIT", "text": "t"}, provenance={})
    return models


def test_bundle_weights_come_back_exactly(tmp_path):
    models = _bundle(tmp_path)
    for stage, original in models.items():
        loaded = load_stage(tmp_path, stage)
        want, got = original.state_dict(), loaded.state_dict()
        assert want.keys() == got.keys()
        for name, value in want.items():
            # Large weights were stored as float16, small ones (biases, norms) as float32.
            expected = value.half().float() if value.numel() >= 1024 else value
            assert torch.equal(got[name], expected), (stage, name)


def test_graph_of_other_options_is_refused(tmp_path):
    _bundle(tmp_path)
    manifest = json.loads((tmp_path / "bundle.json").read_text())
    manifest["stages"]["base"]["modelOptions"]["num_channels"] = 64  # claims a model the graphs do not hold
    (tmp_path / "bundle.json").write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="initialiser|values"):
        load_stage(tmp_path)
