"""prediction = "v": the UNet predicts v and denoise hands out the noise, so graphs and engine are unchanged."""
import pytest
import torch

from models.glide import ModelOptions, create_model
from models.glide.schedule import alphas_cumprod

SMALL = dict(image_size=32, num_channels=32, num_res_blocks=1, channel_mult="1,2", attention_resolutions="8",
             num_head_channels=32, text_ctx=8, xf_width=32, xf_layers=1, xf_heads=2, inpaint=True)


def twins():
    """A v model and an eps model with the same non-zero weights."""
    v = create_model({**SMALL, "prediction": "v"}).eval()
    eps = create_model(SMALL).eval()
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for p in v.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.05)
    eps.load_state_dict(v.state_dict())  # same layout: the schedule's constants are not in the state dict
    return v, eps


def inputs(t):
    g = torch.Generator().manual_seed(1)
    x = torch.randn(len(t), 3, 32, 32, generator=g)
    keep = (torch.rand(len(t), 1, 32, 32, generator=g) > 0.5).float()
    tokens = torch.randint(0, 50000, (len(t), 8), generator=g)
    return x, torch.tensor(t), tokens, torch.ones(len(t), 8, dtype=torch.bool), x * keep, keep


def test_v_model_keeps_the_official_state_dict_layout():
    v, eps = twins()
    assert list(v.state_dict()) == list(eps.state_dict())


def test_denoise_turns_v_into_the_noise():
    v, eps = twins()
    args = inputs([0, 500, 960, 999])
    with torch.no_grad():
        out_v, raw = v(*args), eps(*args)  # the eps twin's output is the v model's raw UNet output
    ac = torch.tensor(alphas_cumprod("squaredcos_cap_v2", 1000), dtype=torch.float32)[args[1]][:, None, None, None]
    expected = (1 - ac).sqrt() * args[0] + ac.sqrt() * raw[:, :3]
    assert torch.allclose(out_v[:, :3], expected, atol=1e-5)
    assert torch.equal(out_v[:, 3:], raw[:, 3:])  # the learned variance passes through


def test_the_true_v_gives_back_x0_even_where_noise_swamps_it():
    """The point of v: at t = 960 an eps model's x0 is its noise error x16; v's error reaches x0 at most x1."""
    v, _ = twins()
    t = torch.tensor([960, 960])
    ac = torch.tensor(alphas_cumprod("squaredcos_cap_v2", 1000), dtype=torch.float32)[t][:, None, None, None]
    g = torch.Generator().manual_seed(2)
    x0, noise = torch.rand(2, 3, 32, 32, generator=g) * 2 - 1, torch.randn(2, 3, 32, 32, generator=g)
    x_t = ac.sqrt() * x0 + (1 - ac).sqrt() * noise
    true_v = ac.sqrt() * noise - (1 - ac).sqrt() * x0
    err = 0.01
    eps_from_v = v.noise_from_v(x_t, t, true_v + err)
    x0_from_v = (x_t - (1 - ac).sqrt() * eps_from_v) / ac.sqrt()
    x0_from_eps = (x_t - (1 - ac).sqrt() * (noise + err)) / ac.sqrt()
    assert torch.allclose(v.noise_from_v(x_t, t, true_v), noise, atol=1e-5)
    assert (x0_from_v - x0).abs().max() <= 1.01 * err
    assert (x0_from_eps - x0).abs().max() >= 10 * err


def test_unknown_prediction_is_refused():
    with pytest.raises(ValueError, match="prediction"):
        ModelOptions.from_dict({**SMALL, "prediction": "x0"})
