"""Golden values for EnergyIntegrator (spiking note §2.2, Steffen et al. energy per run):
numpy.trapz over power samples taken every 60 s, divided by the number of runs.
Run once: /work/snn-venv/bin/python benchmarks/peers/steffen_energy_trapz.py
and paste the printed values into Tests/NeuromorphSpikingTests/WavefrontPlannerTests.swift."""
import numpy as np

trapz = getattr(np, "trapz", None) or np.trapezoid
cases = {
    "short": ([67.0, 70.5, 222.1, 68.3, 66.9], 3),
    "ramp": ([60.0 + k / 3.0 for k in range(200)], 7),
    # 9,000 samples (more than numpy's 8,192-element buffer), exactly reproducible in Swift:
    # y_k = 50 + ((k·7919) mod 1000)/7 + k/3, each operation correctly rounded in both.
    "long": ([50.0 + ((k * 7919) % 1000) / 7.0 + k / 3.0 for k in range(9000)], 40),
}
for name, (samples, runs) in cases.items():
    e = float(trapz(np.array(samples), dx=60.0))
    print(f"{name}: samples={len(samples)} runs={runs} trapz={e!r} per_run={e / runs!r}")
