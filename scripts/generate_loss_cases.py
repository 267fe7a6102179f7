#!/usr/bin/env python3
"""Golden values for the multi-label losses with label smoothing and a target mask.

Writes Tests/Fixtures/losses/loss_smoothing_mask.json (the schema of shared/reference/losses.json,
plus `inputs.mask`), computed by PyTorch in float64 with autograd:

- label smoothing: targets y' = y (1 - eps) + eps / 2, passed to the PyTorch loss as they are, e.g.
  torch.nn.functional.binary_cross_entropy_with_logits(x, y*(1-eps)+eps/2, weight, pos_weight, reduction=R);
- target mask m (1 = observed, 0 = missing): masked entries add nothing; per-element losses take the
  observed elements by boolean indexing, e.g. binary_cross_entropy_with_logits(x[m], y'[m], w[m], pw[m], R)
  (so `mean` is over the observed entries and the weights never enter the denominator);
  MultiLabelSoftMarginLoss is applied per row to the row's observed labels, and its `mean` is over the
  rows with at least one observed label. `none` has the full shape with zeros at masked entries.
  Masked targets hold placeholders (0, 1 or NaN), which must be ignored.

Every float input is float32-exact (eps included), so a Float implementation sees exactly the values
the float64 reference saw. Run: python3 scripts/generate_loss_cases.py  (torch >= 2, numpy; seeded).
The focal loss is torchvision.ops.sigmoid_focal_loss transcribed (its five lines), the asymmetric loss
is Alibaba-MIIL/ASL's AsymmetricLoss transcribed; both through autograd.
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "losses",
                   "loss_smoothing_mask.json")


def f32(a):
    """float32-exact float64 array."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def num(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def nested(a):
    a = np.asarray(a)
    if a.ndim == 0:
        return num(a)
    return [nested(r) for r in a]


# --- the losses on (already smoothed) targets, unreduced, as PyTorch / the reference code write them ---

def focal_none(x, t, alpha, gamma):
    # torchvision.ops.sigmoid_focal_loss (torchvision 0.2x), reduction="none"
    p = torch.sigmoid(x)
    ce = F.binary_cross_entropy_with_logits(x, t, reduction="none")
    p_t = p * t + (1 - p) * (1 - t)
    loss = ce * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * t + (1 - alpha) * (1 - t)
        loss = alpha_t * loss
    return loss


def asl_none(x, y, gamma_neg, gamma_pos, clip, eps):
    # Alibaba-MIIL/ASL src/loss_functions/losses.py AsymmetricLoss.forward, without the final -sum()
    x_sigmoid = torch.sigmoid(x)
    xs_pos = x_sigmoid
    xs_neg = 1 - x_sigmoid
    if clip is not None and clip > 0:
        xs_neg = (xs_neg + clip).clamp(max=1)
    los_pos = y * torch.log(xs_pos.clamp(min=eps))
    los_neg = (1 - y) * torch.log(xs_neg.clamp(min=eps))
    loss = los_pos + los_neg
    if gamma_neg > 0 or gamma_pos > 0:
        pt = xs_pos * y + xs_neg * (1 - y)
        one_sided_gamma = gamma_pos * y + gamma_neg * (1 - y)
        loss = loss * torch.pow(1 - pt, one_sided_gamma)
    return -loss


def reduce(v, reduction):
    if reduction == "none":
        return v
    if reduction == "sum":
        return v.sum()
    return v.mean()  # empty: nan, as PyTorch


def element_loss(kind, x, t, w, pw, p, reduction):
    """Per-element losses of 1-D tensors (the observed elements), reduced."""
    if kind == "BCEWithLogitsLoss":
        return F.binary_cross_entropy_with_logits(x, t, weight=w, pos_weight=pw, reduction=reduction)
    if kind == "BCELoss":
        return F.binary_cross_entropy(x, t, weight=w, reduction=reduction)
    if kind == "sigmoid_focal_loss":
        return reduce(focal_none(x, t, p["alpha"], p["gamma"]), reduction)
    if kind == "AsymmetricLoss":
        return reduce(asl_none(x, t, p["gamma_neg"], p["gamma_pos"], p["clip"], p["eps"]), reduction)
    raise ValueError(kind)


