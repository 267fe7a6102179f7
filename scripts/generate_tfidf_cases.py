#!/usr/bin/env python3
"""Golden values for Logits' TF-IDF weighting (`TermWeighting`) from scikit-learn.

Writes Tests/Fixtures/preprocessing/tfidf.json: for each case a training count matrix and a test
matrix, and what sklearn.feature_extraction.text.TfidfTransformer(norm="l2", use_idf=True,
smooth_idf=True, sublinear_tf=...) fitted on the training rows gives (float64):

- idf_c = ln((1 + N) / (1 + df_c)) + 1     (df_c: training rows with a non-zero count);
- x'    = tf * idf, each row divided by its L2 norm (a zero row stays zero);
- sublinear_tf: tf = 1 + ln(count) for a non-zero count.

Cases: a hand-made matrix with a zero row, a column never seen in training and fractional
frequencies, and seeded random Poisson counts (with and without sublinear tf).

Run: python3 scripts/generate_tfidf_cases.py   (numpy + scikit-learn; deterministic)
"""
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfTransformer

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "preprocessing",
                   "tfidf.json")


def case(name, train, test, sublinear):
    train = np.asarray(train, dtype=np.float64)
    test = np.asarray(test, dtype=np.float64)
    t = TfidfTransformer(norm="l2", use_idf=True, smooth_idf=True, sublinear_tf=sublinear).fit(train)
    return {
        "name": name,
        "inputs": {"train": train.tolist(), "test": test.tolist()},
        "params": {"sublinear_tf": sublinear},
        "expected": {"idf": t.idf_.tolist(),
                     "train": t.transform(train).toarray().tolist(),
                     "test": t.transform(test).toarray().tolist()},
    }


def main():
    hand_train = [[3, 0, 1, 0, 0], [0, 0, 0, 0, 0], [1, 2, 0, 0, 4], [0, 1, 1, 0, 0.5]]
    hand_test = [[1, 1, 1, 7, 0], [0, 0, 0, 0, 0], [0, 0, 2.5, 0, 1]]  # column 3: never seen in training
    rng = np.random.default_rng(0)
    rand_train = rng.poisson(0.4, size=(30, 12)).astype(np.float64)
    rand_test = rng.poisson(0.4, size=(10, 12)).astype(np.float64)
    cases = [case("hand", hand_train, hand_test, False),
             case("hand sublinear", hand_train, hand_test, True),
             case("poisson counts", rand_train, rand_test, False),
             case("poisson counts sublinear", rand_train, rand_test, True)]
    doc = {"generator": "scripts/generate_tfidf_cases.py",
           "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "sklearn": sklearn.__version__},
           "cases": cases}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write('{"generator": %s, "versions": %s, "cases": [\n' % (json.dumps(doc["generator"]), json.dumps(doc["versions"])))
        f.write(",\n".join(json.dumps(c) for c in cases))
        f.write("\n]}\n")
    print("wrote", os.path.normpath(OUT), len(cases), "cases")


if __name__ == "__main__":
    main()
