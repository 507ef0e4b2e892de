"""Converts OpenAI's official GLIDE (filtered) inpainting checkpoints into a bundle the app imports.

    npm run models:convert-glide -- <dir> [--out <bundle dir>] [--download]

<dir> holds base_inpaint.pt and upsample_inpaint.pt; with --download they are fetched there first from
OpenAI's public address (with progress, resume and integrity checks). Needs Python 3 with PyTorch and
the onnx package (Debian: python3-torch python3-onnx).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

import torch

from . import official
from .bundle import stage_entry, write_bundle
from .download import DownloadError, download
from .export_onnx import export_stage, store_weights_as_fp16
from .model import GlideInpaint, create_model


class ConversionError(Exception):
    pass


def load_checkpoint(path: Path, stage: str) -> GlideInpaint:
    if not path.exists():
        raise ConversionError(f"{path} not found (expected OpenAI's {official.CHECKPOINTS[stage]})")
    try:
        state = torch.load(path, map_location="cpu")
    except Exception as e:  # torch raises many kinds on a truncated or foreign file
        raise ConversionError(f"{path} is not a readable PyTorch checkpoint: {e}") from e
    if not isinstance(state, dict):
        raise ConversionError(f"{path} holds a {type(state).__name__}, not a state dict")
    model = create_model(official.OPTIONS[stage]).eval()
    ours = model.state_dict()
    missing = sorted(set(ours) - set(state))
    unexpected = sorted(set(state) - set(ours))
    wrong = sorted(k for k in set(ours) & set(state) if tuple(ours[k].shape) != tuple(state[k].shape))
    if missing or unexpected or wrong:
        raise ConversionError(
            f"{path} is not the official {stage} inpainting checkpoint: "
            f"{len(missing)} keys missing (e.g. {missing[:3]}), {len(unexpected)} unexpected (e.g. {unexpected[:3]}), "
            f"{len(wrong)} with other shapes (e.g. {wrong[:3]})")
    model.load_state_dict({k: v.float() for k, v in state.items()}, strict=True)
    return model


def convert(src: Path, out: Path, source_note: str, fp16: bool = False) -> Path:
    tmp = out.with_name(out.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    stages = {}
    t0 = time.time()
    for stage, file in official.CHECKPOINTS.items():
        model = load_checkpoint(src / file, stage)
        graphs = export_stage(model, tmp, stage)
        if fp16:  # weights stored as float16, computed in float32
            for graph in graphs.values():
                store_weights_as_fp16(tmp / graph)
        stages[stage] = stage_entry(model, graphs)
        del model
    write_bundle(
        tmp, name=official.NAME, description=official.DESCRIPTION,
        stages=stages, defaults=official.DEFAULTS, license_=official.LICENSE,
        provenance={"source": source_note, "checkpoints": official.CHECKPOINTS,
                    "converter": "models/glide/convert_official.py",
                    "weights": "stored as float16, computed in float32" if fp16 else "float32", "convertSeconds": round(time.time() - t0, 1)})
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)  # the bundle appears only when complete
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dir", type=Path, help="folder with base_inpaint.pt and upsample_inpaint.pt")
    p.add_argument("--out", type=Path, help="bundle folder to write (default: <dir>/glide-inpaint-bundle)")
    p.add_argument("--download", action="store_true", help="first download the checkpoints into <dir>")
    p.add_argument("--fp16", action="store_true", help="store the weights as float16 (about half the size)")
    p.add_argument("--url-base", default=official.BASE_URL, help=argparse.SUPPRESS)  # tests: a local server
    args = p.parse_args(argv)
    out = args.out or args.dir / "glide-inpaint-bundle"
    try:
        if args.download:
            args.dir.mkdir(parents=True, exist_ok=True)
            for file in official.CHECKPOINTS.values():
                if not (args.dir / file).exists():
                    download(f"{args.url_base}/{file}", args.dir / file)
        t0 = time.time()
        convert(args.dir, out, f"{args.url_base}/" if args.download else str(args.dir.resolve()), args.fp16)
    except (ConversionError, DownloadError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    size = sum(f.stat().st_size for f in out.iterdir())
    print(f"bundle written to {out} ({size / 1e9:.2f} GB) in {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
