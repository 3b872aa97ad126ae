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

    /// `Concat` on axis 1 of the chain's output and branches (or the tensor itself) that all start
    /// at one earlier chain tensor `x`: the chain's steps since `x` and each branch's steps become
    /// the branches of a ``Concatenation``, `y = [B₁(x), B₂(x), …]`, in the `Concat`'s input order.
    mutating func concatBranches(_ node: Onnx_NodeProto, _ index: Int, _ inputs: [String]) throws {
        let rank = shape.count + 1
        let axis = node.int("axis", default: 1)
        guard axis == 1 || axis == 1 - rank else {
            throw error(node, index, "concatenates on axis \(axis) of [N, \(shape.map(String.init).joined(separator: ", "))]; Neuromorph's concat "
                        + "joins the channel (or feature) axis 1 only")
        }
        guard inputs.contains(current) else {
            throw error(node, index, "concatenates \(inputs.map { "'\($0)'" }.joined(separator: ", ")), none of which is the output of the "
                        + "previous operator ('\(current)'); Neuromorph imports a Concat of branches from one chain tensor")
        }
        var origins: [String] = []
        for input in inputs where input != current {
            if let branch = branches[input] { origins.append(branch.origin) } else if shortcuts[input] != nil { origins.append(input) } else {
                throw error(node, index, "concatenates '\(input)', which is neither a branch of the chain nor an earlier chain tensor")
            }
        }
        guard let origin = origins.first, origins.allSatisfy({ $0 == origin }), let start = shortcuts[origin] else {
            throw error(node, index, "concatenates branches from different tensors (\(Set(origins).sorted())); Neuromorph's concat "
                        + "applies every branch to one input")
        }
        var parts: [(steps: [ImportedModel.Step], shape: [Int])] = []
        for input in inputs {
            if input == current {
                parts.append((Array(steps[start.steps...]), shape))
            } else if let branch = branches.removeValue(forKey: input) {
                parts.append((branch.steps, branch.shape))
            } else {
                parts.append(([], start.shape))
            }
        }
        for part in parts where part.shape.count != shape.count || part.shape.dropFirst() != shape.dropFirst() {
            throw error(node, index, "concatenates [N, \(part.shape.map(String.init).joined(separator: ", "))] and [N, "
                        + "\(shape.map(String.init).joined(separator: ", "))]; the inputs may differ on axis 1 only")
        }
        steps.removeSubrange(start.steps...)
        steps.append(.concat(parts.map(\.steps)))
        shape = [parts.reduce(0) { $0 + $1.shape[0] }] + shape.dropFirst()
        shortcuts = shortcuts.filter { $0.value.steps <= start.steps }
        notes.append("Concat '\(node.name)' of \(inputs.count) branches from '\(origin)' imported as a concat block")
    }
}
