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

# Sampling settings: DPM-Solver++(2M) (main/engine/sampler.ts) in place of the notebook's DDPM (100 base steps,
# "fast27" upsampler steps: 5-6 minutes an edit on a 2-core CPU). Its authors (Lu et al. 2022, arXiv 2211.01095)
# find it converged in 15-20 steps for guided sampling at large guidance scales (classifier guidance 8 on
# ImageNet 256); GLIDE's guidance 5 is moderate, and on our own GLIDE (guidance 4) held-out adherence is the same
# at 8 and 10 steps as DDIM's 25 (models/README.md, Samplers). A whole edit must take <= 90 s on 2 cores, and an
# upsampler step at 256 px costs about 3 base steps (9.07 / 3.06 s), so the base gets 10 steps
# ("trailing10": t = 999 down to 99, uniform in time, as the authors advise for guided sampling) and the
# unguided upsampler, for which the solver needs fewer steps (about 10 unguided, arXiv 2206.00927; a
# super-resolution model is steered by its low-res input), 5 steps uniform in log-SNR for its linear schedule
# ("logsnr5"). The random-weight official-size bundle at these settings: 76.5 s for the whole edit on this
# 2-core machine while quiet (base step 3.06 s, upsampler step 9.07 s; 15 base steps would take about 92 s).
# "samplers": the notebook's own settings (DDPM, "100" base steps, "fast27" upsampler steps), which DDPM and DDIM
# keep, so recipes recorded with them replay as they ran.
NOTEBOOK = {"baseRespacing": "100", "upsamplerRespacing": "fast27"}
DEFAULTS = {"guidanceScale": 5.0, "sampler": "dpmpp2m", "eta": 0.0, "baseRespacing": "trailing10",
            "upsamplerRespacing": "logsnr5", "upsamplerTemperature": 0.997,
            "samplers": {"ddpm": dict(NOTEBOOK), "ddim": dict(NOTEBOOK)}}

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
