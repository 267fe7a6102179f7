#!/usr/bin/env python3
"""Compare the label-distribution quality of Logits' K folds with the PyPI
`iterative-stratification` package (MultilabelStratifiedKFold / MultilabelStratifiedKFold's
iterative stratification, Sechidis et al. 2011).

Input: the JSON written by `logits-bench folds --out FILE` (Logits' folds per seed plus each
row's positive labels). For every seed, the script
  1. recomputes LD, ED and FLZ of Logits' folds in numpy (a cross-check of FoldQuality),
  2. builds iterstrat's folds (shuffle=True, random_state=seed) on the same label matrix and
     scores them the same way, timing the fold construction,
and prints a table and the means. Exit status 1 when Logits' mean LD is worse than iterstrat's
by more than --tolerance (relative), or when the Swift and numpy LD disagree.

    swift run -c release logits-bench folds --out /tmp/folds.json     # delicious, seeds 0-4
    python3 scripts/compare_folds_ld.py /tmp/folds.json [--json]

LD  = (1/q) sum_i (1/k) sum_j | |S_j^i| / (|S_j| - |S_j^i|) - |D^i| / (|D| - |D^i|) |
ED  = (1/k) sum_j | |S_j| - |D| / k |
FLZ = number of (fold, label) pairs with no positive, over labels with >= k positives
(labels with no negative row are skipped in LD; a fold ratio with 0 negatives divides by 1,
exactly as FoldQuality in Sources/Logits/Data/FoldQuality.swift).
"""
import argparse
import json
import sys
import time

import numpy as np


def label_matrix(data):
    n = data["rows"]
    q = data["outputs"]
    y = np.zeros((n, q), dtype=np.int8)
    if "labels_of_rows" in data:
        for r, labels in enumerate(data["labels_of_rows"]):
            y[r, labels] = 1
    else:
        y[np.arange(n), data["classes"]] = 1
    return y


def scores(folds, y):
    n, q = y.shape
    k = len(folds)
    whole = y.sum(axis=0).astype(np.float64)
    defined = (n - whole) > 0
    overall = np.where(defined, whole / np.maximum(n - whole, 1), 0.0)
    total = np.zeros(q)
    flz = 0
    for fold in folds:
        fold = np.asarray(fold, dtype=np.int64)
        pos = y[fold].sum(axis=0).astype(np.float64)
        neg = len(fold) - pos
        total += np.abs(pos / np.maximum(neg, 1) - overall)
        flz += int(np.sum((pos == 0) & (whole >= k)))
    ld = float((total[defined] / k).mean()) if defined.any() else 0.0
    ed = float(np.mean([abs(len(f) - n / k) for f in folds]))
    return ld, ed, flz


def iterstrat_folds(y, k, seed):
    from iterstrat.ml_stratifiers import MultilabelStratifiedKFold
    splitter = MultilabelStratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    start = time.perf_counter()
    folds = [np.sort(test) for _, test in splitter.split(np.zeros((y.shape[0], 1)), y)]
    return folds, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folds_json", help="output of `logits-bench folds --out FILE`")
    parser.add_argument("--tolerance", type=float, default=0.0,
                        help="allowed relative excess of Logits' mean LD over iterstrat's (default 0)")
    parser.add_argument("--json", action="store_true", help="print one JSON summary line")
    args = parser.parse_args()
    try:
        with open(args.folds_json) as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        print(f"error: {args.folds_json}: {e}", file=sys.stderr)
        return 1
    y = label_matrix(data)
    k = data["k"]
    rows = []
    for run in data["runs"]:
        seed = run["seed"]
        ours = scores(run["folds"], y)
        if abs(ours[0] - run["ld"]) > 1e-9 * max(1.0, abs(ours[0])) or abs(ours[1] - run["ed"]) > 1e-9 or ours[2] != run["flz"]:
            print(f"error: seed {seed}: Swift LD/ED/FLZ {run['ld']}/{run['ed']}/{run['flz']} differ from numpy {ours}", file=sys.stderr)
            return 1
        theirs_folds, theirs_seconds = iterstrat_folds(y, k, seed)
        theirs = scores(theirs_folds, y)
        rows.append((seed, run["seconds"], ours, theirs_seconds, theirs))
    mean = lambda xs: float(np.mean(xs))
    ld_ours, ld_theirs = mean([r[2][0] for r in rows]), mean([r[4][0] for r in rows])
    summary = {
        "file": data["file"], "rows": data["rows"], "labels": data["outputs"], "k": k, "seeds": [r[0] for r in rows],
        "logits": {"ld": ld_ours, "ed": mean([r[2][1] for r in rows]), "flz": mean([r[2][2] for r in rows]),
                   "seconds": mean([r[1] for r in rows])},
        "iterstrat": {"ld": ld_theirs, "ed": mean([r[4][1] for r in rows]), "flz": mean([r[4][2] for r in rows]),
                      "seconds": mean([r[3] for r in rows])},
    }
    summary["ld_ratio"] = ld_ours / ld_theirs if ld_theirs > 0 else None
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"{data['file']}: {data['rows']} rows, {data['outputs']} labels, k = {k}")
        print("seed  logits LD   ED     FLZ  build s | iterstrat LD  ED     FLZ  build s")
        for seed, secs, o, t_secs, t in rows:
            print(f"{seed:<5} {o[0]:.4e}  {o[1]:<6.2f} {o[2]:<4d} {secs:<7.3f} | {t[0]:.4e}    {t[1]:<6.2f} {t[2]:<4d} {t_secs:.3f}")
        print(f"mean  {ld_ours:.4e}  ED {summary['logits']['ed']:.2f}  FLZ {summary['logits']['flz']:.1f}  "
              f"| {ld_theirs:.4e}  ED {summary['iterstrat']['ed']:.2f}  FLZ {summary['iterstrat']['flz']:.1f}")
        print(f"LD ratio logits / iterstrat = {summary['ld_ratio']:.3f}  (lower is better; <= {1 + args.tolerance:.3f} passes)")
    if ld_theirs > 0 and ld_ours > ld_theirs * (1 + args.tolerance):
        print(f"error: Logits' mean LD {ld_ours:.4e} is worse than iterstrat's {ld_theirs:.4e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
