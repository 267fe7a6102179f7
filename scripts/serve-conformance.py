#!/usr/bin/env python3
"""Conformance of logits-server with the Open Inference Protocol, through Triton's own client.

Checks, with tritonclient.http.InferenceServerClient against a running server:
  - is_server_live() / is_server_ready() / is_model_ready();
  - get_model_metadata(): name, FP32 input [-1, D], outputs logits/probabilities (FP32 [-1, C]) and
    labels (BYTES), task and label names equal to the model's (from `logits predict`);
  - infer() on every row of an ARFF file, JSON and binary tensor data, returns logits and
    probabilities bit-identical to `logits predict --format jsonl` and the same labels.

Usage: serve-conformance.py --url 127.0.0.1:PORT --model NAME --arff FILE --predict PREDICT.jsonl
        [--features D] [--batch ROWS]
Exit status 0 when every check passes, 1 otherwise (each failure printed as 'FAIL: ...').
"""
import argparse
import sys
from fractions import Fraction

import numpy as np
import tritonclient.http as httpclient

from conformance_common import Checks, arff_data_lines, compare, expected, infer_batches


def float32_of(text):
    """The FP32 nearest to the decimal `text` (ties to even), as the Swift loader's strtof gives."""
    exact = Fraction(text)
    f = np.float32(float(text))
    best = f
    for g in (np.nextafter(f, np.float32(-np.inf)), np.nextafter(f, np.float32(np.inf))):
        if not np.isfinite(g):
            continue
        d_best, d_g = abs(Fraction(float(best)) - exact), abs(Fraction(float(g)) - exact)
        if d_g < d_best or (d_g == d_best and (g.view(np.uint32) & 1) == 0):
            best = g
    return best


def read_arff_features(path, d):
    rows = [[float32_of(x) for x in line.split(",")[:d]] for line in arff_data_lines(path)]
    return np.array(rows, dtype=np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--arff", required=True)
    ap.add_argument("--predict", required=True)
    ap.add_argument("--batch", type=int, default=128)
    args = ap.parse_args()

    checks = Checks()
    check = checks.check
    want = expected(args.predict)
    labels, want_logits = want[0], want[1]

    client = httpclient.InferenceServerClient(url=args.url)
    check(client.is_server_live(), "is_server_live() is False")
    check(client.is_server_ready(), "is_server_ready() is False")
    check(client.is_model_ready(args.model), "is_model_ready() is False")
    meta = client.get_model_metadata(args.model)
    check(meta["name"] == args.model, f"metadata name {meta['name']!r}")
    d = meta["inputs"][0]["shape"][1]
    check(meta["inputs"][0]["datatype"] == "FP32" and meta["inputs"][0]["shape"][0] == -1, f"metadata input {meta['inputs']}")
    outs = {o["name"]: o for o in meta["outputs"]}
    check(outs.get("logits", {}).get("shape") == [-1, len(labels)] and outs["logits"]["datatype"] == "FP32", f"metadata logits {outs.get('logits')}")
    check(outs.get("probabilities", {}).get("datatype") == "FP32", f"metadata probabilities {outs.get('probabilities')}")
    check(outs.get("labels", {}).get("datatype") == "BYTES", f"metadata labels {outs.get('labels')}")
    check(meta.get("labels") == labels, f"metadata labels {meta.get('labels')} != predict's {labels}")
    check(meta.get("task") in ("multi-label", "multi-class"), f"metadata task {meta.get('task')}")

    x = read_arff_features(args.arff, d)
    check(x.shape[0] == len(want_logits), f"{x.shape[0]} rows in the ARFF, {len(want_logits)} predictions")
    for binary in (False, True):
        def batches():
            for start in range(0, x.shape[0], args.batch):
                chunk = x[start:start + args.batch]
                inp = httpclient.InferInput("features", list(chunk.shape), "FP32")
                inp.set_data_from_numpy(chunk, binary_data=binary)
                yield [inp]
        compare(checks, "binary" if binary else "JSON", infer_batches(client, args.model, batches()), want)
    return checks.finish("conformance")


if __name__ == "__main__":
    sys.exit(main())
