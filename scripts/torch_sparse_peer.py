#!/usr/bin/env python3
"""PyTorch (CPU) peer with a sparse first layer, for `logits-bench train --input sparse` (issue 16).

Same network, batch, optimizer, epochs and timing as ../shared/peers/torch_mlp.py --bench
(Linear -> ReLU per hidden layer, Linear out, BCEWithLogitsLoss, Adam lr 1e-3, PyTorch default
init, a seeded permutation per epoch, last partial batch kept), except the input:
  - features as Logits scales sparse data (never centred): binary columns as they are,
    other columns divided by their population std, constant columns zero;
  - each mini-batch is a torch.sparse_coo_tensor (rows gathered from CSR arrays), and the first
    layer is torch.sparse.mm(x, W.t()) + b (dense W and dense gradient, as nn.Linear).
Timing: the epoch loop only (batch construction included, data loading excluded). Prints one JSON line.

    python3 scripts/torch_sparse_peer.py --data bibtex --bench --threads 2 [--out FILE]
"""
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.environ.get("PEERS", os.path.join(HERE, "..", "..", "shared", "peers"))
sys.path.insert(0, PEERS)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

import common  # noqa: E402
import datasets  # noqa: E402


def load_sparse(name, data_dir):
    root = datasets.find_data_dir(data_dir)
    d = os.path.join(root, name)
    L = datasets._count_xml_labels(os.path.join(d, f"{name}.xml"))
    _, tr = datasets.read_arff(os.path.join(d, f"{name}-train.arff"))
    F = tr.shape[1] - L
    X, Y = tr[:, :F], tr[:, F:].astype(np.float32)
    binary = np.all((X == 0) | (X == 1), axis=0)
    scale = np.where(binary, 1.0, X.std(axis=0))
    scale[(scale == 0) | (X.max(axis=0) == X.min(axis=0))] = np.inf  # constant: contributes 0
    X = (X / scale).astype(np.float32)
    rows, cols = np.nonzero(X)
    offsets = np.zeros(X.shape[0] + 1, dtype=np.int64)
    np.add.at(offsets, rows + 1, 1)
    offsets = np.cumsum(offsets)
    return dict(offsets=offsets, cols=cols.astype(np.int64), vals=X[rows, cols], n=X.shape[0], F=F, Y=Y,
                density=len(rows) / X.size)


class SparseMLP(nn.Module):
    def __init__(self, n_in, hidden, n_out):
        super().__init__()
        layers, width = [], n_in
        for h in hidden:
            layers.append(nn.Linear(width, h))
            width = h
        layers.append(nn.Linear(width, n_out))
        self.layers = nn.ModuleList(layers)

        # The first layer's weight, contiguous as `in x out` (same PyTorch default init values).
        self.first_t = nn.Parameter(self.layers[0].weight.detach().t().contiguous())
        self.layers[0].weight.requires_grad_(False)

    def forward(self, x):
        first = self.layers[0]
        h = torch.relu(torch.sparse.mm(x, self.first_t) + first.bias)
        for k, layer in enumerate(self.layers[1:]):
            h = layer(h)
            if k < len(self.layers) - 2:
                h = torch.relu(h)
        return h


def batch(d, idx):
    lo, hi = d["offsets"][idx], d["offsets"][idx + 1]
    counts = hi - lo
    rows = np.repeat(np.arange(len(idx)), counts)
    take = np.concatenate([np.arange(a, b) for a, b in zip(lo, hi)]) if len(idx) else np.zeros(0, np.int64)
    ind = torch.from_numpy(np.vstack([rows, d["cols"][take]]))
    return torch.sparse_coo_tensor(ind, torch.from_numpy(d["vals"][take]), (len(idx), d["F"]), is_coalesced=True)


def main():
    p = common.parser(__doc__.splitlines()[0])
    args = common.resolve(p.parse_args())
    torch.set_num_threads(args.threads)
    t0 = time.perf_counter()
    d = load_sparse(args.data, args.data_dir)
    load_seconds = time.perf_counter() - t0
    Y = torch.from_numpy(d["Y"])
    n, B = d["n"], args.batch
    runs = []
    for _ in range(args.timing_repeats):
        torch.manual_seed(args.seed)
        model = SparseMLP(d["F"], args.hidden_sizes, Y.shape[1])
        opt = torch.optim.Adam([q for q in model.parameters() if q.requires_grad], lr=args.lr)
        crit = nn.BCEWithLogitsLoss()
        gen = torch.Generator().manual_seed(args.seed)
        start = time.perf_counter()
        losses = []
        for _ in range(args.epochs):
            perm = torch.randperm(n, generator=gen).numpy()
            total = 0.0
            for i in range(0, n, B):
                idx = perm[i:i + B]
                xb, yb = batch(d, idx), Y[torch.from_numpy(idx)]
                opt.zero_grad(set_to_none=True)
                loss = crit(model(xb), yb)
                loss.backward()
                opt.step()
                total += loss.item() * len(idx)
            losses.append(total / n)
        runs.append(time.perf_counter() - start)
    med = statistics.median(runs)
    common.emit(dict(peer="torch-sparse", peer_version=torch.__version__, config=args.data, hidden=args.hidden_sizes,
                     epochs=args.epochs, batch=B, threads=torch.get_num_threads(), n_train=n, n_features=d["F"],
                     density=round(d["density"], 5), load_seconds=round(load_seconds, 3), seconds=round(med, 4),
                     samples_per_s=round(n * args.epochs / med, 1), losses=[round(x, 6) for x in losses],
                     machine=common.machine()), args.out)


if __name__ == "__main__":
    main()
