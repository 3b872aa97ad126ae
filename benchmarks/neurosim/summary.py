#!/usr/bin/env python3
"""Markdown side-by-side tables from the compare_*.csv files run.sh writes (for docs/cost-neurosim.md).
    python3 benchmarks/neurosim/summary.py /work/neurosim-build/out/compare_*.csv"""
import csv
import sys

HEAD = ["area_mm2", "dynamic_energy_uj", "latency_ms", "tops_per_w", "clock_ns", "leakage_power_mw", "tops", "tops_per_mm2"]


def main(paths):
    print("| config | density | metric | NeuroSim V1.3 | Neuromorph | ratio | target | within |")
    print("|---|---|---|---|---|---|---|---|")
    layers = []
    for p in paths:
        for r in csv.DictReader(open(p)):
            if r["scope"] == "chip":
                print(f"| {r['config']} | {r['density']} | {r['metric']} | {float(r['neurosim']):.4g} | "
                      f"{float(r['neuromorph']):.4g} | {float(r['ratio']):.3f} | ±{float(r['tolerance']) * 100:.0f} % | "
                      f"{'yes' if r['within'] == '1' else '**no**'} |")
            else:
                layers.append(r)
    print()
    print("| config | density | layer | latency NS / NM (ratio) | energy NS / NM (ratio) |")
    print("|---|---|---|---|---|")
    byk = {}
    for r in layers:
        byk.setdefault((r["config"], r["density"], r["scope"]), {})[r["metric"]] = r
    for (c, d, s), m in byk.items():
        lt, en = m.get("latency_ns"), m.get("dynamic_energy_pj")
        f = lambda r, u, sc: f"{float(r['neurosim']) * sc:.4g} / {float(r['neuromorph']) * sc:.4g} {u} ({float(r['ratio']):.2f})" if r else ""
        print(f"| {c} | {d} | {s} | {f(lt, 'µs', 1e-3)} | {f(en, 'nJ', 1e-3)} |")


if __name__ == "__main__":
    main(sys.argv[1:])
