"""Shared parts of the tritonclient conformance scripts (serve-conformance.py for dense rows,
serve-sparse-conformance.py for CSR rows): what `logits predict --format jsonl` printed, the
batched infer loop, and the bit-for-bit comparison with it."""
import json

import numpy as np
import tritonclient.http as httpclient


def arff_data_lines(path):
    """The data rows of an ARFF file (after `@data`), stripped, without blank and `%` lines."""
    in_data = False
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("%"):
                continue
            if line.lower().startswith("@data"):
                in_data = True
                continue
            if in_data:
                yield line


class Checks:
    """Collects failed checks; each is printed as `FAIL: ...` when it happens."""

    def __init__(self):
        self.failures = []

    def check(self, ok, what):
        if not ok:
            self.failures.append(what)
            print("FAIL: " + what)

    def finish(self, label):
        """Exit status: 1 with a count when a check failed, else 0 with `label: all checks passed`."""
        if self.failures:
            print(f"{len(self.failures)} check(s) failed")
            return 1
        print(f"{label}: all checks passed")
        return 0


def expected(predict_path):
    """(label names, logits, probabilities, predicted-label rows) from `logits predict --format jsonl`."""
    predicted = [json.loads(line) for line in open(predict_path) if line.strip()]
    names = list(predicted[0]["logits"].keys())
    logits = np.array([[np.float32(float(r["logits"][k])) for k in names] for r in predicted], dtype=np.float32)
    probs = np.array([[np.float32(float(r["probabilities"][k])) for k in names] for r in predicted], dtype=np.float32)
    labels = ["|".join(r["predicted"]) for r in predicted]
    return names, logits, probs, labels


def infer_batches(client, model, input_batches):
    """Runs every list of `InferInput`s in `input_batches`; returns the concatenated logits,
    probabilities and label rows."""
    got_logits, got_probs, got_labels = [], [], []
    for inputs in input_batches:
        outputs = [httpclient.InferRequestedOutput(n, binary_data=False) for n in ("logits", "probabilities", "labels")]
        result = client.infer(model, inputs, outputs=outputs)
        got_logits.append(result.as_numpy("logits"))
        got_probs.append(result.as_numpy("probabilities"))
        got_labels.extend(v.decode() if isinstance(v, bytes) else str(v) for v in result.as_numpy("labels").reshape(-1))
    return np.concatenate(got_logits), np.concatenate(got_probs), got_labels


def compare(checks, mode, got, want):
    """Checks `got` = (logits, probabilities, labels) equal `want` (from `expected`) bit for bit."""
    gl, gp, got_labels = got
    _, want_logits, want_probs, want_labels = want
    checks.check(gl.dtype == np.float32 and gl.shape == want_logits.shape, f"{mode}: logits {gl.dtype} {gl.shape}")
    if gl.shape == want_logits.shape:
        n = int(np.sum(gl.view(np.uint32) != want_logits.view(np.uint32)))
        checks.check(n == 0, f"{mode}: {n} logits differ in bits from logits predict")
        n = int(np.sum(gp.view(np.uint32) != want_probs.view(np.uint32)))
        checks.check(n == 0, f"{mode}: {n} probabilities differ in bits from logits predict")
    n = sum(a != b for a, b in zip(got_labels, want_labels))
    checks.check(len(got_labels) == len(want_labels) and n == 0, f"{mode}: {n} label rows differ from logits predict")
    print(f"{mode}: {gl.shape[0]} rows x {gl.shape[1]} outputs compared")
