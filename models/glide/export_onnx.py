"""Export a GlideInpaint model to ONNX as the two graphs the engine runs.

- text encoder: tokens int64 [N, ctx], token_mask bool [N, ctx] -> xf_proj [N, 4C], xf_out [N, W, ctx]
  (run once per edit)
- denoiser: x_t, timesteps int64 [N], xf_proj, xf_out, inpaint_image, inpaint_mask[, low_res]
  -> out [N, 6, H, W]: predicted noise, then the learned variance value (run once per step)

Batch is dynamic; the spatial size too with `resizable` (a fully convolutional upsampler that runs at
the crop's resolution), else fixed. Attention is plain MatMul (no Einsum: slow on ORT's CPU), and
GroupNorm leaves torch as InstanceNormalization on a [N, 32, -1] view, which ORT runs as one kernel.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Dict, List

import numpy as np
import onnx
import onnx.numpy_helper
import torch
from torch import nn

from .model import GlideInpaint

OPSET = 17

TEXT_INPUTS = ["tokens", "token_mask"]
TEXT_OUTPUTS = ["xf_proj", "xf_out"]
DENOISER_INPUTS = ["x_t", "timesteps", "xf_proj", "xf_out", "inpaint_image", "inpaint_mask"]
DENOISER_OUTPUTS = ["out"]


class _TextEncoder(nn.Module):
    def __init__(self, model: GlideInpaint):
        super().__init__()
        self.model = model

    def forward(self, tokens, token_mask):
        return self.model.encode_text(tokens, token_mask)


class _Denoiser(nn.Module):
    def __init__(self, model: GlideInpaint):
        super().__init__()
        self.model = model

    def forward(self, x_t, timesteps, xf_proj, xf_out, inpaint_image, inpaint_mask, low_res=None):
        return self.model.denoise(x_t, timesteps, xf_proj, xf_out, inpaint_image, inpaint_mask, low_res)


def denoiser_inputs(model: GlideInpaint) -> List[str]:
    return DENOISER_INPUTS + (["low_res"] if model.options.super_res else [])


def example_inputs(model: GlideInpaint, batch: int = 2) -> Dict[str, torch.Tensor]:
    o = model.options
    size = o.image_size
    g = torch.Generator().manual_seed(0)
    inputs = {
        "tokens": torch.randint(0, 50257, (batch, o.text_ctx), generator=g),
        "token_mask": torch.arange(o.text_ctx)[None].repeat(batch, 1) < 5,
        "x_t": torch.randn(batch, 3, size, size, generator=g),
        "timesteps": torch.tensor([500] * batch, dtype=torch.int64),
        "xf_proj": torch.randn(batch, o.num_channels * 4, generator=g),
        "xf_out": torch.randn(batch, o.xf_width, o.text_ctx, generator=g),
        "inpaint_image": torch.rand(batch, 3, size, size, generator=g) * 2 - 1,
        "inpaint_mask": (torch.rand(batch, 1, size, size, generator=g) > 0.5).float(),
    }
    if o.super_res:
        low = size // 4
        inputs["low_res"] = torch.rand(batch, 3, low, low, generator=g) * 2 - 1
    return inputs


SPATIAL = {"x_t": ("height", "width"), "inpaint_image": ("height", "width"), "inpaint_mask": ("height", "width"),
           "out": ("height", "width"), "low_res": ("low_height", "low_width")}


def _export(module: nn.Module, args: tuple, path: Path, inputs: List[str], outputs: List[str],
            resizable: bool = False) -> None:
    dynamic = {name: {0: "batch"} for name in inputs + outputs}
    if resizable:
        for name, (h, w) in SPATIAL.items():
            if name in dynamic:
                dynamic[name].update({2: h, 3: w})
    with torch.no_grad():
        torch.onnx.export(module, args, str(path), input_names=inputs, output_names=outputs,
                          dynamic_axes=dynamic, opset_version=OPSET, do_constant_folding=True)
    onnx.checker.check_model(str(path))


def export_text_encoder(model: GlideInpaint, path: Path) -> None:
    ex = example_inputs(model)
    _export(_TextEncoder(model.eval()), (ex["tokens"], ex["token_mask"]), path, TEXT_INPUTS, TEXT_OUTPUTS)


def export_denoiser(model: GlideInpaint, path: Path, resizable: bool = False) -> None:
    ex = example_inputs(model)
    names = denoiser_inputs(model)
    _export(_Denoiser(model.eval()), tuple(ex[n] for n in names), path, names, DENOISER_OUTPUTS, resizable)


def export_stage(model: GlideInpaint, out_dir: Path, stage: str, resizable: bool = False) -> Dict[str, str]:
    """Writes `<stage>.text.onnx` and `<stage>.denoiser.onnx`; returns their file names and timings."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {"textEncoder": f"{stage}.text.onnx", "denoiser": f"{stage}.denoiser.onnx"}
    t0 = time.time()
    export_text_encoder(model, out_dir / files["textEncoder"])
    t1 = time.time()
    export_denoiser(model, out_dir / files["denoiser"], resizable)
    t2 = time.time()
    print(f"exported {stage}: text encoder {t1 - t0:.1f} s "
          f"({(out_dir / files['textEncoder']).stat().st_size / 1e6:.1f} MB), "
          f"denoiser {t2 - t1:.1f} s ({(out_dir / files['denoiser']).stat().st_size / 1e6:.1f} MB)", flush=True)
    return files


def store_weights_as_fp16(path: Path, min_elements: int = 1024) -> None:
    """Halves a graph's size: large float32 weights are stored as float16 and cast back on load.

    The Cast nodes read only initializers, so ORT folds them into float32 constants when it creates
    the session: inference runs in float32 at the same speed; the weights are rounded to fp16.
    """
    model = onnx.load(str(path))
    graph = model.graph
    casts = []
    for init in graph.initializer:
        if init.data_type != onnx.TensorProto.FLOAT or np.prod(init.dims) < min_elements:
            continue
        values = onnx.numpy_helper.to_array(init).astype(np.float16)
        name = init.name
        init.CopyFrom(onnx.numpy_helper.from_array(values, name + "__fp16"))
        casts.append(onnx.helper.make_node("Cast", [name + "__fp16"], [name], to=onnx.TensorProto.FLOAT))
    for i, node in enumerate(casts):
        graph.node.insert(i, node)
    onnx.save(model, str(path))
    onnx.checker.check_model(str(path))