def evaluate(kind, x, t, mask, w, pw, params, reduction):
    """The loss under `reduction` with the masking semantics above; x requires grad."""
    b, c = x.shape
    m = torch.ones(b, c, dtype=torch.bool) if mask is None else mask.bool()
    if kind == "MultiLabelSoftMarginLoss":
        rows = []
        for i in range(b):
            mi = m[i]
            if mi.any():
                wi = None if w is None else w[mi]
                rows.append(F.multilabel_soft_margin_loss(x[i, mi][None], t[i, mi][None], weight=wi, reduction="none")[0])
            else:
                rows.append(x.new_zeros(()))
        none = torch.stack(rows)
        if reduction == "none":
            return none
        if reduction == "sum":
            return none.sum()
        counted = [r for i, r in enumerate(rows) if m[i].any()]
        return torch.stack(counted).mean() if counted else x.new_tensor(float("nan")) + 0 * x.sum()
    wf = None if w is None else w.expand(b, c)[m]
    pwf = None if pw is None else pw.expand(b, c)[m]
    v = element_loss(kind, x[m], t[m], wf, pwf, params, reduction)
    if reduction != "none":
        return v
    full = x.new_zeros(b, c)
    full = full.masked_scatter(m, v)
    return full


def make_case(name, kind, x, y, mask=None, smoothing=0.0, weight=None, weight_shape=None, pos_weight=None, **params):
    x = torch.tensor(f32(x))
    y_raw = np.asarray(y, dtype=np.float64)
    eps = float(np.float32(smoothing))
    b, c = x.shape
    mask_t = None if mask is None else torch.tensor(np.asarray(mask, dtype=np.float64))
    # Masked targets may hold placeholders; the loss never sees them.
    y_used = np.where(np.isnan(y_raw), 0.0, y_raw)
    t = torch.tensor(y_used) * (1 - eps) + eps / 2
    w = None
    if weight is not None:
        w = torch.tensor(f32(weight))
        if weight_shape == "[B,1]":
            w = w.reshape(b, 1)
    pw = None if pos_weight is None else torch.tensor(f32(pos_weight))
    expected = {}
    for reduction in ("none", "mean", "sum"):
        xr = x.clone().requires_grad_(True)
        v = evaluate(kind, xr, t, mask_t, w, pw, params, reduction)
        if reduction == "none":
            expected["none"] = nested(v.detach().numpy())
            continue
        if v.requires_grad:
            v.backward()
            grad = xr.grad.numpy()
        else:  # PyTorch's reduction of an empty tensor (everything masked) keeps no graph: d/dx = 0
            grad = np.zeros((b, c))
        expected[reduction] = num(v.item())
        expected["grad_" + reduction] = nested(grad)
    p = {"loss": kind, "label_smoothing": eps}
    if weight is not None:
        p["weight"] = nested(f32(weight))
        if weight_shape:
            p["weight_shape"] = weight_shape
    if pos_weight is not None:
        p["pos_weight"] = nested(f32(pos_weight))
    for k, v in params.items():
        p[k] = num(v) if isinstance(v, float) else v
    return {
        "name": name,
        "inputs": {"input": nested(x.numpy()), "target": nested(y_raw),
                   "mask": None if mask is None else np.asarray(mask, dtype=int).tolist()},
        "params": p,
        "expected": expected,
    }


