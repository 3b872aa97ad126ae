import Foundation
import NeuromorphCore

/// Whether a forward pass trains (caches activations for the backward pass, applies
/// dropout) or only infers.
public enum ExecutionMode: Sendable {
    case training, inference
}

/// A trainable tensor with its gradient.
public struct Parameter: Sendable, Codable {
    /// A stable name within its layer (`weight`, `bias`, …), used in checkpoints and `.npy` export.
    public let name: String
    /// The current value.
    public var value: Tensor
    /// dLoss/dValue from the last backward pass (overwritten, not accumulated).
    public var gradient: Tensor
    /// Whether weight decay applies (weights yes, biases no, as in common practice).
    public var decays: Bool

    public init(name: String, value: Tensor, decays: Bool = true) {
        self.name = name
        self.value = value
        self.gradient = Tensor.zeros(value.shape)
        self.decays = decays
    }
}

/// A differentiable network layer with the three steps kept separate and overridable:
///
/// 1. `forward(_:mode:)` computes the output (and in training mode caches what the
///    backward pass needs);
/// 2. `backward(_:)` turns dLoss/dOutput into dLoss/dInput and stores the parameter
///    gradients;
/// 3. `update(with:slot:)` changes the parameters. The default hands each parameter to
///    the optimizer; an analog layer overrides it to apply a pulsed crossbar update
///    (aihwkit's `AnalogLinear` + `AnalogSGD`), reading the learning rate from the
///    optimizer.
public protocol Layer: Sendable {
    /// A short human-readable summary (`Linear(784 → 256)`).
    var summary: String { get }
    mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor
    mutating func backward(_ outputGradient: Tensor) -> Tensor
    /// The backward pass when the caller may not need dLoss/dInput (the first layer of a
    /// network): layers with parameters then skip that product and return an empty tensor.
    mutating func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor
    mutating func update<O: Optimizer>(with optimizer: inout O, slot: inout Int)
    /// Visits every parameter in a fixed order (optimizers, checkpoints, export).
    mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows
    /// Whether the layer has trainable parameters (lets a network skip the backward pass
    /// of the layers in front of its first trainable one).
    var hasParameters: Bool { get }
}

extension Layer {
    public mutating func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        backward(outputGradient)
    }

    public mutating func update<O: Optimizer>(with optimizer: inout O, slot: inout Int) {
        forEachParameter { parameter in
            optimizer.update(&parameter, slot: slot)
            slot += 1
        }
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {}

    public var hasParameters: Bool {
        var copy = self
        var has = false
        copy.forEachParameter { _ in has = true }
        return has
    }

    /// Inference-mode forward pass.
    public mutating func callAsFunction(_ input: Tensor) -> Tensor { forward(input, mode: .inference) }

    /// The number of trainable scalars (digital parameters and device-held weights, at
    /// any depth).
    public func parameterCount() -> Int { trainableScalarCount() }
}

/// A layer with state beyond its parameters that a checkpoint must keep for an exact
/// resume: device conductances and sampled device parameters of analog tiles, random
/// streams of noisy layers. Checkpoints find such layers by walking the model
/// (``Layer/forEachLayer(_:)``), at any depth.
public protocol StatefulLayer: Layer {
    /// The full state as bytes.
    func encodedState() throws -> Data
    /// Restores a state written by `encodedState()` of an identically configured layer.
    mutating func restoreState(from data: Data) throws
}

/// A layer whose weights live in a physical medium (device conductances on crossbar
/// tiles), not in a digital ``Parameter``: an optimizer never writes them. They are read
/// for export and checkpoints, and changed only by an explicit programming call (initial
/// weights, `--initial-weights`, loading a checkpoint), never behind the optimizer's back.
public protocol ProgrammedLayer: Layer {
    /// The effective weights by name (`weight`), read from the devices, in a fixed order.
    var programmedWeights: [(name: String, value: Tensor)] { get }
    /// Programs the named weights onto the devices (clipped to their bounds); throws for
    /// an unknown name or a wrong shape.
    mutating func program(_ name: String, to value: Tensor) throws
}

/// A programmed weight that does not exist or does not fit.
public struct ProgrammingError: UserFacingError, Sendable, Equatable {
    public var layer: String
    public var message: String
    public init(layer: String, _ message: String) {
        self.layer = layer
        self.message = message
    }
    public var description: String { "\(layer): \(message)" }
}
