"""Our GLIDE against OpenAI's: checkpoint layout, and outputs of the tiny reference models."""
import contextlib
import functools
import json

import numpy as np
import pytest
import torch
from torch import nn

from models.glide import ModelOptions, create_model
from models.glide.export_tiny import load_reference_model


@contextlib.contextmanager
def layers_on_meta_device():
    """torch's layers (torch 1.13 has no default-device switch) get device='meta' unless told otherwise."""
    layers = [nn.Linear, nn.Conv1d, nn.Conv2d, nn.Embedding, nn.LayerNorm, nn.GroupNorm]
    originals = {cls: cls.__init__ for cls in layers}

    def on_meta(init):
        @functools.wraps(init)
        def init_on_meta(self, *args, **kwargs):
            kwargs.setdefault("device", "meta")
            init(self, *args, **kwargs)
        return init_on_meta

    try:
        for cls, init in originals.items():
            cls.__init__ = on_meta(init)
        yield
    finally:
        for cls, init in originals.items():
            cls.__init__ = init


@pytest.mark.parametrize("name", ["official-base-inpaint", "official-upsample-inpaint"])
def test_state_dict_matches_official_checkpoint(reference, name):
    spec = json.loads((reference / f"{name}-keys.json").read_text())
    # Shapes only: the layers are built on the meta device (no memory, no random init), so the 385M-
    # parameter base model takes a second instead of minutes of initialisation.
    with layers_on_meta_device():
        model = create_model(spec["options"])
    ours = [(k, list(v.shape)) for k, v in model.state_dict().items()]
    theirs = [(k, list(v)) for k, v in spec["state_dict"].items()]
    assert sorted(ours) == sorted(theirs)
    assert sum(p.numel() for p in model.parameters()) == spec["n_params"]


@pytest.mark.parametrize("name", ["tiny-base-inpaint", "tiny-upsample-inpaint"])
def test_tiny_models_reproduce_reference_outputs(reference, name):
    model = load_reference_model(reference, name)
    io = np.load(reference / f"{name}-io.npz")
    t = {k: torch.from_numpy(io[k]) for k in io.files}
    with torch.no_grad():
        xf_proj, xf_out = model.encode_text(t["tokens"], t["mask"])
        out = model(t["x"], t["timesteps"], t["tokens"], t["mask"], t["inpaint_image"], t["inpaint_mask"],
                    t.get("low_res"))
    for key, ours in [("xf_proj", xf_proj), ("xf_out", xf_out), ("out", out)]:
        diff = np.abs(ours.numpy() - io[key]).max()
        print(f"{name} {key}: max abs diff {diff:.2e}")
        assert diff <= 1e-4, (key, diff)


def test_other_configurations_build_and_run():
    """The implementation is general: other sizes, multipliers, heads and text settings work too."""
    configs = [
        dict(image_size=32, num_channels=32, num_res_blocks=2, channel_mult="1,2", attention_resolutions="8",
             num_head_channels=-1, num_heads=2, xf_width=48, xf_layers=1, xf_heads=3, text_ctx=16,
             xf_final_ln=False, xf_padding=False),
        dict(image_size=64, num_channels=32, num_res_blocks=1, channel_mult="1,1,2", attention_resolutions="",
             num_head_channels=16, xf_width=32, xf_layers=2, xf_heads=2, text_ctx=8, super_res=True,
             noise_schedule="linear"),
    ]
    for cfg in configs:
        o = ModelOptions.from_dict(cfg)
        model = create_model(o).eval()
        n, s = 2, o.image_size
        tokens = torch.randint(0, 50257, (n, o.text_ctx))
        mask = torch.ones(n, o.text_ctx, dtype=torch.bool)
        low_res = torch.randn(n, 3, s // 4, s // 4) if o.super_res else None
        out = model(torch.randn(n, 3, s, s), torch.tensor([3, 999]), tokens, mask, torch.randn(n, 3, s, s),
                    torch.ones(n, 1, s, s), low_res)
        assert out.shape == (n, 6, s, s)
        assert torch.isfinite(out).all()


def test_unknown_options_are_rejected():
    with pytest.raises(ValueError, match="unknown model options"):
        ModelOptions.from_dict({"image_size": 64, "not_an_option": 1})


def test_fresh_model_starts_from_zero_residuals():
    """Training from scratch starts at the identity: the output conv is zero, so the first output is 0."""
    o = ModelOptions(image_size=32, num_channels=32, num_res_blocks=1, channel_mult="1,2", attention_resolutions="16",
                     num_head_channels=16, xf_width=32, xf_layers=1, xf_heads=2, text_ctx=8)
    model = create_model(o)
    out = model(torch.randn(1, 3, 32, 32), torch.tensor([10]), torch.zeros(1, 8, dtype=torch.long),
                torch.ones(1, 8, dtype=torch.bool), torch.zeros(1, 3, 32, 32), torch.ones(1, 1, 32, 32))
    assert torch.count_nonzero(out) == 0
