/// Synapse and memory-bit accounting of a μBrain instance (Stuijt et al. 2021,
/// prototype; digest §2.4, §2.7 item 1).
///
/// ```
/// FC synapses   = Σ_i n_i · n_{i+1} + Σ_{i≥1} n_i · biasesPerNeuron   (17,488)
/// total         = recurrent registers + FC synapses                   (37,366)
/// bits          = total · W                                           (149,464 at W = 4)
/// weight range  = [−(2^{W−1} − 1), 2^{W−1} − 1]                       (−7 … +7)
/// ```
///
/// Erratum: the paper prints the range as `[−2^{W−1} − 1, +2^{W−1} − 1]`, i.e. [−9, 7]
/// for W = 4, but the prototype uses −7…+7; the symmetric form is implemented.
public struct MuBrainTopology: Sendable, Hashable {
    /// Neurons in the recurrent fully connected (RFC) layer (256; 0 for none).
    public let recurrentNeurons: Int
    /// Weight registers of the RFC layer's random ~30 % lateral connections (19,878).
    public let recurrentSynapses: Int
    /// Fully connected layer sizes, input first (256, 64, 16).
    public let fullyConnectedSizes: [Int]
    /// Bias synapses per FC neuron (1; 0 for the bias-free MNIST mapping).
    public let biasesPerNeuron: Int
    /// Weight bit width W (4).
    public let weightBits: Int

    public init(recurrentNeurons: Int, recurrentSynapses: Int, fullyConnectedSizes: [Int],
                biasesPerNeuron: Int, weightBits: Int) throws {
        let m = "MuBrainTopology"
        guard recurrentNeurons >= 0 else {
            throw ChipModelError(model: m, field: "recurrentNeurons", value: "\(recurrentNeurons)",
                                 expected: "an integer >= 0")
        }
        guard recurrentSynapses >= 0,
              recurrentSynapses <= recurrentNeurons * recurrentNeurons else {
            throw ChipModelError(model: m, field: "recurrentSynapses", value: "\(recurrentSynapses)",
                                 expected: "an integer in [0, recurrentNeurons²]")
        }
        guard fullyConnectedSizes.count >= 2 else {
            throw ChipModelError(model: m, field: "fullyConnectedSizes",
                                 value: "\(fullyConnectedSizes)",
                                 expected: "at least two layer sizes (input first)")
        }
        for (index, size) in fullyConnectedSizes.enumerated() {
            try Check.positive(size, "fullyConnectedSizes[\(index)]", in: m)
        }
        guard biasesPerNeuron >= 0 else {
            throw ChipModelError(model: m, field: "biasesPerNeuron", value: "\(biasesPerNeuron)",
                                 expected: "an integer >= 0")
        }
        guard (2...16).contains(weightBits) else {
            throw ChipModelError(model: m, field: "weightBits", value: "\(weightBits)",
                                 expected: "an integer in 2...16")
        }
        self.init(unchecked: recurrentNeurons, recurrentSynapses, fullyConnectedSizes,
                  biasesPerNeuron, weightBits)
    }

    private init(unchecked rn: Int, _ rs: Int, _ fc: [Int], _ bias: Int, _ bits: Int) {
        recurrentNeurons = rn
        recurrentSynapses = rs
        fullyConnectedSizes = fc
        biasesPerNeuron = bias
        weightBits = bits
    }

    /// The fabricated prototype: RFC 256 (19,878 registers), FC 256-64-16 with biases, W = 4.
    public static let prototype = MuBrainTopology(unchecked: 256, 19_878, [256, 64, 16], 1, 4)

    /// The MNIST mapping: 256-64-10 ReLU network, no biases, RFC unused (Table 2 "74/17k").
    public static let mnist = MuBrainTopology(unchecked: 0, 0, [256, 64, 10], 0, 4)

    /// Neurons: the RFC layer plus every FC layer after the input
    /// (prototype 256 + 64 + 16 = 336; MNIST 64 + 10 = 74).
    ///
    /// In the prototype the RFC neurons are the FC input layer, so the FC input
    /// layer is not counted again.
    public var neurons: Int { recurrentNeurons + fullyConnectedSizes.dropFirst().reduce(0, +) }

    /// FC weights plus bias weights, `Σ n_i n_{i+1} + biases · Σ_{i≥1} n_i` (17,488).
    public var fullyConnectedSynapses: Int {
        let weights = zip(fullyConnectedSizes, fullyConnectedSizes.dropFirst())
            .reduce(0) { $0 + $1.0 * $1.1 }
        return weights + biasesPerNeuron * fullyConnectedSizes.dropFirst().reduce(0, +)
    }

    /// All synapses (weight registers), RFC + FC (37,366).
    public var synapses: Int { recurrentSynapses + fullyConnectedSynapses }

    /// Weight-memory bits `synapses · W` (149,464).
    public var memoryBits: Int { synapses * weightBits }

    /// Weight memory in KiB, `bits / 8 / 1024` (18.245; paper "18.2 kB").
    public var memoryKiB: Double { Double(memoryBits) / 8 / 1024 }

    /// Density of the recurrent connections, `registers / n²` (0.303; paper "about 30 %").
    public var recurrentDensity: Double {
        recurrentNeurons == 0 ? 0
            : Double(recurrentSynapses) / Double(recurrentNeurons * recurrentNeurons)
    }

    /// Integer weight range for W bits, `±(2^{W−1} − 1)` (−7…+7 at W = 4).
    public var weightRange: ClosedRange<Int> {
        let limit = (1 << (weightBits - 1)) - 1
        return -limit...limit
    }
}
