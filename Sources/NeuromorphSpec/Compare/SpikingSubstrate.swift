import Foundation
import NeuromorphCore
import NeuromorphCost
import NeuromorphNN
import NeuromorphSpiking

/// `{kind: spiking, steps: 64, energy: chundi, step_ns: 1000, percentile: 99.9, test_limit: 1000}`:
/// the trained ReLU network converted to a rate-coded integrate-and-fire network
/// (``RateConvertedNetwork``: data-based normalisation of Diehl et al. 2015 with the
/// p-th-percentile scale of Rueckauer et al. 2017, reset by subtraction, membrane readout;
/// spiking note §1.8) and run for `steps` clock steps per sample with `input` coding
/// (default `periodic`: deterministic spike trains, x spikes per step).
///
/// Per inference: spikes (input + emitted), synaptic operations (spike × fan-out) and neuron
/// updates from the engine's ``EventCounters``; energy from an ``EnergyTable`` preset
/// (`E = Σ counter · unit + P_static · T`; `chundi` 1.5 pJ/SOP + 75 nW, `moneta` 53.5 fJ/op,
/// `mubrain` 8.4 pJ/spike + 58.3 µW); latency `T = steps × step_ns` (the step duration is an
/// assumption of the row, printed in its source); area: the synaptic weight memory only
/// (synapses × `weight_bits` × 8T SRAM cell at `node`, Lu et al. 2021) — neurons and routing
/// are not costed.
///
/// The conversion (``ConvolutionalReLUNetwork`` → ``RateConvertedConvolutionalNetwork``)
/// handles `Linear` and `Conv2d` layers with ReLU, max and average pooling, `Flatten`,
/// `Reshape`, `Dropout` and a final `LogSoftmax`. Max pooling runs as Rueckauer et al. 2017's
/// spike gate (`max_pool: gate`, default) or is replaced by average pooling
/// (`max_pool: average`). A model with other layers gives a row with no numbers and the
/// reason in its source.
public struct SpikingSubstrate: Substrate {
    public static let kind = "spiking"
    public enum Input: String, Codable, Sendable, CaseIterable { case periodic, current, bernoulli }
    public enum Energy: String, Codable, Sendable, CaseIterable {
        case chundi, moneta, mubrain
        public var table: EnergyTable {
            switch self {
            case .chundi: .chundi
            case .moneta: .monetaInference
            case .mubrain: .muBrain
            }
        }
    }

    public var steps: Int
    public var input: Input
    public var energy: Energy
    public var stepNS: Double
    public var percentile: Double
    public var calibrationSamples: Int
    public var testLimit: Int?
    public var weightBits: Int
    public var node: Int
    public var maxPool: MaxPoolConversion

