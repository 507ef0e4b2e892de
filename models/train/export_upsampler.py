"""Adds the trained upsampler (EMA weights) to a bundle's base stage: the default model's GLIDE cascade.

    /usr/bin/python3 -m models.train.export_upsampler .work/upsampler-run [--bundle models/default] [--out DIR]

The base stage's graphs and manifest entry are copied unchanged from --bundle; the upsampler's denoiser
is exported with symbolic spatial axes (resizable), so the engine runs it at the crop's own resolution.
"""
from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import torch

from models.glide.bundle import stage_entry, write_bundle
from models.glide.export_onnx import export_stage, store_weights_as_fp16
from models.glide.model import create_model
from models.train import backgrounds, upsampler_data
from models.train.export_default import trained_log
from models.train.train_upsampler import SIZE_MULTIPLE

REPO = Path(__file__).resolve().parents[2]

# The nominal sizes (the fixed-size path and bundle info): 64 -> 256, GLIDE's. The engine's upsample plan
# (main/engine/upsample-plan.ts) picks the real ones from the crop within `resizable`.
NOMINAL_SIZE, NOMINAL_LOW = 256, 64
RESIZABLE = {"multiple": SIZE_MULTIPLE, "maxSize": 2048, "maxFactor": max(upsampler_data.SCALE_FACTORS)}
# 5 DDIM steps from t = 400 (upsamplerStart 500: the low-res image enlarged and noised to t = 400, not pure
# noise): on a held-out crop as close to the original as 10 steps from noise (in-hole MSE 0.0182 vs 0.0184)
# at half the denoiser calls, each 0.6 s of CPU at 512 px. matchDetail: the hole's grain scaled down to its
# surroundings' (detail-match.ts): without it the real-photo sharpness median was 2.51 (a grain on skies);
# detailGainMax 3: and raised toward theirs on busy photos, in luminance (life's stream over rocks 0.34 -> 0.55);
# matchCoarseDetail: its 8-32 px blotches lowered too, and chromaRadius 2: its colour smoothed (Fill novelty on
# Bridge's sky 0.044 -> 0.003: the new colours were the grain's).
# Since 3 December 2026 (models/README, "The upsampler's steps"): 3 DDIM eta 0.5 steps from t = 400 ("trailing3" below
# upsamplerStart 401: t = 400, 266, 133). The 5 steps' last model call, at t = 0, changed the image by at most 0.01 x
# the predicted noise; on the 1 MP real-photo set the 3 steps give the 5 steps' figures edit by edit (sharpness median
# 0.81, x1.00 paired; seam 1.00; Fill novelty within 0.001 on every photo) at 3 of 5 calls. DPM-Solver++(2M) (3 or 4
# steps, eta 0 or 0.5) kept sharpness but raised Fill's novelty in every screened hole.
# detailWindow 96: each part of the hole matched to the band within 96 px of it (at 512 px), not to the whole
# band: a hole across a clear sky and grass keeps the grass's grain (sunset 0.56 -> 0.78 with the retrained upsampler).
# lockBaseColours: the hole's local colour means (4-px boxes at 512) put back to the base's, under the upsampler's
# detail: it drifted them (a sky in a hole turned pale); 1 MP seam 0.798 -> 0.83, sunset's Fill 0.065 -> 0.058.
# fillTexture (main/engine/fill-texture.ts; since 3 December 2026): Fill's hole at the last pass's size is drawn with
# patches of the photo on the base stage's layout, and no upsampler pass runs: the upsampler's grain over a soft
# image showed as a frosted disc at 100%. models/README.md, "Fill", has the figures.
# backgroundTexture (main/engine/drawn-object.ts): a prompted edit's refilled background, what is not the object the
# prompt drew, is re-drawn the same way after the last pass: it was the blurred disc around every object.
UPSAMPLER_DEFAULTS = {"upsamplerRespacing": "trailing3", "largePass": {"pixels": 250000, "respacing": "trailing2"},
                      "upsamplerStart": 401, "upsamplerTemperature": 1.0,
                      "upsamplerSampler": {"sampler": "ddim", "eta": 0.5},
                      "detail": "standard", "matchDetail": True, "detailGainMax": 3.0, "detailWindow": 96,
                      "matchCoarseDetail": True, "chromaRadius": 2, "lockBaseColours": True, "fillTexture": True,
                      "backgroundTexture": True}
