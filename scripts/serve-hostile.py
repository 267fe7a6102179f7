#!/usr/bin/env python3
"""Hostile traffic against a running logits-server: seeded random, truncated and malformed requests.

Sends --count requests (default 10 000) drawn from a fixed-seed generator: truncated and random
bodies, wrong datatypes and shapes, NaN/inf and overflowing features, nesting bombs, absurd shapes,
bad binary-extension headers, unknown models, wrong methods and bodies over --max-body, and broken
sparse rows (CSR tensors indptr/indices/data and {"indices", "values"} instances: columns out of
range or repeated, huge indices and declared shapes, lying offsets, length mismatches, NaN/inf). Checks
that every answer is a 4xx with a {"error": "..."} JSON body, that /v2/health/ready is still 200
afterwards, and that resident memory (VmRSS of --pid) grew by less than 10% (--max-rss-growth) from
after a warm-up of 1 000 requests (a tenth of --count if fewer) to the end.

Usage: serve-hostile.py --port PORT --pid PID --model NAME --features D [--count N] [--seed S]
       [--max-body BYTES]
Exit 0 when all checks pass, 1 otherwise.
"""
import argparse
import http.client
import json
import random
import sys


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--features", type=int, required=True)
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--max-body", type=int, default=16 << 20)
    ap.add_argument("--max-rss-growth", type=float, default=0.10, help="allowed VmRSS growth (fraction)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    d = args.features
    infer = f"/v2/models/{args.model}/infer"

    def valid(rows=1):
        data = [round(rng.uniform(-3, 3), 4) for _ in range(rows * d)]
        return {"inputs": [{"name": "features", "shape": [rows, d], "datatype": "FP32", "data": data}]}

    def csr(rows=3):
        """A valid CSR request of `rows` rows: (indptr, indices, data)."""
        indptr, indices, data = [0], [], []
        for _ in range(rows):
            cols = sorted(rng.sample(range(d), rng.randint(0, min(d, 5))))
            indices += cols
            data += [round(rng.uniform(-3, 3), 4) for _ in cols]
            indptr.append(len(indices))
        return indptr, indices, data

    def csr_body(indptr, indices, data, shapes=None, types=("INT64", "INT64", "FP32")):
        shapes = shapes or ([len(indptr)], [len(indices)], [len(data)])
        return {"inputs": [{"name": "indptr", "shape": shapes[0], "datatype": types[0], "data": indptr},
                           {"name": "indices", "shape": shapes[1], "datatype": types[1], "data": indices},
                           {"name": "data", "shape": shapes[2], "datatype": types[2], "data": data}]}

    def hostile_csr():
        """A CSR request broken in one way (each must be a 400, none may allocate N x D)."""
        indptr, indices, data = csr(rng.randint(1, 4))
        if not indices:
            indptr, indices, data = [0, 1], [0], [1.0]
        k = rng.randrange(len(indices))
        what = rng.randrange(14)
        if what == 0:  # column out of range, or hugely so
            indices[k] = rng.choice([d, d + 1, 2**31, 2**53, 10**18, 1e300, -1, -(2**40)])
        elif what == 1:  # repeated column in a row
            indptr, indices, data = [0, 3], [1 % d, 0, 1 % d], [1.0, 2.0, 3.0]
        elif what == 2:  # offsets lie
            indptr[rng.randrange(len(indptr))] = rng.choice([-1, len(indices) + 1, 10**12, 2**62])
            if indptr == sorted(indptr) and indptr[0] == 0 and indptr[-1] == len(indices):
                indptr[-1] += 1
        elif what == 3:  # huge declared shapes, few values
            n = rng.choice([2**20, 2**27, 2**28, 2**40, 10**18])
            return csr_body(indptr, indices, data, shapes=rng.choice([([n], [len(indices)], [len(data)]),
                                                                      ([len(indptr)], [n], [n]), ([n], [n], [n])]))
        elif what == 4:  # lengths disagree
            data = data + [1.0] if rng.random() < 0.5 else data[:-1]
        elif what == 5:  # non-finite or overflowing value
            s = json.dumps(csr_body(indptr, indices, data))
            token = rng.choice(["NaN", "Infinity", "-Infinity", "1e39", "-3.5e300"])
            return s.replace('"FP32", "data": [', '"FP32", "data": [' + token + ", ", 1).replace(
                '"shape": [%d], "datatype": "FP32"' % len(data), '"shape": [%d], "datatype": "FP32"' % (len(data) + 1), 1)
        elif what == 6:  # wrong datatypes
            return csr_body(indptr, indices, data, types=rng.choice([("FP32", "INT64", "FP32"), ("INT64", "FP64", "FP32"),
                                                                    ("INT64", "INT64", "INT64"), ("INT8", "INT32", "FP32"),
                                                                    ("INT64", 5, "FP32"), ("BYTES", "INT64", "FP32")]))
        elif what == 7:  # fractional / non-numeric indices
            indices[k] = rng.choice([0.5, "1", None, [1], {"a": 1}, True])
        elif what == 8:  # no rows, or an all-empty CSR with a wrong end
            indptr, indices, data = rng.choice([([0], [], []), ([], [], []), ([0] * 1000 + [1], [], [])])
        elif what == 9:  # 2-D or missing shapes
            body = csr_body(indptr, indices, data)
            body["inputs"][rng.randrange(3)]["shape"] = rng.choice([[1, len(indices)], [], "x", None, [-1]])
            return body
        elif what == 10:  # INT32 overflow
            return csr_body(indptr, [2**31 + 5] + indices[1:], data, types=("INT64", "INT32", "FP32"))
        elif what == 11:  # a fourth input, or a missing one
            body = csr_body(indptr, indices, data)
            if rng.random() < 0.5:
                body["inputs"].append({"name": "shape", "shape": [2], "datatype": "INT64", "data": [len(indptr) - 1, d]})
            else:
                body["inputs"].pop(rng.randrange(3))
            return body
        elif what == 12:  # too many (empty) rows for the output limit, declared only
            return csr_body([0], [], [], shapes=([rng.choice([2**24 + 1, 2**26, 2**28])], [0], [0]))
        else:  # decreasing offsets
            indptr, indices, data = [0, 2, 1, 2], [0, 1 % d], [1.0, 2.0]
        return csr_body(indptr, indices, data)

    def hostile_instances():
        """{"instances": [{"indices", "values"}, ...]} broken in one way."""
        indptr, indices, data = csr(rng.randint(1, 4))
        rows = [{"indices": indices[indptr[r]:indptr[r + 1]], "values": data[indptr[r]:indptr[r + 1]]} for r in range(len(indptr) - 1)]
        r = rng.randrange(len(rows))
        what = rng.randrange(9)
        if what == 0:
            rows[r] = {"indices": [rng.choice([d, -1, 2**53, 10**300, 0.5, "x"])], "values": [1.0]}
        elif what == 1:
            rows[r] = {"indices": [0, 0], "values": [1.0, 2.0]}
        elif what == 2:
            rows[r] = {"indices": [0], "values": []}
        elif what == 3:
            rows[r] = {"indices": [0], "values": [float(rng.choice(["nan", "inf", "-inf"]))]}
        elif what == 4:
            rows[r] = rng.choice([{"indices": [0]}, {"values": [1]}, {"indices": 0, "values": 1},
                                  {"indices": [0], "values": [1], "shape": [1, d]}, [1] * d, 5, None])
            if r == 0 and not isinstance(rows[0], dict):
                rows.append(rows[0])
                rows[0] = {"indices": [0], "values": [1.0]}
        elif what == 5:
            rows = [{"indices": [0], "values": [1.0]}, [0.5] * d]
        elif what == 6:
            rows = [[0.5] * d, {"indices": [0], "values": [1.0]}]
        elif what == 7:
            rows[r] = {"indices": [0], "values": ["a"]}
        else:
            rows[r] = {"indices": [[0]], "values": [1.0]}
        return {"instances": rows}

    def make():
        """One hostile request: (method, path, body bytes, headers)."""
        kind = rng.randrange(18)
        h = {"Content-Type": "application/json"}
        if kind == 0:  # truncated valid body
            b = json.dumps(valid(rng.randint(1, 4))).encode()
            return "POST", infer, b[: rng.randrange(len(b))], h
        if kind == 1:  # random bytes
            return "POST", infer, bytes(rng.randrange(256) for _ in range(rng.randint(1, 400))), h
        if kind == 2:  # wrong datatype
            body = valid()
            body["inputs"][0]["datatype"] = rng.choice(["FP64", "INT32", "BYTES", "fp32", "", 7])
            return "POST", infer, json.dumps(body).encode(), h
        if kind == 3:  # wrong shape
            body = valid(2)
            body["inputs"][0]["shape"] = rng.choice([[2, d + 1], [2], [1, d], [3, d], [2, d, 1], [-1, d], [0, d], [2.5, d], "x"])
            return "POST", infer, json.dumps(body).encode(), h
        if kind == 4:  # non-finite or overflowing features
            body = valid()
            s = json.dumps(body)
            token = rng.choice(["NaN", "Infinity", "-Infinity", "1e39", "-3.5e300"])
            return "POST", infer, s.replace("[", "[" + token + ",", 2).replace(f"[{token}, ", "[", 1).encode(), h
        if kind == 5:  # nesting bomb
            n = rng.randint(65, 200000)
            return "POST", infer, (b"[" * n) + (b"]" * rng.randint(0, n)), h
        if kind == 6:  # absurd shapes
            body = valid()
            body["inputs"][0]["shape"] = [rng.choice([10**9, 2**62, 10**18, 1e300]), d]
            return "POST", infer, json.dumps(body).encode(), h
        if kind == 7:  # unknown model
            name = "".join(rng.choice("abcxyz_-.%") for _ in range(rng.randint(1, 300)))
            return "POST", f"/v2/models/{name}/infer", json.dumps(valid()).encode(), h
        if kind == 8:  # wrong method
            path = rng.choice([infer, "/v2/health/ready", f"/v2/models/{args.model}", "/metrics"])
            m = rng.choice(["PUT", "DELETE", "PATCH"] + (["GET"] if path == infer else ["POST"]))
            return m, path, b"", h
        if kind == 9:  # wrong types all over
            body = rng.choice([[], 3, "x", None, {"inputs": {}}, {"inputs": [1]}, {"inputs": [{"name": 5}]},
                               {"inputs": [{"name": "f", "shape": [1, d], "datatype": "FP32", "data": ["a"] * d}]},
                               {"inputs": [{"name": "f", "shape": [1, d], "datatype": "FP32", "data": [[[]]]}]},
                               {"instances": [{"nope": 1}]}, {"instances": [[1, 2]]}, {"instances": "x"},
                               {"inputs": valid()["inputs"], "outputs": [{"name": "secret"}]},
                               {"inputs": valid()["inputs"], "outputs": 5}, {"inputs": valid()["inputs"], "id": 3}])
            return "POST", infer, json.dumps(body).encode(), h
        if kind == 10:  # binary extension lies
            b = json.dumps({"inputs": [{"name": "f", "shape": [1, d], "datatype": "FP32",
                                        "parameters": {"binary_data_size": rng.choice([4 * d, 4 * d + 4, 3, -1, 10**12])}}]}).encode()
            h2 = dict(h)
            h2["Inference-Header-Content-Length"] = str(rng.choice([len(b), len(b) + 10**6, -5, "x"]))
            return "POST", infer, b + bytes(rng.randrange(256) for _ in range(rng.randint(0, 4 * d))), h2
        if kind == 11:  # body over the limit (rare: it is big)
            if rng.random() < 0.02:
                return "POST", infer, b"[" + b"0," * ((args.max_body // 2) + 10) + b"0]", h
            return "POST", infer, b"{\"inputs\": 5}", h
        if kind == 12:  # bad strings / escapes
            return "POST", infer, rng.choice([b'{"id": "\\ud800"}', b'{"id": "\x01"}', b'{"\\u00zz": 1}', b'{"a": "\\q"}',
                                              '{"id": "é'.encode("latin-1"), b'\xff\xfe{}']), h
        if kind == 13:  # named columns gone wrong
            cols = [{"name": f"c{j}", "shape": [1], "datatype": "FP32", "data": [0.5]} for j in range(rng.randint(1, d + 2))]
            return "POST", infer, json.dumps({"inputs": cols}).encode(), h
        if kind == 14:  # unknown paths
            return rng.choice(["GET", "POST"]), rng.choice(["/", "/v1/models/x:predict", "/v2/models", "/v2/models//infer",
                                                            "/v2/health", "/../../etc/passwd", "/v2/models/x/versions/1/infer"]), b"{}", h
        if kind == 16:  # sparse rows as CSR tensors, broken
            body = hostile_csr()
            return "POST", infer, (body if isinstance(body, str) else json.dumps(body)).encode(), h
        if kind == 17:  # sparse rows as {"indices", "values"} instances, broken
            return "POST", infer, json.dumps(hostile_instances()).encode(), h
        # kind 15: too many / too few values
        body = valid(2)
        body["inputs"][0]["data"] = body["inputs"][0]["data"][: rng.randrange(2 * d)] if rng.random() < 0.5 else body["inputs"][0]["data"] * 2
        return "POST", infer, json.dumps(body).encode(), h

    conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
    bad = []
    statuses = {}
    warm_rss = None
    for k in range(args.count):
        if k == min(1000, args.count // 10):
            warm_rss = rss_kb(args.pid)
        method, path, body, headers = make()
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            text = resp.read()
            status = resp.status
            if resp.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
        except (http.client.HTTPException, OSError) as e:
            bad.append((k, method, path[:60], f"no answer: {e!r}"))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
            continue
        statuses[status] = statuses.get(status, 0) + 1
        ok = 400 <= status < 500
        try:
            err = json.loads(text)
            ok = ok and isinstance(err, dict) and list(err.keys()) == ["error"] and isinstance(err["error"], str)
        except ValueError:
            ok = False
        if not ok:
            bad.append((k, method, path[:60], status, text[:120]))
    conn.close()
    ready = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
    ready.request("GET", "/v2/health/ready")
    ready_status = ready.getresponse().status
    end_rss = rss_kb(args.pid)
    growth = (end_rss - warm_rss) / warm_rss
    print(f"requests: {args.count}, statuses: {dict(sorted(statuses.items()))}")
    print(f"not 4xx with an error body: {len(bad)}")
    for b in bad[:10]:
        print("  ", b)
    print(f"ready afterwards: {ready_status}")
    print(f"VmRSS after warm-up {warm_rss} kB, at the end {end_rss} kB, growth {100 * growth:.1f}%")
    passed = not bad and ready_status == 200 and growth < args.max_rss_growth
    print("hostile: " + ("all checks passed" if passed else "FAILED"))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
