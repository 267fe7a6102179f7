#!/usr/bin/env python3
"""Defaults on data Logits was not tuned on (issue 12): `logits train` with default settings against
scikit-learn's MLPClassifier (defaults, max_iter 500, after StandardScaler; natively multi-label: one
network with a logistic output per label) and LogisticRegression (C=1, after StandardScaler; one-vs-rest
for labels) on scikit-learn's bundled data sets and on generated ones, each split 75/25
(stratified for classes) with seeds 0, 1, 2. Nothing here was used to choose Logits' defaults.

Multi-class: test accuracy and log loss. Multi-label (`make_multilabel_classification`, count
features): micro-F1 at each tool's thresholds and label ranking average precision (LRAP).

    python3 scripts/check_unseen.py [--logits .build/release/logits] [--seeds 0,1,2] [--only NAME,...]
                                    [--logits-args '--hidden 512']

Prints a Markdown table of means over the seeds (and each tool's worst seed) and writes the
per-seed rows as JSON to --out.
"""
import argparse, csv, json, os, subprocess, sys, tempfile
import numpy as np
from sklearn import datasets as skd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, label_ranking_average_precision_score, log_loss
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

p = argparse.ArgumentParser()
p.add_argument("--logits", default=".build/release/logits")
p.add_argument("--seeds", default="0,1,2")
p.add_argument("--only", default="")
p.add_argument("--out", default=".build/check-unseen.json")
p.add_argument("--logits-args", default="", help="extra `logits train` flags, e.g. '--hidden 512' (a variant to compare)")
p.add_argument("--logits-only", action="store_true", help="skip the scikit-learn peers (compare Logits variants)")
p.add_argument("--minmax", action="store_true",
               help="min-max scale every feature to [0, 1] with the training split's min and max first (as many "
                    "published tabular sets come): every column then shares one value range")
a = p.parse_args()


def sets():
    """(name, X, Y, multilabel) for every data set; generated ones use a fixed random_state."""
    yield "iris", *skd.load_iris(return_X_y=True), False
    yield "wine", *skd.load_wine(return_X_y=True), False
    yield "breast_cancer", *skd.load_breast_cancer(return_X_y=True), False
    yield "digits", *skd.load_digits(return_X_y=True), False
    X, y = skd.make_classification(n_samples=3000, n_features=40, n_informative=10, n_redundant=10,
                                   n_classes=6, n_clusters_per_class=2, class_sep=0.8, random_state=7)
    yield "synthetic-6-classes", X, y, False
    X, y = skd.make_classification(n_samples=2000, n_features=20, n_informative=6, n_classes=3,
                                   weights=[0.85, 0.1, 0.05], flip_y=0.02, random_state=11)
    yield "synthetic-imbalanced", X, y, False
    # Columns in wildly different units (the kind a user's CSV has): scales 1e-3 to 1e4, offsets.
    X, y = skd.make_classification(n_samples=1500, n_features=12, n_informative=8, n_classes=4, random_state=3)
    scales = np.logspace(-3, 4, X.shape[1])
    yield "synthetic-mixed-units", X * scales + 100 * np.arange(X.shape[1]), y, False
    X, Y = skd.make_multilabel_classification(n_samples=2500, n_features=60, n_classes=12, n_labels=3,
                                              allow_unlabeled=True, random_state=5)
    yield "multilabel-counts", X, Y, True
    X, Y = skd.make_multilabel_classification(n_samples=600, n_features=300, n_classes=25, n_labels=2,
                                              length=200, random_state=9)
    yield "multilabel-small-300", X, Y, True
    X, Y = skd.make_multilabel_classification(n_samples=500, n_features=1000, n_classes=20, n_labels=3,
                                              length=300, random_state=9)
    yield "multilabel-small-wide", X, Y, True


def write_csv(path, X, Y, multilabel):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        names = [f"x{j}" for j in range(X.shape[1])]
        if multilabel:
            w.writerow(names + [f"label_{k}" for k in range(Y.shape[1])])
            for x, y in zip(X, Y):
                w.writerow([repr(float(v)) for v in x] + [int(v) for v in y])
        else:
            w.writerow(names + ["class"])
            for x, y in zip(X, Y):
                w.writerow([repr(float(v)) for v in x] + [f"c{int(y)}"])


