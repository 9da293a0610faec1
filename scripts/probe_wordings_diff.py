"""The answers that differ between two runs of scripts/probe_wordings.sh (before, after): a count, then one line each.

    python scripts/probe_wordings_diff.py OLD.txt NEW.txt
"""

from __future__ import annotations

import re
import sys


def answers(text: str) -> dict[tuple[str, str], str]:
    """{(photo id, question): answer} from the output of `unif2ace ask` after "=== ID" lines."""
    out = {}
    for block in text.split("=== ")[1:]:
        photo = block.strip().split("\n", 1)[0].strip()
        for question, answer in re.findall(r"^Q: (.*)\nA: (.*)$", block, re.M):
            out[(photo, question)] = answer
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    old, new = (answers(open(p, encoding="utf-8").read()) for p in argv)
    changed = [(k, old[k], new[k]) for k in old if k in new and old[k] != new[k]]
    print(f"{len(changed)} of {len(old)} answers changed ({len({q for (_, q), *_ in changed})} wordings)")
    for (photo, question), before, after in changed:
        print(f"{photo} | {question} | {before} -> {after}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
