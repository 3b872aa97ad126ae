/// Namespace for the always-on sub-µW SNN chip models (Chundi et al. 2021, Front.
/// Neurosci. 15:684113; digest `snn-robotics_pcm-transformer_always-on-snn.md`
/// Article 3): ``AlwaysOnNetwork``, ``ArbiterDesign`` / ``LayerSpikeLoad`` (Eqs. 1–2),
/// ``AlwaysOnPowerModel`` and ``AlwaysOnComparisons``.
public enum AlwaysOnSNN {}