def run_logits(X_tr, Y_tr, X_te, Y_te, multilabel, seed):
    with tempfile.TemporaryDirectory() as d:
        tr, te = os.path.join(d, "train.csv"), os.path.join(d, "test.csv")
        write_csv(tr, X_tr, Y_tr, multilabel)
        write_csv(te, X_te, Y_te, multilabel)
        labels = ["--labels", "prefix:label_"] if multilabel else ["--labels", "column:class"]
        out = subprocess.run([a.logits, "train", "--data", tr, "--test", te, *labels, "--seed", str(seed),
                              "--out", os.path.join(d, "m.safetensors"), "--json", *a.logits_args.split()],
                             capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"logits train failed ({out.returncode}): {out.stderr.strip()[-400:]}")
        r = json.loads(out.stdout)
        t = r["test"]
        if multilabel:
            return {"micro_f1": t["f1_micro"], "lrap": t["label_ranking_average_precision"],
                    "seconds": r["seconds"], "hp": r["hyperparameters"]}
        return {"accuracy": t["accuracy"], "log_loss": t["log_loss"], "seconds": r["seconds"], "hp": r["hyperparameters"]}


def run_sklearn(model, X_tr, Y_tr, X_te, Y_te, multilabel):
    # MLPClassifier is natively multi-label (one network, a logistic output per label, as Logits and
    # the PyTorch peer); LogisticRegression needs one-vs-rest.
    wrap = multilabel and not isinstance(model, MLPClassifier)
    est = make_pipeline(StandardScaler(), OneVsRestClassifier(model) if wrap else model)
    est.fit(X_tr, Y_tr)
    P = est.predict_proba(X_te)
    if multilabel:
        return {"micro_f1": f1_score(Y_te, (P >= 0.5).astype(int), average="micro"),
                "lrap": label_ranking_average_precision_score(Y_te, P)}
    return {"accuracy": accuracy_score(Y_te, est.classes_[P.argmax(1)]), "log_loss": log_loss(Y_te, P, labels=est.classes_)}


rows = []
only = set(filter(None, a.only.split(",")))
seeds = [int(s) for s in a.seeds.split(",")]
for name, X, Y, multilabel in sets():
    if only and name not in only:
        continue
    for seed in seeds:
        X_tr, X_te, Y_tr, Y_te = train_test_split(X, Y, test_size=0.25, random_state=seed,
                                                  stratify=None if multilabel else Y)
        if a.minmax:
            lo, span = X_tr.min(0), np.where(X_tr.max(0) > X_tr.min(0), X_tr.max(0) - X_tr.min(0), 1)
            X_tr, X_te = (X_tr - lo) / span, (X_te - lo) / span
        res = {"logits": run_logits(X_tr, Y_tr, X_te, Y_te, multilabel, seed)}
        if not a.logits_only:
            res["sklearn-mlp"] = run_sklearn(MLPClassifier(random_state=seed, max_iter=500), X_tr, Y_tr, X_te, Y_te, multilabel)
            res["sklearn-logreg"] = run_sklearn(LogisticRegression(max_iter=5000), X_tr, Y_tr, X_te, Y_te, multilabel)
        rows.append({"data": name, "seed": seed, "rows": len(X_tr), "features": X.shape[1], **res})
        print(f"{name} seed {seed}: " + ", ".join(f"{k} {v}" for k, v in res["logits"].items() if k != "hp"), file=sys.stderr)

os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
json.dump(rows, open(a.out, "w"), indent=1)
tools = ["logits"] if a.logits_only else ["logits", "sklearn-mlp", "sklearn-logreg"]
print("| data | rows x features | metric | " + " | ".join(tools) + " |")
print("| --- | --- | --- | " + " | ".join("---" for _ in tools) + " |")
for name in dict.fromkeys(r["data"] for r in rows):
    rs = [r for r in rows if r["data"] == name]
    for metric in [m for m in rs[0]["logits"] if m not in ("hp", "seconds")]:
        cells = []
        for t in tools:
            v = [r[t][metric] for r in rs]
            worst = max(v) if metric == "log_loss" else min(v)
            cells.append(f"{np.mean(v):.4f} (worst {worst:.4f})")
        print(f"| {name} | {rs[0]['rows']} x {rs[0]['features']} | {metric} | " + " | ".join(cells) + " |")
