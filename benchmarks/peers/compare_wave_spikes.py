"""Compares first-spike times of the wavefront wave between NEST (nest_wave.py N 1 nest.csv) and
Neuromorph (neuromorph plan --grid N --map wall --initial-weight 400 --integrator rkf45
--spike-times ours.csv): per-cell difference in steps of 0.1 ms, histogram of differences."""
import csv, collections, sys

def load(path):
    return {int(r["cell"]): float(r["first_spike_ms"]) for r in csv.DictReader(open(path))}

nest, ours = load(sys.argv[1]), load(sys.argv[2])
dt = float(sys.argv[3]) if len(sys.argv) > 3 else 0.1
print(f"cells fired: NEST {len(nest)}, Neuromorph {len(ours)}, same set: {set(nest) == set(ours)}")
diff = collections.Counter(round((ours[c] - nest[c]) / dt) for c in nest if c in ours)
print("Neuromorph − NEST (steps): count", sorted(diff.items()))
print(f"last first spike: NEST {max(nest.values()):.1f} ms, Neuromorph {max(ours.values()):.1f} ms")
