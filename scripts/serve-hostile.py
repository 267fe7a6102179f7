#!/usr/bin/env python3
"""Hostile traffic against a running logits-server: seeded random, truncated and malformed requests.

Sends --count requests (default 10 000) drawn from a fixed-seed generator: truncated and random
bodies, wrong datatypes and shapes, NaN/inf and overflowing features, nesting bombs, absurd shapes,
bad binary-extension headers, unknown models, wrong methods and bodies over --max-body. Checks
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

    def make():
        """One hostile request: (method, path, body bytes, headers)."""
        kind = rng.randrange(16)
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
