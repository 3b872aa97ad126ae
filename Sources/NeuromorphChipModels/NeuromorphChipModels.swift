/// NeuromorphChipModels: the seed papers' analytic chip models as calculators.
///
/// Each paper has its own folder of value-type parameter structs whose `static let`
/// presets hold the paper's values, and pure computed properties or functions for each
/// equation:
///
/// - `Moneta/`: Kim et al. 2022, MONETA SRAM processing-in-memory ConvSNN chip
///   (throughput, frame rates, capacity, TOPS/W, TOPS/mm²).
/// - `AlwaysOnSNN/`: Chundi et al. 2021, always-on sub-µW SNN (arbiter starvation
///   Eqs. 1–2, network bookkeeping, power model and comparison ratios).
/// - `MuBrain/`: Stuijt et al. 2021, μBrain (synapse and bit accounting, energy per
///   spike, thyristor delay cell Eq. 6).
/// - `Optoelectronic/`: Primavera & Shainline 2021, optoelectronic neuromorphic
///   supercomputing (photon statistics, link energies, memory targets, Erdős–Rényi
///   path length, wafer planes, cooling and power density).
///
/// ``ChipModelReport`` compares every headline number with the paper's value.
public enum NeuromorphChipModels {}
