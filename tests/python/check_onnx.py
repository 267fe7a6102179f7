#!/usr/bin/env python3
"""Checks ONNX files written by `logits export` against `logits predict`.

Usage: check_onnx.py MANIFEST.json

The manifest lists cases: {"cases": [{"name", "onnx", "model", "features", "rows", "cols",
"predict_csv", "task", "batch1_rows"}]} where `features` is the raw float32 little-endian
row-major [rows, cols] input, `predict_csv` is `logits predict --format csv` on the same rows, and
`model` is the source model file. For every case:

- onnx.checker.check_model(full_check=True) passes; opset 17; input `features` [N, F] with a
  symbolic N; outputs logits, probabilities, decisions;
- metadata: logits.source_sha256 is the SHA-256 of the model file, label names = predict's;
- ONNX Runtime's logits and probabilities equal predict's within 1e-5 abs + 1e-4 rel on every
  row, for the whole set in one run, in batches of 1000, and row by row (batch 1) on the first
  `batch1_rows` rows;
- decisions equal predict's `predicted` column; a difference is tolerated only where predict's own
  logits sit within that tolerance of the decision boundary (reported; expected none).

Exit status 0 when every case passes; 1 with one line per failure otherwise. Needs numpy, onnx,
onnxruntime.
"""
import csv
import hashlib
import json
import sys

import numpy as np
import onnx
import onnxruntime as ort

ATOL, RTOL = 1e-5, 1e-4


def read_predict(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    names = [h[len("prob_"):] for h in header if h.startswith("prob_")]
    n = len(names)
    assert header[:2] == ["row", "predicted"] and len(header) == 2 + 2 * n, f"unexpected predict header {header[:4]}"
    predicted = [r[1].split("|") if r[1] else [] for r in body]
    probs = np.array([[float(v) for v in r[2:2 + n]] for r in body], dtype=np.float64)
    logits = np.array([[float(v) for v in r[2 + n:]] for r in body], dtype=np.float64)
    return names, predicted, probs, logits


def close(got, want):
    diff = np.abs(got.astype(np.float64) - want)
    bad = diff > ATOL + RTOL * np.abs(want)
    return int(bad.sum()), float(diff.max()) if diff.size else 0.0


def check_case(c, failures):
    name = c["name"]

    def fail(msg):
        failures.append(f"{name}: {msg}")

    model = onnx.load(c["onnx"])
    onnx.checker.check_model(model, full_check=True)
    opsets = {o.domain: o.version for o in model.opset_import}
    if opsets.get("", None) != 17:
        fail(f"opset {opsets}, expected 17")
    inputs = [(i.name, [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim]) for i in model.graph.input]
    if inputs != [("features", ["N", c["cols"]])]:
        fail(f"inputs {inputs}")
    outputs = [o.name for o in model.graph.output]
    if outputs != ["logits", "probabilities", "decisions"]:
        fail(f"outputs {outputs}")
    meta = {p.key: p.value for p in model.metadata_props}
    with open(c["model"], "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    if meta.get("logits.source_sha256") != sha:
        fail(f"logits.source_sha256 {meta.get('logits.source_sha256')} != {sha}")
    task = json.loads(meta["logits.task"])
    if task["kind"] != c["task"]:
        fail(f"task {task} expected {c['task']}")

    names, predicted, ref_probs, ref_logits = read_predict(c["predict_csv"])
    if json.loads(meta["logits.label_names"]) != names:
        fail("label names differ from predict's")
    x = np.fromfile(c["features"], dtype="<f4")
    if x.size != c["rows"] * c["cols"]:
        fail(f"features file has {x.size} values, expected {c['rows']} x {c['cols']}")
        return
    x = x.reshape(c["rows"], c["cols"])
    if ref_logits.shape != (c["rows"], len(names)):
        fail(f"predict gave {ref_logits.shape}, expected ({c['rows']}, {len(names)})")
        return

    sess = ort.InferenceSession(c["onnx"], providers=["CPUExecutionProvider"])
    whole = sess.run(None, {"features": x})
    batched = [sess.run(None, {"features": x[s:s + 1000]}) for s in range(0, len(x), 1000)]
    batched = [np.concatenate([b[k] for b in batched]) for k in range(3)]
    b1 = c["batch1_rows"]
    singles = [sess.run(None, {"features": x[r:r + 1]}) for r in range(b1)]
    singles = [np.concatenate([s[k] for s in singles]) for k in range(3)]

    multiclass = c["task"] == "multiclass"
    thresholds = None if multiclass else np.array(json.loads(meta["logits.thresholds"]), dtype=np.float64)
    boundary_cases = 0
    for label, (logits, probs, decisions), rows in (("whole", whole, len(x)), ("batch1000", batched, len(x)), ("batch1", singles, b1)):
        if logits.dtype != np.float32 or probs.dtype != np.float32:
            fail(f"{label}: dtypes {logits.dtype}, {probs.dtype}")
        n_bad, worst = close(logits, ref_logits[:rows])
        if n_bad:
            fail(f"{label}: {n_bad} logits outside tolerance (max abs diff {worst:.3g})")
        n_bad_p, worst_p = close(probs, ref_probs[:rows])
        if n_bad_p:
            fail(f"{label}: {n_bad_p} probabilities outside tolerance (max abs diff {worst_p:.3g})")
        index = {n: j for j, n in enumerate(names)}
        if multiclass:
            if decisions.dtype != np.int64 or decisions.shape != (rows,):
                fail(f"{label}: decisions {decisions.dtype} {decisions.shape}, expected int64 [{rows}]")
                continue
            want = np.array([index[p[0]] for p in predicted[:rows]])
            for r in np.nonzero(decisions != want)[0]:
                top = np.sort(ref_logits[r])[-2:]
                if top[1] - top[0] <= ATOL + RTOL * abs(top[1]):
                    boundary_cases += 1
                else:
                    fail(f"{label}: row {r} argmax {decisions[r]} vs predict {want[r]}")
        else:
            if decisions.dtype != np.bool_ or decisions.shape != (rows, len(names)):
                fail(f"{label}: decisions {decisions.dtype} {decisions.shape}, expected bool [{rows}, {len(names)}]")
                continue
            want = np.zeros((rows, len(names)), dtype=bool)
            for r, p in enumerate(predicted[:rows]):
                for n in p:
                    want[r, index[n]] = True
            for r, j in zip(*np.nonzero(decisions != want)):
                if abs(ref_logits[r, j] - thresholds[j]) <= ATOL + RTOL * abs(ref_logits[r, j]):
                    boundary_cases += 1
                else:
                    fail(f"{label}: row {r} label {names[j]} decision {decisions[r, j]} vs predict {want[r, j]} (logit {ref_logits[r, j]}, threshold {thresholds[j]})")
        print(f"{name} {label}: {rows} rows, max |logit diff| {worst:.3g}, max |prob diff| {worst_p:.3g}")
    print(f"{name}: decisions compared on {len(x)} + {len(x)} + {b1} rows; boundary ties within tolerance: {boundary_cases}")


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        manifest = json.load(f)
    failures = []
    for c in manifest["cases"]:
        try:
            check_case(c, failures)
        except Exception as e:  # a checker/runtime error is a failure of this case, not a crash
            failures.append(f"{c['name']}: {type(e).__name__}: {e}")
    print(f"onnx {onnx.__version__}, onnxruntime {ort.__version__}, numpy {np.__version__}")
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
