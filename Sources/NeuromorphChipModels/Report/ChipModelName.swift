/// The chip models the CLI can print (`neuromorph chip <name>`).
public enum ChipModelName: String, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    /// Kim et al. 2022, MONETA.
    case moneta
    /// Chundi et al. 2021, always-on sub-µW SNN.
    case alwaysOnSNN = "always-on-snn"
    /// Stuijt et al. 2021, μBrain.
    case ubrain
    /// Primavera & Shainline 2021, optoelectronic neuromorphic supercomputing.
    case optoelectronic

    public var description: String { rawValue }

    /// The paper the calculator implements.
    public var paperTitle: String {
        switch self {
        case .moneta:
            "Kim et al. 2022, MONETA: SRAM PIM platform for hybrid ConvSNNs with online learning"
        case .alwaysOnSNN:
            "Chundi et al. 2021, Always-on sub-microwatt SNN with spike-driven clock/power gating"
        case .ubrain:
            "Stuijt et al. 2021, muBrain: event-driven, fully synthesizable digital SNN"
        case .optoelectronic:
            "Primavera & Shainline 2021, Considerations for optoelectronic neuromorphic supercomputing"
        }
    }
}
