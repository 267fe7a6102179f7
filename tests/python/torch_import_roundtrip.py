#!/usr/bin/env python3
"""PyTorch state dicts for the `logits import` round trip, made and checked with numpy only.

    torch_import_roundtrip.py make DIR
        Trains (cases with "trained": true; full-batch Adam on synthetic data, numpy backprop) or
        initialises PyTorch-style MLPs laid out exactly as torch.nn.Sequential state dicts, and
        writes for each case: CASE.safetensors (safetensors.numpy; what
        safetensors.torch.save_file(model.state_dict(), ...) writes), CASE.features.csv (1000
        rows, values k/256 so every decimal is exact in float32), CASE.features.f32, CASE.ref.npy
        (the logits computed in float64 from the float32 parameters, PyTorch's definitions), and
        DIR/manifest.json describing the cases and the `logits import` arguments.
    torch_import_roundtrip.py compare REF.npy PREDICT.csv [ONNX FEATURES.f32]
        Checks `logits predict`'s logits (and, given an ONNX file, ONNX Runtime's) against REF
        within 1e-5 absolute on every row. Exit 1 on a mismatch.
    torch_import_roundtrip.py verify-torch DIR
        (Optional, needs torch) Loads each state dict into the equivalent torch.nn.Sequential and
        checks that torch's logits equal REF within 1e-5: the numpy reference is PyTorch's model.
"""
import csv
import json
import math
import os
import sys

import numpy as np
from safetensors.numpy import save_file

ROWS = 1000
TOL = 1e-5
ERF = np.vectorize(math.erf)


def activation(name, x):
    if name == "relu":
        return np.maximum(x, 0)
    if name == "tanh":
        return np.tanh(x)
    if name == "gelu":
        return 0.5 * x * (1 + ERF(x / math.sqrt(2)))
    raise ValueError(name)


def activation_grad(name, x):
    if name == "relu":
        return (x > 0).astype(x.dtype)
    if name == "tanh":
        return 1 - np.tanh(x) ** 2
    raise ValueError(name)


