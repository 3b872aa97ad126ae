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
                        V=v, R=c * k * k, N=n, pool=pool, rows_per_sub=min(rows, sub), positions=positions, k=k))
    return pe, out
