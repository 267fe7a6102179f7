#!/bin/bash
# The long local fuzz round: LOGITS_FUZZ_ITERATIONS inputs (default 100000) per format, each format
# in its own test process under /usr/bin/time -v, printing inputs, time, slowest input and peak memory.
# Usage: scripts/fuzz-long.sh [iterations]   (after `swift build --build-tests`)
set -euo pipefail
cd "$(dirname "$0")/.."
iterations="${1:-${LOGITS_FUZZ_ITERATIONS:-100000}}"
for test in arffDense arffSparse libsvm csv idx safetensorsModelFile mulanXML; do
    echo "== $test"
    LOGITS_FUZZ_ITERATIONS="$iterations" /usr/bin/time -v swift test --skip-build --filter "FormatFuzzTests/$test" 2>&1 \
        | grep -E "^fuzz |✘|recorded an issue|crashed|Test run with|Maximum resident|Elapsed \(wall"
done
