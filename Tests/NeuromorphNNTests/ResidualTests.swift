import Foundation
import Testing
@testable import NeuromorphCore
@testable import NeuromorphNN

/// The identity-shortcut residual block `y = F(x) + x` (He et al. 2016, Eq. 1), imported from
/// ONNX `Add` of two computed tensors (issue 18).
@Suite("Residual block")
struct ResidualTests {
    /// A basic block body: conv-tanh-conv (tanh keeps the function smooth for finite differences).
    func block(_ g: inout SeededGenerator) -> Residual {
        Residual(Sequential([Conv2d(2, 2, kernelSize: 3, padding: 1, generator: &g), Activation(.tanh),
                             Conv2d(2, 2, kernelSize: 3, padding: 1, generator: &g)]))
    }

    @Test("forward is body(x) + x; an empty body doubles the input")
    func forwardIsBodyPlusInput() {
        var g = SeededGenerator(seed: 3)
        var residual = block(&g)
        let x = Tensor.randomNormal([2, 2, 4, 4], using: &g)
        var body = residual.body
        let expected = body.forward(x, mode: .inference).scalars
        let y = residual.forward(x, mode: .inference)
        #expect(y.shape == x.shape)
        for i in 0..<y.count { #expect(y.scalars[i] == expected[i] + x.scalars[i]) }
        var identity = Residual(Sequential([]))
        #expect(identity.forward(x, mode: .inference).scalars == x.scalars.map { 2 * $0 })
    }

    @Test("backward matches central finite differences for the input and all body parameters")
    func gradient() {
        var g = SeededGenerator(seed: 4)
        let residual = block(&g)
        let x = Tensor.randomNormal([2, 2, 4, 4], using: &g)
        // Same tolerance as the Conv2d check (GradientCheckTests: < 3e-3 with ε = 1e-2).
        #expect(gradientCheck(residual, input: x) < 3e-3)
        let flat = Residual(Sequential([Linear(5, 4, generator: &g), Activation(.sigmoid), Linear(4, 5, generator: &g)]))
        #expect(gradientCheck(flat, input: Tensor.randomNormal([3, 5], using: &g)) < 2e-3)
    }

    @Test("the blueprint builds from YAML-shaped settings, keeps the shape and rejects a shape-changing body")
    func blueprint() throws {
        let good = ResidualBlueprint(layers: [LayerSpec(LinearBlueprint(out: 6)), LayerSpec(ActivationBlueprint(.relu)), LayerSpec(LinearBlueprint(out: 6))])
        var context = LayerBuildContext(path: "model.layers[1]", index: 1, seed: 2)
        #expect(try good.outputShape(for: [6], context: context) == [6])
        let layer = try good.build(for: [6], context: &context)
        #expect(layer is Residual)
        #expect(layer.parameterCount() == 2 * (6 * 6 + 6))
        let bad = ResidualBlueprint(layers: [LayerSpec(LinearBlueprint(out: 4))])
        #expect {
            _ = try bad.outputShape(for: [6], context: context)
        } throws: { error in
            "\(error)".contains("model.layers[1].layers") && "\(error)".contains("keep the shape")
        }
        // Decoding: `layers` is required and unknown keys are rejected.
        let decoded = try JSONDecoder().decode(LayerSpec.self, from: Data(#"{"type": "residual", "layers": [{"type": "linear", "out": 6}]}"#.utf8))
        #expect(decoded == LayerSpec(ResidualBlueprint(layers: [LayerSpec(LinearBlueprint(out: 6))])))
        #expect(throws: (any Error).self) {
            _ = try JSONDecoder().decode(LayerSpec.self, from: Data(#"{"type": "residual"}"#.utf8))
        }
        // Round trip through its own encoding.
        let encoded = try JSONEncoder().encode(LayerSpec(good))
        #expect(try JSONDecoder().decode(LayerSpec.self, from: encoded) == LayerSpec(good))
    }

    @Test("checkpoint paths and the workload reach the body's layers (`<i>.body.<j>`)")
    func containerPaths() throws {
        var g = SeededGenerator(seed: 5)
        let model = Sequential([Linear(4, 6, generator: &g),
                                Residual(Sequential([Linear(6, 6, generator: &g), Activation(.relu)]))])
        #expect(model.namedParameters().map(\.name) == ["0.weight", "0.bias", "1.body.0.weight", "1.body.0.bias"])
        let workload = try model.describeWorkload(inputShape: [4])
        #expect(workload.layers.count == 3)
        #expect(workload.layers.last?.outputShape == [6])
    }

    @Test("a projection shortcut: y = body(x) + shortcut(x), gradients match finite differences, paths and workload")
    func projectionShortcut() throws {
        var g = SeededGenerator(seed: 6)
        // 2 → 3 channels, 4×4 → 2×2: conv stride 2 in the body, 1×1 conv stride 2 as the shortcut.
        var block = Residual(Sequential([Conv2d(2, 3, kernelSize: 3, stride: 2, padding: 1, generator: &g), Activation(.tanh)]),
                             shortcut: Sequential([Conv2d(2, 3, kernelSize: 1, stride: 2, generator: &g)]))
        let x = Tensor.randomNormal([2, 2, 4, 4], using: &g)
        var body = block.body, shortcut = block.shortcut!
        let expected = zip(body.forward(x, mode: .inference).scalars, shortcut.forward(x, mode: .inference).scalars).map { $0 + $1 }
        let y = block.forward(x, mode: .inference)
        #expect(y.shape == [2, 3, 2, 2] && y.scalars == expected)
        #expect(gradientCheck(block, input: x) < 3e-3)
        let model = Sequential([block])
        #expect(model.namedParameters().map(\.name) == ["0.body.0.weight", "0.body.0.bias", "0.shortcut.0.weight", "0.shortcut.0.bias"])
        let workload = try model.describeWorkload(inputShape: [2, 4, 4])
        #expect(workload.layers.count == 3 && workload.layers.last?.outputShape == [3, 2, 2])
        // The blueprint: shapes must agree; `shortcut` decodes and round-trips.
        let blueprint = ResidualBlueprint(layers: [LayerSpec(LinearBlueprint(out: 4))], shortcut: [LayerSpec(LinearBlueprint(out: 4))])
        var context = LayerBuildContext(path: "model.layers[0]", index: 0, seed: 1)
        #expect(try blueprint.outputShape(for: [6], context: context) == [4])
        #expect(try blueprint.build(for: [6], context: &context).parameterCount() == 2 * (6 * 4 + 4))
        let bad = ResidualBlueprint(layers: [LayerSpec(LinearBlueprint(out: 4))], shortcut: [LayerSpec(LinearBlueprint(out: 5))])
        #expect {
            _ = try bad.outputShape(for: [6], context: context)
        } throws: { error in
            "\(error)".contains("model.layers[0].shortcut") && "\(error)".contains("same shape")
        }
        let decoded = try JSONDecoder().decode(LayerSpec.self, from: Data(
            #"{"type": "residual", "layers": [{"type": "linear", "out": 4}], "shortcut": [{"type": "linear", "out": 4}]}"#.utf8))
        #expect(decoded == LayerSpec(blueprint))
        #expect(try JSONDecoder().decode(LayerSpec.self, from: JSONEncoder().encode(LayerSpec(blueprint))) == LayerSpec(blueprint))
    }
}
