#!/usr/bin/env python3
"""Write a synthetic multi-label text data set shaped like EUR-Lex (LibMultiLabel's version),
in the multi-label LIBSVM format that `logits` reads (issue 16).

Shape (defaults): 15,449 training rows and 3,865 test rows x 186,104 features, about 250
non-zeros per row, 3,956 labels with a power-law label frequency and a label cardinality of
about 5.3 (EUR-Lex: 5.31).

Files: OUT/train.svm and OUT/test.svm, each

    N D L                       <- header line (rows, features, labels), read by the loader
    l1,l2,... i:v i:v ...       <- labels 0-based, ascending; features 1-based, strictly ascending

Model (a topic model, so the labels depend on the features and the task is learnable):
  - background words: a Zipf distribution (exponent 1.0) over the features, in a random order;
  - labels: label l has weight (rank_l)^-a (a = --label-exponent, 0.8), ranks in a random
    order over the label columns; a row draws 1 + Poisson(cardinality - 1) distinct labels
    with these weights (without replacement: a label drawn twice is drawn again);
  - each label has a prototype of --prototype (30) distinct informative features, drawn with
    probability ~ (background frequency)^0.5 (mid-frequency words, which also occur as background
    words elsewhere), with Zipf weights inside the prototype;
  - a row's length (distinct words) is log-normal around --nnz; for each of its labels it draws
    Poisson(--informative, 5) tokens from the label's prototype, then background tokens until
    the row has its number of distinct words;
  - values are TF-IDF: (1 + ln count) * (ln((1 + N_train) / (1 + df)) + 1) with df from the
    training split, each row scaled to unit L2 norm (all values positive).
Everything is drawn from numpy's PCG64 seeded by --seed; the same arguments give the same files.
Difficulty (default set, seed 0): a label-centroid baseline (scores X_test · (X_train^T Y), columns
L2-normalised) reaches P@1/3/5 = 0.900/0.683/0.500 on the test split (EUR-Lex, LibMultiLabel's linear
one-vs-rest: 0.833/0.699/0.586); --informative sets how many prototype tokens a label adds to a row
(4: 0.84/0.60/0.43, 6: 0.93/0.75/0.57).

    python3 scripts/make_eurlex_synthetic.py                      # -> data/eurlex-synthetic/
    python3 scripts/make_eurlex_synthetic.py --out /tmp/tiny --rows 200 --test-rows 50 \\
        --features 2000 --labels 40 --nnz 30
"""
import argparse
import os
import sys
import time

