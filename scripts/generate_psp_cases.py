#!/usr/bin/env python3
"""Golden values for the propensity-scored metrics PSP@k and PSnDCG@k (Jain, Prabhu, Varma, KDD 2016).

Writes Tests/Fixtures/metrics/propensity_scored.json, computed here in numpy (float64) with the
definitions of the Extreme Classification Repository's evaluation code (pyxclib,
xclib.evaluation.xc_metrics: compute_inv_propesity, psprecision, psndcg), re-implemented:

- inverse propensity  w_l = 1 + C (N_l + B)^-A,  C = (ln N - 1)(B + 1)^A
  (N training rows, N_l training positives of label l);
- predicted ranking: labels by descending score, ties towards the lower label index
  (np.argsort(-scores, kind="stable"), the tie rule of Logits' precision@k);
  ideal ranking: the row's relevant labels by descending weight (the top of y * w);
- PSP@k    = mean_i (1/k) sum_{j<=k} (y w)[pi_i(j)]  /  mean_i (1/k) sum_{j<=k} ideal_i(j);
- PSnDCG@k = mean_i DCG_i / I_i  /  mean_i DCG*_i / I_i, with DCG using the gains y w and the
  discount 1/log2(j + 1), and I_i = sum_{j <= min(k, R_i)} 1/log2(j + 1) (R_i = relevant labels of
  row i; a row with R_i = 0 adds 0 to both sides);
- with a mask (1 = observed), a row is ranked among its observed labels and only observed relevant
  labels count; null when no row has a relevant label (0/0).
`expected.precision_at_k` is the plain P@k with the same ranking (a check of the shared tie rule).

Run: python3 scripts/generate_psp_cases.py   (numpy only; seeded, deterministic)
"""
import json
import math
import os
import platform
import sys

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "metrics",
                   "propensity_scored.json")


def inverse_propensity(counts, n, a, b):
    counts = np.asarray(counts, dtype=np.float64)
    c = (math.log(n) - 1.0) * (b + 1.0) ** a
    return 1.0 + c * (counts + b) ** (-a)


def row_rankings(y, s, m, w, kmax):
    """For one row: gains (y*w) of the first kmax predicted positions among observed labels, the ideal
    gains (sorted relevant weights), the plain hits, and the number of relevant labels."""
    obs = np.flatnonzero(m)
    order = obs[np.argsort(-s[obs], kind="stable")]
    gains = np.zeros(kmax)
    hits = np.zeros(kmax)
    top = order[:kmax]
    gains[:len(top)] = y[top] * w[top]
    hits[:len(top)] = y[top]
    rel = obs[y[obs] == 1]
    best = np.zeros(kmax)
    ws = np.sort(w[rel])[::-1][:kmax]
    best[:len(ws)] = ws
    return gains, best, hits, len(rel), len(obs)


def metrics(y_true, scores, counts, n_train, a, b, ks, mask=None):
    y = np.asarray(y_true, dtype=np.float64)
    s = np.asarray(scores, dtype=np.float64)
    m = np.ones_like(y) if mask is None else np.asarray(mask, dtype=np.float64)
    w = inverse_propensity(counts, n_train, a, b)
    kmax = max(ks)
    rows = [row_rankings(y[i], s[i], m[i], w, kmax) for i in range(y.shape[0]) if m[i].sum() > 0]
    disc = 1.0 / np.log2(np.arange(kmax) + 2.0)
    psp, psn, pk = [], [], []
    for k in ks:
        num_p = np.mean([g[:k].sum() / k for g, _, _, _, _ in rows])
        den_p = np.mean([bb[:k].sum() / k for _, bb, _, _, _ in rows])
        num_n, den_n = [], []
        for g, bb, _, r, _ in rows:
            if r == 0:
                num_n.append(0.0)
                den_n.append(0.0)
                continue
            unit = disc[:min(k, r)].sum()
            num_n.append((g[:k] * disc[:k]).sum() / unit)
            den_n.append((bb[:k] * disc[:k]).sum() / unit)
        psp.append(float(num_p / den_p) if den_p > 0 else None)
        psn.append(float(np.mean(num_n) / np.mean(den_n)) if np.mean(den_n) > 0 else None)
        # plain P@k, k capped at the row's observed count (Logits' precision@k)
        pk.append(float(np.mean([h[:min(k, lo)].sum() / min(k, lo) for _, _, h, _, lo in rows])))
    return w, psp, psn, pk


def case(name, y_true, scores, counts, n_train, ks=(1, 3, 5), a=0.55, b=1.5, mask=None, notes=None):
    w, psp, psn, pk = metrics(y_true, scores, counts, n_train, a, b, list(ks), mask)
    inputs = {"y_true": np.asarray(y_true).astype(int).tolist(),
              "scores": np.asarray(scores, dtype=np.float64).tolist(),
              "label_counts": [int(c) for c in counts], "training_rows": int(n_train)}
    if mask is not None:
        inputs["mask"] = np.asarray(mask).astype(int).tolist()
    out = {"name": name, "inputs": inputs, "params": {"A": a, "B": b, "ks": list(ks)},
           "expected": {"inverse_propensity": w.tolist(), "psp_at_k": psp, "psndcg_at_k": psn,
                        "precision_at_k": pk}}
    if notes:
        out["notes"] = notes
    return out


