import os
import sys
from pathlib import Path

# One thread for torch and every OpenMP/BLAS user, set before torch loads: these tests use small
# tensors, and on a shared 2-core machine (a training run or a browser beside them) extra OpenMP
# threads spin waiting for cores instead of working (97 s -> hours). scripts/test.sh sets the same.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import pytest  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

# The reference vectors made with OpenAI's GLIDE code; CI has shared/ beside the clone.
REFERENCE = REPO.parent / "shared" / "reference" / "glide"


@pytest.fixture(scope="session")
def reference() -> Path:
    if not REFERENCE.is_dir():
        pytest.fail(f"reference vectors not found at {REFERENCE}")
    return REFERENCE


def pytest_terminal_summary(terminalreporter) -> None:
    """The CPU seconds of the run (scripts/test.sh runs these tests beside others, so wall time says little)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    terminalreporter.write_line(f"CPU: {cpu:.0f} s (user + system, pytest and the processes it started)")
