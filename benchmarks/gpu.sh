#!/usr/bin/env bash
# One command for the GPU rows of docs/inference.md (issue 22), for a session lent a GPU:
#     bash benchmarks/gpu.sh            # ≈ 8 minutes on one H100/H200; writes benchmarks/results/DATE-gpu-*.json
#     DEADLINE=$(( $(date +%s) + 300 )) bash benchmarks/gpu.sh   # whatever fits in 5 minutes, in this order
# Each step has its own time limit so that one slow step cannot eat the others' time; with DEADLINE (seconds
# since the epoch) no step runs past it, and a step that would get under 20 s is skipped. The whole output
# is also written to benchmarks/results/DATE-gpu-log.txt. PYTHON: the interpreter (default: .venv's, else python3).
set -u
cd "$(dirname "$0")/.."
PY=${PYTHON:-$([ -x .venv/bin/python ] && echo .venv/bin/python || echo python3)}
D=$(date -u +%Y-%m-%d)
OUT=benchmarks/results
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || { echo "no GPU: nothing to do"; exit 2; }
exec > >(tee -a "$OUT/$D-gpu-log.txt") 2>&1
run() {
    local limit=$1
    if [ -n "${DEADLINE:-}" ]; then
        local left=$(( DEADLINE - $(date +%s) - 5 ))
        [ "$left" -lt "$limit" ] && limit=$left
        [ "$limit" -lt 20 ] && { echo "== skipped (DEADLINE): ${*:2}"; return; }
    fi
    echo "== [${limit} s] ${*:2}"; timeout "$limit" "${@:2}" || echo "(step failed or timed out: $?)"
}
# first, that the CUDA-graph text decoding and image draw give the eager tokens and codes on this GPU
run 60 "$PY" -m pytest tests/test_compile.py tests/test_generation.py -q -k "cuda_graph or static" -p no:cacheprovider
# and that dlib's descriptor network in torch gives dlib's features on the GPU (data encode's default device)
run 60 "$PY" -m pytest tests/test_encoders.py -q -k "dlib_network_on_a_gpu" -p no:cacheprovider
run 150 "$PY" benchmarks/inference.py --device cuda --preset showo-1.3b --repeats 3 --batch 16 --skip-reference-text \
    --json "$OUT/$D-gpu-showo-1.3b.json"
run 150 "$PY" benchmarks/inference.py --device cuda --preset unif2ace-1.8b --repeats 3 --batch 16 --skip-reference-text \
    --json "$OUT/$D-gpu-unif2ace-1.8b.json"
run 120 "$PY" benchmarks/full_size_step.py --device cuda --preset unif2ace-1.8b --batch 64 --skip-reference \
    --json "$OUT/$D-gpu-step-unif2ace-1.8b.json"
run 120 "$PY" benchmarks/full_size_step.py --device cuda --preset showo-1.3b --batch 64 --skip-reference --compile \
    --json "$OUT/$D-gpu-step-showo-1.3b.json"
