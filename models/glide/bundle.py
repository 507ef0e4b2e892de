"""Writes a model bundle: a folder of ONNX graphs plus `bundle.json` (format: models/README.md).

The engine validates bundles with the zod schema in main/engine/bundle-schema.ts; this writer produces
exactly that shape, and a node test checks the bundles it writes against the schema.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
from pathlib import Path
from typing import Any, Dict, Optional

from .model import GlideInpaint

FORMAT = "glide-inpaint-bundle"
FORMAT_VERSION = 1


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def stage_entry(model: GlideInpaint, graphs: Dict[str, str]) -> Dict[str, Any]:
    o = model.options
    entry: Dict[str, Any] = {
        "imageSize": o.image_size,
        "textCtx": o.text_ctx,
        "xfWidth": o.xf_width,
        "embDim": o.num_channels * 4,
        "noiseSchedule": o.noise_schedule,
        "diffusionSteps": o.diffusion_steps,
        "graphs": graphs,
        "modelOptions": o.to_dict(),
        "parameters": sum(p.numel() for p in model.parameters()),
    }
    if o.super_res:
        entry["lowResSize"] = o.image_size // 4
    return entry


def write_bundle(out_dir: Path, *, name: str, description: str, stages: Dict[str, Dict[str, Any]],
                 defaults: Dict[str, Any], license_: Dict[str, str], provenance: Dict[str, Any],
                 extra_files: Optional[list] = None) -> Path:
    """stages: {"base": stage_entry(...), "upsampler": stage_entry(...)?}; graphs must already be in out_dir."""
    if "base" not in stages:
        raise ValueError("a bundle needs a base stage")
    files = [g for s in stages.values() for g in s["graphs"].values()] + list(extra_files or [])
    manifest = {
        "format": FORMAT,
        "formatVersion": FORMAT_VERSION,
        "family": "glide-inpaint",
        "name": name,
        "description": description,
        "tokenizer": "gpt2-bpe",
        "stages": stages,
        "defaults": defaults,
        "files": {f: {"sha256": sha256_file(out_dir / f), "bytes": (out_dir / f).stat().st_size} for f in files},
        "license": license_,
        "provenance": {"createdAt": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                       **provenance},
    }
    path = out_dir / "bundle.json"
    path.write_text(json.dumps(manifest, indent=2) + "\n")
    return path
