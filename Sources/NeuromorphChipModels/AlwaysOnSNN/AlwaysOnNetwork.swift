/// Neuron, synapse and SRAM bookkeeping of the fully connected binary-weight SNN
/// (Chundi et al. 2021; digest §3.2).
///
/// ```
/// neurons  = Σ_i n_i                       (256+128+128+128+10 = 650)
/// synapses = Σ_i n_i · n_{i+1}             (66,816 ≈ "67k")
/// SRAM     = synapses · bitsPerWeight / 1024 kb   (65.25 kb)
/// ```
public struct AlwaysOnNetwork: Sendable, Hashable {
    /// Neurons per core, input core first (≤256, 128, 128, 128, ≤10).
    public let layerSizes: [Int]
    /// Bits stored per synapse (1: binary ±1 weights).
    public let bitsPerWeight: Int

    public init(layerSizes: [Int], bitsPerWeight: Int = 1) throws {
        let m = "AlwaysOnNetwork"
        guard layerSizes.count >= 2 else {
            throw ChipModelError(model: m, field: "layerSizes", value: "\(layerSizes)",
                                 expected: "at least two layer sizes")
        }
        for (index, size) in layerSizes.enumerated() {
            try Check.positive(size, "layerSizes[\(index)]", in: m)
        }
        try Check.positive(bitsPerWeight, "bitsPerWeight", in: m)
        self.layerSizes = layerSizes
        self.bitsPerWeight = bitsPerWeight
    }

    private init(unchecked layerSizes: [Int]) {
        self.layerSizes = layerSizes
        self.bitsPerWeight = 1
    }

    /// The full chip, 256-128-128-128-10 (MNIST configuration).
    public static let paper = AlwaysOnNetwork(unchecked: [256, 128, 128, 128, 10])
    /// The GSCD keyword-spotting configuration, 256-128-128-128-5.
    public static let keywordSpotting = AlwaysOnNetwork(unchecked: [256, 128, 128, 128, 5])

    /// Total neurons `Σ n_i` (paper 650).
    public var neurons: Int { layerSizes.reduce(0, +) }

    /// Total synapses `Σ n_i · n_{i+1}` (66,816; paper "67k").
    public var synapses: Int {
        zip(layerSizes, layerSizes.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// Weight SRAM in kb (1 kb = 1,024 bits): `synapses · bitsPerWeight / 1024`
    /// (paper 65.25 kb).
    public var sramKb: Double { Double(synapses * bitsPerWeight) / 1024 }
}
