#!/usr/bin/env python3
"""Side-by-side table: NeuroSim V1.3 (parsed reference CSV) vs `neuromorph estimate` on the same
network and settings (preset neurosim-vgg8-<config>, --input-density), with ratios and a CSV.

Tolerances (issue 16): chip area, total dynamic energy, latency, TOPS/W within 15 % (goal 5 %);
clock within 10 %; leakage within 25 %; per-layer energy and latency within 25 %.
Exit status 1 when a headline metric (area, dynamic energy, latency, TOPS/W, clock) is outside.
NeuroSim numbers: Lu et al. 2021 (Front. Artif. Intell. 4:659060), DNN_NeuroSim_V1.3, CC BY-NC 4.0.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

HEADLINE = {"area_mm2": 0.15, "dynamic_energy_uj": 0.15, "latency_ms": 0.15, "tops_per_w": 0.15, "clock_ns": 0.10}
OTHER = {"leakage_power_mw": 0.25, "tops": 0.15, "tops_per_mm2": 0.15}
LAYER_TOL = 0.25


def read_reference(path):
    ref = {}
    with open(path) as f:
        rows = [r for r in f if not r.startswith("#")]
    for r in csv.DictReader(rows):
        ref[(r["scope"], r["metric"])] = float(r["value"])
    return ref


def overall_density(label):
    """Fraction of 1 bits over all input bits for a trace label (write_traces.py): 0.5 = every
    bit at 0.5; below 0.5 the sign bit is 0, so 7 of 8 bits are at the label density."""
    d = float(label)
    return d if d >= 0.5 else d * 7 / 8


def neuromorph_report(binary, config, density):
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [binary, "estimate", "--preset", f"neurosim-vgg8-{config}", "--input-density",
               repr(overall_density(density)), "--output", tmp]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(tmp, "report.json")) as f:
            return json.load(f)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--config", required=True)
    p.add_argument("--density", required=True)
    p.add_argument("--reference", required=True)
    p.add_argument("--csv")
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    default_bin = os.path.join(root, ".build", "release", "neuromorph")
    if not os.path.exists(default_bin):
        default_bin = os.path.join(root, ".build", "debug", "neuromorph")
    p.add_argument("--neuromorph", default=default_bin)
    a = p.parse_args()
    ref = read_reference(a.reference)
    rep = neuromorph_report(a.neuromorph, a.config, a.density)
    t = rep["totals"]
    ns = {
        "area_mm2": ref[("chip", "area_um2")] / 1e6,
        "dynamic_energy_uj": ref[("chip", "dynamic_energy_pj")] / 1e6,
        "latency_ms": ref[("chip", "latency_ns")] / 1e6,
        "tops_per_w": ref[("chip", "tops_per_w")],
        "clock_ns": ref[("chip", "clock_ns")],
        "leakage_power_mw": ref[("chip", "leakage_power_uw")] / 1e3,
        "tops": ref[("chip", "tops")],
        "tops_per_mm2": ref[("chip", "tops_per_mm2")],
    }
    nm = {
        "area_mm2": t["areaMM2"], "dynamic_energy_uj": t["dynamicEnergyUJ"] * 1.0,
        "latency_ms": t["latencyMS"], "tops_per_w": t["postLayoutTOPSPerWatt"], "clock_ns": t["clockPeriodNS"],
        "leakage_power_mw": t["leakagePowerMW"], "tops": t["operations"] / (t["latencyMS"] * 1e-3) / 1e12,
        "tops_per_mm2": t["topsPerMM2"],
    }
    rows = []
    failed = []
    for k, tol in list(HEADLINE.items()) + list(OTHER.items()):
        r = nm[k] / ns[k] if ns[k] else float("nan")
        ok = abs(r - 1) <= tol
        if k in HEADLINE and not ok:
            failed.append(k)
        rows.append(("chip", k, ns[k], nm[k], r, tol, ok))
    for i, layer in enumerate(rep["layers"], start=1):
        for key, nkey, scale in [("latency_ns", "latencyNS", 1.0), ("dynamic_energy_pj", "dynamicEnergyPJ", 1.0)]:
            if (f"layer{i}", key) not in ref:
                continue
            v = ref[(f"layer{i}", key)]
            mine = layer[nkey] if nkey in layer else layer["macroEnergyPJ"] + layer["interconnectEnergyPJ"]
            r = mine / v if v else float("nan")
            rows.append((f"layer{i}", key, v, mine, r, LAYER_TOL, abs(r - 1) <= LAYER_TOL))
    print(f"== {a.config}, input bit density {a.density}: NeuroSim V1.3 vs neuromorph estimate ==")
    print(f"{'scope':8} {'metric':20} {'NeuroSim':>14} {'Neuromorph':>14} {'ratio':>8} {'tol':>5}  ok")
    for sc, k, v, mine, r, tol, ok in rows:
        print(f"{sc:8} {k:20} {v:14.6g} {mine:14.6g} {r:8.3f} {tol:5.2f}  {'yes' if ok else 'NO'}")
    if a.csv:
        with open(a.csv, "w") as f:
            f.write("config,density,scope,metric,neurosim,neuromorph,ratio,tolerance,within\n")
            for sc, k, v, mine, r, tol, ok in rows:
                f.write(f"{a.config},{a.density},{sc},{k},{v:.6g},{mine:.6g},{r:.4f},{tol},{int(ok)}\n")
    if failed:
        print(f"outside the headline tolerance: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
