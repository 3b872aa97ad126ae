/// Namespace for the optoelectronic neuromorphic supercomputing budgets (Primavera &
/// Shainline 2021, Front. Neurosci.; digest `imc-cnn-mapping_optoelectronic-scaling.md`
/// Article 2): photon statistics (Eq. 1), link energies (Eqs. 2–3), synaptic memory
/// targets (Eqs. 4–5, Table 1), Erdős–Rényi path length (Eq. 6), wafer planes
/// (Eqs. 7–8), cooling and power-density limits.
public enum Optoelectronic {}
