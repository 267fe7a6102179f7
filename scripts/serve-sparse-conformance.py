#!/usr/bin/env python3
"""Sparse rows through Triton's own client: scipy.sparse CSR batches sent to logits-server.

Reads the features of a sparse ARFF file (the first D attributes, D = the model's feature count;
the trailing --labels attributes are the targets) into a scipy.sparse.csr_matrix, then sends it
with tritonclient.http.InferenceServerClient.infer() as the three inputs `indptr`, `indices`,
`data` (docs/serving.md, "Sparse rows") in chunks of --batch rows: JSON and binary tensor data,
INT32 and INT64 indices. Every answer's logits and probabilities must equal
`logits predict --format jsonl` on the same file bit for bit, and its labels must be the same.
(Run both with LOGITS_BACKEND=swift when --batch is smaller than the file: that GEMM kernel gives
a row the same bits whatever rows share its batch.)

Usage: serve-sparse-conformance.py --url 127.0.0.1:PORT --model NAME --arff FILE --labels L
        --predict PREDICT.jsonl [--batch ROWS]
Exit status 0 when every check passes, 1 otherwise (each failure printed as 'FAIL: ...').
"""
import argparse
import sys

import numpy as np
import scipy.sparse as sp
import tritonclient.http as httpclient

from conformance_common import Checks, arff_data_lines, compare, expected, infer_batches


def read_sparse_arff(path, d):
    """The first `d` attributes of every data row (sparse `{i v, ...}` or dense rows) as CSR."""
    indptr, indices, data = [0], [], []
    for line in arff_data_lines(path):
        if line.startswith("{"):
            for pair in line.strip("{}").split(","):
                if not pair.strip():
                    continue
                i, v = pair.split()
                if int(i) < d and float(v) != 0:
                    indices.append(int(i))
                    data.append(np.float32(v))
        else:
            for i, v in enumerate(line.split(",")[:d]):
                if float(v) != 0:
                    indices.append(i)
                    data.append(np.float32(v))
        indptr.append(len(indices))
    return sp.csr_matrix((np.array(data, dtype=np.float32), np.array(indices), np.array(indptr)), shape=(len(indptr) - 1, d))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--arff", required=True)
    ap.add_argument("--labels", type=int, required=True)
    ap.add_argument("--predict", required=True)
    ap.add_argument("--batch", type=int, default=64)
    args = ap.parse_args()

    checks = Checks()
    check = checks.check
    want = expected(args.predict)

    client = httpclient.InferenceServerClient(url=args.url)
    check(client.is_model_ready(args.model), "is_model_ready() is False")
    d = client.get_model_metadata(args.model)["inputs"][0]["shape"][1]
    x = read_sparse_arff(args.arff, d)
    check(x.shape[0] == len(want[1]), f"{x.shape[0]} rows in the ARFF, {len(want[1])} predictions")
    print(f"{x.shape[0]} rows x {d} features, {x.nnz} non-zeros (density {x.nnz / (x.shape[0] * d):.4f})")
    for binary in (False, True):
        for index_type, dtype in (("INT32", np.int32), ("INT64", np.int64)):
            def batches():
                for start in range(0, x.shape[0], args.batch):
                    chunk = x[start:start + args.batch]
                    inputs = []
                    for name, array, datatype in (("indptr", chunk.indptr.astype(dtype), index_type),
                                                  ("indices", chunk.indices.astype(dtype), index_type),
                                                  ("data", chunk.data.astype(np.float32), "FP32")):
                        inp = httpclient.InferInput(name, list(array.shape), datatype)
                        inp.set_data_from_numpy(array, binary_data=binary)
                        inputs.append(inp)
                    yield inputs
            mode = f"{'binary' if binary else 'JSON'} {index_type}"
            compare(checks, mode, infer_batches(client, args.model, batches()), want)
    return checks.finish("sparse conformance")


if __name__ == "__main__":
    sys.exit(main())
