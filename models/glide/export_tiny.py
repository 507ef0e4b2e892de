"""Exports the two tiny random-weight reference models (../shared/reference/glide) as one bundle.

Tests use it to check our graphs in onnxruntime-node against the reference outputs:
    /usr/bin/python3 -m models.glide.export_tiny <reference dir> <out dir>
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch

from .bundle import stage_entry, write_bundle
from .export_onnx import export_stage
from .model import GlideInpaint, create_model


def load_reference_model(ref: Path, name: str) -> GlideInpaint:
    options = json.loads((ref / f"{name}-options.json").read_text())["options"]
    model = create_model(options).eval()
    weights = np.load(ref / f"{name}-weights.npz")
    model.load_state_dict({k: torch.from_numpy(weights[k]) for k in weights.files}, strict=True)
    return model


def main(argv: list) -> None:
    if len(argv) != 2:
        sys.exit("usage: python3 -m models.glide.export_tiny <reference dir> <out dir>")
    ref, out = Path(argv[0]), Path(argv[1])
    stages = {}
    for stage, name in [("base", "tiny-base-inpaint"), ("upsampler", "tiny-upsample-inpaint")]:
        model = load_reference_model(ref, name)
        stages[stage] = stage_entry(model, export_stage(model, out, stage))
    write_bundle(
        out, name="tiny reference (random weights)",
        description="The tiny random-weight GLIDE models of the reference vectors; for tests only.",
        stages=stages,
        defaults={"guidanceScale": 3.0, "sampler": "ddim", "eta": 0.0, "baseRespacing": "25",
                  "upsamplerRespacing": "fast27", "upsamplerTemperature": 0.997},
        license_={"name": "MIT", "text": "Random weights; no licence restrictions."},
        provenance={"source": "shared/reference/glide tiny-*-weights.npz", "weights": "random"})
    print(f"bundle written to {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
