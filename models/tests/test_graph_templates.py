"""The shipped official templates (models/official-templates/templates.json) are graph_templates.py's
output: what they say about the checkpoints is official.py's, and rewriting that part changes no byte."""
import json
import shutil
from pathlib import Path

from models.glide import graph_templates, official

SHIPPED = Path(__file__).resolve().parents[1] / "official-templates"


def test_shipped_templates_say_what_official_py_says():
    shipped = json.loads((SHIPPED / graph_templates.TEMPLATES_FILE).read_text())
    metadata = graph_templates.official_metadata()
    assert {key: shipped[key] for key in metadata} == metadata
    assert shipped["baseUrl"] == official.BASE_URL
    assert {stage: entry["checkpoint"] for stage, entry in shipped["stages"].items()} == official.CHECKPOINTS


def test_rewriting_the_metadata_reproduces_the_shipped_file(tmp_path):
    shutil.copy(SHIPPED / graph_templates.TEMPLATES_FILE, tmp_path)
    assert graph_templates.main([str(tmp_path), "--metadata-only"]) == 0
    assert (tmp_path / graph_templates.TEMPLATES_FILE).read_bytes() == (SHIPPED / graph_templates.TEMPLATES_FILE).read_bytes()
