"""scripts/one_call.py: what one call's answers name, and the count of photos that got two; scripts/own_wordings.py's question files."""

import re
import runpy
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "one_call.py"


@pytest.fixture(scope="module")
def script():
    return runpy.run_path(str(SCRIPT))


def test_the_ages_and_genders_one_call_names(script):
    # the old pipeline's answers about one val photo (session 24): two ages and two genders in one call
    answers = ["3 years old: a child.", "No. She looks about 3 years old.",
               "The image shows a close-up portrait of an Asian young boy who is 2 years old.",
               "Yes. He is smiling.", "This is a girl.", "A 2-year-old Asian boy, smiling."]
    assert script["named"](answers) == ({2, 3}, {"male", "female"})
    assert script["named"](["He is 80 years old, so he is a senior.", "An 80-year-old White man.", "Yes."]) == (
        {80}, {"male"})
    assert script["named"](["I can't tell from this photo."]) == (set(), set())


def test_the_summary_counts_photos_with_more_than_one(script):
    rows = [{"ages": [2, 3], "genders": ["female"]}, {"ages": [80], "genders": ["male"]},
            {"ages": [], "genders": ["female", "male"]}, {"ages": [30, 31], "genders": ["female", "male"]}]
    assert script["summary"](rows) == ("2 of 4 photos got more than one age in one call (50.0%); "
                                       "2 of 4 more than one gender (50.0%)")


def test_own_wordings_reads_a_question_file():
    """scripts/own_wordings.py --questions: one question per line, open or yes/no with the premise's value."""
    read = runpy.run_path(str(SCRIPT.parent / "own_wordings.py"))["_question_line"]
    assert read("How old r they\tage_group", 1) == ("How old r they", "age_group", None)
    assert read("Is the subject grinning?\tsmile\ttrue", 2) == ("Is the subject grinning?", "smile", True)
    assert read("Is the person a female?\tgender\tfemale", 3) == ("Is the person a female?", "gender", "female")
    with pytest.raises(SystemExit, match="line 4"):
        read("How tall?\theight", 4)
    # the file the README's command uses is well formed
    lines = [ln for ln in (SCRIPT.parent / "wordings_unseen.tsv").read_text().splitlines() if not ln.startswith("#")]
    assert len([read(ln, k) for k, ln in enumerate(lines, 1)]) == 17


def test_probe_wordings_diff_counts_changed_answers(tmp_path, capsys):
    diff = runpy.run_path(str(SCRIPT.parent / "probe_wordings_diff.py"))
    old = "=== a\nQ: How old?\nA: 35.\nQ: Male or female?\nA: I can't tell.\n=== b\nQ: How old?\nA: 3.\n"
    new = "=== a\nQ: How old?\nA: 35.\nQ: Male or female?\nA: A woman.\n=== b\nQ: How old?\nA: 4.\n"
    assert diff["answers"](old) == {("a", "How old?"): "35.", ("a", "Male or female?"): "I can't tell.",
                                   ("b", "How old?"): "3."}
    (tmp_path / "old.txt").write_text(old)
    (tmp_path / "new.txt").write_text(new)
    assert diff["main"]([str(tmp_path / "old.txt"), str(tmp_path / "new.txt")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2 of 3 answers changed (2 wordings)" and lines[1] == "a | Male or female? | I can't tell. -> A woman."
    # the question file holds as many distinct, non-empty questions as the script's header says it asks
    questions = (SCRIPT.parent / "probe_wordings.txt").read_text().splitlines()
    stated = re.search(r"the (\d+) questions", (SCRIPT.parent / "probe_wordings.sh").read_text())
    assert stated and len(questions) == int(stated[1]) == len(set(questions)) and all(q.strip() for q in questions)
