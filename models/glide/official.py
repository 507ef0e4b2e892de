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

LICENSE = {
    "name": "MIT (glide-text2im code and released weights)",
    "text": (
        "The weights are OpenAI's GLIDE (filtered) inpainting models, released with openai/glide-text2im "
        "under the MIT licence (Copyright (c) 2021 OpenAI). OpenAI's model card says the filtered models "
        "were trained on a data set filtered to remove people, violent and hateful imagery; they are meant "
        "for research and are not intended for commercial-grade photorealistic or factual images, and they "
        "can reproduce biases of their training data. See the model card in openai/glide-text2im."
    ),
}
