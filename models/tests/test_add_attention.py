"""add_attention: a trained model grows attention blocks and still computes the same thing."""
import pytest
import torch

from models.glide import ModelOptions, create_model
from models.glide.add_attention import add_attention

SMALL = dict(image_size=32, num_channels=32, num_res_blocks=1, channel_mult="1,2,2", attention_resolutions="8",
             num_head_channels=32, text_ctx=8, xf_width=32, xf_layers=1, xf_heads=2, xf_final_ln=True,
             xf_padding=True, inpaint=True)


def trained_like(options: dict) -> torch.nn.Module:
    """A model whose every weight is non-zero, as after training (fresh residual branches are zero)."""
    model = create_model(ModelOptions.from_dict(options)).eval()
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.05)
    return model


def inputs(n: int = 2, size: int = 32, ctx: int = 8):
    g = torch.Generator().manual_seed(1)
    x = torch.randn(n, 3, size, size, generator=g)
    keep = (torch.rand(n, 1, size, size, generator=g) > 0.5).float()
    tokens = torch.randint(0, 50000, (n, ctx), generator=g)
    return x, torch.tensor([10, 900]), tokens, torch.ones(n, ctx, dtype=torch.bool), x * keep, keep


def test_grown_model_computes_the_same_and_its_new_blocks_can_learn():
    model = trained_like(SMALL)
    grown = add_attention(model, "16,8").eval()
    assert grown.options.attention_resolutions == "16,8"
    n_old = sum(p.numel() for p in model.parameters())
    assert sum(p.numel() for p in grown.parameters()) > n_old
    # The 16 px upsampling block's upsampler moved from index 1 to 2, behind its new attention block.
    assert "output_blocks.3.2.in_layers.0.weight" in grown.state_dict()
    assert torch.equal(grown.state_dict()["output_blocks.3.2.in_layers.0.weight"],
                       model.state_dict()["output_blocks.3.1.in_layers.0.weight"])
    with torch.no_grad():
        assert torch.allclose(grown(*inputs()), model(*inputs()), atol=1e-5)
    # The new blocks are not dead: their zero projection gets a gradient.
    grown.train()
    grown(*inputs()).square().mean().backward()
    assert grown.input_blocks[3][1].proj_out.weight.grad.abs().sum() > 0


def test_growth_that_would_drop_attention_is_refused():
    with pytest.raises(ValueError, match="drops"):
        add_attention(trained_like(SMALL), "16")
