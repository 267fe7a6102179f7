#!/usr/bin/env bash
# Logits against its PyTorch peers, both sides in one run on this machine (release build):
#   GEMM:     logits-bench gemm          vs  ../shared/peers/gemm_peak.py (torch.mm, numpy/OpenBLAS)
#   training: logits-bench train         vs  ../shared/peers/torch_mlp.py --bench, per data set
# Prints the CPU and two tables of ratios (Logits / PyTorch); raw JSON goes to $OUT.
#
# Environment: THREADS (training threads, default 2), DATASETS (default yeast,fashion-mnist,delicious,mnist),
# GEMM_RUNS (gemm_peak.py --runs, default 1), GEMM_ROUNDS (alternating Logits/peer GEMM rounds, best per row kept; default 2),
# TRAIN_ROUNDS (the same for the training runs; default 1), OUT (default .build/bench-vs-peers), PEERS (default ../shared/peers),
# EPOCHS (both sides; default: each preset's), QUIET_WAIT (seconds to wait for other processes to leave the
# CPUs idle before each timed step, via the peers' quiet.py; default 60, 0 to skip),
# SPARSE_DATASETS (sparse first layer: logits-bench train --input sparse vs scripts/torch_sparse_peer.py;
# default bibtex, empty to skip), SKIP_GEMM=1 / SKIP_TRAIN=1 to run one half. Any LOGITS_* variable (LOGITS_BACKEND, LOGITS_CPU) passes through.
set -euo pipefail
cd "$(dirname "$0")/.."
PEERS=${PEERS:-../shared/peers}
OUT=${OUT:-.build/bench-vs-peers}
THREADS=${THREADS:-2}
DATASETS=${DATASETS:-yeast,fashion-mnist,delicious,mnist}
GEMM_RUNS=${GEMM_RUNS:-1}
GEMM_ROUNDS=${GEMM_ROUNDS:-2}
TRAIN_ROUNDS=${TRAIN_ROUNDS:-1}
QUIET_WAIT=${QUIET_WAIT:-60}
EPOCH_ARGS=()
if [ -n "${EPOCHS:-}" ]; then EPOCH_ARGS=(--epochs "$EPOCHS"); fi
mkdir -p "$OUT"

# Wait (bounded) until other processes leave the CPUs idle; the peers' JSON records the load anyway.
quiet() { if [ "$QUIET_WAIT" -gt 0 ]; then python3 "$PEERS/quiet.py" --max-wait "$QUIET_WAIT" >&2 || true; fi; }

swift build -c release --product logits-bench >&2
BENCH=.build/release/logits-bench
lscpu | sed -n 's/^Model name: *//p' | head -1 > "$OUT/cpu.txt"
echo "CPU: $(cat "$OUT/cpu.txt"), $(nproc) CPUs; flags: $(grep -o -w -E 'avx2|fma|avx512f' /proc/cpuinfo | sort -u | tr '\n' ' ')"

if [ "${SKIP_GEMM:-0}" != 1 ]; then
  # GEMM_ROUNDS alternating rounds (Logits, peer, Logits, peer, ...), each side's best per row kept:
  # this VM's speed drifts by up to 20 % over minutes, and one round puts Logits and torch.mm
  # minutes apart.
  for round in $(seq 1 "$GEMM_ROUNDS"); do
    quiet
    "$BENCH" gemm --json --threads 1,2 --repeats 5 \
      --shapes 64x256x103,128x512x784,256x256x256,512x512x512,1024x1024x1024 > "$OUT/logits-gemm-$round.json"
    quiet
    python3 "$PEERS/gemm_peak.py" --runs "$GEMM_RUNS" --repeats 3 --min-time 0.1 --out "$OUT/peer-gemm-$round.json" \
      > "$OUT/peer-gemm-$round.txt"
  done
  python3 - "$OUT" "$GEMM_ROUNDS" <<'PY'
import json, os, sys
out, rounds = sys.argv[1], int(sys.argv[2])
mine = [json.load(open(os.path.join(out, f"logits-gemm-{r}.json"))) for r in range(1, rounds + 1)]
best = {}
for rows in mine:
    for g in rows:
        key = (g["backend"], g["m"], g["n"], g["k"], g["threads"])
        if key not in best or g["gflops"] > best[key]["gflops"]:
            best[key] = g
json.dump(list(best.values()), open(os.path.join(out, "logits-gemm.json"), "w"))
peers = [json.load(open(os.path.join(out, f"peer-gemm-{r}.json"))) for r in range(1, rounds + 1)]
merged = peers[0]
for other in peers[1:]:
    for row, o in zip(merged["rows"], other["rows"]):
        for field, value in o.items():
            if field not in ("M", "N", "K") and isinstance(value, (int, float)):
                row[field] = max(row.get(field) or 0, value)
json.dump(merged, open(os.path.join(out, "peer-gemm.json"), "w"))
PY
fi

