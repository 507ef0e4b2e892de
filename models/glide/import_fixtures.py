"""Test fixtures for the TypeScript checkpoint importer (main/engine/checkpoint/), written by our PyTorch tools.

    python3 -m models.glide.import_fixtures <reference dir> <out dir>

Small models with the official layout (the tiny reference options: OpenAI's key names, smaller shapes),
random weights, in <out>:
- templates/: graph templates for those options (graph_templates.py), as the app ships for the official ones
- src/: base_inpaint.pt + upsample_inpaint.pt written by torch.save (other seeds than the templates');
  src-fp16/: the same weights as float16 storages; src-base/: base_inpaint.pt alone
- io.npz: inputs, and our PyTorch GLIDE's outputs for them (text encoder and denoiser, per stage), from
  the float32 weights and from the float16 ones
- python-bundle/, python-bundle-fp16/: the Python converter's bundles of src/ (convert_official.py)
- evil-os-system/, evil-eval/: base_inpaint.pt files whose pickles call os.system / builtins.eval to
  create the file named by $GLIDE_PWNED_MARKER; a loader that runs them leaves that file behind
"""
from __future__ import annotations

import builtins
import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import torch

from . import convert_official, official
from .export_onnx import example_inputs
from .graph_templates import make_templates, random_model


class _Evil:
    def __init__(self, fn, arg):
        self.fn, self.arg = fn, arg

    def __reduce__(self):
        return self.fn, (self.arg,)


def main(argv: list) -> None:
    if len(argv) != 2:
        sys.exit("usage: python3 -m models.glide.import_fixtures <reference dir> <out dir>")
    ref, out = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    options = {stage: json.loads((ref / f"tiny-{name}-options.json").read_text())["options"]
               for stage, name in [("base", "base-inpaint"), ("upsampler", "upsample-inpaint")]}
    make_templates(out / "templates", options)

    arrays = {}
    for d in ["src", "src-fp16", "src-base"]:
        (out / d).mkdir(exist_ok=True)
    for i, (stage, opts) in enumerate(options.items()):
        model = random_model(opts, seed=100 + i)
        file = official.CHECKPOINTS[stage]
        state = model.state_dict()
        torch.save(state, out / "src" / file)
        torch.save({k: v.half() for k, v in state.items()}, out / "src-fp16" / file)
        if stage == "base":
            shutil.copy(out / "src" / file, out / "src-base" / file)
        ex = example_inputs(model, batch=2)
        for name in ["tokens", "token_mask", "x_t", "timesteps", "inpaint_image", "inpaint_mask", "low_res"]:
            if name in ex:
                arrays[f"{stage}.{name}"] = ex[name].numpy()
        half = random_model(opts, seed=0)
        half.load_state_dict({k: v.half().float() for k, v in state.items()})
        for tag, m in [("fp32", model), ("fp16", half.eval())]:
            with torch.no_grad():
                xf_proj, xf_out = m.encode_text(ex["tokens"], ex["token_mask"])
                eps = m.denoise(ex["x_t"], ex["timesteps"], xf_proj, xf_out, ex["inpaint_image"], ex["inpaint_mask"],
                                ex.get("low_res"))
            arrays[f"{stage}.{tag}.xf_proj"] = xf_proj.numpy()
            arrays[f"{stage}.{tag}.xf_out"] = xf_out.numpy()
            arrays[f"{stage}.{tag}.out"] = eps.numpy()
    np.savez(out / "io.npz", **arrays)

    for stage, opts in options.items():
        official.OPTIONS[stage] = opts  # the converter's options: the small ones
    convert_official.convert(out / "src", out / "python-bundle", "import_fixtures src/")
    convert_official.convert(out / "src", out / "python-bundle-fp16", "import_fixtures src/", fp16=True)

    for name, fn in [("evil-os-system", os.system), ("evil-eval", builtins.eval)]:
        (out / name).mkdir(exist_ok=True)
        arg = ('touch "$GLIDE_PWNED_MARKER"' if fn is os.system
               else "open(__import__('os').environ['GLIDE_PWNED_MARKER'], 'w').close()")
        torch.save({"input_blocks.0.0.weight": _Evil(fn, arg)}, out / name / "base_inpaint.pt")
    print(f"fixtures written to {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