def main():
    rng = np.random.default_rng(20261202)
    cases = []
    kinds = {
        "BCEWithLogitsLoss": {},
        "MultiLabelSoftMarginLoss": {},
        "sigmoid_focal_loss": {"alpha": 0.25, "gamma": 2.0},
        "AsymmetricLoss": {"gamma_neg": 4.0, "gamma_pos": 1.0, "clip": float(np.float32(0.05)),
                           "eps": float(np.float32(1e-8))},
        "BCELoss": {},
    }
    shapes = [(1, 1), (3, 5), (8, 17)]
    for kind, params in kinds.items():
        for (b, c) in shapes:
            for eps in (0.0, 0.1, 0.2, 1.0):
                for masked in (False, True):
                    if eps == 0.0 and not masked:
                        continue  # covered by losses.json
                    if eps == 1.0 and (b, c) != (3, 5):
                        continue
                    x = rng.normal(0, 2, size=(b, c))
                    if kind == "BCELoss":
                        x = 1 / (1 + np.exp(-x))
                    y = (rng.random((b, c)) < 0.4).astype(np.float64)
                    mask = None
                    if masked:
                        mask = (rng.random((b, c)) < 0.7).astype(int)
                        if b * c > 1:
                            mask.flat[0] = 0
                            mask.flat[-1] = 1
                        placeholders = rng.choice([0.0, 1.0, np.nan], size=(b, c))
                        y = np.where(mask == 1, y, placeholders)
                    name = f"{kind} B{b} C{c} eps{eps}{' masked' if masked else ''}"
                    cases.append(make_case(name, kind, x, y, mask, eps, **params))
        # Weights (those the loss takes), with smoothing and a mask.
        b, c = 4, 6
        x = rng.normal(0, 2, size=(b, c))
        if kind == "BCELoss":
            x = 1 / (1 + np.exp(-x))
        y = (rng.random((b, c)) < 0.5).astype(np.float64)
        mask = (rng.random((b, c)) < 0.6).astype(int)
        mask[1, :] = 0  # a row without any observed label
        mask[0, 0] = 1
        if kind in ("BCEWithLogitsLoss", "BCELoss", "MultiLabelSoftMarginLoss"):
            wl = rng.uniform(0.2, 3, size=c)
            for m in (None, mask):
                tag = " masked" if m is not None else ""
                cases.append(make_case(f"{kind} per-label weight eps0.1{tag}", kind, x, y, m, 0.1, weight=wl, **params))
        if kind in ("BCEWithLogitsLoss", "BCELoss"):
            we = rng.uniform(0.2, 3, size=(b, c))
            ws = rng.uniform(0.2, 3, size=b)
            for m in (None, mask):
                tag = " masked" if m is not None else ""
                cases.append(make_case(f"{kind} per-element weight eps0.05{tag}", kind, x, y, m, 0.05,
                                       weight=we, weight_shape="[B,C]", **params))
                cases.append(make_case(f"{kind} per-sample weight eps0.3{tag}", kind, x, y, m, 0.3,
                                       weight=ws, weight_shape="[B,1]", **params))
        if kind == "BCEWithLogitsLoss":
            pw = rng.uniform(0.5, 5, size=c)
            wl = rng.uniform(0.2, 3, size=c)
            for m in (None, mask):
                tag = " masked" if m is not None else ""
                cases.append(make_case(f"{kind} pos_weight eps0.1{tag}", kind, x, y, m, 0.1, pos_weight=pw, **params))
                cases.append(make_case(f"{kind} weight+pos_weight eps0.2{tag}", kind, x, y, m, 0.2,
                                       weight=wl, pos_weight=pw, **params))
            # Saturated logits with smoothing (the loss grows linearly with |x|).
            xs = np.array([[0, 30, -30, 100, -100, 1e4, -1e4, 0.5]])
            ys = np.array([[1, 1, 1, 0, 1, 0, 1, 0]], dtype=np.float64)
            cases.append(make_case(f"{kind} extreme eps0.1", kind, xs, ys, None, 0.1, **params))
            cases.append(make_case(f"{kind} extreme eps0.1 masked", kind, xs, ys,
                                   np.array([[1, 0, 1, 1, 0, 1, 1, 1]]), 0.1, **params))
        # Every entry masked: mean is NaN, its gradient zero.
        allm = np.zeros((2, 3), dtype=int)
        xa = rng.normal(0, 1, size=(2, 3))
        if kind == "BCELoss":
            xa = 1 / (1 + np.exp(-xa))
        cases.append(make_case(f"{kind} all masked", kind, xa, np.full((2, 3), np.nan), allm, 0.1, **params))
    if kinds:
        # Other focal / ASL hyper-parameters with smoothing and a mask.
        b, c = 5, 7
        x = rng.normal(0, 3, size=(b, c))
        y = (rng.random((b, c)) < 0.3).astype(np.float64)
        mask = (rng.random((b, c)) < 0.75).astype(int)
        for alpha, gamma in ((-1.0, 2.0), (0.5, 1.5), (0.25, 0.0)):
            cases.append(make_case(f"sigmoid_focal_loss alpha{alpha} gamma{gamma} eps0.1 masked", "sigmoid_focal_loss",
                                   x, y, mask, 0.1, alpha=alpha, gamma=gamma))
        for gn, gp, clip in ((2.0, 0.0, 0.0), (4.0, 1.0, 0.2)):
            cases.append(make_case(f"AsymmetricLoss gn{gn} gp{gp} clip{clip} eps0.1 masked", "AsymmetricLoss", x, y, mask, 0.1,
                                   gamma_neg=gn, gamma_pos=gp, clip=float(np.float32(clip)), eps=float(np.float32(1e-8))))
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), "duplicate case names"
    doc = {
        "generator": f"torch {torch.__version__}",
        "versions": {"python": sys.version.split()[0], "torch": torch.__version__, "numpy": np.__version__},
        "script": "scripts/generate_loss_cases.py",
        "semantics": __doc__.strip(),
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=None, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"{len(cases)} cases -> {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
