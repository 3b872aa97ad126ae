import Foundation
import NeuromorphCore

/// A side branch of the chain: operators applied to an earlier chain tensor `origin` while the
/// chain goes on (ResNet's projection shortcut `downsample(x)`), joined by a residual `Add`.
struct Branch {
    /// The chain tensor it starts from.
    var origin: String
    /// The node that started it, for errors.
    var start: String
    var startOperator: String
    var steps: [ImportedModel.Step] = []
    var shape: [Int]
    var isWeightOutput = false
}

extension GraphWalk {
    /// Applies `node` to the branch whose current tensor is `tensor` (or starts a branch from
    /// the earlier chain tensor `tensor`), with the same operator rules as the chain.
    mutating func visitBranch(_ node: Onnx_NodeProto, _ index: Int, from tensor: String, dataInput: Int) throws {
        guard let output = node.output.first, !output.isEmpty else { throw error(node, index, "has no output") }
        let name = node.name.isEmpty ? "#\(index)" : node.name
        guard var branch = branches.removeValue(forKey: tensor)
                ?? shortcuts[tensor].map({ Branch(origin: tensor, start: name, startOperator: node.opType, shape: $0.shape) }) else {
            throw error(node, index, "reads '\(tensor)', which is neither the chain's output nor a branch of it")
        }
        let main = (current: current, shape: shape, steps: steps, isWeightOutput: currentIsWeightOutput)
        (current, shape, steps, currentIsWeightOutput) = (tensor, branch.shape, branch.steps, branch.isWeightOutput)
        defer { (current, shape, steps, currentIsWeightOutput) = main }
        if node.opType != "Add" && node.opType != "MatMul" && dataInput != 0 {
            throw error(node, index, "takes the computed tensor as input \(dataInput); expected it as input 0")
        }
        branch.isWeightOutput = try apply(node, index, dataInput: dataInput)
        (branch.steps, branch.shape) = (steps, shape)
        branches[output] = branch
    }

    /// `Add` of the chain's output and the branch `branch` (output tensor `output`) from an
    /// earlier chain tensor: the chain's steps since that tensor become the body, the branch
    /// the shortcut of a residual block, `y = body(x) + shortcut(x)` (He et al. 2016, Eq. 2).
    mutating func projectionAdd(_ node: Onnx_NodeProto, _ index: Int, branch: Branch, output: String) throws {
        guard let start = shortcuts[branch.origin] else {
            throw error(node, index, "adds the branch from '\(branch.origin)' to the chain, but that tensor was folded into a layer by a bias "
                        + "Add or BatchNormalization; the shortcut must start at an output of the chain")
        }
        guard branch.shape == shape else {
            throw error(node, index, "adds [N, \(branch.shape.map(String.init).joined(separator: ", "))] ('\(output)') and "
                        + "[N, \(shape.map(String.init).joined(separator: ", "))] ('\(current)'); a residual Add needs equal shapes "
                        + "(no broadcasting)")
        }
        let body = Array(steps[start.steps...])
        steps.removeSubrange(start.steps...)
        steps.append(.projectionResidual(body: body, shortcut: branch.steps))
        shortcuts = shortcuts.filter { $0.value.steps <= start.steps }
        notes.append("Add '\(node.name)' of '\(current)' and the branch '\(output)' from '\(branch.origin)' imported as a residual block "
                     + "of \(body.count) layers with a \(branch.steps.count)-layer projection shortcut")
    }
}
