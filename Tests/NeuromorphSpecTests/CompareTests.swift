import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import NeuromorphCore
import NeuromorphCost
import Testing
@testable import NeuromorphNN
@testable import NeuromorphSpec

/// `neuromorph compare` (issue 17 item 1): the `substrates:` section, the cost paths, the
/// Pareto front, the files it writes and the HTML report.
@Suite(.exclusiveComputeThreads) struct CompareTests {
    static let digitsSpec = """
        name: compare-test
        data: {dataset: digits}
        model:
          input_shape: [64]
          layers:
          - {type: linear, out: 32}
          - {type: activation, function: relu}
          - {type: linear, out: 10}
        training:
          loss: cross_entropy
          optimizer: {kind: sgd, learning_rate: 0.1, momentum: 0.9}
          epochs: 6
          batch_size: 32
          seed: 0
        """

    static func spec(substrates: String) throws -> ExperimentSpec {
        try SpecLoader.parse(digitsSpec + "\nsubstrates:\n" + substrates, format: .yaml)
    }

    static func specError(_ substrates: String) -> SpecError? {
        do { _ = try spec(substrates: substrates) } catch let error as SpecError { return error } catch { return nil }
        return nil
    }

    // MARK: - The substrates section

    @Test func everyRegisteredKindDecodes() throws {
        let spec = try Self.spec(substrates: """
            - {kind: digital}
            - {kind: digital, precision: int8, node: 7}
            - {kind: analog, analog: {device: constant_step}, epochs: 0}
            - {kind: analog, analog: {preset: TTv2CapacitorPreset}, epochs: 1, learning_rate: 0.01}
            - {kind: pcm, inference: {times: "1s,1mo", repeats: 2}, cost_preset: pcm14-22nm}
            - {kind: spiking, steps: 16, energy: moneta}
            """)
        let entries = try #require(spec.substrates)
        #expect(entries.map(\.kind) == ["digital", "digital", "analog", "analog", "pcm", "spiking"])
        #expect(entries.map(\.substrate.label) == ["digital float32", "digital int8", "analog constant_step",
                                                     "analog TTv2CapacitorPreset", "pcm", "spiking (16 steps)"])
        // The spec round-trips through YAML with its substrates.
        #expect(try SpecLoader.parse(try SpecLoader.yaml(spec), format: .yaml) == spec)
        #expect(SubstrateRegistry.kinds == ["digital", "analog", "pcm", "spiking"])
    }

    @Test func unknownKindListsTheAllowedKinds() throws {
        let error = try #require(Self.specError("- {kind: digital}\n- {kind: quantum}"))
        #expect(error.path == "substrates[1].kind")
        #expect(error.message.contains("'quantum' is not allowed; expected one of: digital, analog, pcm, spiking"), "\(error)")
        let missing = try #require(Self.specError("- {precision: int8}"))
        #expect(missing.path == "substrates[0].kind" && missing.message.contains("digital, analog, pcm, spiking"))
    }

    @Test(arguments: [
        ("- {kind: digital, precision: int4}", "substrates[0].precision", "float32, int8"),
        ("- {kind: digital, node: 23}", "substrates[0].node", "Table 1"),
        ("- {kind: spiking, stepz: 3}", "substrates[0].stepz", "allowed keys"),
        ("- {kind: spiking, steps: 0}", "substrates[0].steps", "positive"),
        ("- {kind: spiking}\n- {kind: pcm, inference: {repeats: 0}}", "substrates[1].inference.repeats", "positive"),
        ("- {kind: pcm, inference: {hwa_noise: 1}}", "substrates[0].inference.hwa_noise", "neuromorph infer"),
        ("- {kind: pcm, cost_preset: sram-5nm}", "substrates[0].cost_preset", "rram12-22nm"),
        ("- {kind: analog}", "substrates[0].analog", "missing"),
        ("- {kind: analog, analog: {device: graphene}}", "substrates[0].analog.device", "constant_step"),
        ("- {kind: analog, analog: {device: constant_step}, start: warm}", "substrates[0].start", "trained, scratch"),
    ])
    func badEntriesNameTheKeyPath(_ entry: String, _ path: String, _ hint: String) throws {
        let error = try #require(Self.specError(entry), "no SpecError for \(entry)")
        #expect(error.path == path, "\(error)")
        #expect(error.message.contains(hint), "\(error)")
    }

    @Test func aSpecWithoutSubstratesCannotBeCompared() throws {
        let spec = try SpecLoader.parse(Self.digitsSpec, format: .yaml)
        #expect(spec.substrates == nil)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("compare-none-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect { try SubstrateComparison.run(spec, output: dir, log: { _ in }) } throws: { error in
            (error as? SpecError)?.path == "substrates"
        }
    }

    // MARK: - Pareto front

    /// A hand-made set: lower energy and higher accuracy are better.
    @Test func paretoFrontOfAHandMadeSet() {
        let points: [(Double, Double)] = [
            (1.0, 0.50),   // 0: front (cheapest)
            (2.0, 0.70),   // 1: front
            (3.0, 0.60),   // 2: dominated by 1
            (4.0, 0.90),   // 3: front (most accurate)
            (0.5, 0.40),   // 4: front
            (4.0, 0.85),   // 5: dominated by 3 (same cost, lower accuracy)
            (2.0, 0.70),   // 6: equal to 1: both on the front
            (5.0, 0.90),   // 7: dominated by 3 (same accuracy, higher cost)
        ]
        let front = ParetoFront.indices(of: points.map { ParetoFront.Point(cost: $0.0, value: $0.1) })
        #expect(front == [4, 0, 1, 6, 3])
        #expect(ParetoFront.indices(of: []) == [])
    }

    // MARK: - Cost paths

    /// Must-show (issue 17): the NeuroSim-derived numbers of every layer equal what
    /// `neuromorph estimate SPEC --preset P` computes (same call path: the spec's workload →
    /// `CIMEstimateSpec(workload:preset:)` → `CIMEstimator.estimate`), exactly.
    @Test(arguments: ["rram12-22nm", "pcm14-22nm", "sram-7nm"])
    func crossbarCostEqualsTheEstimateCommand(_ preset: String) throws {
        let spec = try Self.spec(substrates: "- {kind: digital}")
        let workload = try spec.workload()
        let cost = try CrossbarCost(workload: workload, preset: preset)
        let estimate = try CIMEstimator.estimate(try CIMEstimateSpec(workload: try spec.workload(), preset: preset))
        #expect(cost.report == estimate)
        #expect(cost.layers.map(\.name) == estimate.layers.map(\.name))
        #expect(cost.layers.map(\.latencyNS) == estimate.layers.map(\.latencyNS))
        #expect(cost.layers.map(\.macroEnergyPJ) == estimate.layers.map(\.macroEnergyPJ))
        #expect(cost.layers.map(\.interconnectEnergyPJ) == estimate.layers.map(\.interconnectEnergyPJ))
        let totals = try #require(estimate.totals)
        #expect(cost.energyPerInferenceJ == (totals.dynamicEnergyUJ + totals.leakageEnergyUJ) * 1e-6)
        #expect(cost.latencySeconds == totals.latencyMS * 1e-3 && cost.areaMM2 == totals.areaMM2)
        // The breakdown by module sums to the total (rounding only).
        let sum = cost.breakdown.reduce(0) { $0 + $1.joules }
        #expect(abs(sum - cost.energyPerInferenceJ) <= 1e-9 * cost.energyPerInferenceJ, "\(sum) vs \(cost.energyPerInferenceJ)")
        // The mapper places the two weight layers (64→32, 32→10) on crossbar cores.
        #expect((cost.mapping?.coreCount ?? 0) >= 2, "\(cost.mappingNote ?? "")")
    }

    /// The digital model by hand for one 100 → 10 linear layer at 45 nm (Horowitz's node; the
    /// Table 1 45 nm node has V_DD = 1.0 V, so the scale is (1.0/0.9)² = 1.2346).
    @Test func digitalEnergyModelByHand() throws {
        let layer = WorkloadLayer(kind: .linear, path: "0", operation: "linear", inputShape: [100], outputShape: [10],
                                  weightShape: [10, 100], macs: 1000, parameters: 1010)
        let workload = Workload(name: "one-layer", inputShape: [100], layers: [layer])
        let node = try TechnologyNode.table1(45)
        let scale = (1.0 / 0.9) * (1.0 / 0.9)
        let float = DigitalEnergyModel(precision: .float32, node: node).cost(workload)
        #expect(abs(float.arithmeticJ - 1000 * 4.6e-12 * scale) < 1e-20)
        // 1010 × 32 bits = 4,040 bytes: the 8 KB array, 10 pJ per 64 bits.
        #expect(abs(float.weightReadsJ - 1010 * 32 * 10e-12 / 64 * scale) < 1e-20)
        // 110 activations × 32 bits, also the 8 KB array.
        #expect(abs(float.activationTrafficJ - 110 * 32 * 10e-12 / 64 * scale) < 1e-20)
        #expect(float.latencySeconds == 4e-9)                      // ⌈1000 / 256⌉ cycles at 1 GHz
        let int8 = DigitalEnergyModel(precision: .int8, node: node).cost(workload)
        #expect(abs(int8.arithmeticJ - 1000 * 0.3e-12 * scale) < 1e-20)
        #expect(int8.energyJ < float.energyJ / 4 && int8.areaMM2 < float.areaMM2)
        #expect(float.breakdown.reduce(0) { $0 + $1.joules } == float.energyJ)
    }

    @Test func int8QuantizationRoundsToHalfAStep() {
        let values: [Float] = [-1.27, -0.5, 0, 0.004, 0.3333, 1.0]
        let q = Int8Quantization.quantizeSymmetric(values)
        let step: Float = 1.27 / 127
        for (v, x) in zip(values, q) { #expect(abs(v - x) <= step / 2 + 1e-6, "\(v) → \(x)") }
        #expect(q[0] == -1.27 && q[2] == 0)
        let unsigned = ActivationQuantizer(calibratedOn: [0, 0.5, 2.55])
        #expect(unsigned.unsigned && abs(unsigned.scale - 0.01) < 1e-7)
        var quantizer = unsigned
        #expect(quantizer.forward(Tensor([0.014, 3.0, -1]), mode: .inference).scalars == [0.01, 2.55, 0])
    }

    /// A CNN gets a spiking row with numbers (convolution, max-pool spike gates): the task
    /// "compare runs the spiking substrate on the CNN examples" (issue 17, docs/compare.md).
    @Test func spikingSubstrateConvertsACNN() throws {
        let spec = try SpecLoader.parse("""
            name: compare-cnn-test
            data: {dataset: digits}
            model:
              input_shape: [1, 8, 8]
              layers:
              - {type: conv2d, out: 8, kernel: 3, padding: 1}
              - {type: activation, function: relu}
              - {type: pool, kind: max, window: 2}
              - {type: flatten}
              - {type: linear, out: 10}
            training:
              loss: cross_entropy
              optimizer: {kind: sgd, learning_rate: 0.05, momentum: 0.9}
              epochs: 6
              batch_size: 32
              seed: 0
            substrates:
            - {kind: digital}
            - {kind: spiking, steps: 128, test_limit: 80, max_pool: gate}
            """, format: .yaml)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("compare-cnn-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let comparison = try SubstrateComparison.run(spec, output: dir, log: { _ in })
        let spiking = try #require(comparison.rows.last)
        let float = try #require(comparison.rows[0].accuracy)
        let snn = try #require(spiking.accuracy, "\(spiking.sources.accuracy)")
        print("digits CNN: float \(float), spiking (128 steps, 80 images) \(snn), SOPs \(spiking.synapticOperationsPerInference ?? 0)")
        #expect(snn > 0.85 && (spiking.synapticOperationsPerInference ?? 0) > 0 && spiking.energyPerInferenceJ != nil)
        #expect(spiking.sources.model.contains("spike gates"))
        #expect(Self.specError("- {kind: spiking, max_pool: median}")?.path == "substrates[0].max_pool")
    }

    // MARK: - A whole comparison

    /// Trains the digits MLP once and compares it on every kind; checks the files: JSON and
    /// CSV round trips, the HTML parses with data in every plot, and the crossbar rows carry
    /// the `neuromorph estimate` numbers.
    @Test func aWholeComparisonWritesJSONCSVAndHTML() throws {
        let spec = try Self.spec(substrates: """
            - {kind: digital}
            - {kind: digital, precision: int8}
            - {kind: analog, analog: {device: constant_step}, epochs: 1, learning_rate: 0.05}
            - {kind: pcm, inference: {times: "1s,1mo", repeats: 2}}
            - {kind: spiking, steps: 32, test_limit: 60}
            """)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("compare-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let comparison = try SubstrateComparison.run(spec, output: dir, log: { _ in })
        #expect(comparison.rows.map(\.substrate) == [
            "digital float32", "digital int8", "analog constant_step",
            "pcm 1s uncompensated", "pcm 1mo uncompensated", "pcm 1s compensated", "pcm 1mo compensated", "spiking (32 steps)"])
        for row in comparison.rows {
            #expect(row.accuracy != nil && row.energyPerInferenceJ != nil && row.latencySeconds != nil && row.areaMM2 != nil,
                    "\(row.substrate)")
            #expect(!row.sources.energy.isEmpty && !row.sources.technologyNode.isEmpty)
        }
        let float = try #require(comparison.rows[0].accuracy), int8 = try #require(comparison.rows[1].accuracy)
        #expect(float > 0.85, "digits MLP after 6 epochs: \(float)")
        #expect(abs(float - int8) < 0.03, "int8 PTQ within 3 points of float32: \(int8) vs \(float)")
        let spiking = comparison.rows[7]
        #expect((spiking.spikesPerInference ?? 0) > 0 && (spiking.synapticOperationsPerInference ?? 0) > 0)
        // The crossbar rows carry exactly the estimate of their preset on the spec's workload.
        let estimate = try CIMEstimator.estimate(try CIMEstimateSpec(workload: try spec.workload(), preset: "pcm14-22nm"))
        #expect(comparison.rows[3].layers?.map(\.macroEnergyPJ) == estimate.layers.map(\.macroEnergyPJ))
        #expect(comparison.rows[3].layers?.map(\.latencyNS) == estimate.layers.map(\.latencyNS))

        // JSON round trip.
        let decoded = try SpecLoader.decode(SubstrateComparison.self, from: dir.appendingPathComponent("comparison.json"))
        #expect(decoded == comparison)
        // CSV round trip: every field back as written, numbers exactly.
        let csv = try String(contentsOf: dir.appendingPathComponent("comparison.csv"), encoding: .utf8)
        let parsed = try ComparisonCSVRow.parse(csv)
        #expect(parsed == comparison.rows.map(ComparisonCSVRow.init))
        #expect(parsed.map { $0.number("energy_per_inference_j") } == comparison.rows.map(\.energyPerInferenceJ))
        #expect(parsed.map { $0.number("accuracy") } == comparison.rows.map(\.accuracy))

        // HTML: well-formed, both plots have data, the Pareto front is drawn.
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        let plots = try PlotCollector.plots(in: Data(html.utf8))
        #expect(plots.map(\.name) == ["energy-breakdown", "pareto"], "\(plots)")
        #expect(plots.allSatisfy { $0.points > 0 }, "\(plots)")
        #expect(plots.first { $0.name == "pareto" }?.points == comparison.rows.count)
        #expect(plots.first { $0.name == "pareto" }?.polylines == 1)
        #expect(!comparison.paretoIndices.isEmpty)
        #expect(html.contains("Sources") && html.contains("Horowitz"))
        #expect(comparison.table().contains("digital int8"))
    }
}
