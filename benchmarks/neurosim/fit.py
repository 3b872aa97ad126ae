#!/usr/bin/env python3
"""Fit the per-unit constants of Neuromorph's NeuroSimChipModel (Sources/NeuromorphCost/
NeuroSimChipModel.swift) to one NeuroSim V1.3 reference CSV (benchmarks/neurosim/reference/).

    python3 benchmarks/neurosim/fit.py reference/rram22_d050.csv --slices 4

Each component is a linear function of structural per-layer quantities (features.py); the
coefficients are least-squares fits over the 8 VGG-8 layers, then scaled so that the component's
chip total equals NeuroSim's exactly. The output is pasted into NeuroSimUnitConstants+Presets.swift.
Numbers fitted here reproduce the fit configuration by construction (consistency check); the
other configurations and densities are predictions.
"""
import argparse
import csv
import sys

import numpy as np

sys.path.insert(0, __import__("os").path.dirname(__file__))
from features import floorplan, global_buffer_cycles, tile_buffer_features  # noqa: E402


def read(path):
    ref = {}
    for r in csv.DictReader(l for l in open(path) if not l.startswith("#")):
        ref[(r["scope"], r["metric"])] = float(r["value"])
    return ref


def main():
    p = argparse.ArgumentParser()
    p.add_argument("reference")
    p.add_argument("--slices", type=int, required=True, help="cells per 8-bit weight: 4 (2-bit RRAM) or 8 (SRAM)")
    p.add_argument("--density", type=float, default=0.5)
    p.add_argument("--bits", type=int, default=8)
    p.add_argument("--mux", type=int, default=8)
    a = p.parse_args()
    ref = read(a.reference)
    pe, L = floorplan(a.slices)
    # an input broadcast reaches at most as many tiles as the largest novel-mapped (conv) layer has
    a.tile_cap = max(l["tiles"] for l in L if l["novel"])
    B, M, rho = a.bits, a.mux, a.density
    clk = ref[("chip", "clock_ns")]
    g = lambda i, m: ref[(f"layer{i}", m)]
    rows = []
    gb = global_buffer_cycles(L, pe, bits=B, mux=M)
    for i, l in enumerate(L, 1):
        V, D = l["V"], l["copies"]
        tb = tile_buffer_features(l, pe, a.slices, mux=M)
        cols = l["N"] * a.slices
        rows.append(dict(
            V=V, D=D, tiles=l["tiles"], S=l["A"], vb=V / D * B, cyc=V / D * B * M,
            conv=V * B * l["positions"] * l["pr"] * cols, conv_rows=V * B * l["positions"] * l["pr"] * cols * l["rows_per_sub"] * rho,
            bin=V * l["R"] * B, bout=V * l["N"] * B / (4 if l["pool"] else 1),
            adc_e=g(i, "adc_energy_pj"), acc_e=g(i, "accum_energy_pj"), oth_e=g(i, "other_energy_pj"),
            buf_e=g(i, "buffer_energy_pj"), ic_e=g(i, "ic_energy_pj"), acc_t=g(i, "accum_latency_ns"),
            oth_t=g(i, "other_latency_ns"), buf_t=g(i, "buffer_latency_ns"), ic_t=g(i, "ic_latency_ns"),
            gb=gb[i - 1], tile_rows=V * tb["rows"], tile_outs=V * tb["outs"],
            tile_tree=tb["tile_reads"] * tb["tile_stages"], chip_tree=tb["chip_reads"] * tb["chip_stages"]))

    def fit(target, feats, scale_to_total=True):
        X = np.array([[f(r) for f in feats] for r in rows])
        y = np.array([target(r) for r in rows])
        c, *_ = np.linalg.lstsq(X, y, rcond=None)
        c = np.maximum(c, 0)
        if scale_to_total and (X @ c).sum() > 0:
            c = c * y.sum() / (X @ c).sum()
        err = (X @ c) / y - 1
        return c, err

    out = {}
    out["sensingNS"] = clk / 1.4
    # Not fitted: the MLSA decision time that does not scale with the transistors (NeuroSim V1.3's
    # 1 ns floor of its current-mode MLSA; NeuroSimUnitConstants.senseAmplifierNS, see the docs).
    out["senseAmplifierNS"] = 1.0
    c, e = fit(lambda r: r["adc_e"], [lambda r: r["conv"], lambda r: r["conv_rows"]]); out["conversionBasePJ"], out["conversionPerActiveRowPJ"] = c; print("adc_e", np.round(e, 3))
    # accumulation cycles: shift-add per vector-bit of one copy, adder-tree stages inside a tile and across tile rows
    c, e = fit(lambda r: r["acc_t"] / clk, [lambda r: r["vb"], lambda r: r["tile_tree"], lambda r: r["chip_tree"]])
    out["accumulationBaseCycles"], out["accumulationCyclesPerTileStage"], out["accumulationCyclesPerChipStage"] = c; print("acc_t", np.round(e, 3))
    c, e = fit(lambda r: r["acc_e"], [lambda r: r["V"] * B * r["S"]]); out["accumulationPJPerSubArrayBit"] = c[0]; print("acc_e", np.round(e, 3))
    c, e = fit(lambda r: r["oth_e"] - r["buf_e"] - r["ic_e"], [lambda r: r["V"] * B * r["S"]]); out["peripheryPJPerSubArrayBit"] = c[0]; print("per_e", np.round(e, 3))
    c, e = fit(lambda r: r["oth_t"] - r["buf_t"] - r["ic_t"], [lambda r: r["cyc"]]); out["peripheryNSPerCycle"] = c[0]; print("per_t", np.round(e, 3))
    c, e = fit(lambda r: r["buf_e"], [lambda r: r["bin"], lambda r: r["bout"]]); out["bufferPJPerInputBit"], out["bufferPJPerOutputBit"] = c; print("buf_e", np.round(e, 3))
    # buffer cycles: the global buffer is structural (features.global_buffer_cycles, not fitted); the tile buffers are fitted
    c, e = fit(lambda r: r["buf_t"] / clk - r["gb"], [lambda r: r["V"], lambda r: r["tile_rows"], lambda r: r["tile_outs"]])
    out["bufferCyclesPerVector"], out["bufferCyclesPerTileRow"], out["bufferCyclesPerTileOutput"] = c; print("tile buf_t", np.round(e, 3))
    bt = np.array([r["gb"] + c[0] * r["V"] + c[1] * r["tile_rows"] + c[2] * r["tile_outs"] for r in rows]) * clk
    print("buf_t", np.round(bt / np.array([r["buf_t"] for r in rows]) - 1, 3))
    c, e = fit(lambda r: r["ic_e"], [lambda r: r["bin"], lambda r: r["bout"], lambda r: r["bin"] * min(r["tiles"], a.tile_cap)]); out["interconnectPJPerInputBit"], out["interconnectPJPerOutputBit"], out["interconnectPJPerInputBitTile"] = c; print("ic_e", np.round(e, 3))
    c, e = fit(lambda r: r["ic_t"], [lambda r: r["bin"], lambda r: r["bout"]]); out["interconnectNSPerInputBit"], out["interconnectNSPerOutputBit"] = c; print("ic_t", np.round(e, 3))
    # Area: sub-arrays of the allocated tiles (novel tiles K*K PEs, conventional 4 PEs; PE = (pe/128)^2 sub-arrays).
    per_pe = (pe // 128) ** 2
    subarrays = sum(l["tiles"] * (l["k"] ** 2 if l["novel"] else 4) * per_pe for l in L)
    tiles = sum(l["tiles"] for l in L)
    out["subArrayADCUM2"] = ref[("chip", "area_adc_um2")] / subarrays
    out["subArrayPeripheryUM2"] = (ref[("chip", "area_accum_um2")] + ref[("chip", "area_other_um2")]) / subarrays
    out["perPEUM2"] = 0.0
    out["perTileUM2"] = ref[("chip", "area_ic_um2")] / tiles
    out["globalPerTileUM2"] = 0.0
    out["leakageUWPerTile"] = ref[("chip", "leakage_power_uw")] / tiles
    out["leakageEnergyUWPerTile"] = ref[("chip", "leakage_energy_pj")] / ref[("chip", "latency_ns")] * 1e3 / tiles
    print(f"# sub-arrays {subarrays}, tiles {tiles}, array area per sub-array {ref[('chip', 'area_array_um2')] / subarrays:.2f} um^2")
    for k, v in out.items():
        print(f"{k}: {v:.6g},")


if __name__ == "__main__":
    main()
