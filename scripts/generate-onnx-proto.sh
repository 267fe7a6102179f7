#!/usr/bin/env bash
# Regenerates Sources/LogitsExport/Generated/onnx.pb.swift from the pinned scripts/proto/onnx.proto.
#
# The generated file is committed: CI never runs this script and never builds the plugin.
#
# Pinned inputs:
#   scripts/proto/onnx.proto  copied verbatim from the `onnx` 1.23.2 Python wheel
#                             (python3 -c 'import onnx,os;print(os.path.dirname(onnx.__file__))')
#   protoc                    Debian's protobuf-compiler (3.21.12 was used)
#   protoc-gen-swift          built from apple/swift-protobuf 1.39.0 (the version Package.swift depends on)
#
# Usage: scripts/generate-onnx-proto.sh [PATH/TO/protoc-gen-swift]
#   Without an argument the plugin is built once in /tmp/swift-protobuf-plugin (about 1.5-10 minutes):
#     git clone https://github.com/apple/swift-protobuf /tmp/swift-protobuf-plugin
#     git -C /tmp/swift-protobuf-plugin checkout 1.39.0
#     (cd /tmp/swift-protobuf-plugin && swift build -c release --product protoc-gen-swift)
set -euo pipefail
cd "$(dirname "$0")/.."

PROTO_SHA256=547214dd049486a4d5ecbae593e9c72d90b5e8d603944b722eff469e0b5a9cc9
SWIFT_PROTOBUF_VERSION=1.39.0
OUT=Sources/LogitsExport/Generated

echo "$PROTO_SHA256  scripts/proto/onnx.proto" | sha256sum -c --quiet - || {
    echo "error: scripts/proto/onnx.proto is not the pinned onnx 1.23.2 file (update PROTO_SHA256 deliberately)" >&2
    exit 1
}
command -v protoc >/dev/null || { echo "error: protoc not found (apt-get install protobuf-compiler)" >&2; exit 1; }

plugin=${1:-}
if [ -z "$plugin" ]; then
    src=/tmp/swift-protobuf-plugin
    if [ ! -d "$src" ]; then
        git clone -q https://github.com/apple/swift-protobuf "$src"
    fi
    git -C "$src" checkout -q "$SWIFT_PROTOBUF_VERSION"
    (cd "$src" && swift build -c release --product protoc-gen-swift)
    plugin="$src/.build/release/protoc-gen-swift"
fi
[ -x "$plugin" ] || { echo "error: '$plugin' is not an executable protoc-gen-swift" >&2; exit 1; }

mkdir -p "$OUT"
# Internal visibility: the ONNX message types are an implementation detail of LogitsExport.
protoc --plugin=protoc-gen-swift="$plugin" \
    --swift_opt=Visibility=Internal --swift_opt=FileNaming=DropPath \
    --proto_path=scripts/proto --swift_out="$OUT" scripts/proto/onnx.proto
# Each generated `preconditionFailure()` sits in `traverse`, inside a `switch` case that matched the
# same oneof case one line above: an invariant no decoded input can reach. Mark it for the trap check.
sed -i 's|else { preconditionFailure() }$|else { preconditionFailure() }  // trap-ok: generated traverse; the switch above matched this oneof case|' \
    "$OUT/onnx.pb.swift"
echo "generated $OUT/onnx.pb.swift with protoc $(protoc --version | cut -d' ' -f2) and $("$plugin" --version)"
