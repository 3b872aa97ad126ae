#!/usr/bin/env python3
"""Parse every figure NeuroSim V1.3 prints into a long CSV: scope,metric,value,unit.

scope = "chip", "layer<N>", "floorplan". Metrics keep NeuroSim's wording, shortened to stable keys:
  floorplan: tile_size, pe_size, novel_tile_pes, subarray_rows, tiles_layer<N>, speedup_layer<N>,
             utilization_layer<N>, memory_utilization_pct
  layer<N>:  latency_ns, dynamic_energy_pj, leakage_power_uw, leakage_energy_pj, buffer_latency_ns,
             buffer_energy_pj, ic_latency_ns, ic_energy_pj, adc_latency_ns, accum_latency_ns,
             other_latency_ns, adc_energy_pj, accum_energy_pj, other_energy_pj
  chip:      area_um2, area_array_um2, area_ic_um2, area_adc_um2, area_accum_um2, area_other_um2,
             latency_ns, dynamic_energy_pj, leakage_energy_pj, leakage_power_uw, buffer_latency_ns,
             buffer_energy_pj, ic_latency_ns, ic_energy_pj, clock_ns, adc/accum/other latency and
             energy, tops_per_w, tops, tops_per_mm2, operations (2*sum H*W*C*K*K*N, NeuroSim's count)
The numbers are NeuroSim V1.3's output (Lu et al. 2021, Front. Artif. Intell. 4:659060,
DNN_NeuroSim_V1.3, CC BY-NC 4.0), reported here with that citation.
"""
import argparse
import re
import sys

NUM = r"([-+0-9.eE]+|nan|inf|-nan)"
BREAK = [("ADC (or S/As", "adc"), ("Accumulation Circuits", "accum"), ("Other Peripheries", "other")]