# What DDIM recipes recorded before then ran: DDIM eta 0.5, 5 steps from t = 400 (defaults.samplers.ddim).
DDIM_UPSAMPLER = {"upsamplerRespacing": "ddim5", "upsamplerStart": 500, "upsamplerSampler": {"sampler": "ddim", "eta": 0.5},
                  "largePass": None, "fillTexture": False,
                  "backgroundTexture": False}


def bundle_defaults(manifest_defaults: dict, overrides: dict) -> dict:
    """The bundle's defaults with the upsampler's; DDIM keeps the upsampler sampling its old recipes ran with."""
    defaults = {**manifest_defaults, **UPSAMPLER_DEFAULTS, **overrides}
    samplers = dict(defaults.get("samplers", {}))
    samplers["ddim"] = {**samplers.get("ddim", {}), **DDIM_UPSAMPLER}
    return {**defaults, "samplers": samplers}

LICENSE_ADDITION = (" The upsampler also trained on photographs of Debian's lomiri-wallpapers-16.04/-20.04 "
                    "(CC BY 4.0 / CC BY-SA 4.0 per photograph).")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("run", type=Path)
    p.add_argument("--bundle", type=Path, default=REPO / "models" / "default", help="bundle whose base stage to keep")
    p.add_argument("--out", type=Path, help="default: --bundle, replaced")
    p.add_argument("--defaults", type=json.loads, default={}, help="JSON overriding the upsampler defaults")
    args = p.parse_args()
    out = args.out or args.bundle

    manifest = json.loads((args.bundle / "bundle.json").read_text())
    state = torch.load(args.run / "checkpoint.pt")  # our own training checkpoint
    model = create_model(state["options"]).eval()
    model.load_state_dict(state["ema"])
    tmp = out.with_name(out.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    base = manifest["stages"]["base"]
    for g in base["graphs"].values():
        shutil.copy2(args.bundle / g, tmp / g)
    graphs = export_stage(model, tmp, "upsampler", resizable=True)
    for g in graphs.values():
        store_weights_as_fp16(tmp / g)
    entry = {**stage_entry(model, graphs), "imageSize": NOMINAL_SIZE, "lowResSize": NOMINAL_LOW, "resizable": RESIZABLE}
    log = trained_log(args.run / "log.jsonl", state["step"])
    provenance = dict(manifest.get("provenance", {}))
    provenance["upsampler"] = {
        "source": "trained by models/train/train_upsampler.py on models/train/upsampler_data.py",
        "data": {"patch": upsampler_data.PATCH, "scaleFactors": list(upsampler_data.SCALE_FACTORS),
                 "sceneShare": upsampler_data.P_SCENE, "wholeHoleShare": upsampler_data.P_ALL_HOLE,
                 "photographs": [f for f, s in backgrounds.LOMIRI_PHOTOS if s == "train"]
                 + ["the base model's training photographs"]},
        "training": {"steps": state["step"], "batch": int(state["args"]["batch"]),
                     "minutes": round(state["elapsed"] / 60, 1), "finalMse": log[-1]["mse"] if log else None,
                     "machine": "1 CPU core, PyTorch 1.13", "seed": int(state["args"]["seed"])},
    }
    license_ = dict(manifest["license"])
    if LICENSE_ADDITION not in license_["text"]:
        license_["text"] += LICENSE_ADDITION
    provenance.pop("createdAt", None)
    write_bundle(tmp, name=manifest["name"], description=manifest["description"],
                 stages={"base": base, "upsampler": entry},
                 defaults=bundle_defaults(manifest["defaults"], args.defaults),
                 license_=license_, provenance=provenance)
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    size = sum(f.stat().st_size for f in out.iterdir())
    print(f"bundle written to {out}: {size / 1e6:.1f} MB (upsampler at step {state['step']})")


if __name__ == "__main__":
    main()
