"""GLIDE's text-conditional inpainting model: the text transformer feeding a UNet.

The model is split the way the app runs it: `encode_text` once per edit, `denoise` once per sampling
step. `forward` composes the two, with the same inputs as OpenAI's reference model.
"""
from __future__ import annotations

from typing import Dict, Optional, Tuple, Union

import torch
import torch.nn.functional as F
from torch import nn

from .options import ModelOptions
from .schedule import alphas_cumprod
from .text_transformer import LayerNorm, Transformer
from .unet import UNet, timestep_embedding

GPT2_VOCAB_SIZE = 50257


class GlideInpaint(UNet):
    """Base (64 px) inpainting model, or the upsampler when `options.super_res` is set."""

    def __init__(self, options: ModelOptions):
        o = options
        super().__init__(
            in_channels=o.in_channels, model_channels=o.num_channels, out_channels=6,
            num_res_blocks=o.num_res_blocks, attention_rates=o.attention_downsample_rates(),
            channel_mult=o.channel_multipliers(), dropout=o.dropout, num_heads=o.num_heads,
            num_head_channels=o.num_head_channels, num_heads_upsample=o.num_heads_upsample,
            scale_shift=o.use_scale_shift_norm, resblock_updown=o.resblock_updown,
            encoder_channels=o.xf_width)
        self.options = o
        self.transformer = Transformer(o.xf_width, o.xf_layers, o.xf_heads)
        self.final_ln = LayerNorm(o.xf_width) if o.xf_final_ln else None
        self.token_embedding = nn.Embedding(GPT2_VOCAB_SIZE, o.xf_width)
        self.positional_embedding = nn.Parameter(torch.empty(o.text_ctx, o.xf_width))
        self.transformer_proj = nn.Linear(o.xf_width, o.num_channels * 4)
        self.padding_embedding = nn.Parameter(torch.empty(o.text_ctx, o.xf_width)) if o.xf_padding else None
        if o.prediction == "v":
            # Constants of the schedule, not weights: outside the state dict, which stays OpenAI's layout.
            ac = torch.tensor(alphas_cumprod(o.noise_schedule, o.diffusion_steps), dtype=torch.float64)
            self.register_buffer("sqrt_alphas_cumprod", ac.sqrt().float(), persistent=False)
            self.register_buffer("sqrt_one_minus_alphas_cumprod", (1 - ac).sqrt().float(), persistent=False)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Initialisation for training from scratch: the layers that end a residual branch start at zero."""
        nn.init.normal_(self.positional_embedding, std=0.01)
        if self.padding_embedding is not None:
            nn.init.normal_(self.padding_embedding, std=0.01)
        for name, module in self.named_modules():
            if name.endswith(("out_layers.3", "proj_out")) or name == "out.2":
                nn.init.zeros_(module.weight)
                nn.init.zeros_(module.bias)

    def encode_text(self, tokens: torch.Tensor, mask: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """tokens int64 [N, ctx], mask bool [N, ctx] -> xf_proj [N, 4*channels], xf_out [N, width, ctx]."""
        xf_in = self.token_embedding(tokens.long()) + self.positional_embedding[None]
        if self.padding_embedding is not None:
            xf_in = torch.where(mask[..., None].bool(), xf_in, self.padding_embedding[None])
        xf_out = self.transformer(xf_in)
        if self.final_ln is not None:
            xf_out = self.final_ln(xf_out)
        xf_proj = self.transformer_proj(xf_out[:, -1])
        return xf_proj, xf_out.permute(0, 2, 1)

    def denoise(self, x: torch.Tensor, timesteps: torch.Tensor, xf_proj: torch.Tensor, xf_out: torch.Tensor,
                inpaint_image: torch.Tensor, inpaint_mask: torch.Tensor,
                low_res: Optional[torch.Tensor] = None) -> torch.Tensor:
        """One denoiser call -> [N, 6, H, W]: predicted noise, then the learned variance value.

        inpaint_mask is 1 where pixels are kept and 0 where they are generated.
        """
        parts = [x, inpaint_image * inpaint_mask, inpaint_mask]
        if self.options.super_res:
            if low_res is None:
                raise ValueError("the upsampler needs low_res")
            parts.append(F.interpolate(low_res, size=x.shape[-2:], mode="bilinear", align_corners=False))
        emb = self.time_embed(timestep_embedding(timesteps, self.model_channels)) + xf_proj.to(x.dtype)
        out = self.run_unet(torch.cat(parts, dim=1), emb, xf_out)
        if self.options.prediction == "v":
            out = torch.cat([self.noise_from_v(x, timesteps, out[:, :3]), out[:, 3:]], dim=1)
        return out

    def noise_from_v(self, x: torch.Tensor, timesteps: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        """eps = sqrt(1 - alpha_bar) x_t + sqrt(alpha_bar) v. Where the noise is nearly all of x_t (t > 600),
        predicting eps asks the network to copy x_t to a precision that the division by sqrt(alpha_bar)
        then magnifies into x0 (x16 at t = 960); predicting v asks for x0 itself there."""
        t = timesteps.long()
        a = self.sqrt_alphas_cumprod[t][:, None, None, None]
        b = self.sqrt_one_minus_alphas_cumprod[t][:, None, None, None]
        return b * x + a * v

    def forward(self, x: torch.Tensor, timesteps: torch.Tensor, tokens: torch.Tensor, mask: torch.Tensor,
                inpaint_image: torch.Tensor, inpaint_mask: torch.Tensor,
                low_res: Optional[torch.Tensor] = None) -> torch.Tensor:
        xf_proj, xf_out = self.encode_text(tokens, mask)
        return self.denoise(x, timesteps, xf_proj, xf_out, inpaint_image, inpaint_mask, low_res)


def create_model(options: Union[ModelOptions, Dict]) -> GlideInpaint:
    if isinstance(options, dict):
        options = ModelOptions.from_dict(options)
    if not options.inpaint:
        raise ValueError("only inpainting models are supported (options.inpaint must be true)")
    return GlideInpaint(options)
