"""The GLIDE UNet: residual blocks with scale-shift GroupNorm, residual up/down sampling, and attention
blocks whose keys and values also include the projected text tokens.

Module names and nesting follow OpenAI's checkpoints exactly (e.g. `input_blocks.5.0.in_layers.2`), so
their state dicts load unchanged; the `nn.Identity` placeholders keep those indices.
"""
from __future__ import annotations

import math
from typing import List, Optional, Sequence

import torch
import torch.nn.functional as F
from torch import nn


def timestep_embedding(timesteps: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    """Sinusoidal embedding [N, dim]: cosines then sines of the timestep at geometric frequencies."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32) / half)
    args = timesteps[:, None].float() * freqs[None]
    emb = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
    if dim % 2:
        emb = torch.cat([emb, torch.zeros_like(emb[:, :1])], dim=-1)
    return emb


def norm_groups(channels: int) -> int:
    """GLIDE's 32 groups; narrower layers (the default upsampler's 8 channels at full resolution) get the
    largest divisor of their width that leaves at least 2 channels a group."""
    if channels % 32 == 0:
        return 32
    return max(g for g in range(1, min(32, channels // 2) + 1) if channels % g == 0)


class GroupNorm32(nn.GroupNorm):
    """GroupNorm over 32 groups (see norm_groups) in float32, optionally followed by SiLU (fused as in the
    checkpoints)."""

    def __init__(self, channels: int, silu: bool):
        super().__init__(num_groups=norm_groups(channels), num_channels=channels, eps=1e-5)
        self.silu = silu

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = super().forward(x.float()).to(x.dtype)
        return F.silu(y) if self.silu else y


class Upsample(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.interpolate(x, scale_factor=2.0, mode="nearest")


class Downsample(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.avg_pool2d(x, kernel_size=2, stride=2)


class ResBlock(nn.Module):
    """Residual block conditioned on the timestep(+text) embedding; optionally resamples by 2."""

    def __init__(self, channels: int, emb_channels: int, out_channels: int, dropout: float,
                 scale_shift: bool, up: bool = False, down: bool = False):
        super().__init__()
        self.scale_shift = scale_shift
        self.in_layers = nn.Sequential(
            GroupNorm32(channels, silu=True), nn.Identity(), nn.Conv2d(channels, out_channels, 3, padding=1))
        self.resample = Upsample() if up else Downsample() if down else None
        self.emb_layers = nn.Sequential(
            nn.SiLU(), nn.Linear(emb_channels, 2 * out_channels if scale_shift else out_channels))
        self.out_layers = nn.Sequential(
            GroupNorm32(out_channels, silu=not scale_shift),
            nn.SiLU() if scale_shift else nn.Identity(),
            nn.Dropout(p=dropout),
            nn.Conv2d(out_channels, out_channels, 3, padding=1))
        self.skip_connection = (
            nn.Identity() if out_channels == channels else nn.Conv2d(channels, out_channels, 1))

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        if self.resample is not None:
            # Resample after the norm+SiLU and before the conv, and resample the skip path too.
            h = self.in_layers[0](x)
            h = self.in_layers[2](self.resample(h))
            x = self.resample(x)
        else:
            h = self.in_layers(x)
        emb_out = self.emb_layers(emb).to(h.dtype)[:, :, None, None]
        if self.scale_shift:
            scale, shift = emb_out.chunk(2, dim=1)
            h = self.out_layers[0](h) * (1 + scale) + shift
            h = self.out_layers[3](self.out_layers[2](self.out_layers[1](h)))
        else:
            h = self.out_layers(h + emb_out)
        return self.skip_connection(x) + h


class AttentionBlock(nn.Module):
    """Spatial self-attention whose keys/values are prefixed with the text tokens' keys/values."""

    def __init__(self, channels: int, num_heads: int, num_head_channels: int, encoder_channels: Optional[int]):
        super().__init__()
        self.num_heads = num_heads if num_head_channels == -1 else channels // num_head_channels
        if channels % self.num_heads:
            raise ValueError(f"{channels} channels do not split into {self.num_heads} heads")
        self.norm = GroupNorm32(channels, silu=False)
        self.qkv = nn.Conv1d(channels, channels * 3, 1)
        self.encoder_kv = nn.Conv1d(encoder_channels, channels * 2, 1) if encoder_channels else None
        self.proj_out = nn.Conv1d(channels, channels, 1)

    def forward(self, x: torch.Tensor, encoder_out: Optional[torch.Tensor]) -> torch.Tensor:
        b, c, height, width = x.shape
        heads, ch = self.num_heads, c // self.num_heads
        qkv = self.qkv(self.norm(x).reshape(b, c, height * width))
        # Per head, channels are laid out [q | k | v] (and [k | v] for the text).
        q, k, v = qkv.reshape(b * heads, 3 * ch, height * width).split(ch, dim=1)
        if encoder_out is not None and self.encoder_kv is not None:
            ek, ev = self.encoder_kv(encoder_out).reshape(b * heads, 2 * ch, -1).split(ch, dim=1)
            k = torch.cat([ek, k], dim=-1)
            v = torch.cat([ev, v], dim=-1)
        scale = 1.0 / math.sqrt(math.sqrt(ch))
        weight = torch.bmm((q * scale).transpose(1, 2), k * scale)  # [bh, t, s]
        weight = torch.softmax(weight.float(), dim=-1).to(weight.dtype)
        a = torch.bmm(v, weight.transpose(1, 2))  # [bh, ch, t]
        h = self.proj_out(a.reshape(b, c, height * width))
        return x + h.reshape(b, c, height, width)


