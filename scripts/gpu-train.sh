#!/usr/bin/env bash
# Train recipes on one GPU, side by side (the project's small models leave a GPU mostly idle, so
# two runs cost little more than one), then cast each run's best evaluation to fp16.
#
#   scripts/gpu-train.sh pack                              # here: copy what the runs need into .carry/ (18 MB, ignored)
#   scripts/gpu-train.sh run OUT [RECIPE[@INIT] ...]       # on the GPU machine (or any machine with .carry/)
#
# Each run is a recipe, optionally with @FOLDER to start from that model folder (model.init=FOLDER).
# Without any, it trains the default model's first GPU stage and its wider sibling, as shipped:
#   recipes/face-gpu.yaml@unif2ace/assets/models/default recipes/face-gpu-wide.yaml
# `run` needs only this checkout, .carry/ and a Python with torch, numpy, safetensors, pyyaml, tqdm
# and tokenizers (no install: PYTHONPATH is the checkout and .carry/site, where pack puts pyspellchecker).
# It rebuilds runs/data/utkface from .carry/, trains every recipe at once into runs/NAME (NAME: the
# recipe's file name), exports each run's best evaluation in fp16 and writes into OUT:
#   NAME.safetensors.part-*   (fp16 weights, in 15 MiB pieces; rejoin with cat OUT/NAME.safetensors.part-* > NAME.safetensors)
#   logs.tar.gz               (metrics.jsonl, configs, logs, the model folders without their weights)
# The other files of each model folder are those of unif2ace/assets/models/default (same tokenizers).
# The first GPU stage (face-gpu) started from stage 4's weights, which commit 201a2e0 shipped: to
# reproduce it, restore them first with
#   git show 201a2e0:unif2ace/assets/models/default/model.safetensors > unif2ace/assets/models/default/model.safetensors
# Environment: MINUTES (training time cap per run, default each recipe's), DEVICE (default cuda),
# PYTHON (default python3), EXTRA (more key=value overrides for every run, e.g. for a smoke test).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=runs/data/utkface

pack() {
    for f in "$DATA"/records.jsonl "$DATA"/shards/codes/face-f8.index.json "$DATA"/shards/features/dlib-128.index.json; do
        [ -f "$f" ] || { echo "missing $f: build the dataset, its face-f8 codes and dlib features first (README, model card)" >&2; exit 1; }
    done
    local py=${PYTHON:-.venv/bin/python}
    rm -rf .carry && mkdir -p .carry/utkface/shards/codes .carry/utkface/shards/features .carry/site
    cp "$DATA"/manifest.json "$DATA"/splits.json .carry/utkface/
    xz -T2 -6 -c "$DATA"/records.jsonl > .carry/utkface/records.jsonl.xz
    cp "$DATA"/shards/codes/face-f8*.index.json .carry/utkface/shards/codes/
    cp "$DATA"/shards/features/dlib-128* .carry/utkface/shards/features/
    # codes (face-f8, -flip, -grey) as uint16 and xz: 55 MB of int64 → 10 MB, so that the checkout, .carry/
    # and the shipped weights stay under the device tool's 64 MiB
    "$py" - "$DATA"/shards/codes .carry/utkface/shards/codes <<'PY'
import lzma, pathlib, sys
import numpy as np
from safetensors import safe_open
from safetensors.numpy import load, save
src, dst = map(pathlib.Path, sys.argv[1:])
for f in sorted(src.glob("face-f8*.safetensors")):
    with safe_open(str(f), "np") as fh:
        meta = dict(fh.metadata() or {})
    arrays = load(f.read_bytes())
    assert all(a.min() >= 0 and a.max() < 2**16 for a in arrays.values()), f"{f}: codes outside uint16"
    meta["packed_from"] = ",".join(f"{k}:{a.dtype}" for k, a in arrays.items())
    packed = save({k: a.astype(np.uint16) for k, a in arrays.items()}, metadata=meta)
    (dst / (f.name + ".u16.xz")).write_bytes(lzma.compress(packed, preset=6))
PY
    # pyspellchecker's English list (a dependency the GPU image lacks), without its other languages
    "$py" -c "import os, shutil, spellchecker as s; d = os.path.dirname(s.__file__); shutil.copytree(d, '.carry/site/spellchecker', ignore=lambda p, n: [x for x in n if x == '__pycache__' or (x.endswith('.json.gz') and x != 'en.json.gz')])"
    du -sh .carry
}

