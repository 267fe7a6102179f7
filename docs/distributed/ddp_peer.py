"""PyTorch DDP (gloo, CPU) peer of `logits-mpi train` for docs/distributed.md.

Same model (784-512-256-10 ReLU MLP), same global batch (128, split over the ranks), AdamW,
on Fashion-MNIST's 60 000 training images; one pass of STEPS steps after a warm-up.
Prints samples/s and the share of step time spent in backward+allreduce (DDP overlaps them).

    [THREADS=T] python3 docs/distributed/ddp_peer.py RANKS [STEPS]

THREADS: intra-op threads per rank (default: the processors divided by the ranks).
"""
import gzip, os, sys, time
import numpy as np
import torch, torch.distributed as dist, torch.multiprocessing as mp

DATA = os.path.join(os.path.dirname(__file__), "../../../shared/data/fashion-mnist")


def load():
    with gzip.open(os.path.join(DATA, "train-images-idx3-ubyte.gz")) as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784).astype(np.float32) / 255
    with gzip.open(os.path.join(DATA, "train-labels-idx1-ubyte.gz")) as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


def worker(rank, size, steps, out):
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT="29517")
    torch.set_num_threads(int(os.environ.get("THREADS", max(1, (os.cpu_count() or 1) // size))))
    dist.init_process_group("gloo", rank=rank, world_size=size)
    torch.manual_seed(0)
    x, y = load()
    model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 256),
                                torch.nn.ReLU(), torch.nn.Linear(256, 10))
    ddp = torch.nn.parallel.DistributedDataParallel(model) if size > 1 else model
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(0)
    order = torch.randperm(len(x), generator=g)
    batch, local = 128, 128 // size
    times, back = [], 0.0
    for step in range(steps + 5):
        lo = (step * batch) % (len(x) - batch) + rank * local
        idx = order[lo:lo + local]
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(ddp(x[idx]), y[idx])
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        opt.step()
        t3 = time.perf_counter()
        if step >= 5:
            times.append(t3 - t0)
            back += t2 - t1
    if rank == 0:
        total = sum(times)
        out.put((size, steps * batch / total, back / total, torch.get_num_threads()))
    dist.destroy_process_group()


if __name__ == "__main__":
    size = int(sys.argv[1])
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    q = mp.get_context("spawn").Queue()
    mp.spawn(worker, args=(size, steps, q), nprocs=size, join=True)
    n, sps, share, threads = q.get()
    print(f"torch {torch.__version__} DDP gloo, {n} rank(s) x {threads} thread(s): {sps:.0f} samples/s; backward+allreduce {100 * share:.1f} % of step time")
