#!/usr/bin/env bash
# Load benchmark of logits-server with wrk on loopback: 64 connections, one Fashion-MNIST row per
# request, dynamic batching on (--max-batch 64) versus off (--max-batch 1), then a 60 s soak run
# with batching (0 errors, VmRSS after it within 10% of VmRSS after warm-up).
#
# Usage: [ROUNDS=3] [MODEL=file] scripts/serve-bench.sh [SECONDS_PER_RUN (default 15)] [SOAK_SECONDS (default 60; 0: none)]
# Needs: wrk (Debian), python3, a release build (swift build -c release --product logits-server
# --product logits; the script builds them if missing) and /work/shared-style data at ../shared.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-15}
SOAK=${2:-60}
ROUNDS=${ROUNDS:-3}
BIN=.build/release
DATA=../shared/data/fashion-mnist
WORK=$(mktemp -d /tmp/logits-serve-bench.XXXXXX)
SERVER_PID=
cleanup() { if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; fi; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "error: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
[ -x $BIN/logits-server ] || swift build -c release --product logits-server
[ -x $BIN/logits ] || swift build -c release --product logits

MODEL=${MODEL:-$WORK/fashion.safetensors}
if [ ! -f "$MODEL" ]; then
  echo "training the Fashion-MNIST model (1 epoch, 784-512-256-10) ..."
  $BIN/logits train --data $DATA/train-images-idx3-ubyte.gz --test $DATA/t10k-images-idx3-ubyte.gz \
    --epochs 1 --seed 0 --out "$MODEL" > $WORK/train.log
fi

# One test image (784 pixel values) as an FP32 [1, 784] request.
python3 - "$DATA/t10k-images-idx3-ubyte.gz" > $WORK/body.json <<'PY'
import gzip, json, sys
raw = gzip.open(sys.argv[1]).read()
pixels = list(raw[16:16 + 784])
print(json.dumps({"inputs": [{"name": "features", "shape": [1, 784], "datatype": "FP32", "data": pixels}],
                  "outputs": [{"name": "labels"}, {"name": "probabilities"}]}))
PY
cat > $WORK/post.lua <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$WORK/body.json", "r")
wrk.body = f:read("*a")
f:close()
LUA

start_server() {  # args: extra flags
  $BIN/logits-server --model fashion="$MODEL" --port 0 "$@" > $WORK/server.out 2> $WORK/server.err &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    PORT=$(grep -o 'listening on http://127.0.0.1:[0-9]*' $WORK/server.out 2>/dev/null | grep -o '[0-9]*$' || true)
    if [ -n "$PORT" ] && curl -sf "http://127.0.0.1:$PORT/v2/health/ready" > /dev/null; then return; fi
    sleep 0.2
  done
  echo "error: server did not become ready" >&2; cat $WORK/server.err >&2; exit 1
}
stop_server() { kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=; }
rss() { awk '/VmRSS/ {print $2}' /proc/$SERVER_PID/status; }
run_wrk() {  # args: seconds slug label
  local out=$WORK/wrk-$2.txt rps p50 p99 non2xx sockerr
  wrk -t2 -c64 -d"$1"s --latency -s $WORK/post.lua "http://127.0.0.1:$PORT/v2/models/fashion/infer" > "$out"
  rps=$(awk '/Requests\/sec/ {print $2}' "$out")
  p50=$(awk '$1 == "50%" {print $2}' "$out")
  p99=$(awk '$1 == "99%" {print $2}' "$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$out"); non2xx=${non2xx:-0}
  sockerr=$(grep -o 'Socket errors:.*' "$out" || echo "Socket errors: none")
  printf '%-28s %10s req/s   p50 %8s   p99 %8s   non-2xx %s   %s\n' "$3" "$rps" "$p50" "$p99" "$non2xx" "$sockerr"
  echo "$rps" > "$WORK/rps-$2"
}

echo "CPU: $(lscpu | awk -F: '/Model name|CPU family|^Model:/ {gsub(/^ +/, "", $2); printf "%s ", $2}')($(nproc) cores); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk: 2 threads, 64 connections, ${SECS}s per run, one row per request, $ROUNDS rounds"
# The machine may be shared: the two modes alternate for ROUNDS rounds, each ratio is taken between
# neighbouring runs, and the median is reported.
for round in $(seq 1 "$ROUNDS"); do
  start_server --max-batch 64 --max-delay-us 500
  run_wrk 2 warm "warm-up" > /dev/null
  run_wrk "$SECS" "batch$round" "round $round: batching (max-batch 64)"
  curl -s "http://127.0.0.1:$PORT/metrics" | awk '/logits_batch_rows_(sum|count)/ {v[$1 ~ /sum/ ? "s" : "c"] = $2} END {printf "    mean rows per forward pass: %.1f\n", v["s"] / v["c"]}'
  stop_server
  start_server --max-batch 1
  run_wrk 2 warm "warm-up" > /dev/null
  run_wrk "$SECS" "single$round" "round $round: no batching (max-batch 1)"
  stop_server
done
python3 - "$WORK" "$ROUNDS" <<'PY'
import statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
ratios = [float(open(f"{work}/rps-batch{r}").read()) / float(open(f"{work}/rps-single{r}").read()) for r in range(1, rounds + 1)]
print("throughput ratio batching / no batching per round: " + ", ".join(f"{x:.2f}x" for x in ratios)
      + f"; median {statistics.median(ratios):.2f}x")
PY

if [ "$SOAK" -gt 0 ]; then
  start_server --max-batch 64 --max-delay-us 500
  run_wrk 10 soakwarm "soak warm-up"
  before=$(rss)
  run_wrk "$SOAK" soak "soak ${SOAK}s (batching)"
  after=$(rss)
  python3 -c "b, a = $before, $after; print(f'VmRSS after warm-up {b} kB, after the soak {a} kB: {100 * (a - b) / b:+.1f}%')"
  stop_server
fi
