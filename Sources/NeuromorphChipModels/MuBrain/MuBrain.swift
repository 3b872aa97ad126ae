/// Namespace for the μBrain chip models (Stuijt et al. 2021, Front. Neurosci.; digest
/// `equilibrium-propagation_ubrain_neurosim.md` §2): ``MuBrainTopology`` (synapse and
/// bit accounting), ``MuBrainEnergy`` (energy per spike) and ``ThyristorDelayCell``
/// (Eqs. 1–6).
public enum MuBrain {}