def layer_norm(x, w, b, eps=1e-5):
    mu = x.mean(axis=1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def forward(case, params, x):
    """Logits of the nn.Sequential described by `case` (float64)."""
    p = {k: v.astype(np.float64) for k, v in params.items()}
    h = x.astype(np.float64)
    for k, idx in enumerate(case["linear_indices"]):
        pre = case["prefix"]
        h = h @ p[f"{pre}{idx}.weight"].T + p[f"{pre}{idx}.bias"]
        if k == len(case["linear_indices"]) - 1:
            break
        if case["layer_norm"]:
            h = layer_norm(h, p[f"{pre}{idx + 1}.weight"], p[f"{pre}{idx + 1}.bias"])
        h = activation(case["activation"], h)
    return h


def torch_init(rng, fan_in, shape):
    bound = 1 / math.sqrt(fan_in)  # nn.Linear's default: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias
    return rng.uniform(-bound, bound, size=shape).astype(np.float32)


def make_params(case, rng):
    widths = [case["inputs"]] + case["hidden"] + [case["outputs"]]
    params = {}
    for k, idx in enumerate(case["linear_indices"]):
        params[f"{case['prefix']}{idx}.weight"] = torch_init(rng, widths[k], (widths[k + 1], widths[k]))
        params[f"{case['prefix']}{idx}.bias"] = torch_init(rng, widths[k], (widths[k + 1],))
        if case["layer_norm"] and k < len(case["hidden"]):
            params[f"{case['prefix']}{idx + 1}.weight"] = (1 + 0.3 * rng.standard_normal(widths[k + 1])).astype(np.float32)
            params[f"{case['prefix']}{idx + 1}.bias"] = (0.2 * rng.standard_normal(widths[k + 1])).astype(np.float32)
    return params


def train(case, params, x, y, steps=200, lr=0.003):
    """Full-batch Adam on softmax cross-entropy (multi-class) for a Linear/activation MLP."""
    assert not case["layer_norm"] and case["task"] == "multiclass"
    names = sorted(params)
    m = {k: np.zeros_like(v, dtype=np.float64) for k, v in params.items()}
    v2 = {k: np.zeros_like(v, dtype=np.float64) for k, v in params.items()}
    p = {k: v.astype(np.float64) for k, v in params.items()}
    pre, idxs = case["prefix"], case["linear_indices"]
    onehot = np.eye(case["outputs"])[y]
    for t in range(1, steps + 1):
        hs, zs = [x], []
        for k, idx in enumerate(idxs):
            z = hs[-1] @ p[f"{pre}{idx}.weight"].T + p[f"{pre}{idx}.bias"]
            zs.append(z)
            hs.append(z if k == len(idxs) - 1 else activation(case["activation"], z))
        logits = hs[-1]
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        g = (e / e.sum(axis=1, keepdims=True) - onehot) / len(x)
        grads = {}
        for k in range(len(idxs) - 1, -1, -1):
            idx = idxs[k]
            grads[f"{pre}{idx}.weight"] = g.T @ hs[k]
            grads[f"{pre}{idx}.bias"] = g.sum(axis=0)
            if k > 0:
                g = (g @ p[f"{pre}{idx}.weight"]) * activation_grad(case["activation"], zs[k - 1])
        for k in names:
            m[k] = 0.9 * m[k] + 0.1 * grads[k]
            v2[k] = 0.999 * v2[k] + 0.001 * grads[k] ** 2
            p[k] -= lr * (m[k] / (1 - 0.9 ** t)) / (np.sqrt(v2[k] / (1 - 0.999 ** t)) + 1e-8)
    acc = float((forward(case, {k: v.astype(np.float32) for k, v in p.items()}, x).argmax(axis=1) == y).mean())
    return {k: v.astype(np.float32) for k, v in p.items()}, acc


CASES = [
    # nn.Sequential(Linear(20,32), ReLU(), Dropout(0.1), Linear(32,16), ReLU(), Dropout(0.1), Linear(16,5))
    dict(name="mc-relu-dropout", task="multiclass", inputs=20, hidden=[32, 16], outputs=5, activation="relu",
         layer_norm=False, linear_indices=[0, 3, 6], prefix="", stats="tensors", dtype="float32", trained=True,
         args=["--activation", "relu", "--dropout", "0.1", "--hidden", "32,16"]),
    # model.net = nn.Sequential(Linear(12,24), LayerNorm(24), GELU(), Linear(24,6)), saved as float64
    dict(name="ml-layernorm-gelu-f64", task="multilabel", inputs=12, hidden=[24], outputs=6, activation="gelu",
         layer_norm=True, linear_indices=[0, 3], prefix="net.", stats="json", dtype="float64", trained=False,
         args=["--activation", "gelu", "--layer-norm"]),
    # nn.Sequential(Linear(8,16), Tanh(), Linear(16,1)): binary, no standardization, inferred widths
    dict(name="binary-tanh", task="binary", inputs=8, hidden=[16], outputs=1, activation="tanh",
         layer_norm=False, linear_indices=[0, 2], prefix="", stats=None, dtype="float32", trained=False,
         args=["--activation", "tanh"]),
]


def make(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(2026)
    manifest = []
    for case in CASES:
        n = case["name"]
        x_all = (rng.integers(-768, 768, size=(ROWS + 2000, case["inputs"])) / 256).astype(np.float32)
        x_all[:, 0] = x_all[:, 0] * 4 + 3  # a feature with another location and scale
        mean = x_all[ROWS:].mean(axis=0).astype(np.float32)
        scale = x_all[ROWS:].std(axis=0).astype(np.float32)
        params = make_params(case, rng)
        standardize = case["stats"] is not None
        xs = ((x_all - mean) / scale).astype(np.float32) if standardize else x_all
        accuracy = None
        if case["trained"]:
            w_true = rng.standard_normal((case["inputs"], case["outputs"]))
            # Noisy labels keep the logits moderate (|z| of a few units), as in a real classifier.
            y = (xs.astype(np.float64) @ w_true + 3 * rng.standard_normal((len(xs), case["outputs"]))).argmax(axis=1)
            params, accuracy = train(case, params, xs[ROWS:].astype(np.float64), y[ROWS:])
        if case["dtype"] == "float64":
            params = {k: v.astype(np.float64) for k, v in params.items()}
        tensors = dict(params)
        if case["stats"] == "tensors":
            tensors["standardization.mean"] = mean
            tensors["standardization.scale"] = scale
        save_file(tensors, os.path.join(out, n + ".safetensors"))
        args = list(case["args"]) + ["--task", case["task"], "--labels", ",".join(f"{n[:2]}{j}" for j in range(case["outputs"]))]
        if case["stats"] == "json":
            path = os.path.join(out, n + ".stats.json")
            with open(path, "w") as f:
                json.dump({"mean": [float(v) for v in mean], "scale": [float(v) for v in scale]}, f)
            args += ["--standardization", path]
        x = x_all[:ROWS]
        with open(os.path.join(out, n + ".features.csv"), "w", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows([[repr(float(v)) for v in row] for row in x])
        x.astype("<f4").tofile(os.path.join(out, n + ".features.f32"))
        # Logits standardizes in float32, (x - mean) / scale; the network is evaluated in float64.
        ref = forward(case, {k: v.astype(np.float32) for k, v in params.items()}, xs[:ROWS])
        np.save(os.path.join(out, n + ".ref.npy"), ref)
        manifest.append(dict(name=n, args=args, inputs=case["inputs"], outputs=case["outputs"], task=case["task"],
                             train_accuracy=accuracy, logit_range=[float(ref.min()), float(ref.max())]))
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump({"cases": manifest}, f, indent=1)
    for c in manifest:
        print(f"{c['name']}: train accuracy {c['train_accuracy']}, logits in {c['logit_range']}")
    return 0


def compare(ref_path, predict_csv, onnx_path=None, features=None):
    ref = np.load(ref_path)
    with open(predict_csv, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    cols = [i for i, h in enumerate(header) if h.startswith("logit_")]
    got = np.array([[float(r[i]) for i in cols] for r in body])
    failures = []
    if got.shape != ref.shape:
        failures.append(f"predict gave {got.shape}, expected {ref.shape}")
    else:
        diff = np.abs(got - ref)
        print(f"logits predict vs reference: {ref.shape[0]} rows, max |diff| {diff.max():.3g}")
        if (diff > TOL).any():
            failures.append(f"{int((diff > TOL).sum())} logits differ by more than {TOL} (max {diff.max():.3g})")
    if onnx_path:
        import onnxruntime as ort
        x = np.fromfile(features, dtype="<f4").reshape(ref.shape[0], -1)
        out = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"]).run(["logits"], {"features": x})[0]
        diff = np.abs(out.astype(np.float64) - ref)
        print(f"ONNX Runtime (imported, then exported) vs reference: max |diff| {diff.max():.3g}")
        if (diff > TOL).any():
            failures.append(f"ONNX Runtime: {int((diff > TOL).sum())} logits differ by more than {TOL}")
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


def verify_torch(out):
    import torch
    from safetensors.torch import load_file
    failures = 0
    for case in CASES:
        layers = []
        widths = [case["inputs"]] + case["hidden"] + [case["outputs"]]
        for k in range(len(widths) - 1):
            layers.append(torch.nn.Linear(widths[k], widths[k + 1]))
            if k < len(case["hidden"]):
                if case["layer_norm"]:
                    layers.append(torch.nn.LayerNorm(widths[k + 1]))
                layers.append({"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "gelu": torch.nn.GELU}[case["activation"]]())
                if case["name"].find("dropout") >= 0:
                    layers.append(torch.nn.Dropout(0.1))
        net = torch.nn.Sequential(*layers).double().eval()
        state = load_file(os.path.join(out, case["name"] + ".safetensors"))
        stats = {k: state.pop(k) for k in list(state) if k.startswith("standardization.")}
        net.load_state_dict({k[len(case["prefix"]):]: v.to(torch.float32).double() for k, v in state.items()})
        x = torch.from_numpy(np.fromfile(os.path.join(out, case["name"] + ".features.f32"), dtype="<f4").reshape(ROWS, -1))
        if case["stats"] == "tensors":
            x = (x - stats["standardization.mean"]) / stats["standardization.scale"]
        elif case["stats"] == "json":
            with open(os.path.join(out, case["name"] + ".stats.json")) as f:
                s = json.load(f)
            x = (x - torch.tensor(s["mean"], dtype=torch.float32)) / torch.tensor(s["scale"], dtype=torch.float32)
        with torch.no_grad():
            z = net(x.double()).numpy()
        d = np.abs(z - np.load(os.path.join(out, case["name"] + ".ref.npy"))).max()
        print(f"{case['name']}: torch {torch.__version__} vs numpy reference max |diff| {d:.3g}")
        failures += d > TOL
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "make":
        sys.exit(make(sys.argv[2]))
    if len(sys.argv) in (4, 6) and sys.argv[1] == "compare":
        sys.exit(compare(*sys.argv[2:]))
    if len(sys.argv) == 3 and sys.argv[1] == "verify-torch":
        sys.exit(verify_torch(sys.argv[2]))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