import numpy as np


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default="data/eurlex-synthetic", help="output folder (train.svm, test.svm)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--rows", type=int, default=15449, help="training rows")
    p.add_argument("--test-rows", type=int, default=3865, help="test rows")
    p.add_argument("--features", type=int, default=186104)
    p.add_argument("--labels", type=int, default=3956)
    p.add_argument("--nnz", type=float, default=250.0, help="mean non-zeros per row")
    p.add_argument("--cardinality", type=float, default=5.3, help="mean labels per row")
    p.add_argument("--label-exponent", type=float, default=0.8, help="power law of label frequencies")
    p.add_argument("--prototype", type=int, default=30, help="informative features per label")
    p.add_argument("--informative", type=float, default=5.0, help="mean prototype tokens per label of a row")
    a = p.parse_args(argv)
    for name in ("rows", "features", "labels", "prototype"):
        if getattr(a, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be >= 1")
    if a.test_rows < 0:
        p.error("--test-rows must be >= 0")
    if not (1 <= a.nnz <= a.features):
        p.error("--nnz must be in 1...features")
    if not (1 <= a.cardinality <= a.labels):
        p.error("--cardinality must be in 1...labels")
    if a.prototype > a.features:
        p.error("--prototype must be <= --features")
    return a


def draw_rows(rng, n, a, label_p, prototypes, proto_cdf, word_cdf):
    """Per row: sorted label array, sorted distinct feature indices (0-based) and their counts."""
    rows = []
    L = len(label_p)
    k = np.minimum(1 + rng.poisson(a.cardinality - 1.0, size=n), L)
    sigma = 0.5
    length = np.clip(np.round(a.nnz * rng.lognormal(-sigma * sigma / 2, sigma, size=n)), 1, a.features).astype(int)
    label_cdf = np.cumsum(label_p)
    label_cdf /= label_cdf[-1]
    for r in range(n):
        # k[r] distinct labels by successive weighted draws (a draw already taken is drawn again).
        labels = np.unique(np.searchsorted(label_cdf, rng.random(k[r]), side="right"))
        while len(labels) < k[r]:
            labels = np.union1d(labels, np.searchsorted(label_cdf, rng.random(k[r] - len(labels)), side="right"))
        m = rng.poisson(a.informative, size=k[r])
        # Prototype tokens: a within-prototype Zipf position for each token of each label.
        pos = np.searchsorted(proto_cdf, rng.random(m.sum()), side="right")
        tokens = prototypes[np.repeat(labels, m), pos]
        target = length[r]
        words, counts = np.unique(tokens, return_counts=True)
        while len(words) < target:
            need = target - len(words)
            extra = np.searchsorted(word_cdf, rng.random(int(need * 1.3) + 4), side="right")
            words, counts = np.unique(np.concatenate([np.repeat(words, counts), extra]), return_counts=True)
        if len(words) > target:  # drop random background surplus, keeping the row's length
            keep = np.sort(rng.choice(len(words), size=target, replace=False))
            words, counts = words[keep], counts[keep]
        rows.append((labels, words, counts))
    return rows


def write_split(path, rows, idf, features, labels):
    with open(path, "w") as f:
        f.write(f"{len(rows)} {features} {labels}\n")
        for labs, words, counts in rows:
            v = (1.0 + np.log(counts)) * idf[words]
            v /= np.linalg.norm(v)
            pairs = " ".join(map("{}:{:.5g}".format, (words + 1).tolist(), v.tolist()))
            f.write(",".join(map(str, labs.tolist())) + " " + pairs + "\n")


def main(argv):
    a = parse_args(argv)
    t0 = time.time()
    rng = np.random.Generator(np.random.PCG64(a.seed))
    D, L = a.features, a.labels
    # Background word distribution: Zipf over a random order of the features.
    word_p = np.empty(D)
    word_p[rng.permutation(D)] = 1.0 / np.arange(1, D + 1)
    word_cdf = np.cumsum(word_p / word_p.sum())
    word_cdf[-1] = 1.0
    # Label weights: power law over a random order of the labels.
    label_p = np.empty(L)
    label_p[rng.permutation(L)] = np.arange(1, L + 1, dtype=float) ** -a.label_exponent
    label_p /= label_p.sum()
    # Prototypes: distinct informative features per label, Zipf weights by position.
    # Prototype words are drawn with probability ~ (background frequency)^0.5: mid-frequency words,
    # which also occur as background words in rows without the label.
    src_cdf = np.cumsum(np.sqrt(word_p))
    src_cdf /= src_cdf[-1]
    prototypes = np.empty((L, a.prototype), dtype=np.int64)
    for l in range(L):
        words = np.empty(0, dtype=np.int64)
        while len(words) < a.prototype:  # distinct words, in the order drawn
            draw = np.concatenate([words, np.searchsorted(src_cdf, rng.random(2 * a.prototype), side="right")])
            _, first = np.unique(draw, return_index=True)
            words = draw[np.sort(first)]
        prototypes[l] = words[:a.prototype]
    proto_w = 1.0 / np.arange(1, a.prototype + 1)
    proto_cdf = np.cumsum(proto_w / proto_w.sum())
    proto_cdf[-1] = 1.0

    train = draw_rows(rng, a.rows, a, label_p, prototypes, proto_cdf, word_cdf)
    test = draw_rows(rng, a.test_rows, a, label_p, prototypes, proto_cdf, word_cdf)
    df = np.zeros(D)
    for _, words, _ in train:
        df[words] += 1
    idf = np.log((1.0 + a.rows) / (1.0 + df)) + 1.0

    os.makedirs(a.out, exist_ok=True)
    write_split(os.path.join(a.out, "train.svm"), train, idf, D, L)
    if a.test_rows > 0:
        write_split(os.path.join(a.out, "test.svm"), test, idf, D, L)

    for name, rows in (("train", train), ("test", test)):
        if not rows:
            continue
        nnz = np.array([len(w) for _, w, _ in rows])
        counts = np.zeros(L, dtype=int)
        for labs, _, _ in rows:
            counts[labs] += 1
        card = sum(len(l) for l, _, _ in rows) / len(rows)
        print(f"{name}: {len(rows)} rows x {D} features, {L} labels; nnz {nnz.sum()} "
              f"(per row mean {nnz.mean():.1f}, min {nnz.min()}, max {nnz.max()}); "
              f"cardinality {card:.2f}; label frequency max {counts.max()}, median {int(np.median(counts))}, "
              f"min {counts.min()}; labels without positives {int((counts == 0).sum())}")
    print(f"wrote {a.out}/train.svm" + (f" and {a.out}/test.svm" if a.test_rows > 0 else "")
          + f" in {time.time() - t0:.1f} s (seed {a.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
