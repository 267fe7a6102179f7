#!/usr/bin/env python3
"""Write a small, sparse, learnable multi-label data set shaped like the set on which the
default training failed (issue 12): a Mulan-style sparse ARFF train/test pair plus the
label XML.

Shape of the training split (defaults):
  - 333 rows, 1449 binary features, 45 labels (label cardinality about 1.25, every row labelled);
  - exactly 555 features constant (all zero) in training, spread over the columns; they occur,
    rarely, in the test split;
  - exactly 7 labels without any positive in training and 20 with at most 2 (the 7 included);
the test split has 600 rows drawn from the same model (the 7 labels do occur there).

The model is a topic model, so the labels depend on the features: each label has 8 keyword
features; a row's labels are drawn first (a Zipf-like label distribution), then each keyword of
each of its labels is switched on with probability 0.35, on top of sparse background words
(rates 0.003 - 0.05). Everything is drawn from numpy's PCG64 seeded by --seed.

    python3 scripts/make_small_sparse.py --out /tmp/small-sparse [--seed 0]
    logits train /tmp/small-sparse/small-sparse-train.arff ...   # labels from small-sparse.xml
"""
import argparse
import os
import sys

import numpy as np


def label_counts(rng, labels, empty, rare, total):
    """Training positives per label: `empty` zeros, `rare - empty` ones/twos, the rest Zipf-like
    counts scaled so that the whole adds up to `total`."""
    common = labels - rare
    few = rng.integers(1, 3, size=rare - empty)
    weights = 1.0 / np.arange(1, common + 1) ** 1.1
    budget = total - few.sum()
    many = np.maximum(3, np.round(weights / weights.sum() * budget)).astype(int)
    counts = np.concatenate([many, few, np.zeros(empty, dtype=int)])
    order = rng.permutation(labels)  # label columns in a random order
    return counts[order]


def train_labels(rng, rows, counts):
    """Row x label 0/1 matrix with exactly `counts[l]` positives per label and >= 1 label per
    row (when sum(counts) >= rows): each label's positives are tokens, the first `rows` shuffled
    tokens become the rows' primary labels, the others go to random rows without that label."""
    tokens = np.repeat(np.arange(len(counts)), counts)
    rng.shuffle(tokens)
    y = np.zeros((rows, len(counts)), dtype=np.int8)
    primary = tokens[:rows]
    y[np.arange(len(primary)), primary] = 1
    for label in tokens[rows:]:
        free = np.flatnonzero(y[:, label] == 0)
        y[rng.choice(free), label] = 1
    return y


def test_labels(rng, rows, rates):
    """Test labels: a primary label drawn from `rates`, a second one with probability 0.25."""
    p = rates / rates.sum()
    y = np.zeros((rows, len(rates)), dtype=np.int8)
    for r in range(rows):
        y[r, rng.choice(len(p), p=p)] = 1
        if rng.random() < 0.25:
            y[r, rng.choice(len(p), p=p)] = 1
    return y


def features(rng, y, keywords, background, constant, constant_rate):
    """Binary features: background words, plus the keywords of the row's labels (p = 0.35).
    Columns 0..constant-1 are the 'constant' block: zero, or rarely 1 when constant_rate > 0."""
    rows = y.shape[0]
    x = (rng.random((rows, constant + len(background))) < np.concatenate(
        [np.full(constant, constant_rate), background])).astype(np.int8)
    for r in range(rows):
        for label in np.flatnonzero(y[r]):
            on = keywords[label][rng.random(len(keywords[label])) < 0.35]
            x[r, on] = 1
    return x


def write_arff(path, relation, feature_names, label_names, x, y):
    with open(path, "w") as f:
        f.write(f"@relation {relation}\n\n")
        for name in feature_names + label_names:
            f.write(f"@attribute {name} {{0,1}}\n")
        f.write("\n@data\n")
        d = x.shape[1]
        for r in range(x.shape[0]):
            cols = list(np.flatnonzero(x[r])) + [d + c for c in np.flatnonzero(y[r])]
            f.write("{" + ",".join(f"{c} 1" for c in cols) + "}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output folder (created)")
    ap.add_argument("--name", default="small-sparse", help="file stem (default small-sparse)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--train-rows", type=int, default=333)
    ap.add_argument("--test-rows", type=int, default=600)
    ap.add_argument("--features", type=int, default=1449)
    ap.add_argument("--constant", type=int, default=555, help="features constant (zero) in training")
    ap.add_argument("--labels", type=int, default=45)
    ap.add_argument("--empty-labels", type=int, default=7, help="labels with no training positive")
    ap.add_argument("--rare-labels", type=int, default=20, help="labels with <= 2 training positives (empty ones included)")
    ap.add_argument("--cardinality", type=float, default=1.25, help="mean labels per training row")
    a = ap.parse_args()
    if not (0 <= a.empty_labels <= a.rare_labels < a.labels) or not (0 <= a.constant < a.features):
        print("error: expected 0 <= --empty-labels <= --rare-labels < --labels and 0 <= --constant < --features", file=sys.stderr)
        return 2
    rng = np.random.default_rng(a.seed)
    informative = a.features - a.constant
    total = max(a.train_rows, int(round(a.cardinality * a.train_rows)))
    counts = label_counts(rng, a.labels, a.empty_labels, a.rare_labels, total)
    y_train = train_labels(rng, a.train_rows, counts)
    # True label rates for the test split: the training counts, with the empty labels given the
    # rate of one positive, so that they do occur in the test split.
    rates = np.maximum(counts, 1).astype(float)
    y_test = test_labels(rng, a.test_rows, rates)

    keywords = [a.constant + rng.choice(informative, size=8, replace=False) for _ in range(a.labels)]
    background = np.exp(rng.uniform(np.log(0.003), np.log(0.05), size=informative))
    x_train = features(rng, y_train, keywords, background, a.constant, 0.0)
    x_test = features(rng, y_test, keywords, background, a.constant, 0.002)
    # Exactly `constant` constant columns in training: switch on one random row in any
    # informative column that came out all zero.
    for c in range(a.constant, a.features):
        if not x_train[:, c].any():
            x_train[rng.integers(a.train_rows), c] = 1

    # Spread the constant block over the columns (same order in both splits).
    order = rng.permutation(a.features)
    x_train, x_test = x_train[:, order], x_test[:, order]

    feature_names = [f"w{j}" for j in range(a.features)]
    label_names = [f"L{l}" for l in range(a.labels)]
    os.makedirs(a.out, exist_ok=True)
    write_arff(os.path.join(a.out, f"{a.name}-train.arff"), f"{a.name}-train", feature_names, label_names, x_train, y_train)
    write_arff(os.path.join(a.out, f"{a.name}-test.arff"), f"{a.name}-test", feature_names, label_names, x_test, y_test)
    with open(os.path.join(a.out, f"{a.name}.xml"), "w") as f:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n<labels xmlns="http://mulan.sourceforge.net/labels">\n')
        for name in label_names:
            f.write(f'<label name="{name}"></label>\n')
        f.write("</labels>\n")

    pos = y_train.sum(axis=0)
    constant = int(np.sum(x_train.min(axis=0) == x_train.max(axis=0)))
    print(f"{a.out}/{a.name}-{{train,test}}.arff: train {a.train_rows} x {a.features} features, {a.labels} labels; "
          f"constant features {constant}; labels without positives {int(np.sum(pos == 0))}, with <= 2 {int(np.sum(pos <= 2))}; "
          f"cardinality {y_train.sum() / a.train_rows:.3f}; test {a.test_rows} rows, cardinality {y_test.sum() / a.test_rows:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