if [ "${SKIP_TRAIN:-0}" != 1 ]; then
  # TRAIN_ROUNDS alternating rounds, each side's fastest kept (see GEMM_ROUNDS).
  for round in $(seq 1 "$TRAIN_ROUNDS"); do
    for d in ${DATASETS//,/ }; do
      quiet
      "$BENCH" train --config "$d" --threads "$THREADS" "${EPOCH_ARGS[@]}" --json > "$OUT/logits-train-$d-$round.json"
      quiet
      OMP_NUM_THREADS=$THREADS python3 "$PEERS/torch_mlp.py" --data "$d" --threads "$THREADS" --bench "${EPOCH_ARGS[@]}" \
        --out "$OUT/torch-train-$d-$round.json" > /dev/null
    done
  done
  python3 - "$OUT" "$TRAIN_ROUNDS" "$DATASETS" <<'PY'
import json, os, sys
out, rounds, datasets = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
def fastest(name, rate):
    runs = [json.load(open(os.path.join(out, f"{name}-{r}.json"))) for r in range(1, rounds + 1)]
    return max(runs, key=rate)
for d in datasets:
    mine = fastest(f"logits-train-{d}", lambda run: run[0]["samples_per_s"])
    torch = fastest(f"torch-train-{d}", lambda run: run["samples_per_s"])
    json.dump(mine, open(os.path.join(out, f"logits-train-{d}.json"), "w"))
    json.dump(torch, open(os.path.join(out, f"torch-train-{d}.json"), "w"))
PY
fi

SPARSE_DATASETS=${SPARSE_DATASETS-bibtex}
if [ "${SKIP_TRAIN:-0}" != 1 ] && [ -n "$SPARSE_DATASETS" ]; then
  for d in ${SPARSE_DATASETS//,/ }; do
    quiet
    "$BENCH" train --config "$d" --input sparse --threads "$THREADS" "${EPOCH_ARGS[@]}" --json > "$OUT/logits-sparse-$d.json"
    quiet
    OMP_NUM_THREADS=$THREADS PEERS="$PEERS" python3 scripts/torch_sparse_peer.py --data "$d" --threads "$THREADS" --bench \
      "${EPOCH_ARGS[@]}" --out "$OUT/torch-sparse-$d.json" > /dev/null
  done
fi

python3 - "$OUT" "$THREADS" "$DATASETS" "$SPARSE_DATASETS" <<'PY'
import json, os, sys
out, threads, datasets = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
sparse_sets = [s for s in sys.argv[4].split(",") if s]
def load(name):
    path = os.path.join(out, name)
    return json.load(open(path)) if os.path.exists(path) else None
gemm, peer = load("logits-gemm.json"), load("peer-gemm.json")
if gemm and peer:
    print("\nGEMM GFLOP/s (Logits default backend vs torch.mm, same run, best of the alternating rounds)")
    print(f"default backend: {gemm[0]['selection']}")
    print("| shape | threads | Logits default | torch.mm | ratio | best Logits backend |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in peer["rows"]:
        for t in (1, 2):
            mine = [g for g in gemm if (g["m"], g["n"], g["k"], g["threads"]) == (r["M"], r["N"], r["K"], t)]
            default = next((g for g in mine if g["backend"] == "default"), None)
            torch = r.get(f"torch_{t}t")
            if default is None or not torch:
                continue
            best = max((g for g in mine if g["backend"] not in ("default", "naive")), key=lambda g: g["gflops"])
            print(f"| {r['M']}x{r['N']}x{r['K']} | {t} | {default['gflops']:.1f} | {torch:.1f} | "
                  f"{default['gflops'] / torch:.2f}x | {best['backend']} {best['gflops']:.1f} |")
rows = []
for d in datasets:
    mine, torch = load(f"logits-train-{d}.json"), load(f"torch-train-{d}.json")
    if mine and torch:
        rows.append((d, mine[0], torch))
if rows:
    print(f"\nTraining samples/s, {threads} threads (logits-bench train vs torch_mlp.py --bench, same run)")
    print("| data set | epochs | Logits | PyTorch | ratio | Logits backend | other load during torch |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for d, m, t in rows:
        print(f"| {d} | {m['epochs']} | {m['samples_per_s']:.0f} | {t['samples_per_s']:.0f} | {m['samples_per_s'] / t['samples_per_s']:.2f}x | "
              f"{m['backend']} | {t.get('foreign_load_during_training', float('nan')):.2f} |")
sparse_rows = [(d, load(f"logits-sparse-{d}.json"), load(f"torch-sparse-{d}.json")) for d in sparse_sets]
sparse_rows = [(d, m[0], t) for d, m, t in sparse_rows if m and t]
if sparse_rows:
    print(f"\nSparse first layer, samples/s, {threads} threads (logits-bench train --input sparse vs scripts/torch_sparse_peer.py, same run)")
    print("| data set | epochs | Logits (CSR) | PyTorch (torch.sparse) | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for d, m, t in sparse_rows:
        print(f"| {d} | {m['epochs']} | {m['samples_per_s']:.0f} | {t['samples_per_s']:.0f} | {m['samples_per_s'] / t['samples_per_s']:.2f}x |")
PY