    public init(steps: Int = 64, input: Input = .periodic, energy: Energy = .chundi, stepNS: Double = 1000,
                percentile: Double = 99.9, calibrationSamples: Int = 256, testLimit: Int? = 1000, weightBits: Int = 8,
                node: Int = 22, maxPool: MaxPoolConversion = .gate) {
        self.steps = steps
        self.input = input
        self.energy = energy
        self.stepNS = stepNS
        self.percentile = percentile
        self.calibrationSamples = calibrationSamples
        self.testLimit = testLimit
        self.weightBits = weightBits
        self.node = node
        self.maxPool = maxPool
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case steps, input, energy, percentile, node
        case maxPool = "max_pool"
        case stepNS = "step_ns", calibrationSamples = "calibration_samples", testLimit = "test_limit", weightBits = "weight_bits"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownSubstrateKeys(CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        steps = try c.decodeCheckedIfPresent(Int.self, forKey: .steps, "a positive number of steps") { $0 > 0 } ?? 64
        input = try c.decodeChoiceIfPresent(Input.self, forKey: .input) ?? .periodic
        energy = try c.decodeChoiceIfPresent(Energy.self, forKey: .energy) ?? .chundi
        stepNS = try c.decodeCheckedIfPresent(Double.self, forKey: .stepNS, "a duration > 0 in ns") { $0 > 0 } ?? 1000
        percentile = try c.decodeCheckedIfPresent(Double.self, forKey: .percentile, "a percentile in (0, 100]") { $0 > 0 && $0 <= 100 } ?? 99.9
        calibrationSamples = try c.decodeCheckedIfPresent(Int.self, forKey: .calibrationSamples, "a positive count") { $0 > 0 } ?? 256
        testLimit = try c.decodeCheckedIfPresent(Int.self, forKey: .testLimit, "a positive count") { $0 > 0 } ?? 1000
        weightBits = try c.decodeCheckedIfPresent(Int.self, forKey: .weightBits, "bits in 1...32") { (1...32).contains($0) } ?? 8
        node = try c.decodeIfPresent(Int.self, forKey: .node) ?? 22
        maxPool = try c.decodeChoiceIfPresent(MaxPoolConversion.self, forKey: .maxPool) ?? .gate
        do { _ = try TechnologyNode.table1(node) } catch {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.node]),
                            "\(node) is not a Lu et al. 2021 Table 1 node; expected one of: \(TechnologyNode.table1Nodes.map(String.init).joined(separator: ", "))")
        }
    }

    public var label: String { "spiking (\(steps) steps)" }

    public func quickened() -> Self {
        var q = self
        q.testLimit = Swift.min(testLimit ?? 200, 200)
        return q
    }

    public func evaluate(model: Sequential, data: ExperimentData, workload: Workload,
                         context: SubstrateContext) throws -> SubstrateResult {
        let table = energy.table
        let network: ConvolutionalReLUNetwork
        do {
            network = try ConvolutionalReLUNetwork(model, inputShape: data.train.featureShape, maxPool: maxPool)
        } catch let error as ConversionError {
            let reason = "not converted: \(error.description)"
            return SubstrateResult(rows: [ComparisonRow(
                substrate: label, kind: Self.kind, accuracy: nil, energyPerInferenceJ: nil, latencySeconds: nil, areaMM2: nil,
                sources: .init(model: reason, preset: table.name, technologyNode: "-", accuracy: reason, energy: reason,
                               latency: reason, area: reason))])
        }
        let features = network.inputCount
        func sample(_ part: Tensor, _ i: Int) -> [Float] { Array(part.scalars[(i * features)..<((i + 1) * features)]) }
        let calibration = (0..<Swift.min(calibrationSamples, data.train.count)).map { sample(data.train.inputs, $0) }
        let converted = try RateConvertedConvolutionalNetwork(network, calibration: calibration, statistic: .percentile(percentile))
        let count = Swift.min(testLimit ?? data.test.count, data.test.count)
        let coding: ConversionInput
        switch input {
        case .periodic: coding = .periodic
        case .current: coding = .current
        case .bernoulli: coding = .bernoulli(seed: context.spec.training.seed)
        }
        context.log("spiking: \(count) test samples × \(steps) steps (\(input.rawValue) input), energy \(table.name)")
        // One slot per sample; chunks write disjoint slots, so the sums do not depend on threads.
        var correct = [Bool](repeating: false, count: count)
        var counters = [EventCounters](repeating: EventCounters(), count: count)
        let test = data.test
        correct.withUnsafeMutableBufferPointer { ok in
            counters.withUnsafeMutableBufferPointer { events in
                let chunks = Swift.max(1, Swift.min(count, 64))
                ComputeThreads.forEachChunk(chunks) { chunk in
                    var i = chunk * count / chunks
                    while i < (chunk + 1) * count / chunks {
                        let run = converted.run(sample(test.inputs, i), steps: steps, input: coding)
                        ok[i] = (Readout.membraneArgmax(run.outputPotential) ?? 0) == test.labels[i]
                        events[i] = run.counters
                        i += 1
                    }
                }
            }
        }
        let total = counters.reduce(EventCounters(), +)
        let n = Double(Swift.max(count, 1))
        let latency = Double(steps) * stepNS * 1e-9
        let report = try table.report(total, durationSeconds: latency * n)
        var breakdown = report.lines.filter { $0.energyJ > 0 }.map { ComparisonRow.EnergyComponent(name: $0.event, joules: $0.energyJ / n) }
        if report.staticJ > 0 { breakdown.append(.init(name: "static", joules: report.staticJ / n)) }
        let technology = try TechnologyNode.table1(node)
        let synapses = network.layers.reduce(0) { $0 + $1.storedWeights }
        let area = Double(synapses * weightBits) * MemoryCell.sram8T(at: technology).areaUM2(at: technology) * 1e-6
        let pooling = network.layers.contains { $0.pooling?.kind == .max } ? ", max pooling as \(maxPool == .gate ? "Rueckauer 2017 spike gates" : "average pooling")" : ""
        let how = "ANN→SNN rate conversion (Diehl 2015 normalisation, \(percentile)th percentile on \(calibration.count) training samples; "
            + "IF neurons, reset by subtraction\(pooling)), \(steps) steps, \(input.rawValue) input, membrane readout"
        return SubstrateResult(rows: [ComparisonRow(
            substrate: label, kind: Self.kind, accuracy: Double(correct.filter { $0 }.count) / n,
            energyPerInferenceJ: report.totalJ / n, latencySeconds: latency, areaMM2: area, energyBreakdown: breakdown,
            spikesPerInference: Double(total.inputSpikes + total.emittedSpikes) / n,
            synapticOperationsPerInference: Double(total.synapticOperations) / n,
            sources: .init(model: how, preset: table.name, technologyNode: "\(table.name) energies; weight memory at \(technology.name)",
                           accuracy: "first \(count) test samples, \(how)",
                           energy: "EnergyTable \(table.name) × the engine's EventCounters (Σ counter · unit + P_static · T)",
                           latency: "\(steps) steps × \(stepNS) ns per step (assumed step duration)",
                           area: "synaptic weight memory only: \(synapses) weights × \(weightBits) bits × 8T SRAM (Lu et al. 2021) at \(technology.name)"))])
    }
}
