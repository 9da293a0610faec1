#!/usr/bin/env bash
# Train the default model's GPU stage (recipes/face-gpu.yaml) and its wider sibling
# (recipes/face-gpu-wide.yaml) side by side on one GPU, then cast both to fp16.
#
#   scripts/gpu-train.sh pack        # here: copy what the runs need into .carry/ (25 MB, ignored)
#   scripts/gpu-train.sh run OUT     # on the GPU machine (or any machine with .carry/): train, export
#
# `run` needs only this checkout, .carry/ and a Python with torch, numpy, safetensors, pyyaml, tqdm
# and tokenizers (no install: PYTHONPATH is the checkout). It rebuilds runs/data/utkface from
# .carry/, trains both recipes at once (a 13 M and a 19 M model leave one GPU mostly idle, so two
# runs cost little more than one), exports each run's best evaluation in fp16 and writes into OUT:
#   face-gpu.safetensors.part-*, face-gpu-wide.safetensors.part-*   (fp16 weights, in 15 MiB pieces)
#   logs.tar.gz                                                      (metrics.jsonl, configs, logs)
# Rejoin with `cat OUT/NAME.safetensors.part-* > NAME.safetensors`; the other files of each model
# folder are those of unif2ace/assets/models/default (same tokenizers, configs from the recipes).
# face-gpu starts from the weights in unif2ace/assets/models/default. The shipped run started from
# stage 4's, which commit 201a2e0 shipped: to reproduce it, restore them first with
#   git show 201a2e0:unif2ace/assets/models/default/model.safetensors > unif2ace/assets/models/default/model.safetensors
# Environment: MINUTES (training time cap per run, default the recipes' 7.5), DEVICE (default cuda),
# PYTHON (default python3), EXTRA (more key=value overrides for both runs, e.g. for a smoke test).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=runs/data/utkface
RUNS=(face-gpu face-gpu-wide)

pack() {
    for f in "$DATA"/records.jsonl "$DATA"/shards/codes/face-f8.index.json "$DATA"/shards/features/dlib-128.index.json; do
        [ -f "$f" ] || { echo "missing $f: build the dataset, its face-f8 codes and dlib features first (README, model card)" >&2; exit 1; }
    done
    rm -rf .carry && mkdir -p .carry/utkface/shards/codes .carry/utkface/shards/features
    cp "$DATA"/manifest.json "$DATA"/splits.json .carry/utkface/
    xz -T2 -6 -c "$DATA"/records.jsonl > .carry/utkface/records.jsonl.xz
    cp "$DATA"/shards/codes/face-f8* .carry/utkface/shards/codes/
    cp "$DATA"/shards/features/dlib-128* .carry/utkface/shards/features/
    du -sh .carry
}

run() {
    local out=$1 minutes=${MINUTES:-} device=${DEVICE:-cuda} py=${PYTHON:-python3}
    [ -d .carry/utkface ] || { echo "no .carry/utkface: run 'scripts/gpu-train.sh pack' where the dataset is" >&2; exit 1; }
    mkdir -p "$out" "$DATA" runs/gpu-logs
    cp -r .carry/utkface/. "$DATA"/
    export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH} PYTHONUNBUFFERED=1 TQDM_MININTERVAL=10
    "$py" -c "import lzma, os, shutil; shutil.copyfileobj(lzma.open('$DATA/records.jsonl.xz'), open('$DATA/records.jsonl', 'wb')); os.remove('$DATA/records.jsonl.xz')"
    "$py" -c "import torch; print('torch', torch.__version__, '|', torch.cuda.get_device_name() if torch.cuda.is_available() else 'no GPU')"
    local common=(device="$device" data.image_tokenizer=unif2ace/assets/models/default/image_tokenizer)
    [ -n "$minutes" ] && common+=(max_minutes="$minutes")
    read -r -a extra <<<"${EXTRA:-}"
    common+=("${extra[@]}")
    rm -rf runs/face-gpu runs/face-gpu-wide
    "$py" -m unif2ace train recipes/face-gpu.yaml "${common[@]}" model.init=unif2ace/assets/models/default \
        >runs/gpu-logs/face-gpu.log 2>&1 &
    local a=$!
    "$py" -m unif2ace train recipes/face-gpu-wide.yaml "${common[@]}" >runs/gpu-logs/face-gpu-wide.log 2>&1 &
    local b=$!
    local ra=0 rb=0
    wait $a || ra=$?
    wait $b || rb=$?
    echo "exit codes: face-gpu $ra, face-gpu-wide $rb"
    for name in "${RUNS[@]}"; do
        if [ -f runs/$name/model/model.safetensors ]; then
            "$py" -m unif2ace export runs/$name/model runs/$name/model-fp16 --dtype float16
            split -b 15M -d runs/$name/model-fp16/model.safetensors "$out/$name.safetensors.part-"
            sha256sum runs/$name/model-fp16/model.safetensors | tee runs/gpu-logs/$name.sha256
            cp -r runs/$name/model-fp16 runs/gpu-logs/$name-model  # the folder without its weights
            find runs/gpu-logs/$name-model -name '*.safetensors' -delete
        fi
        cp runs/$name/metrics.jsonl runs/gpu-logs/$name.metrics.jsonl 2>/dev/null || true
        cp runs/$name/config.yaml runs/gpu-logs/$name.config.yaml 2>/dev/null || true
    done
    nvidia-smi >runs/gpu-logs/nvidia-smi.txt 2>&1 || true
    tar -czf "$out/logs.tar.gz" -C runs gpu-logs
    "$py" - <<'EOF'
import json, pathlib
for name in ("face-gpu", "face-gpu-wide"):
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
    run) run "${2:?usage: scripts/gpu-train.sh run OUT}" ;;
    *) echo "usage: scripts/gpu-train.sh pack | run OUT" >&2; exit 2 ;;
esac
