"""Per-layer structural quantities of VGG-8 on a NeuroSim-style floorplan (shared by fit.py).
Mirrors Sources/NeuromorphCost/NeuroSimFloorplan.swift and NeuroSimChipModel.swift."""
import math

VGG8 = [(32, 32, 3, 3, 3, 128, 0, 1), (32, 32, 128, 3, 3, 128, 1, 1), (16, 16, 128, 3, 3, 256, 0, 1),
        (16, 16, 256, 3, 3, 256, 1, 1), (8, 8, 256, 3, 3, 512, 0, 1), (8, 8, 512, 3, 3, 512, 1, 1),
        (1, 1, 8192, 1, 1, 1024, 0, 1), (1, 1, 1024, 1, 1, 10, 0, 1)]


def floorplan(slices, sub=128):
    maxc = max(c for (_, _, c, k, _, _, _, _) in VGG8 if k > 1 and c * k * k > sub)
    pe = sub
    while pe < maxc:
        pe *= 2
    out = []
    for (h, w, c, k, _, n, pool, s) in VGG8:
        cols = n * slices
        pc = math.ceil(cols / sub)
        novel = k > 1 and c * k * k > sub
        rows = c if novel else c * k * k
        pr = math.ceil(rows / sub)
        side = (pe if novel else 2 * pe) // sub
        tr, tc = math.ceil(pr / side), math.ceil(pc / side)
        copies = max(1, side * tr // pr) * max(1, side * tc // pc)
        positions = k * k if novel else 1
        v = ((h - k + 1) // s) * ((w - k + 1) // s)
        out.append(dict(novel=novel, pr=pr, pc=pc, tiles=tr * tc, copies=copies, A=positions * pr * pc,
                        V=v, R=c * k * k, N=n, pool=pool, rows_per_sub=min(rows, sub), positions=positions, k=k,
                        tr=tr, tc=tc, H=h, W=w, C=c))
    return pe, out


def global_buffer_cycles(layers, pe, bits=8, mux=8, core=128, max_bus=2048):
    """Global-buffer cycles per layer (NeuroSimGlobalBuffer.swift): lines of `core` bits read
    (layer inputs; a novel-mapped layer reuses K-1 of K input columns) and written (outputs, /4
    after pooling), spread over P = min(cores, bus width / core) buffer cores, and repeated
    ceil(total tiles / layer tiles) times because a layer's tiles own that share of the global bus."""
    cores = math.ceil(bits * max(l["H"] * l["W"] * l["C"] for l in layers) / (core * core))
    bus = sum((pe * l["k"] + pe * l["k"] / mux) if l["novel"] else (2 * pe + 2 * pe / mux) for l in layers)
    while bus > max_bus:
        bus /= 2
    par = min(cores, math.ceil(bus / core))
    total = sum(l["tiles"] for l in layers)
    out = []
    for l in layers:
        lines = (l["V"] * l["R"] * bits / (l["k"] if l["novel"] else 1) + l["V"] * l["N"] * bits / (4 if l["pool"] else 1)) / core
        out.append(lines / par * math.ceil(total / l["tiles"]))
    return out


def tile_buffer_features(l, pe, slices, mux=8):
    """Per-vector tile-buffer features: rows a tile reads per vector (novel: C*K new inputs of a
    sliding window; conventional: the tile's rows) and outputs it writes (novel: shared by the
    K*K PEs), and the accumulation trees: stages inside a tile (K*K PEs, or row PEs of a
    conventional tile) and across the layer's tile rows."""
    rows = l["C"] * l["k"] if l["novel"] else min(l["R"], 2 * pe)
    outs = l["N"] / l["tc"] / (l["k"] ** 2 if l["novel"] else 1)
    if l["novel"]:
        tile_stages = math.ceil(math.log2(l["k"] ** 2)) if l["k"] > 1 else 0
    else:
        tile_stages = math.ceil(math.log2(math.ceil(rows / pe))) if rows > pe else 0
    chip_stages = math.ceil(math.log2(l["tr"])) if l["tr"] > 1 else 0
    chip_reads = math.ceil(l["N"] * slices * l["V"] / (2 * pe / mux))
    tile_reads = l["V"] * math.ceil(mux / slices)
    return dict(rows=rows, outs=outs, tile_stages=tile_stages, chip_stages=chip_stages, chip_reads=chip_reads,
                tile_reads=tile_reads)
