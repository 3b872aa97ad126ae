#!/usr/bin/env bash
# Regenerates Sources/NeuromorphONNX/Proto/onnx.pb.swift from the official onnx.proto.
# Run by hand when onnx.proto changes (never at build time: the plugin's first build is slow).
#
# Needs: protoc (Debian: apt-get install -y protobuf-compiler), Python with pip (to fetch the
# `onnx` wheel, which ships onnx.proto), and swift-protobuf's plugin built at the version
# Package.swift names:
#   git clone https://github.com/apple/swift-protobuf /tmp/swift-protobuf
#   git -C /tmp/swift-protobuf checkout 1.39.0
#   (cd /tmp/swift-protobuf && swift build -c release --product protoc-gen-swift)
#
# Usage: scripts/generate-onnx-proto.sh [ONNX_VERSION] [PLUGIN]
set -euo pipefail
ONNX_VERSION="${1:-1.23.2}"
PLUGIN="${2:-/tmp/swift-protobuf/.build/release/protoc-gen-swift}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/Sources/NeuromorphONNX/Proto"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$WORK" "onnx==$ONNX_VERSION"
python3 - "$WORK" <<'PY'
import glob, sys, zipfile
work = sys.argv[1]
wheel = glob.glob(f"{work}/onnx-*.whl")[0]
with zipfile.ZipFile(wheel) as z:
    open(f"{work}/onnx.proto", "wb").write(z.read("onnx/onnx.proto"))
PY
mkdir -p "$OUT"
# Public visibility: tests and users can build or inspect `Onnx_ModelProto` directly;
# `ONNXImporter` and `ONNXExporter` are the ordinary entry points.
protoc --plugin=protoc-gen-swift="$PLUGIN" --proto_path="$WORK" \
       --swift_opt=Visibility=Public --swift_out="$OUT" "$WORK/onnx.proto"
echo "wrote $OUT/onnx.pb.swift from onnx $ONNX_VERSION's onnx.proto"
