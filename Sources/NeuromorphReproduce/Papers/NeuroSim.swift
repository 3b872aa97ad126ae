import NeuromorphCost

/// NeuroSim validated against a 40 nm RRAM CIM macro (Lu et al. 2021): Tables 3–6 of the
/// validation macro (NeuroSim's printed numbers, reproduced from the macro geometry, the gate
/// library and the paper's calibration factors α…η) and the VGG-8 operation count.
/// Digest `equilibrium-propagation_ubrain_neurosim.md` §3.3–3.4, acceptance tests §3.6.
enum NeuroSimResults: PaperResultGroup {
    static let paper = Paper(key: "lu2021", citation: "Lu et al. 2021, NeuroSim validated on a 40 nm RRAM macro",
                             digest: "equilibrium-propagation_ubrain_neurosim.md")

    static func cost() throws -> CIMMacroCost {
        try CIMMacro.luEtAl2021Validation.cost(calibration: .luEtAl2021)
    }

    static func area(_ module: String) throws -> Double {
        guard let found = try cost().module(module) else { throw MissingModule(name: module) }
        return found.areaUM2
    }

    struct MissingModule: Error, CustomStringConvertible {
        let name: String
        var description: String { "the validation macro has no module '\(name)'" }
    }

    static var results: [PaperResult] {
        let gates = DigitalGateCounts.derived(from: CIMMacro.luEtAl2021Validation.precisionPlans,
                                              computeRows: 128, computeColumns: 128)
        return [
            result("level-shifter-area", "§3.3 Table 3", "level shifter 768 × 2.8 µm × 10 µm × α", paper: 30_966,
                   unit: "µm²", tolerance: .absolute(0.5)) { try area("Level shifter") },
            result("array-area", "§3.3 Table 3", "256 × 256 RRAM array at 75 F²", paper: 7_864, unit: "µm²",
                   tolerance: .absolute(0.5)) { try area("Array") },
            result("mux-area", "§3.3 Table 3", "column mux", paper: 459, unit: "µm²", tolerance: .absolute(0.5), kind: .consistency) {
                try area("Mux")
            },
            result("adc-area", "§3.3 Table 3", "sense amplifiers / ADC", paper: 4_271, unit: "µm²",
                   tolerance: .absolute(0.5), kind: .consistency) { try area("ADC") },
            result("analog-area", "§3.3 Table 3", "analog area total", paper: 43_560, unit: "µm²",
                   tolerance: .absolute(0.5), kind: .consistency) { try cost().analogAreaUM2 },
            result("sensing-latency", "§3.3 Table 3", "sensing latency (uncalibrated)", paper: 6.76, unit: "ns",
                   tolerance: .absolute(0.005), kind: .consistency) { try cost().sensingLatencyNS },
            result("clock-period", "§3.3 Table 3", "sensing latency × β", paper: 9.46, unit: "ns",
                   tolerance: .absolute(0.005), kind: .consistency) { try cost().clockPeriodNS },
            result("analog-energy", "§3.3 Table 3", "analog energy per operation", paper: 80.58, unit: "pJ",
                   tolerance: .absolute(0.005), kind: .consistency) { try cost().analogEnergyPJ },
            result("digital-area", "§3.3 Table 5", "digital area total", paper: 31_893, unit: "µm²",
                   tolerance: .relative(1e-4)) { try cost().digitalAreaUM2 },
            result("digital-energy", "§3.3 Table 5", "digital energy total (activity-calibrated)", paper: 15.41,
                   unit: "pJ", tolerance: .absolute(0.005), kind: .consistency) { try cost().digitalEnergyPJ },
            result("shift-add-dff", "§3.3 Table 4", "shift-add DFFs from the precision plans", paper: 176,
                   tolerance: .exact) { Double(gates.shiftAddDFF) },
            result("shift-add-adder-bits", "§3.3 Table 4", "shift-add adder bits", paper: 144, tolerance: .exact) {
                Double(gates.shiftAddAdderBits)
            },
            result("accumulator-dff", "§3.3 Table 4", "accumulator DFFs", paper: 1_024, tolerance: .exact) {
                Double(gates.accumulatorDFF)
            },
            result("accumulator-adder-bits", "§3.3 Table 4", "accumulator adder bits", paper: 672, tolerance: .exact) {
                Double(gates.accumulatorAdderBits)
            },
            result("post-layout-eta", "§3.3 Table 6", "η implied by the silicon: E_real,post / E_NeuroSim,pre",
                   paper: 1.22, tolerance: .absolute(0.005), kind: .consistency) { try ChipLevelEnergyCheck.luEtAl2021Table6().impliedEta },
            result("vgg8-ops", "§3.4", "VGG-8/CIFAR-10 operations, 2 × MACs (digest infers ≈ 1.22e9)", paper: 1.22e9,
                   tolerance: .relative(0.04)) { 2 * Double(CIMModelZoo.vgg8CIFAR10.layers.reduce(0) { $0 + $1.macs }) },
        ]
    }
}
