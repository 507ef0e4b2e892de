"""Model options, in the same vocabulary as OpenAI's checkpoints so their option dicts load unchanged."""
from __future__ import annotations

from dataclasses import dataclass, fields, asdict
from typing import Any, Dict, Tuple

# GLIDE's channel multipliers when none are given, by image size.
DEFAULT_CHANNEL_MULT = {256: (1, 1, 2, 2, 4, 4), 128: (1, 1, 2, 3, 4), 64: (1, 2, 3, 4), 32: (1, 2, 2)}

PREDICTIONS = ("eps", "v")


@dataclass
class ModelOptions:
    image_size: int = 64
    num_channels: int = 192
    num_res_blocks: int = 3
    channel_mult: str = ""  # "1,2,3,4" or "" for the size's default
    num_heads: int = 1
    num_head_channels: int = 64
    num_heads_upsample: int = -1
    attention_resolutions: str = "32,16,8"  # feature-map sizes in pixels that get attention
    dropout: float = 0.0
    text_ctx: int = 128
    xf_width: int = 512
    xf_layers: int = 16
    xf_heads: int = 8
    xf_final_ln: bool = True
    xf_padding: bool = True
    diffusion_steps: int = 1000
    noise_schedule: str = "squaredcos_cap_v2"
    timestep_respacing: str = ""
    use_scale_shift_norm: bool = True
    resblock_updown: bool = True
    use_fp16: bool = False
    cache_text_emb: bool = False
    inpaint: bool = True
    super_res: bool = False
    # What the UNet's first three output channels predict. OpenAI's models predict the noise ("eps"). Ours
    # predict v = sqrt(alpha_bar) eps - sqrt(1 - alpha_bar) x0, which `denoise` turns into the noise, so
    # graphs and engine see the same output either way. Not an OpenAI option: their dicts leave it out.
    prediction: str = "eps"

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> "ModelOptions":
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown model options: {sorted(unknown)}")
        options = cls(**d)
        if options.prediction not in PREDICTIONS:
            raise ValueError(f"prediction must be one of {PREDICTIONS}, not {options.prediction!r}")
        return options

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)

    def channel_multipliers(self) -> Tuple[int, ...]:
        if self.channel_mult:
            return tuple(int(m) for m in self.channel_mult.split(","))
        if self.image_size not in DEFAULT_CHANNEL_MULT:
            raise ValueError(f"no default channel_mult for image_size {self.image_size}; give one")
        return DEFAULT_CHANNEL_MULT[self.image_size]

    def attention_downsample_rates(self) -> Tuple[int, ...]:
        """The UNet addresses resolutions by downsample rate (1, 2, 4, ...), the options by pixel size."""
        if not self.attention_resolutions:
            return ()
        return tuple(self.image_size // int(r) for r in self.attention_resolutions.split(","))

    @property
    def in_channels(self) -> int:
        # noisy image + masked image + mask (+ upsampled low-res image for the super-resolution stage)
        return 3 * 3 + 1 if self.super_res else 3 * 2 + 1
