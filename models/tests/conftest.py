import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

# The reference vectors made with OpenAI's GLIDE code; CI has shared/ beside the clone.
REFERENCE = REPO.parent / "shared" / "reference" / "glide"


@pytest.fixture(scope="session")
def reference() -> Path:
    if not REFERENCE.is_dir():
        pytest.fail(f"reference vectors not found at {REFERENCE}")
    return REFERENCE
