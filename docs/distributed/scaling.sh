#!/usr/bin/env bash
# Scaling of logits-mpi on one machine (1, 2, 4 ranks) next to PyTorch DDP (gloo) and a bare
# MPI_Allreduce of the same gradient size, in one run. Needs: swift build -c release --product logits-mpi,
# Open MPI, torch; Fashion-MNIST in ../shared/data/fashion-mnist.
set -euo pipefail
cd "$(dirname "$0")/../.."
R=.build/release/logits-mpi
F=../shared/data/fashion-mnist/train-images-idx3-ubyte.gz
O="--data $F --epochs ${EPOCHS:-1} --batch 128 --dropout 0 --validation 0 --out /tmp/logits-mpi-scaling.safetensors"
MPI="mpirun --oversubscribe --allow-run-as-root"
lscpu | grep -E "Model name|^CPU\(s\)"; uptime
echo "== logits-mpi --local (no MPI)"; $R train $O --local 2>/dev/null | grep -E "Model|Trained"
for n in 1 2 4; do echo "== logits-mpi, $n rank(s)"; $MPI -np $n $R train $O 2>/dev/null | grep -E "Trained"; done
mpicc -O2 docs/distributed/allreduce_bench.c -o /tmp/allreduce_bench
for n in 2 4; do $MPI -np $n /tmp/allreduce_bench; $MPI --mca mpi_yield_when_idle 1 -np $n /tmp/allreduce_bench; done
THREADS=1 python3 docs/distributed/ddp_peer.py 1 ${STEPS:-300} 2>/dev/null | tail -1
for n in 1 2 4; do python3 docs/distributed/ddp_peer.py $n ${STEPS:-300} 2>/dev/null | tail -1; done
uptime
rm -f /tmp/logits-mpi-scaling.safetensors /tmp/logits-mpi-scaling.history.json
