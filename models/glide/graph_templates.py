"""Graph templates: the official GLIDE graphs' structure without their weights, for the TypeScript importer.

    python3 -m models.glide.graph_templates <out dir> [--options base=FILE [upsampler=FILE]]
    python3 -m models.glide.graph_templates models/official-templates --metadata-only

For each stage, the model (random, all-distinct weights) is exported exactly as convert_official.py exports
it; then every initializer of the exported graphs is traced back to the state-dict key it was made from,
by value: the same values (possibly reshaped: "identity") or the 2-D weight transposed (torch folds Linear
weights of 3-D inputs into MatMul constants: "transpose"). Those initializers keep their name, type and
dims but lose their data (`<stage>.<graph>.template.onnx`); `templates.json` records, per graph, which
initializer is filled from which key and how, the stage's keys and shapes (the strict check) and its bundle
entry. Initializers that come from no weight (shape constants, the timestep frequencies) stay in the
template. main/engine/checkpoint/ fills the templates from a checkpoint and writes the same bytes as
convert_official.py for the same weights.

Without --options the official options are used (the templates shipped in models/official-templates/).
What templates.json says about the checkpoints (address, name, descriptions, sampling defaults, licence)
comes from official.py; --metadata-only rewrites just that part of an existing templates.json (no export,
the graphs and stage entries kept), so a change to official.py reaches the shipped file without a hand
edit. models/tests/test_graph_templates.py checks that the shipped file says what official.py says.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, Tuple

import numpy as np
import onnx
import onnx.numpy_helper
import torch

from . import official
from .bundle import stage_entry
from .export_onnx import export_stage
from .model import GlideInpaint, create_model

TEMPLATES_FILE = "templates.json"
TEMPLATES_FORMAT = "glide-graph-templates"


def _digest(a: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(a, dtype=np.float32).tobytes()).hexdigest()


def _weight_index(state: Dict[str, torch.Tensor]) -> Dict[Tuple[int, str], Tuple[str, str]]:
    """(element count, digest of the values) -> (key, transform), for each key as it is and transposed."""
    index: Dict[Tuple[int, str], Tuple[str, str]] = {}
    for key, t in state.items():
        a = t.detach().float().numpy()
        index.setdefault((a.size, _digest(a)), (key, "identity"))
        if a.ndim == 2:
            index.setdefault((a.size, _digest(a.T)), (key, "transpose"))
    return index


def _hollow_graph(src: Path, dst: Path, index, used: set) -> Dict[str, Dict[str, str]]:
    model = onnx.load(str(src))
    weights: Dict[str, Dict[str, str]] = {}
    for init in model.graph.initializer:
        if init.data_type != onnx.TensorProto.FLOAT:
            continue
        a = onnx.numpy_helper.to_array(init)
        hit = index.get((a.size, _digest(a)))
        if hit is None or a.size < 2:  # a scalar could match by chance; none are weights
            continue
        key, transform = hit
        weights[init.name] = {"key": key, "transform": transform}
        used.add(key)
        init.ClearField("raw_data")
        del init.float_data[:]
    onnx.save(model, str(dst))
    return weights


def make_stage_templates(model: GlideInpaint, out_dir: Path, stage: str) -> Dict[str, Any]:
    state = model.state_dict()
    index = _weight_index(state)
    used: set = set()
    with tempfile.TemporaryDirectory() as tmp:
        files = export_stage(model, Path(tmp), stage)
        graphs = {}
        for kind, file in files.items():
            template = file.replace(".onnx", ".template.onnx")
            weights = _hollow_graph(Path(tmp) / file, out_dir / template, index, used)
            graphs[kind] = {"file": file, "template": template, "weights": weights}
    unused = [k for k in state if k not in used]
    if unused:
        raise RuntimeError(f"{stage}: keys in no graph as a plain or transposed initializer: {unused[:5]}")
    entry = stage_entry(model, {k: g["file"] for k, g in graphs.items()})
    return {"checkpoint": official.CHECKPOINTS[stage],
            "keys": {k: list(v.shape) for k, v in state.items()},
            "entry": entry, "graphs": graphs}


def random_model(options: Dict[str, Any], seed: int) -> GlideInpaint:
    torch.manual_seed(seed)
    model = create_model(options).eval()
    with torch.no_grad():
        for p in model.parameters():  # distinct values everywhere, so every initializer traces to one key
            torch.nn.init.normal_(p, std=0.02)
    return model


def official_metadata() -> Dict[str, Any]:
    """What templates.json says about the official checkpoints, all of it from official.py."""
    return {"baseUrl": official.BASE_URL, "name": official.NAME, "description": official.DESCRIPTION,
            "descriptionBaseOnly": official.DESCRIPTION_BASE_ONLY,
            "defaults": official.DEFAULTS, "license": official.LICENSE}


def _write_manifest(out_dir: Path, torch_version: str, onnx_version: str, stages: Dict[str, Any]) -> Path:
    manifest = {"format": TEMPLATES_FORMAT, "formatVersion": 1, "torch": torch_version, "onnx": onnx_version,
                **official_metadata(), "stages": stages}
    path = out_dir / TEMPLATES_FILE
    path.write_text(json.dumps(manifest, indent=1) + "\n")
    return path


def make_templates(out_dir: Path, options: Dict[str, Dict[str, Any]]) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    stages = {stage: make_stage_templates(random_model(opts, seed=i), out_dir, stage)
              for i, (stage, opts) in enumerate(options.items())}
    return _write_manifest(out_dir, torch.__version__, onnx.__version__, stages)


def refresh_metadata(out_dir: Path) -> Path:
    """Rewrites official.py's part of an existing templates.json; the graphs and what made them are kept."""
    old = json.loads((out_dir / TEMPLATES_FILE).read_text())
    if old.get("format") != TEMPLATES_FORMAT:
        raise ValueError(f"{out_dir / TEMPLATES_FILE} is not a graph-templates manifest")
    return _write_manifest(out_dir, old["torch"], old["onnx"], old["stages"])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out", type=Path)
    p.add_argument("--options", nargs="+", metavar="STAGE=FILE",
                   help="a JSON file of model options per stage (a reference -options.json works); default official")
    p.add_argument("--metadata-only", action="store_true",
                   help="only rewrite official.py's address, names, defaults and licence in <out>/templates.json")
    args = p.parse_args(argv)
    if args.metadata_only:
        print(f"metadata rewritten in {refresh_metadata(args.out)}")
        return 0
    if args.options:
        options = {}
        for item in args.options:
            stage, file = item.split("=", 1)
            d = json.loads(Path(file).read_text())
            options[stage] = d.get("options", d)
    else:
        options = dict(official.OPTIONS)
    path = make_templates(args.out, options)
    size = sum(f.stat().st_size for f in args.out.iterdir())
    print(f"templates written to {path.parent} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
