"""Hugging Face Hub ids: from_pretrained("org/name") reads huggingface_hub's cache (offline, with a cache
the test lays out itself: models--org--name/refs/main → snapshots/<commit>/)."""

import numpy as np
import pytest

pytest.importorskip("huggingface_hub")

from unif2ace.pipeline import UniF2ace, write_random_model  # noqa: E402
from unif2ace.pipeline.loading import resolve_model_path  # noqa: E402

COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def hub_cache(tmp_path, monkeypatch):
    cache = tmp_path / "hub"
    repo = cache / "models--some-org--tiny-face"
    write_random_model(repo / "snapshots" / COMMIT, steps=2)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(COMMIT)
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return repo / "snapshots" / COMMIT


def test_a_hub_id_loads_from_the_cache_offline(hub_cache):
    assert resolve_model_path("some-org/tiny-face") == hub_cache
    assert resolve_model_path(f"some-org/tiny-face@{COMMIT}") == hub_cache
    pipe = UniF2ace.from_pretrained("some-org/tiny-face", dtype="float32")
    local = UniF2ace.from_pretrained(hub_cache, dtype="float32")
    a = pipe.generate("a smiling woman", seed=1)[0]
    b = local.generate("a smiling woman", seed=1)[0]
    assert np.array_equal(np.asarray(a), np.asarray(b)) and pipe.name == "some-org/tiny-face"


def test_a_missing_hub_id_is_one_line_offline(hub_cache):
    with pytest.raises(FileNotFoundError, match="not in the Hugging Face cache .*HF_HUB_OFFLINE") as info:
        UniF2ace.from_pretrained("some-org/absent")
    assert "\n" not in str(info.value)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        resolve_model_path("./no/such/folder")
