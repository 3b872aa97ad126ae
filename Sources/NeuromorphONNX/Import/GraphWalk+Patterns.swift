import Foundation
import NeuromorphCore

/// A chain of elementwise operators that together compute one activation, as exporters write
/// it when the opset has no operator for it (PyTorch's GELUs below opset 20).
struct ElementwisePattern: Sendable {
    /// One operator of the pattern, reading the previous operator's output `p` (and `x`, the
    /// pattern's input).
    enum Stage: Sendable {
        /// `op(p, c)` with a scalar constant `c` (either side, except for `Div`: `p / c`).
        case constant(String, Float)
        /// `op(p, x)` (either side).
        case input(String)
        /// `op(p)`.
        case unary(String)
    }

    /// For the error messages: "the exact-GELU".
    var name: String
    /// What the pattern looks like, for the error messages.
    var description: String
    /// The ways it can start (on `p = x`), each with the stage it continues at.
    var starts: [(stage: Stage, next: Int)]
    /// The stages; `stages[i]` matches the `i`-th operator after the start (index 0 unused).
    var stages: [Stage]
    /// What the matched operators compute.
    var step: ImportedModel.Step

    var startOperator: String {
        switch starts[0].stage {
        case let .constant(op, _), let .input(op), let .unary(op): op
        }
    }

    /// PyTorch's exact `nn.GELU()`, `x · (1 + erf(x/√2)) · 0.5` (Hendrycks & Gimpel 2016, Eq. 1).
    static let erfGELU = ElementwisePattern(
        name: "an exact-GELU",
        description: "Div(x, √2) → Erf → Add(·, 1) → Mul(x, ·) → Mul(·, 0.5) (PyTorch's nn.GELU()) or a Gelu node (opset 20)",
        starts: [(.constant("Div", Float(2.0.squareRoot())), 1), (.constant("Mul", Float(0.5.squareRoot())), 1)],
        stages: [.unary(""), .unary("Erf"), .constant("Add", 1), .input("Mul"), .constant("Mul", 0.5)],
        step: .gelu(tanh: false))

    /// PyTorch's `nn.GELU(approximate='tanh')`, `0.5 · x · (1 + tanh(√(2/π)(x + 0.044715 x³)))`
    /// (Hendrycks & Gimpel 2016, §2), as written below opset 20: `x·x`, `·x`, `·0.044715`, `x +`,
    /// `·√(2/π)`, `Tanh`, `+ 1`, `x ·`, `· 0.5` (or `Pow(x, 3)` for the first two).
    static let tanhGELU = ElementwisePattern(
        name: "a tanh-GELU",
        description: "Mul(x, x) → Mul(x, ·) (or Pow(x, 3)) → Mul(·, 0.044715) → Add(x, ·) → Mul(·, √(2/π)) → Tanh → Add(·, 1) "
            + "→ Mul(x, ·) → Mul(·, 0.5) (PyTorch's nn.GELU(approximate='tanh')) or a Gelu node (opset 20)",
        starts: [(.input("Mul"), 1), (.constant("Pow", 3), 2)],
        stages: [.unary(""), .input("Mul"), .constant("Mul", 0.044715), .input("Add"), .constant("Mul", Float((2 / Double.pi).squareRoot())),
                 .unary("Tanh"), .constant("Add", 1), .input("Mul"), .constant("Mul", 0.5)],
        step: .gelu(tanh: true))

    static let all = [erfGELU, tanhGELU]
}

extension GraphWalk {
    /// Whether `node` is `stage` applied to `previous` (and the pattern input `x`).
    func matches(_ stage: ElementwisePattern.Stage, _ node: Onnx_NodeProto, _ index: Int, previous: String, x: String) -> Bool {
        func scalar(_ name: String) -> Float? {
            guard let t = constants[name], let v = try? t.floatTensor({ error(node, index, $0) }), v.count == 1 else { return nil }
            return v.scalars[0]
        }
        /// The other input of a two-input node whose one input is `previous`.
        var other: String? {
            guard node.input.count == 2, node.input.contains(previous) else { return nil }
            return node.input[0] == previous ? node.input[1] : node.input[0]
        }
        func near(_ value: Float?, _ target: Float) -> Bool { value.map { abs($0 - target) <= 1e-6 * max(1, abs(target)) } ?? false }
        switch stage {
        case let .constant(op, value):
            guard node.opType == op else { return false }
            if op == "Div" || op == "Pow" { return node.input.count == 2 && node.input[0] == previous && near(scalar(node.input[1]), value) }
            return other.map { near(scalar($0), value) } ?? false
        case let .input(op): return node.opType == op && other == x
        case let .unary(op): return node.opType == op && node.input == [previous]
        }
    }

    /// Matches the GELU decompositions of ``ElementwisePattern/all`` on the chain. Returns
    /// whether `node` belongs to one; an operator that breaks a started pattern throws, naming
    /// that operator and the one that started the pattern.
    mutating func matchPattern(_ node: Onnx_NodeProto, _ index: Int) throws -> Bool {
        guard let output = node.output.first, !output.isEmpty else { return false }
        guard let pending = pendingPattern else {
            for pattern in ElementwisePattern.all {
                if let start = pattern.starts.first(where: { matches($0.stage, node, index, previous: current, x: current) }) {
                    pendingPattern = (pattern, current, node.name.isEmpty ? "#\(index)" : node.name, start.next, output)
                    return true
                }
            }
            return false
        }
        let pattern = pending.pattern
        guard matches(pattern.stages[pending.stage], node, index, previous: pending.last, x: pending.x) else {
            throw error(node, index, "interrupts \(pattern.name) pattern started at node '\(pending.start)' after \(pending.stage) of its "
                        + "operators; Neuromorph recognises \(pattern.description)")
        }
        if pending.stage + 1 < pattern.stages.count {
            pendingPattern = (pattern, pending.x, pending.start, pending.stage + 1, output)
            return true
        }
        pendingPattern = nil
        steps.append(pattern.step)
        current = output
        currentIsWeightOutput = false
        shortcuts[output] = (steps.count, shape)
        return true
    }
}
