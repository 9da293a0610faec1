"""Gender-swapped contrast prompts (unif2ace.generation.contrast)."""

import pytest

from unif2ace.generation.contrast import swap_gender


@pytest.mark.parametrize("text, swapped", [
    ("A smiling young woman. Her eyes are open; she wears glasses.",
     "A smiling young man. His eyes are open; he wears glasses."),
    ("There is no smile on his face. His head is turned. The book is his.",
     "There is no smile on her face. Her head is turned. The book is hers."),
    ("She gave him her hat.", "He gave her his hat."),
    ("He looks at her.", "She looks at him."),
    ("A close-up of a little GIRL, a female child, and her grandmother.",
     "A close-up of a little BOY, a male child, and his grandfather."),
    ("Two men and a boy.", "Two women and a girl."),
])
def test_swap_gender_swaps_every_gender_word_and_keeps_case(text, swapped):
    assert swap_gender(text) == swapped


def test_words_that_merely_contain_gender_words_are_kept_and_neutral_prompts_give_none():
    assert swap_gender("a photo of a person with a thin manicured hand, the theme is humane") is None
    assert swap_gender("a human shepherd") is None  # "he" inside "shepherd" is not a word
    assert swap_gender("A woman in a manor.") == "A man in a manor."


@pytest.mark.parametrize("text", [
    "A close-up portrait of a White little boy who is 2 years old. Both of his eyes are open. He faces the camera.",
    "A close-up photo of a White middle-aged woman. She is clearly smiling, with her mouth slightly open. Her eyes are open.",
])
def test_caption_style_prompts_swap_back_to_themselves(text):
    assert swap_gender(swap_gender(text)) == text
