"""scripts/described_age_spans.py: the table that chose the number margin of grounded yes/no answers."""

import runpy
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "described_age_spans.py"


def test_span_table_counts_spans_by_years_outside_against_a_direct_count():
    span_table = runpy.run_path(str(SCRIPT))["span_table"]
    pairs = [(32.0, 29.0), (5.0, 5.0), (60.0, 75.0)]
    table = span_table(pairs, half_width=3)
    # every pair places 99 spans (N = 1 ... 99)
    assert sum(n for n, _ in table.values()) == 99 * len(pairs)
    # inside: N within 3 of the described age (7 spans each; 5 has N = 2 ... 8); the label inside them:
    # 29 in N = 29 ... 32 (4 of 32's seven spans N = 29 ... 35), 5 always (7), 75 never (60's spans N = 57 ... 63)
    assert table[0] == (21, 4 + 7 + 0)
    # 32 lies 9 outside "about 20" (17-23) and "about 44" (41-47): two spans, neither holding 29
    n, inside = table[9]
    direct = [(d, a, n_) for d, a in pairs for n_ in range(1, 100)
              if max(max(n_ - 3, 0) - d, d - (n_ + 3), 0) == 9]
    assert n == len(direct) and inside == sum(max(n_ - 3, 0) <= a <= n_ + 3 for d, a, n_ in direct)
    # anything 12 or more years outside is one row
    assert max(table) == 12
