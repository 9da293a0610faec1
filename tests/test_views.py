"""Mirror views (generation/views.py): the paired log-probability mean against a float64 reference, the
tokens a mirror exchanges, and the pipeline's paired decoding against the full-recompute text loop."""

import numpy as np
import pytest
import torch
from PIL import Image, ImageOps

from unif2ace.generation import TextGenerationConfig, generate_text
from unif2ace.generation.views import PairedViews, mirror_swaps
from unif2ace.pipeline import CAPTION_QUESTION, UniF2ace, prepare_face, write_random_model
from unif2ace.text import load_text_tokenizer

skimage_data = pytest.importorskip("skimage.data")


def reference_mean(logits: np.ndarray, swaps: dict[int, int]) -> np.ndarray:
    """float64, one row and one token at a time: the pair's mean log-probability, the mirror's swapped."""
    out = np.empty(logits.shape, dtype=np.float64)
    for k in range(0, logits.shape[0], 2):
        rows = []
        for r in (k, k + 1):
            x = logits[r].astype(np.float64)
            rows.append(x - (np.log(np.sum(np.exp(x - x.max()))) + x.max()))
        for v in range(logits.shape[1]):
            out[k, v] = out[k + 1, v] = (rows[0][v] + rows[1][swaps.get(v, v)]) / 2
    return out


def test_paired_views_is_the_mean_of_the_two_views_with_left_and_right_exchanged():
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(6, 40, generator=g) * 4
    swaps = [(3, 7), (10, 11)]
    got = PairedViews(swaps)(0, logits)
    want = reference_mean(logits.numpy(), {3: 7, 7: 3, 10: 11, 11: 10})
    np.testing.assert_allclose(got.numpy(), want, rtol=0, atol=2e-6)
    assert torch.equal(got[0::2], got[1::2])  # both rows of a pair choose the same token
    # no swaps: the plain mean; and a photo equal to its mirror with no swaps gives back its own log-probs
    np.testing.assert_allclose(PairedViews()(0, logits).numpy(), reference_mean(logits.numpy(), {}), atol=2e-6)
    same = logits[:2].repeat_interleave(2, 0)
    np.testing.assert_allclose(PairedViews()(0, same).numpy(), same.log_softmax(-1).numpy(), atol=2e-6)
    with pytest.raises(ValueError, match="pairs"):
        PairedViews(swaps)(0, logits[:3])


def test_mirror_swaps_are_the_single_token_words():
    bpe = load_text_tokenizer("bpe-1024")
    pairs = mirror_swaps(bpe)
    left, right = bpe.encode(" left"), bpe.encode(" right")
    assert len(left) == len(right) == 1 and (left[0], right[0]) in pairs  # every description's words

    class Split:  # a tokenizer that writes every word in two tokens has nothing to swap
        def encode(self, text):
            return [len(text), len(text) + 1]

    assert mirror_swaps(Split()) == []


@pytest.fixture(scope="module")
def pipe(tmp_path_factory):
    return UniF2ace.from_pretrained(write_random_model(tmp_path_factory.mktemp("model") / "tiny"), dtype="float32")


def test_mirror_views_caption_is_the_paired_text_loop(pipe):
    astronaut = Image.fromarray(skimage_data.astronaut())
    plain = pipe.caption([astronaut], max_new_tokens=12)[0]  # remembered for this photo: must not be reused
    pipe.mirror_views = True
    try:
        paired = pipe.caption([astronaut], max_new_tokens=12)[0]
        sampled = pipe.ask(astronaut, "Is she smiling?", max_new_tokens=6, do_sample=True, seed=3)
    finally:
        pipe.mirror_views = False
    assert sampled == pipe.ask(astronaut, "Is she smiling?", max_new_tokens=6, do_sample=True, seed=3)  # greedy only
    assert pipe.caption([astronaut], max_new_tokens=12)[0] == plain

    crop = prepare_face(astronaut, 64)[0]
    codes = pipe.image_tokenizer.encode([crop, ImageOps.mirror(crop)])
    batch = pipe.prompter.mmu(codes, [[(CAPTION_QUESTION, None)]] * 2, left_pad=True)
    swaps = dict(mirror_swaps(pipe.text_tokenizer))
    swaps.update({b: a for a, b in list(swaps.items())})

    def reference(step, logits):
        return torch.from_numpy(reference_mean(logits.double().numpy(), swaps)).to(logits.dtype)

    config = TextGenerationConfig(max_new_tokens=12, use_cache=False)  # the full-recompute reference loop
    tokens = generate_text(pipe.model, batch, config, features=pipe.understanding_features([crop] * 2),
                           logits_processor=reference)
    assert tokens[0] == tokens[1]
    assert paired == pipe.text_tokenizer.decode(tokens[0]).strip() and paired