def main():
    rng = np.random.Generator(np.random.PCG64(16))
    cases = []
    # 1. Hand-sized, distinct scores.
    cases.append(case("small_distinct",
                      [[1, 0, 1, 0, 0], [0, 1, 0, 0, 1], [1, 1, 0, 1, 0]],
                      [[0.9, 0.1, 0.4, 0.3, -1.0], [2.0, 1.5, -0.5, 0.0, 1.0], [0.2, 0.8, 0.5, -0.1, 0.0]],
                      [50, 10, 3, 1, 0], 100))
    # 2. Ties in the scores (broken towards the lower label index) and tied weights.
    cases.append(case("ties",
                      [[0, 1, 1, 0, 1, 0], [1, 0, 0, 1, 0, 0], [0, 0, 1, 1, 1, 1]],
                      [[0.5, 0.5, 0.5, 0.1, 0.1, 0.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [0.0, 0.3, 0.3, 0.0, 0.3, 0.0]],
                      [7, 7, 2, 2, 0, 30], 40,
                      notes=["tied scores are ranked towards the lower label index (stable sort), as Logits' precision@k"]))
    # 3. Rows without relevant labels and a label never seen in training.
    cases.append(case("empty_rows_and_unseen_label",
                      [[0, 0, 0, 0], [0, 1, 0, 1], [0, 0, 0, 0], [1, 0, 0, 1]],
                      [[0.1, 0.2, 0.3, 0.4], [0.4, -0.2, 0.9, 0.0], [1.0, 0.0, 0.0, 0.0], [-1.0, 0.5, 0.0, 3.0]],
                      [12, 5, 1, 0], 25,
                      notes=["rows with no relevant label add 0 to numerator and denominator"]))
    # 4. k larger than L.
    cases.append(case("k_beyond_labels",
                      [[1, 0, 1], [0, 1, 0], [1, 1, 1]],
                      [[0.2, 0.9, -0.3], [0.0, 0.1, 0.2], [0.3, 0.2, 0.1]],
                      [4, 9, 1], 12, ks=(1, 3, 5)))
    # 5. Other A and B (Wikipedia's), k = 2 and 4.
    y = (rng.random((12, 9)) < 0.3).astype(int)
    cases.append(case("wikipedia_parameters", y, rng.normal(size=(12, 9)), rng.integers(0, 60, size=9), 60,
                      ks=(2, 4), a=0.5, b=0.4))
    # 6. No relevant label anywhere: undefined.
    cases.append(case("no_relevant_labels", [[0, 0, 0], [0, 0, 0]], [[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]],
                      [3, 2, 1], 10, notes=["no row has a relevant label: PSP and PSnDCG are 0/0 (null)"]))
    # 7. A missing-label mask.
    y = (rng.random((10, 7)) < 0.35).astype(int)
    mask = (rng.random((10, 7)) < 0.8).astype(int)
    mask[3] = 0  # a row with nothing observed is left out
    cases.append(case("masked", y, np.round(rng.normal(size=(10, 7)), 1), rng.integers(0, 30, size=7), 30, mask=mask,
                      notes=["scores rounded to 1 decimal (ties)", "row 3 has no observed label"]))
    # 8. Random, larger, power-law training counts and rounded scores (ties).
    for seed, (n, l, n_train) in enumerate([(40, 25, 200), (60, 120, 1000)]):
        counts = np.minimum(n_train, np.floor(n_train * 0.3 / np.arange(1, l + 1) ** 1.1)).astype(int)
        counts = counts[rng.permutation(l)]
        p = np.clip(counts / n_train * 2.0, 0.01, 0.9)
        y = (rng.random((n, l)) < p).astype(int)
        scores = y * rng.normal(1.0, 1.0, size=(n, l)) + rng.normal(0.0, 1.0, size=(n, l))
        if seed == 1:
            scores = np.round(scores, 1)
        cases.append(case(f"random_{n}x{l}" + ("_rounded" if seed == 1 else ""), y, scores, counts, n_train,
                          ks=(1, 3, 5, 10)))
    doc = {"generator": "scripts/generate_psp_cases.py (numpy re-implementation of pyxclib xc_metrics)",
           "versions": {"numpy": np.__version__, "python": platform.python_version()},
           "cases": cases}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:  # one line per case
        head = json.dumps({k: v for k, v in doc.items() if k != "cases"})[:-1]
        f.write(head + ', "cases": [\n' + ",\n".join(json.dumps(c) for c in cases) + "\n]}\n")
    print(f"wrote {os.path.normpath(OUT)}: {len(cases)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
