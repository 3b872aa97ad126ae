import Foundation
import Testing
@testable import NeuromorphCore
@testable import NeuromorphNN

/// The exact GELU and the `layer_norm` / `gelu` blueprints that ONNX import uses for
/// PyTorch's `nn.GELU()` and `nn.LayerNorm` (issue 18).
@Suite("Exact GELU and layer_norm blueprint")
struct ExactGELUTests {
    @Test("x Φ(x) at closed-form points; the tanh approximation differs by < 1e-3")
    func values() {
        // GELU(1) = Φ(1) = 0.841344746…; GELU(−1) = −(1 − Φ(1)) = −0.158655254…; GELU(0) = 0.
        #expect(abs(ExactGELU.value(1) - 0.841_344_7) < 1e-6)
        #expect(abs(ExactGELU.value(-1) + 0.158_655_25) < 1e-6)
        #expect(ExactGELU.value(0) == 0)
        // Hendrycks & Gimpel's tanh form is an approximation: close, not equal.
        let worst = stride(from: -4.0, through: 4.0, by: 0.05).map { abs(ExactGELU.value(Float($0)) - GELU.value(Float($0))) }.max() ?? 1
        #expect(worst > 1e-5 && worst < 1e-3, "max |exact − tanh| = \(worst)")
    }

    @Test("backward matches central finite differences")
    func gradient() {
        var g = SeededGenerator(seed: 8)
        #expect(gradientCheck(ExactGELU(), input: Tensor.randomNormal([3, 7], using: &g), epsilon: 1e-3) < 3e-3)
    }

    @Test("layer_norm normalizes the last axis with ε; gelu builds the exact or tanh layer")
    func blueprints() throws {
        var context = LayerBuildContext(path: "model.layers[0]", index: 0, seed: 1)
        let norm = try LayerNormBlueprint(epsilon: 1e-3).build(for: [4, 6], context: &context)
        #expect((norm as? LayerNorm)?.features == 6)
        #expect((norm as? LayerNorm)?.epsilon == 1e-3)
        #expect(try GELUBlueprint().build(for: [5], context: &context) is ExactGELU)
        #expect(try GELUBlueprint(approximate: .tanh).build(for: [5], context: &context) is GELU)
        let decoded = try JSONDecoder().decode(LayerSpec.self, from: Data(#"{"type": "gelu", "approximate": "none"}"#.utf8))
        #expect(decoded == LayerSpec(GELUBlueprint(approximate: .exact)))
        #expect(throws: (any Error).self) {
            _ = try JSONDecoder().decode(LayerSpec.self, from: Data(#"{"type": "layer_norm", "epsilon": -1}"#.utf8))
        }
    }
}
