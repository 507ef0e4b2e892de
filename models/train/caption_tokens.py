"""Token ids for a fixed list of captions, from the engine's tokenizer (run once through Node)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Dict, Iterable, Tuple

import numpy as np

REPO = Path(__file__).resolve().parents[2]


def tokenize_captions(captions: Iterable[str], text_ctx: int) -> Dict[str, Tuple[np.ndarray, np.ndarray]]:
    request = json.dumps({"textCtx": text_ctx, "captions": sorted(set(captions))})
    result = subprocess.run(["npx", "tsx", "models/train/tokenize-captions.ts"], input=request, cwd=REPO,
                            capture_output=True, text=True, check=True)
    table = json.loads(result.stdout)
    return {c: (np.array(v["tokens"], dtype=np.int64), np.array(v["mask"], dtype=bool)) for c, v in table.items()}