run() {
    local out=$1 minutes=${MINUTES:-} device=${DEVICE:-cuda} py=${PYTHON:-python3}
    shift
    local specs=("$@")
    [ ${#specs[@]} -gt 0 ] || specs=(recipes/face-gpu.yaml@unif2ace/assets/models/default recipes/face-gpu-wide.yaml)
    [ -d .carry/utkface ] || { echo "no .carry/utkface: run 'scripts/gpu-train.sh pack' where the dataset is" >&2; exit 1; }
    local spec
    for spec in "${specs[@]}"; do
        [ -f "${spec%%@*}" ] || { echo "no recipe ${spec%%@*}: give recipes/NAME.yaml[@INIT_FOLDER]" >&2; exit 2; }
    done
    mkdir -p "$out" "$DATA" runs/gpu-logs
    cp -r .carry/utkface/. "$DATA"/
    export PYTHONPATH=$PWD:$PWD/.carry/site${PYTHONPATH:+:$PYTHONPATH} PYTHONUNBUFFERED=1 TQDM_MININTERVAL=10
    "$py" -c "import lzma, os, shutil; shutil.copyfileobj(lzma.open('$DATA/records.jsonl.xz'), open('$DATA/records.jsonl', 'wb')); os.remove('$DATA/records.jsonl.xz')"
    "$py" - "$DATA"/shards/codes <<'PY'
import lzma, pathlib, sys
import numpy as np
from safetensors import safe_open
from safetensors.numpy import load, save_file
for f in sorted(pathlib.Path(sys.argv[1]).glob("*.u16.xz")):  # pack's uint16 codes, back to their own dtype
    data = lzma.decompress(f.read_bytes())
    arrays = load(data)
    out = f.with_name(f.name[: -len(".u16.xz")])
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(data)
    with safe_open(str(tmp), "np") as fh:
        meta = dict(fh.metadata() or {})
    dtypes = dict(x.split(":") for x in meta.pop("packed_from").split(","))
    save_file({k: a.astype(dtypes[k]) for k, a in arrays.items()}, str(tmp), metadata=meta)
    tmp.replace(out)
    f.unlink()
PY
    "$py" -c "import torch; print('torch', torch.__version__, '|', torch.cuda.get_device_name() if torch.cuda.is_available() else 'no GPU')"
    local common=(device="$device" data.image_tokenizer=unif2ace/assets/models/default/image_tokenizer)
    [ -n "$minutes" ] && common+=(max_minutes="$minutes")
    read -r -a extra <<<"${EXTRA:-}"
    common+=("${extra[@]}")
    local names=() pids=() recipe init name
    for spec in "${specs[@]}"; do  # all at once: small models leave one GPU mostly idle
        recipe=${spec%%@*} init=()
        [[ $spec == *@* ]] && init=(model.init="${spec#*@}")
        name=$(basename "$recipe" .yaml)
        names+=("$name")
        rm -rf "runs/$name"
        "$py" -m unif2ace train "$recipe" out="runs/$name" "${common[@]}" "${init[@]}" >"runs/gpu-logs/$name.log" 2>&1 &
        pids+=($!)
    done
    local i rc
    for i in "${!pids[@]}"; do
        rc=0; wait "${pids[$i]}" || rc=$?
        echo "exit code of ${names[$i]}: $rc"
    done
    for name in "${names[@]}"; do
        if [ -f "runs/$name/model/model.safetensors" ]; then
            "$py" -m unif2ace export "runs/$name/model" "runs/$name/model-fp16" --dtype float16
            split -b 15M -d "runs/$name/model-fp16/model.safetensors" "$out/$name.safetensors.part-"
            sha256sum "runs/$name/model-fp16/model.safetensors" | tee "runs/gpu-logs/$name.sha256"
            cp -r "runs/$name/model-fp16" "runs/gpu-logs/$name-model"  # the folder without its weights
            find "runs/gpu-logs/$name-model" -name '*.safetensors' -delete
        fi
        cp "runs/$name/metrics.jsonl" "runs/gpu-logs/$name.metrics.jsonl" 2>/dev/null || true
        cp "runs/$name/config.yaml" "runs/gpu-logs/$name.config.yaml" 2>/dev/null || true
    done
    nvidia-smi >runs/gpu-logs/nvidia-smi.txt 2>&1 || true
    tar -czf "$out/logs.tar.gz" -C runs gpu-logs
    "$py" - "${names[@]}" <<'EOF'
import json, pathlib, sys
for name in sys.argv[1:]:
    p = pathlib.Path(f"runs/gpu-logs/{name}.metrics.jsonl")
    if not p.is_file():
        print(name, "no metrics"); continue
    rows = [json.loads(x) for x in p.read_text().splitlines()]
    train = [r for r in rows if "tokens_per_s" in r]
    print(f"{name}: {train[-1]['step'] if train else 0} steps, last {train[-1]['time'] if train else 0:.0f} s, "
          f"median tokens/s {sorted(r['tokens_per_s'] for r in train)[len(train) // 2] if train else 0:.0f}")
    for r in rows:
        if "val/mmu/ce" in r:
            print(f"  step {r['step']:>6}  val image CE {r['val/t2i/mask_ce']:.4f}  answer CE {r['val/mmu/ce']:.4f}")
EOF
    tail -n 3 runs/gpu-logs/*.log
    ls -la "$out"
}

case "${1:-}" in
    pack) pack ;;
    run) shift; run "${1:?usage: scripts/gpu-train.sh run OUT [RECIPE[@INIT] ...]}" "${@:2}" ;;
    *) echo "usage: scripts/gpu-train.sh pack | run OUT [RECIPE[@INIT] ...]" >&2; exit 2 ;;
esac
