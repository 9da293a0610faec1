from pathlib import Path

import pytest
import torch

# One thread: tests are many small ops, where a second thread costs more than it gives
# (and oversubscribes a busy 2-core machine badly).
torch.set_num_threads(1)

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    """../shared/data beside the checkout (developers and CI only); tests skip without it."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present (only on developer/CI machines)")
    return SHARED_DATA
