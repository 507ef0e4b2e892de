"""The default model's upsampler: its data (seeded, the shapes the trainer stacks) and its network (runs at
any multiple of 32 px, as the engine asks of a resizable stage)."""
import numpy as np
import torch

from models.glide import create_model
from models.glide.unet import norm_groups
from models.train import upsampler_data
from models.train.train_upsampler import SIZE_MULTIPLE, UPSAMPLER_MODEL


def test_samples_are_seeded_and_shaped():
    a = upsampler_data.make_sample(123, scale=4)
    b = upsampler_data.make_sample(123, scale=4)
    assert np.array_equal(a["image"], b["image"]) and np.array_equal(a["low_res"], b["low_res"])
    p = upsampler_data.PATCH
    assert a["image"].shape == (3, p, p) and a["low_res"].shape == (3, p // 4, p // 4) and a["mask"].shape == (1, p, p)
    assert a["image"].min() >= -1 and a["image"].max() <= 1


def test_a_batch_shares_one_scale_factor():
    batch = upsampler_data.sample_batch(np.random.default_rng(5), 3)
    s = batch["scale"]
    assert s in upsampler_data.SCALE_FACTORS
    assert batch["low_res"].shape[-1] == upsampler_data.PATCH // s


def test_narrow_layers_get_group_norm_groups():
    assert norm_groups(64) == 32 and norm_groups(8) == 4 and norm_groups(16) == 8


def test_the_network_runs_at_other_multiples_of_its_size_step():
    torch.manual_seed(0)
    model = create_model(UPSAMPLER_MODEL).eval()
    tokens = torch.zeros(1, 32, dtype=torch.long)
    mask = torch.ones(1, 32, dtype=torch.bool)
    with torch.no_grad():
        for size in (SIZE_MULTIPLE * 2, SIZE_MULTIPLE * 5):
            x = torch.randn(1, 3, size, size)
            out = model(x, torch.tensor([300]), tokens, mask, x, torch.ones(1, 1, size, size), torch.randn(1, 3, size // 4, size // 4))
            assert out.shape == (1, 6, size, size)


def test_the_exporter_writes_the_shipped_defaults_and_keeps_ddim_recipes_sampling():
    import json
    from pathlib import Path

    from models.train.export_upsampler import DDIM_UPSAMPLER, bundle_defaults

    shipped = json.loads((Path(__file__).resolve().parents[1] / "default" / "bundle.json").read_text())["defaults"]
    # Exporting over a bundle made before the upsampler's sampling changed gives today's defaults.
    before = {**shipped, "upsamplerRespacing": "ddim5", "upsamplerStart": 500,
              "upsamplerSampler": {"sampler": "ddim", "eta": 0.5},
              "samplers": {"ddim": {"baseRespacing": "ddim25", "eta": 0.5, "fillPatches": False}}}
    assert bundle_defaults(before, {}) == shipped
    assert bundle_defaults(shipped, {}) == shipped
    assert bundle_defaults(shipped, {"upsamplerRespacing": "logsnr4"})["samplers"]["ddim"]["upsamplerRespacing"] == "ddim5"
    assert {k: shipped["samplers"]["ddim"][k] for k in DDIM_UPSAMPLER} == DDIM_UPSAMPLER
