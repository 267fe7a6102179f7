#!/usr/bin/env python3
"""Subsample the data rows of a (sparse or dense) ARFF file, e.g. bibtex's training split to
350 rows, to mimic a small training set (issue 12). The header is copied unchanged, the chosen
rows keep their original order, and the Mulan label XML and the test split are copied beside
the output so that `logits train OUT/NAME-train.arff` finds its labels and a test set.

    python3 scripts/subsample_arff.py --out /tmp/bibtex350            # bibtex, 350 rows, seed 0
    python3 scripts/subsample_arff.py --input ../shared/data/delicious/delicious-train.arff \\
        --rows 500 --name delicious500 --out /tmp/delicious500

Rows are drawn uniformly without replacement with numpy's PCG64 seeded by --seed.
"""
import argparse
import os
import shutil
import sys

import numpy as np


def split_arff(path):
    """(header lines up to and including @data, data lines without blanks/comments)."""
    with open(path) as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines):
        if line.strip().lower().startswith("@data"):
            data = [l for l in lines[i + 1:] if l.strip() and not l.lstrip().startswith("%")]
            return lines[:i + 1], data
    raise ValueError(f"{path}: no @data line")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.normpath(os.path.join(here, "..", "..", "shared", "data", "bibtex", "bibtex-train.arff"))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", default=default, help="training ARFF (default: shared bibtex-train.arff)")
    ap.add_argument("--rows", type=int, default=350)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--name", default=None, help="output stem (default: bibtexROWS / STEMROWS)")
    ap.add_argument("--out", required=True, help="output folder (created)")
    a = ap.parse_args()
    try:
        header, data = split_arff(a.input)
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    if not 1 <= a.rows <= len(data):
        print(f"error: --rows {a.rows}; expected 1..{len(data)} (rows in {a.input})", file=sys.stderr)
        return 2
    stem = os.path.basename(a.input)
    for suffix in (".arff", "-train", "_train"):
        stem = stem[: -len(suffix)] if stem.endswith(suffix) else stem
    name = a.name or f"{stem}{a.rows}"
    rng = np.random.default_rng(a.seed)
    chosen = np.sort(rng.choice(len(data), size=a.rows, replace=False))
    os.makedirs(a.out, exist_ok=True)
    train = os.path.join(a.out, f"{name}-train.arff")
    with open(train, "w") as f:
        f.write("\n".join(header) + "\n")
        f.write("\n".join(data[i] for i in chosen) + "\n")
    folder = os.path.dirname(os.path.abspath(a.input))
    copied = []
    for source, target in ((f"{stem}.xml", f"{name}.xml"), (f"{stem}-test.arff", f"{name}-test.arff")):
        if os.path.exists(os.path.join(folder, source)):
            shutil.copyfile(os.path.join(folder, source), os.path.join(a.out, target))
            copied.append(target)
    print(f"{train}: {a.rows} of {len(data)} rows (seed {a.seed}); copied {', '.join(copied) or 'nothing'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
