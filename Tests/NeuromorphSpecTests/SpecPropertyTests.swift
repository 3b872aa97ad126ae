import Foundation
import PropertyBased
import Testing
@testable import NeuromorphCore
@testable import NeuromorphNN
@testable import NeuromorphSpec

/// Spec encode → decode round-trips to an equal spec, in YAML and JSON, for random valid
/// specs built from every registered layer kind and optimizer.
@Suite("Spec properties")
struct SpecPropertyTests {
    static func layer(_ kind: Int, _ size: Int, _ seed: Int) -> LayerSpec {
        switch kind % 9 {
        case 0: .linear(size, bias: seed % 2 == 0)
        case 1: .conv2d(size, kernel: 1 + seed % 5, stride: 1 + seed % 2, padding: seed % 3)
        case 2: .pool(seed % 2 == 0 ? .max : .average, window: 1 + seed % 3, stride: seed % 3 == 0 ? nil : 1 + seed % 2)
        case 3: .flatten
        case 4: .dropout(Double(seed % 90) / 100)
        case 5: .activation(ActivationKind.allCases[seed % ActivationKind.allCases.count])
        case 6: .logSoftmax
        case 7: .transformer(TransformerBlueprint(out: size, dim: 8 * (1 + seed % 4), heads: [1, 2, 4, 8][seed % 4],
                                                  mlp: seed % 3 == 0 ? nil : size, blocks: 1 + seed % 3, patch: seed % 2,
                                                  attentionBits: seed % 2 == 0 ? nil : 2 + seed % 15))
        default: LayerSpec(FactorizationMachineBlueprint(factors: size, fields: seed % 2 == 0 ? nil : [size, size + 1],
                                                         initStd: seed % 3 == 0 ? nil : Double(seed % 10) / 20))
        }
    }

    static func optimizer(_ seed: Int) -> OptimizerSpec {
        let rate = Double(1 + seed % 1000) / 1000
        switch seed % 3 {
        case 0: return .sgd(learningRate: rate, momentum: seed % 4 == 0 ? 0 : 0.9, nesterov: seed % 8 == 5,
                            weightDecay: Double(seed % 5) / 1000)
        case 1: return .adam(learningRate: rate, weightDecay: Double(seed % 7) / 1000)
        default: return .rmsprop(learningRate: rate)
        }
    }

    @Test func specsRoundTripThroughYAMLAndJSON() async {
        await propertyCheck(count: 150, input: Gen.int(in: 0...8).array(of: 1...6), Gen.int(in: 1...512), Gen.int(in: 0...100_000)) {
            kinds, size, seed in
            let layers = kinds.enumerated().map { Self.layer($0.element, size, seed + $0.offset) }
            let regression = seed % 5 == 0
            let spec = ExperimentSpec(
                name: "property-\(seed)", data: DataSpec(dataset: .blobs, validationFraction: Double(seed % 50) / 100),
                model: ModelSpec(inputShape: seed % 2 == 0 ? nil : [1, 8, 8], layers: layers, seed: seed % 3 == 0 ? nil : UInt64(seed)),
                training: TrainingSpec(loss: regression ? .mse : .crossEntropy, optimizer: Self.optimizer(seed),
                                       schedule: seed % 2 == 0 ? ScheduleSpec() : ScheduleSpec(kind: .cosine, minimum: 0.001),
                                       epochs: seed % 20, batchSize: 1 + seed % 256, seed: UInt64(seed),
                                       objective: ObjectiveSpec(kind: regression ? .regression : .classification,
                                                                clip: regression && seed % 2 == 0 ? [1, 5] : nil),
                                       constraints: seed % 4 == 0 ? [ConstraintSpec(lower: -1, upper: 1, parameters: ["0.weight"])] : []))
            do {
                let yaml = try SpecLoader.parse(try SpecLoader.yaml(spec), format: .yaml)
                #expect(yaml == spec, "YAML round trip of \(kinds) seed \(seed)")
                let json = try SpecLoader.parse(String(decoding: try SpecLoader.json(spec), as: UTF8.self), format: .json)
                #expect(json == spec, "JSON round trip of \(kinds) seed \(seed)")
            } catch {
                Issue.record("round trip of \(kinds) seed \(seed) threw \(error)")
            }
        }
    }
}
