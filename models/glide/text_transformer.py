"""GLIDE's text transformer: pre-LayerNorm residual blocks with full (unmasked) self-attention.

Padding is not masked out; instead padded positions get a learned padding embedding (see model.py).
Attention is written as plain batched matrix products so that the ONNX export runs fast in ORT.
"""
from __future__ import annotations

import math

import torch
from torch import nn


class LayerNorm(nn.LayerNorm):
    """LayerNorm computed in float32 whatever the input type."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x.float()).to(x.dtype)


class SelfAttention(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        self.c_qkv = nn.Linear(width, width * 3)
        self.c_proj = nn.Linear(width, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        bs, n_ctx, width = x.shape
        ch = width // self.heads
        # The checkpoint's c_qkv output is laid out per head as [q | k | v].
        qkv = self.c_qkv(x).view(bs, n_ctx, self.heads, 3 * ch).transpose(1, 2)  # [b, h, t, 3ch]
        q, k, v = qkv.split(ch, dim=-1)
        scale = 1.0 / math.sqrt(math.sqrt(ch))
        weight = torch.matmul(q * scale, (k * scale).transpose(-1, -2))  # [b, h, t, s]
        weight = torch.softmax(weight.float(), dim=-1).to(weight.dtype)
        out = torch.matmul(weight, v)  # [b, h, t, ch]
        return self.c_proj(out.transpose(1, 2).reshape(bs, n_ctx, width))


class MLP(nn.Module):
    def __init__(self, width: int):
        super().__init__()
        self.c_fc = nn.Linear(width, width * 4)
        self.c_proj = nn.Linear(width * 4, width)
        self.gelu = nn.GELU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.c_proj(self.gelu(self.c_fc(x)))


class ResidualAttentionBlock(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.attn = SelfAttention(width, heads)
        self.ln_1 = LayerNorm(width)
        self.mlp = MLP(width)
        self.ln_2 = LayerNorm(width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, width: int, layers: int, heads: int):
        super().__init__()
        self.resblocks = nn.ModuleList([ResidualAttentionBlock(width, heads) for _ in range(layers)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for block in self.resblocks:
            x = block(x)
        return x
