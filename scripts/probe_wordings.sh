#!/usr/bin/env bash
# Ask 10 val photos the 187 questions of scripts/probe_wordings.txt (wordings typed as users type them: terse,
# misspelt, choices, statements to agree with) through `unif2ace ask`, one thread, and write the answers.
#
#   bash scripts/probe_wordings.sh IMAGES_DIR OUT.txt            # IMAGES_DIR: UTKFace's aligned chips
#   PYTHONPATH=/path/to/old/checkout bash scripts/probe_wordings.sh IMAGES_DIR OLD.txt   # the code before
#   python scripts/probe_wordings_diff.py OLD.txt OUT.txt        # how many answers changed, and which
set -euo pipefail
images=${1:?usage: probe_wordings.sh IMAGES_DIR OUT.txt}
out=${2:?usage: probe_wordings.sh IMAGES_DIR OUT.txt}
here=$(cd "$(dirname "$0")" && pwd)
readarray -t questions < "$here/probe_wordings.txt"
ids=(26_1_0_20170104165749289 80_1_0_20170110141320400 5_0_2_20161219140923888 47_0_3_20170109142337247
     14_1_0_20170109203505137 23_1_1_20170103223013127 57_0_0_20170104212600580 3_1_0_20170109194109844
     10_1_4_20161223225900460 42_0_0_20170111200657340)
: > "$out"
for k in "${!ids[@]}"; do
  id=${ids[$k]}
  echo "photo $((k + 1))/${#ids[@]}: $id" >&2
  { echo "=== $id"; unif2ace -q ask "$images/$id.jpg.chip.jpg" "${questions[@]}" --threads 1; } >> "$out"
done
