from pathlib import Path

import pytest
import torch

# One thread: tests are many small ops, where a second thread costs more than it gives
# (and oversubscribes a busy 2-core machine badly).
torch.set_num_threads(1)

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist (`make test` runs `-n`), tests are handed out a module at a time (`--dist loadscope`):
    a doc's command blocks build on each other (tests/test_docs.py), so one worker must run them in order.
    (`--dist loadgroup` with xdist_group marks would split finer, but pytest-xdist 3.8 cannot rename pytest 9's
    node ids, so its groups are ignored and the blocks scatter: pytest-dev/pytest-xdist#1386.) Plain `pytest`,
    with or without xdist installed, runs everything in this one process."""
    if config.pluginmanager.hasplugin("xdist") and config.getoption("dist", "no") == "load":
        config.option.dist = "loadscope"


@pytest.fixture
def shared_data() -> Path:
    """../shared/data beside the checkout (developers and CI only); tests skip without it."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present (only on developer/CI machines)")
    return SHARED_DATA
