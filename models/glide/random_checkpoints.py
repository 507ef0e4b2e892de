"""Writes checkpoints with the official GLIDE inpainting keys and shapes but random weights.

They cost the same compute as OpenAI's, so they prove the converter and benchmark the official-size
graphs without the real weights:  python3 -m models.glide.random_checkpoints <dir>
"""
from __future__ import annotations

import sys
from pathlib import Path

import torch

from . import official
from .model import create_model


def main(argv: list) -> None:
    if len(argv) != 1:
        sys.exit("usage: python3 -m models.glide.random_checkpoints <dir>")
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    for stage, file in official.CHECKPOINTS.items():
        model = create_model(official.OPTIONS[stage])
        for p in model.parameters():  # small random weights everywhere, like a trained model's scale
            torch.nn.init.normal_(p, std=0.02)
        torch.save(model.state_dict(), out / file)
        print(f"{out / file}: {(out / file).stat().st_size / 1e9:.2f} GB", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
