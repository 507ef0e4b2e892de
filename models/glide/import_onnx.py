"""Reads a bundle stage's ONNX graphs back into a GlideInpaint, so a shipped bundle can be trained further
when its training checkpoint is gone (the graphs hold every weight; float16-stored ones come back as the
float32 of their float16 values).

ONNX export renames and reshapes some weights (constant folding turns a Linear into a transposed MatMul
constant, a GroupNorm's scale into a [C,1,1] Mul constant). The map from graph initialisers back to
parameters is therefore learnt, not written down: a model of the same options whose every parameter holds
distinct random values is exported with the same code, and each of its initialisers is matched, by value,
to the parameter it came from (as is, reshaped or transposed). Export is deterministic for the same code
and torch, so the bundle's initialisers carry the same names.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Dict, Tuple

import numpy as np
import onnx
import onnx.numpy_helper
import torch

from .export_onnx import export_stage
from .model import GlideInpaint, create_model

FP16_SUFFIX = "__fp16"  # export_onnx.store_weights_as_fp16 appends it to the float16 copy's name

# How an initialiser's array becomes its parameter: "same" (reshape only) or "transpose" (2-D, transposed).
Recipe = Tuple[str, str]  # (parameter name, "same" | "transpose")


def _initialisers(path: Path) -> Dict[str, np.ndarray]:
    model = onnx.load(str(path))
    out = {}
    for init in model.graph.initializer:
        name = init.name[: -len(FP16_SUFFIX)] if init.name.endswith(FP16_SUFFIX) else init.name
        out[name] = onnx.numpy_helper.to_array(init).astype(np.float32)
    return out


def _signature(a: np.ndarray) -> Tuple[int, float, float]:
    flat = a.reshape(-1).astype(np.float64)
    return flat.size, round(float(flat[:7].sum()), 4), round(float(np.abs(flat).sum()), 2)


def weight_map(options, stage: str = "base") -> Dict[str, Dict[str, Recipe]]:
    """{graph file: {initialiser name: (parameter, how)}} for models of these options."""
    probe = create_model(options).eval()
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for p in probe.parameters():  # distinct values everywhere (a fresh model has many zeros and ones)
            p.copy_(torch.randn(p.shape, generator=g))
    params = {k: v.detach().numpy() for k, v in probe.state_dict().items()}
    candidates: Dict[tuple, list] = {}
    for name, value in params.items():
        candidates.setdefault(_signature(value), []).append((name, "same"))
        if value.ndim == 2:
            candidates.setdefault(_signature(value.T.copy()), []).append((name, "transpose"))
    mapping: Dict[str, Dict[str, Recipe]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        graphs = export_stage(probe, Path(tmp), stage)
        for file in graphs.values():
            mapping[file] = {}
            for init_name, value in _initialisers(Path(tmp) / file).items():
                for pname, how in candidates.get(_signature(value), []):
                    ref = params[pname].T if how == "transpose" else params[pname]
                    if np.array_equal(ref.reshape(-1), value.reshape(-1)):
                        mapping[file][init_name] = (pname, how)
                        break
    return mapping


def load_stage(bundle_dir: Path, stage: str = "base") -> GlideInpaint:
    """The bundle stage as a PyTorch model (eval mode). Raises ValueError when a parameter cannot be found
    in the graphs or the graphs do not match the bundle's model options."""
    manifest = json.loads((bundle_dir / "bundle.json").read_text())
    entry = manifest["stages"][stage]
    model = create_model(entry["modelOptions"]).eval()
    mapping = weight_map(model.options, stage)
    state = {k: v.clone() for k, v in model.state_dict().items()}
    found = set()
    for file, recipes in mapping.items():
        graph_file = entry["graphs"]["textEncoder" if file.endswith(".text.onnx") else "denoiser"]
        values = _initialisers(bundle_dir / graph_file)
        for init_name, (pname, how) in recipes.items():
            if init_name not in values:
                raise ValueError(f"{graph_file} has no initialiser {init_name} (for {pname}); "
                                 "was it exported by another version of export_onnx?")
            a = values[init_name]
            a = a.T if how == "transpose" else a
            if a.size != state[pname].numel():
                raise ValueError(f"{graph_file}: {init_name} has {a.size} values, {pname} needs {state[pname].numel()}")
            state[pname] = torch.from_numpy(np.ascontiguousarray(a)).reshape(state[pname].shape)
            found.add(pname)
    missing = [k for k in state if k not in found]
    if missing:
        raise ValueError(f"no graph weight found for {len(missing)} parameters, e.g. {missing[:3]}")
    model.load_state_dict(state)
    return model
