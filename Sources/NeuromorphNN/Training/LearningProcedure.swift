import NeuromorphCore

/// How a model learns from one batch. ``Trainer`` is generic over it: backpropagation
/// today; Equilibrium Propagation and local plasticity rules (STDP, BCPNN) conform by
/// filling each ``Parameter/gradient`` with their own estimate (the optimizer then applies
/// it) or by changing the weights directly.
public protocol LearningProcedure: Sendable {
    /// A short name for logs and results (`backpropagation`).
    var name: String { get }
    /// One learning step on a batch: changes the model (through `optimizer` or directly)
    /// and returns the model's training-mode output on the batch and the batch loss.
    mutating func step<M: Layer, O: Optimizer>(_ model: inout M, optimizer: inout O, objective: any Objective,
                                               inputs: Tensor, target: LossTarget) -> (output: Tensor, loss: Float)
}

/// Error backpropagation: forward in training mode, the objective's loss gradient,
/// backward through every layer (`needsInputGradient: false` at the input), then one
/// update of every layer — digital parameters through the optimizer, analog layers by
/// their pulsed update.
public struct Backpropagation: LearningProcedure {
    public init() {}
    public var name: String { "backpropagation" }

    public mutating func step<M: Layer, O: Optimizer>(_ model: inout M, optimizer: inout O, objective: any Objective,
                                                      inputs: Tensor, target: LossTarget) -> (output: Tensor, loss: Float) {
        let output = model.forward(inputs, mode: .training)
        let (value, gradient) = objective.loss(output, target)
        _ = model.backward(gradient, needsInputGradient: false)
        var slot = 0
        model.update(with: &optimizer, slot: &slot)
        optimizer.finishStep()
        return (output, value)
    }
}
