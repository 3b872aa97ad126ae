#!/usr/bin/env bash
# Builds the two issue-13 round-4 drivers against a release build of the package
# (docs/spiking-systems.md, "Round 4"). Usage, from the repository root:
#   swift build -c release --product neuromorph
#   benchmarks/spiking/round4/build.sh            # writes /tmp/round4/{chundi,relay}
#   /tmp/round4/chundi exp 24 1000 1              # Chundi at L = 24, seed 1, 1,000 test images
#   /tmp/round4/chundi sweep 24 300 1             # TH1 sweep at L = 24, 300 test images
#   /tmp/round4/relay 1 1000 7 8                  # μBrain + relay first layer, w = 7, scale 8
set -euo pipefail
ROOT=$(pwd)
R=${R:-$ROOT/.build/release}
OUT=${OUT:-/tmp/round4}
mkdir -p "$OUT"
OBJ=()
for m in NeuromorphSpiking NeuromorphCore NeuromorphData NeuromorphNN NeuromorphChipModels \
         RealModule ComplexModule Numerics _NumericsShims COpenBLASCore; do
  OBJ+=("$R/$m.build"/*.o)
done
FLAGS=(-O -I "$R/Modules" -lopenblas -lz -lm
  -Xcc "-fmodule-map-file=$ROOT/.build/checkouts/swift-numerics/Sources/_NumericsShims/include/module.modulemap"
  -Xcc "-fmodule-map-file=$ROOT/Sources/COpenBLAS/module.modulemap"
  -Xcc "-fmodule-map-file=$ROOT/Sources/CZlib/module.modulemap"
  -Xcc "-fmodule-map-file=$R/COpenBLASCore.build/module.modulemap")
D=$ROOT/benchmarks/spiking/round4
swiftc "$D/chundi_driver.swift" "${OBJ[@]}" "${FLAGS[@]}" -o "$OUT/chundi"
swiftc "$D/ubrain_relay_driver.swift" "${OBJ[@]}" "${FLAGS[@]}" -o "$OUT/relay"