def parse(text):
    rows = []  # (scope, metric, value, unit)
    scope = "floorplan"
    section = None
    ops = None
    for line in text.splitlines():
        s = line.strip()
        m = re.match(r"-+ Estimation of Layer (\d+) -+", s)
        if m:
            scope = f"layer{m.group(1)}"
            continue
        if s.startswith("------------------------------ Summary"):
            scope = "chip"
            continue
        if s.startswith("----------------- # of tile used"):
            section = "tiles"; continue
        if s.startswith("----------------- Speed-up"):
            section = "speedup"; continue
        if s.startswith("----------------- Utilization of each layer"):
            section = "utilization"; continue
        if scope == "floorplan":
            m = re.match(r"layer(\d+): " + NUM + "$", s)
            if m and section:
                rows.append(("floorplan", f"{section}_layer{m.group(1)}", float(m.group(2)), ""))
                continue
            m = re.match(r"Desired Conventional Mapped Tile Storage Size: (\d+)x(\d+)", s)
            if m: rows.append(("floorplan", "tile_size", float(m.group(1)), "cells")); continue
            m = re.match(r"Desired Conventional PE Storage Size: (\d+)x(\d+)", s)
            if m: rows.append(("floorplan", "pe_size", float(m.group(1)), "cells")); continue
            m = re.match(r"Desired Novel Mapped Tile Storage Size: (\d+)x(\d+)x(\d+)", s)
            if m: rows.append(("floorplan", "novel_tile_pes", float(m.group(1)), "PEs")); continue
            m = re.match(r"User-defined SubArray Size: (\d+)x(\d+)", s)
            if m: rows.append(("floorplan", "subarray_rows", float(m.group(1)), "cells")); continue
            m = re.match(r"Memory Utilization of Whole Chip: " + NUM, s)
            if m: rows.append(("floorplan", "memory_utilization_pct", float(m.group(1)), "%")); continue
            continue
        if scope.startswith("layer"):
            pat = [(r"'s readLatency is: ", "latency_ns", "ns"), (r"'s readDynamicEnergy is: ", "dynamic_energy_pj", "pJ"),
                   (r"'s leakagePower is: ", "leakage_power_uw", "uW"), (r"'s leakageEnergy is: ", "leakage_energy_pj", "pJ"),
                   (r"'s buffer latency is: ", "buffer_latency_ns", "ns"),
                   (r"'s buffer readDynamicEnergy is: ", "buffer_energy_pj", "pJ"),
                   (r"'s ic latency is: ", "ic_latency_ns", "ns"), (r"'s ic readDynamicEnergy is: ", "ic_energy_pj", "pJ")]
            done = False
            for p, key, unit in pat:
                m = re.match(r"layer\d+" + p + NUM, s)
                if m:
                    rows.append((scope, key, float(m.group(1)), unit)); done = True; break
            if done: continue
        for needle, key in BREAK:
            if needle in s and " is : " in s:
                m = re.search(r" is : " + NUM + r"(ns|pJ)", s)
                if m:
                    kind = "latency_ns" if m.group(2) == "ns" else "energy_pj"
                    rows.append((scope, f"{key}_{kind}", float(m.group(1)), m.group(2)))
                break
        if scope != "chip":
            continue
        simple = [("ChipArea : ", "area_um2", "um^2"), ("Chip total CIM array : ", "area_array_um2", "um^2"),
                  ("Total IC Area on chip (Global and Tile/PE local): ", "area_ic_um2", "um^2"),
                  ("Total ADC (or S/As and precharger for SRAM) Area on chip : ", "area_adc_um2", "um^2"),
                  ("Other Peripheries (e.g. decoders, mux, switchmatrix, buffers, pooling and activation units) : ", "area_other_um2", "um^2"),
                  ("Chip clock period is: ", "clock_ns", "ns"),
                  ("Chip layer-by-layer readLatency (per image) is: ", "latency_ns", "ns"),
                  ("Chip total readDynamicEnergy is: ", "dynamic_energy_pj", "pJ"),
                  ("Chip total leakage Energy is: ", "leakage_energy_pj", "pJ"),
                  ("Chip total leakage Power is: ", "leakage_power_uw", "uW"),
                  ("Chip buffer readLatency is: ", "buffer_latency_ns", "ns"),
                  ("Chip buffer readDynamicEnergy is: ", "buffer_energy_pj", "pJ"),
                  ("Chip ic readLatency is: ", "ic_latency_ns", "ns"),
                  ("Chip ic readDynamicEnergy is: ", "ic_energy_pj", "pJ"),
                  ("Energy Efficiency TOPS/W (Layer-by-Layer Process): ", "tops_per_w", "TOPS/W"),
                  ("Throughput TOPS (Layer-by-Layer Process): ", "tops", "TOPS"),
                  ("Compute efficiency TOPS/mm^2 (Layer-by-Layer Process): ", "tops_per_mm2", "TOPS/mm^2")]
        for prefix, key, unit in simple:
            if s.startswith(prefix):
                m = re.match(NUM, s[len(prefix):].strip())
                if m: rows.append(("chip", key, float(m.group(1)), unit))
                break
        else:
            m = re.match(r"Total Accumulation Circuits .* on chip : " + NUM, s)
            if m: rows.append(("chip", "area_accum_um2", float(m.group(1)), "um^2"))
    return rows


def main():
    p = argparse.ArgumentParser()
    p.add_argument("log")
    p.add_argument("--config", required=True)
    p.add_argument("--density", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    rows = parse(open(a.log).read())
    chip = {m for sc, m, _, _ in rows if sc == "chip"}
    need = {"area_um2", "latency_ns", "dynamic_energy_pj", "tops_per_w", "clock_ns"}
    if not need <= chip:
        print(f"parse.py: {a.log}: missing {sorted(need - chip)}", file=sys.stderr)
        return 1
    # NeuroSim's operation count (main.cpp): 2 * sum over layers of H*W*C*K*K*N of NetWork.csv.
    vals = {(sc, m): v for sc, m, v, _ in rows}
    ops = vals[("chip", "tops")] * vals[("chip", "latency_ns")] * 1e3
    rows.append(("chip", "operations_from_tops", ops, "ops"))
    with open(a.out, "w") as f:
        f.write("# NeuroSim V1.3 (Lu et al. 2021, Front. Artif. Intell. 4:659060; DNN_NeuroSim_V1.3, CC BY-NC 4.0) output,\n")
        f.write(f"# numbers only, parsed by benchmarks/neurosim/parse.py. config={a.config} density={a.density}\n")
        f.write("# VGG-8 CIFAR-10, 8-bit weights and inputs, pipeline=false validated=true synchronous=true\n")
        f.write("scope,metric,value,unit\n")
        for sc, m, v, u in rows:
            f.write(f"{sc},{m},{v:.10g},{u}\n")
    print(f"parse.py: {len(rows)} figures -> {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
