#!/usr/bin/env python3
"""PyTorch peer for issue 12's small-data checks: the same MLP as shared/peers/torch_mlp.py
(hidden 256 ReLU, Adam lr 1e-3, batch 64, 30 epochs, BCEWithLogitsLoss, threshold 0.5,
train-mean/std standardisation) on any multi-label ARFF train/test pair, e.g. the outputs of
scripts/make_small_sparse.py or scripts/subsample_arff.py. Prints one JSON line of test metrics
(shared/peers/metrics.py definitions).

    python3 scripts/peer_small_data.py --train T.arff --test E.arff --labels 45 [--seed 0]
"""
import argparse, json, os, sys
import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared", "peers"))
import datasets, metrics  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--train", required=True)
p.add_argument("--test", required=True)
p.add_argument("--labels", type=int, required=True, help="the last N attributes are labels")
p.add_argument("--seed", type=int, default=0)
p.add_argument("--epochs", type=int, default=30)
a = p.parse_args()

def xy(path):
    X = datasets.read_arff(path)[1]
    return X[:, :-a.labels], X[:, -a.labels:]

Xtr, Ytr = xy(a.train)
Xte, Yte = xy(a.test)
mu, sd = Xtr.mean(0), Xtr.std(0)
sd[sd == 0] = 1
Xtr, Xte = (Xtr - mu) / sd, (Xte - mu) / sd
torch.manual_seed(a.seed)
torch.set_num_threads(2)
model = torch.nn.Sequential(torch.nn.Linear(Xtr.shape[1], 256), torch.nn.ReLU(), torch.nn.Linear(256, a.labels))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
lossf = torch.nn.BCEWithLogitsLoss()
xt, yt = torch.tensor(Xtr, dtype=torch.float32), torch.tensor(Ytr, dtype=torch.float32)
g = torch.Generator().manual_seed(a.seed)
for _ in range(a.epochs):
    for idx in torch.randperm(len(xt), generator=g).split(64):
        opt.zero_grad()
        lossf(model(xt[idx]), yt[idx]).backward()
        opt.step()
with torch.no_grad():
    Z = model(torch.tensor(Xte, dtype=torch.float32)).double().numpy()
print(json.dumps(metrics.multilabel(Yte, Z)))
