/// NeuromorphCost: NeuroSim-style area, energy and latency of compute-in-memory hardware
/// (Lu et al. 2021, "NeuroSim simulator for compute-in-memory hardware accelerator:
/// validation and benchmark", Front. Artif. Intell. 4:659060).
///
/// The hierarchy follows the paper's "NeuroSim settings" section:
/// ``TechnologyNode`` (Table 1) → ``CMOSGateLibrary`` (INV, NAND, NOR, TG, DFF, adder) →
/// peripheral modules (``CIMMacro/cost(calibration:)``: level shifter, mux, ``ADCModel``, array,
/// shift-add and accumulator sized by ``DigitalPrecisionPlan``, controller) → ``CIMMacro``
/// (sub-array) → processing element / tile (``CIMArchitecture``) → chip (``CIMEstimator``).
/// Entry points: ``CIMEstimateSpec`` (Codable input, presets), ``CIMEstimator/estimate(_:)`` and
/// ``CIMEstimateReport`` (`table()`, `csv()`, Codable).
///
/// Units used throughout: area µm², latency ns, energy pJ, power mW, unless a name says otherwise.
public enum NeuromorphCost {}
