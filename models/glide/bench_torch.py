"""PyTorch side of `npm run bench:engine`: the same denoisers in PyTorch, their FLOPs, and the CPU's
measured matrix-multiply peak. Prints one JSON object.

    python3 -m models.glide.bench_torch <bundle dir> [--official-dir DIR]

With --official-dir, also the official base-inpaint denoiser (random weights: the same compute), whose
ONNX graph is exported to DIR/base.denoiser.onnx once (about 1.2 GB) for the ORT side to time.
"""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import torch
from torch import nn

from . import official
from .export_onnx import example_inputs, export_denoiser
from .model import GlideInpaint, create_model
from .unet import AttentionBlock


def count_flops(model: GlideInpaint, inputs: dict) -> int:
    """Multiply-adds x 2 of convolutions, linear layers and attention products in one denoiser call."""
    total = [0]

    def conv_hook(m, inp, out):
        k = m.weight[0].numel()  # in_channels/groups * kernel
        total[0] += 2 * out.numel() * k

    def linear_hook(m, inp, out):
        total[0] += 2 * out.numel() * m.in_features

    def attention_hook(m: AttentionBlock, inp, out):
        b, c, h, w = inp[0].shape
        keys = h * w + (inp[1].shape[-1] if inp[1] is not None else 0)
        total[0] += 2 * 2 * b * c * (h * w) * keys  # q.k and weights.v

    hooks = []
    for mod in model.modules():
        if isinstance(mod, (nn.Conv1d, nn.Conv2d)):
            hooks.append(mod.register_forward_hook(conv_hook))
        elif isinstance(mod, nn.Linear):
            hooks.append(mod.register_forward_hook(linear_hook))
        elif isinstance(mod, AttentionBlock):
            hooks.append(mod.register_forward_hook(attention_hook))
    with torch.no_grad():
        model.denoise(*denoiser_args(model, inputs))
    for h in hooks:
        h.remove()
    return total[0]


def denoiser_args(model: GlideInpaint, ex: dict) -> tuple:
    args = (ex["x_t"], ex["timesteps"], ex["xf_proj"], ex["xf_out"], ex["inpaint_image"], ex["inpaint_mask"])
    return args + ((ex["low_res"],) if model.options.super_res else ())


def time_denoiser(model: GlideInpaint, ex: dict, runs: int) -> float:
    args = denoiser_args(model, ex)
    with torch.no_grad():
        model.denoise(*args)  # warm-up
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            model.denoise(*args)
            times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2] * 1000


def gemm_gflops(n: int = 2048, runs: int = 5) -> float:
    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.matmul(a, b)
    best = min(_timed(lambda: torch.matmul(a, b)) for _ in range(runs))
    return 2 * n ** 3 / best / 1e9


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("bundle", type=Path)
    p.add_argument("--official-dir", type=Path)
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()
    # All cores, as ORT uses (the parent process's environment may say otherwise).
    torch.set_num_threads(os.cpu_count() or 1)
    torch.manual_seed(0)
    manifest = json.loads((args.bundle / "bundle.json").read_text())
    result = {"threads": torch.get_num_threads(), "gemmGflops": round(gemm_gflops(), 1), "stages": {}}
    for name, stage in manifest["stages"].items():
        model = create_model(stage["modelOptions"]).eval()
        ex = example_inputs(model, batch=2)
        result["stages"][name] = {"torchMs": round(time_denoiser(model, ex, args.runs), 1),
                                  "gflops": round(count_flops(model, ex) / 1e9, 2)}
    if args.official_dir:
        model = create_model(official.OPTIONS["base"]).eval()
        ex = example_inputs(model, batch=2)
        graph = args.official_dir / "base.denoiser.onnx"
        if not graph.exists():
            args.official_dir.mkdir(parents=True, exist_ok=True)
            export_denoiser(model, graph)
        result["official"] = {"graph": str(graph), "imageSize": 64, "embDim": 768, "xfWidth": 512, "textCtx": 128,
                              "torchMs": round(time_denoiser(model, ex, max(2, args.runs // 2)), 1),
                              "gflops": round(count_flops(model, ex) / 1e9, 2)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
