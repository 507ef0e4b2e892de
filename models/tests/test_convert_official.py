"""The official-checkpoint converter, end to end on checkpoints with the tiny reference models' weights
(the official options are swapped for the tiny ones; the full-size run is reported in models/README.md)."""
import json

import numpy as np
import pytest
import torch

from models.glide import convert_official, official
from models.tests.http_fixture import FileServer


@pytest.fixture
def tiny_official(reference, monkeypatch, tmp_path):
    """Checkpoint files like OpenAI's, holding the tiny reference weights; the options to match."""
    files = {}
    for stage, name in [("base", "tiny-base-inpaint"), ("upsampler", "tiny-upsample-inpaint")]:
        opts = json.loads((reference / f"{name}-options.json").read_text())["options"]
        monkeypatch.setitem(official.OPTIONS, stage, opts)
        weights = np.load(reference / f"{name}-weights.npz")
        path = tmp_path / "src" / official.CHECKPOINTS[stage]
        path.parent.mkdir(exist_ok=True)
        torch.save({k: torch.from_numpy(weights[k]) for k in weights.files}, path)
        files[official.CHECKPOINTS[stage]] = path.read_bytes()
    return files


def _check_bundle(out):
    manifest = json.loads((out / "bundle.json").read_text())
    assert manifest["family"] == "glide-inpaint" and set(manifest["stages"]) == {"base", "upsampler"}
    assert manifest["defaults"] == official.DEFAULTS
    assert manifest["defaults"]["samplers"]["ddpm"]["upsamplerRespacing"] == "fast27"  # the notebook's, for its recipes
    assert "MIT" in manifest["license"]["name"]
    for f in ["base.text.onnx", "base.denoiser.onnx", "upsampler.text.onnx", "upsampler.denoiser.onnx"]:
        assert manifest["files"][f]["bytes"] == (out / f).stat().st_size


def test_convert_from_a_folder(tiny_official, tmp_path):
    out = tmp_path / "bundle"
    assert convert_official.main([str(tmp_path / "src"), "--out", str(out)]) == 0
    _check_bundle(out)
    assert not (tmp_path / "bundle.partial").exists()


def test_download_then_convert(tiny_official, tmp_path, monkeypatch):
    # The conversion itself is test_convert_from_a_folder's: here, that the downloaded files (one transfer
    # broken once and resumed) are what gets converted, and with the address as the bundle's source.
    converted = []

    def convert(src, out, source_note, fp16=False):
        converted.append(({f: (src / f).read_bytes() for f in official.CHECKPOINTS.values()}, source_note, fp16))
        out.mkdir()
        return out

    monkeypatch.setattr(convert_official, "convert", convert)
    dest = tmp_path / "dl"
    with FileServer(tiny_official, {"base_inpaint.pt": "break-once"}) as s:
        assert convert_official.main([str(dest), "--download", "--url-base", s.url, "--out", str(tmp_path / "b")]) == 0
    assert converted == [(tiny_official, f"{s.url}/", False)]


def test_wrong_checkpoint_is_refused_with_a_clear_message(tiny_official, tmp_path, capsys):
    torch.save({"not": torch.zeros(1)}, tmp_path / "src" / "upsample_inpaint.pt")
    assert convert_official.main([str(tmp_path / "src"), "--out", str(tmp_path / "b")]) == 1
    err = capsys.readouterr().err
    assert "upsample_inpaint.pt is not the official upsampler inpainting checkpoint" in err
    assert not (tmp_path / "b").exists()


def test_truncated_checkpoint_is_refused(tiny_official, tmp_path, capsys):
    path = tmp_path / "src" / "base_inpaint.pt"
    path.write_bytes(path.read_bytes()[:5000])
    assert convert_official.main([str(tmp_path / "src"), "--out", str(tmp_path / "b")]) == 1
    assert "not a readable PyTorch checkpoint" in capsys.readouterr().err


def test_missing_checkpoint_is_named(tmp_path, capsys):
    assert convert_official.main([str(tmp_path), "--out", str(tmp_path / "b")]) == 1
    assert "base_inpaint.pt not found" in capsys.readouterr().err