class TimestepEmbedSequential(nn.Sequential):
    """Routes the embedding to residual blocks and the text to attention blocks."""

    def forward(self, x: torch.Tensor, emb: torch.Tensor, encoder_out: Optional[torch.Tensor] = None):
        for layer in self:
            if isinstance(layer, ResBlock):
                x = layer(x, emb)
            elif isinstance(layer, AttentionBlock):
                x = layer(x, encoder_out)
            else:
                x = layer(x)
        return x


class UNet(nn.Module):
    def __init__(self, in_channels: int, model_channels: int, out_channels: int, num_res_blocks: int,
                 attention_rates: Sequence[int], channel_mult: Sequence[int], dropout: float = 0.0,
                 num_heads: int = 1, num_head_channels: int = -1, num_heads_upsample: int = -1,
                 scale_shift: bool = True, resblock_updown: bool = True,
                 encoder_channels: Optional[int] = None):
        super().__init__()
        self.model_channels = model_channels
        if num_heads_upsample == -1:
            num_heads_upsample = num_heads
        emb_dim = model_channels * 4
        self.time_embed = nn.Sequential(
            nn.Linear(model_channels, emb_dim), nn.SiLU(), nn.Linear(emb_dim, emb_dim))

        def res(ch_in: int, ch_out: int, up: bool = False, down: bool = False) -> ResBlock:
            return ResBlock(ch_in, emb_dim, ch_out, dropout, scale_shift, up=up, down=down)

        def attn(ch: int, heads: int) -> AttentionBlock:
            return AttentionBlock(ch, heads, num_head_channels, encoder_channels)

        def resample(ch: int, up: bool) -> nn.Module:
            if resblock_updown:
                return res(ch, ch, up=up, down=not up)
            raise NotImplementedError("only residual-block resampling (resblock_updown=True) is supported")

        ch = input_ch = int(channel_mult[0] * model_channels)
        self.input_blocks = nn.ModuleList([TimestepEmbedSequential(nn.Conv2d(in_channels, ch, 3, padding=1))])
        skip_chans: List[int] = [ch]
        rate = 1
        for level, mult in enumerate(channel_mult):
            for _ in range(num_res_blocks):
                layers: List[nn.Module] = [res(ch, int(mult * model_channels))]
                ch = int(mult * model_channels)
                if rate in attention_rates:
                    layers.append(attn(ch, num_heads))
                self.input_blocks.append(TimestepEmbedSequential(*layers))
                skip_chans.append(ch)
            if level != len(channel_mult) - 1:
                self.input_blocks.append(TimestepEmbedSequential(resample(ch, up=False)))
                skip_chans.append(ch)
                rate *= 2

        self.middle_block = TimestepEmbedSequential(res(ch, ch), attn(ch, num_heads), res(ch, ch))

        self.output_blocks = nn.ModuleList([])
        for level, mult in list(enumerate(channel_mult))[::-1]:
            for i in range(num_res_blocks + 1):
                layers = [res(ch + skip_chans.pop(), int(model_channels * mult))]
                ch = int(model_channels * mult)
                if rate in attention_rates:
                    layers.append(attn(ch, num_heads_upsample))
                if level and i == num_res_blocks:
                    layers.append(resample(ch, up=True))
                    rate //= 2
                self.output_blocks.append(TimestepEmbedSequential(*layers))

        self.out = nn.Sequential(
            GroupNorm32(ch, silu=True), nn.Identity(), nn.Conv2d(input_ch, out_channels, 3, padding=1))

    def run_unet(self, h: torch.Tensor, emb: torch.Tensor, encoder_out: Optional[torch.Tensor]) -> torch.Tensor:
        skips = []
        for module in self.input_blocks:
            h = module(h, emb, encoder_out)
            skips.append(h)
        h = self.middle_block(h, emb, encoder_out)
        for module in self.output_blocks:
            h = module(torch.cat([h, skips.pop()], dim=1), emb, encoder_out)
        return self.out(h)
