"""Text for training the shipped small BPEs: this pipeline's captions/QA plus face vocabulary.

Template captions use a few hundred words, but the models will also read UniF²aceD-1M-style
prompts ("short curly red hair, freckles and round glasses"). :func:`face_vocabulary_sentences`
writes deterministic sentences over the paper's attribute types (hair colour/length/type,
hairline, bangs, baldness, beard, stubble, sideburns, moustache, jewellery, hats, glasses, masks,
skin, make-up, face shape, expression, actions) so those words get tokens of their own.

Rebuild the shipped vocabularies with::

    python -m unif2ace.text.corpus runs/data/utkface unif2ace/text/assets
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from pathlib import Path

HAIR_COLOURS = ["black", "dark brown", "brown", "light brown", "auburn", "red", "ginger", "strawberry blonde", "blonde",
                "platinum blonde", "golden", "grey", "gray", "silver", "white", "salt-and-pepper", "dyed pink", "dyed blue"]
HAIR_LENGTHS = ["very short", "short", "cropped", "chin-length", "shoulder-length", "medium-length", "long", "very long"]
HAIR_TYPES = ["straight", "wavy", "curly", "tightly coiled", "frizzy", "sleek", "thick", "thin", "fine", "voluminous", "messy",
              "neatly combed", "slicked-back", "braided", "in a ponytail", "in a bun", "in cornrows", "in dreadlocks", "spiky"]
HAIRLINES = ["a receding hairline", "a high forehead", "a widow's peak", "a straight hairline", "thinning hair on top"]
BANGS = ["straight bangs", "side-swept bangs", "blunt fringe", "curtain bangs", "no bangs"]
FACIAL_HAIR = ["a full beard", "a short beard", "a goatee", "light stubble", "heavy stubble", "a thick moustache",
               "a thin moustache", "long sideburns", "a clean-shaven face", "a neatly trimmed beard", "a grey beard"]
ACCESSORIES = ["round glasses", "rectangular glasses", "thick-rimmed glasses", "rimless glasses", "sunglasses", "aviator sunglasses",
               "a baseball cap", "a beanie", "a wide-brimmed hat", "a headscarf", "a hijab", "a turban", "a headband",
               "hoop earrings", "stud earrings", "a pearl necklace", "a gold chain", "a nose ring", "a face mask", "a bow tie"]
SKIN = ["fair skin", "pale skin", "light skin", "olive skin", "tan skin", "brown skin", "dark skin", "freckles",
        "rosy cheeks", "smooth skin", "wrinkles", "deep wrinkles", "crow's feet", "laugh lines", "a mole", "a scar",
        "acne", "dimples", "a birthmark", "clear skin"]
MAKEUP = ["red lipstick", "pink lipstick", "nude lipstick", "heavy eye makeup", "eyeliner", "mascara", "blush", "no makeup",
          "arched eyebrows", "bushy eyebrows", "thin eyebrows", "heavy makeup"]
FACE_SHAPES = ["an oval face", "a round face", "a square jaw", "a heart-shaped face", "a long face", "high cheekbones",
               "a pointed chin", "a double chin", "chubby cheeks", "a narrow face", "a big nose", "a pointy nose",
               "full lips", "thin lips", "big eyes", "narrow eyes", "bags under the eyes", "blue eyes", "brown eyes", "green eyes",
               "hazel eyes"]
EXPRESSIONS = ["smiling", "grinning", "laughing", "beaming", "smirking", "frowning", "glaring", "pouting", "scowling",
               "looking surprised", "looking sad", "looking angry", "looking calm", "looking serious", "looking pensive",
               "looking confident", "looking tired", "raising an eyebrow", "biting the lip", "sticking out the tongue",
               "with a gentle smile", "with a broad smile", "with mouth agape", "with eyes closed", "winking"]
PEOPLE = ["man", "woman", "boy", "girl", "young man", "young woman", "elderly man", "elderly woman", "teenager", "child",
          "baby", "toddler", "middle-aged man", "middle-aged woman", "person", "gentleman", "lady"]
AGES = ["in their twenties", "in their thirties", "in their forties", "in their fifties", "in their sixties",
        "in their seventies", "around 30", "about 45", "aged 8", "aged 70"]


def face_vocabulary_sentences(n: int = 20000, seed: int = 0) -> Iterator[str]:
    """``n`` deterministic descriptions mixing the attribute vocabulary above."""
    rng = random.Random(seed)
    for _ in range(n):
        who = rng.choice(PEOPLE)
        parts = [f"{rng.choice(HAIR_LENGTHS)} {rng.choice(HAIR_TYPES)} {rng.choice(HAIR_COLOURS)} hair"]
        for pool in (HAIRLINES, BANGS, FACIAL_HAIR, ACCESSORIES, SKIN, MAKEUP, FACE_SHAPES):
            if rng.random() < 0.45:
                parts.append(rng.choice(pool))
        lead = rng.choice(["A", "A photo of a", "Portrait of a", "Close-up of a", "This image shows a"])
        age = rng.choice(AGES) + " " if rng.random() < 0.5 else ""
        text = f"{lead} {who} {age}{rng.choice(EXPRESSIONS)}, with " + ", ".join(parts[:-1])
        text += (" and " if len(parts) > 1 else "") + parts[-1] + "."
        yield text[0].upper() + text[1:]


def dataset_texts(folder: str | Path) -> Iterator[str]:
    from unif2ace.data.store import FaceStore

    store = FaceStore.open(folder)
    for rec in store.records("train" if store.splits_path.is_file() else None):
        yield rec.caption
        for t in rec.qa:
            yield t.question
            yield t.answer


def build_shipped_bpe(dataset: str | Path, out: str | Path, sizes: tuple[int, ...] = (8192, 1024)) -> None:
    from unif2ace.text.bpe import BPETokenizer

    for size in sizes:
        texts = list(dataset_texts(dataset)) + list(face_vocabulary_sentences())
        tok = BPETokenizer.train(texts, vocab_size=size)
        tok.save(Path(out) / f"bpe-{size}")
        print(f"bpe-{size}: {tok._tok.get_vocab_size()} trained tokens")


if __name__ == "__main__":
    build_shipped_bpe(sys.argv[1], sys.argv[2])
