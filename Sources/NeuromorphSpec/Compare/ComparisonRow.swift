import Foundation

/// One line of a substrate comparison: accuracy, energy per inference, latency and area on one
/// substrate, each with where it comes from (issue 17 item 1).
///
/// A number a substrate cannot give is `nil` and its source says why (e.g. a convolution
/// network on the spiking substrate, whose ANN→SNN conversion handles dense ReLU networks).
public struct ComparisonRow: Sendable, Codable, Equatable {
    /// The row label, e.g. `pcm 1mo compensated`.
    public var substrate: String
    /// The registered `kind:` of the substrate that produced the row.
    public var kind: String
    /// Test accuracy, a fraction in [0, 1].
    public var accuracy: Double?
    /// Standard error of the accuracy over repeats (PCM programmings), when there are repeats.
    public var accuracyStandardError: Double?
    /// Energy of one inference (one sample), joules.
    public var energyPerInferenceJ: Double?
    /// Latency of one inference, seconds.
    public var latencySeconds: Double?
    /// Chip area, mm².
    public var areaMM2: Double?
    /// The energy per inference by component (sums to ``energyPerInferenceJ``).
    public var energyBreakdown: [EnergyComponent]
    /// Spiking only: spikes (input + emitted) and synaptic operations per inference.
    public var spikesPerInference: Double?
    public var synapticOperationsPerInference: Double?
    /// Crossbar substrates: cores and pipeline latency from the in-memory mapper (Dazzi et al. 2021).
    public var cores: Int?
    public var pipelineLatencySeconds: Double?
    /// Crossbar substrates: the NeuroSim-style estimate of every weight layer (the same numbers
    /// `neuromorph estimate SPEC --preset P` prints).
    public var layers: [LayerCost]?
    /// Where each number comes from.
    public var sources: Sources

    public init(substrate: String, kind: String, accuracy: Double?, accuracyStandardError: Double? = nil,
                energyPerInferenceJ: Double?, latencySeconds: Double?, areaMM2: Double?,
                energyBreakdown: [EnergyComponent] = [], spikesPerInference: Double? = nil,
                synapticOperationsPerInference: Double? = nil, cores: Int? = nil, pipelineLatencySeconds: Double? = nil,
                layers: [LayerCost]? = nil, sources: Sources) {
        self.substrate = substrate
        self.kind = kind
        self.accuracy = accuracy
        self.accuracyStandardError = accuracyStandardError
        self.energyPerInferenceJ = energyPerInferenceJ
        self.latencySeconds = latencySeconds
        self.areaMM2 = areaMM2
        self.energyBreakdown = energyBreakdown
        self.spikesPerInference = spikesPerInference
        self.synapticOperationsPerInference = synapticOperationsPerInference
        self.cores = cores
        self.pipelineLatencySeconds = pipelineLatencySeconds
        self.layers = layers
        self.sources = sources
    }

    /// One component of the energy of an inference (an ADC, SRAM reads, synaptic operations…).
    public struct EnergyComponent: Sendable, Codable, Equatable {
        public var name: String
        public var joules: Double
        public init(name: String, joules: Double) {
            self.name = name
            self.joules = joules
        }
    }

    /// The NeuroSim-style estimate of one weight layer.
    public struct LayerCost: Sendable, Codable, Equatable {
        public var name: String
        public var macs: Int
        public var latencyNS: Double
        public var macroEnergyPJ: Double
        public var interconnectEnergyPJ: Double
        public init(name: String, macs: Int, latencyNS: Double, macroEnergyPJ: Double, interconnectEnergyPJ: Double) {
            self.name = name
            self.macs = macs
            self.latencyNS = latencyNS
            self.macroEnergyPJ = macroEnergyPJ
            self.interconnectEnergyPJ = interconnectEnergyPJ
        }
    }

    /// Where each number of a row comes from.
    public struct Sources: Sendable, Codable, Equatable {
        /// The model that was evaluated (training, conversion, programming).
        public var model: String
        /// The device or cost preset (`constant_step`, `TTv2CapacitorPreset`, `pcm14-22nm`, `Chundi`…).
        public var preset: String
        /// The technology node of the cost numbers.
        public var technologyNode: String
        public var accuracy: String
        public var energy: String
        public var latency: String
        public var area: String
        public init(model: String, preset: String, technologyNode: String, accuracy: String, energy: String,
                    latency: String, area: String) {
            self.model = model
            self.preset = preset
            self.technologyNode = technologyNode
            self.accuracy = accuracy
            self.energy = energy
            self.latency = latency
            self.area = area
        }
    }
}

extension Double {
    /// The shortest decimal of a `Float` accuracy as a `Double` (0.8903, not 0.8902999758720398),
    /// so tables, JSON and CSV show the value the evaluation printed.
    init(decimal value: Float) { self = Double("\(value)") ?? Double(value) }
}
