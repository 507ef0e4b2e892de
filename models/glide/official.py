"""OpenAI's official GLIDE (filtered) inpainting checkpoints: where they are, their options, their terms."""
from __future__ import annotations

from typing import Dict

BASE_URL = "https://openaipublic.blob.core.windows.net/diffusion/dec-2021"

CHECKPOINTS: Dict[str, str] = {"base": "base_inpaint.pt", "upsampler": "upsample_inpaint.pt"}

# glide-text2im's model_and_diffusion_defaults() with inpaint=True, and its upsampler variant.
_COMMON = dict(
    num_channels=192, channel_mult="", num_heads=1, num_head_channels=64, num_heads_upsample=-1,
    attention_resolutions="32,16,8", dropout=0.1, text_ctx=128, xf_width=512, xf_layers=16, xf_heads=8,
    xf_final_ln=True, xf_padding=True, diffusion_steps=1000, timestep_respacing="",
    use_scale_shift_norm=True, resblock_updown=True, use_fp16=False, cache_text_emb=False, inpaint=True)
OPTIONS: Dict[str, Dict] = {
    "base": dict(_COMMON, image_size=64, num_res_blocks=3, noise_schedule="squaredcos_cap_v2", super_res=False),
    "upsampler": dict(_COMMON, image_size=256, num_res_blocks=2, noise_schedule="linear", super_res=True),
}

NAME = "GLIDE (filtered) inpainting, OpenAI"
DESCRIPTION = ("OpenAI's official GLIDE (filtered) base-inpaint (64 px) and upsample-inpaint (256 px) models.")
DESCRIPTION_BASE_ONLY = ("OpenAI's official GLIDE (filtered) base-inpaint model (64 px edits, no upsampler).")

# Sampling settings of OpenAI's inpainting notebook.
DEFAULTS = {"guidanceScale": 5.0, "sampler": "ddpm", "eta": 0.0, "baseRespacing": "100",
            "upsamplerRespacing": "fast27", "upsamplerTemperature": 0.997}

# OpenAI's model card for these weights (intended use, limitations); main/host/model-install/official-offer.ts
# paraphrases it for the Models panel.
MODEL_CARD_URL = "https://github.com/openai/glide-text2im/blob/main/model-card.md"

# openai/glide-text2im (the code that publishes and loads these checkpoints) is under the MIT License; its
# model card names no other terms for the weights.
LICENSE = {
    "name": "MIT (openai/glide-text2im)",
    "text": (
        "OpenAI publishes these weights with openai/glide-text2im, which is under the MIT License "
        "(Copyright (c) 2021 OpenAI); its model card names no other terms. The card says GLIDE (filtered) is "
        "released for research, is not currently recommended for commercial use, and is not meant to make "
        "images of people or of the other subjects its training data was filtered for. Model card: "
        + MODEL_CARD_URL
    ),
}
