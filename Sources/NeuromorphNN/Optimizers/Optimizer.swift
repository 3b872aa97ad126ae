import Foundation
import NeuromorphCore
import RealModule

/// Updates parameters from their gradients. `slot` is the parameter's position in the
/// model's fixed visiting order and keys the optimizer's per-parameter state.
public protocol Optimizer: Sendable {
    /// The learning rate for the next step (schedules set it each epoch).
    var learningRate: Float { get set }
    mutating func update(_ parameter: inout Parameter, slot: Int)
    /// Called once after every parameter of a step has been updated.
    mutating func finishStep()
    /// The per-parameter state (velocities, moment estimates, step count) as bytes, so a
    /// checkpoint resumes bit-identically. The learning rate is not part of it: the
    /// schedule sets it.
    func encodedState() throws -> Data
    /// Restores a state written by `encodedState()` of the same optimizer kind.
    mutating func restoreState(from data: Data) throws
}

extension Optimizer {
    public mutating func finishStep() {}
}

/// The coding of optimizer states (``StateCoding``). Per-slot dictionaries are written
/// as arrays sorted by slot, so the same state always gives the same bytes.
enum OptimizerStateCoding {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        try StateCoding.encode(value)
    }

    /// One slot's state.
    struct Slot<Value: Codable>: Codable {
        var slot: Int
        var value: Value
    }

    static func sorted<Value: Codable>(_ dictionary: [Int: Value]) -> [Slot<Value>] {
        dictionary.sorted { $0.key < $1.key }.map { Slot(slot: $0.key, value: $0.value) }
    }

    static func dictionary<Value: Codable>(_ slots: [Slot<Value>]) -> [Int: Value] {
        Dictionary(slots.map { ($0.slot, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data, optimizer: String) throws -> T {
        do { return try StateCoding.decode(type, from: data) } catch {
            throw OptimizerStateError(optimizer: optimizer, "the saved state is not a \(optimizer) state: \(error)")
        }
    }
}

/// A saved optimizer state that does not fit the optimizer it is restored into.
public struct OptimizerStateError: UserFacingError, Sendable, Equatable {
    public var optimizer: String
    public var message: String
    public init(optimizer: String, _ message: String) {
        self.optimizer = optimizer
        self.message = message
    }
    public var description: String { "optimizer \(optimizer): \(message)" }
}

/// Stochastic gradient descent with momentum, Nesterov option and L2 weight decay
/// (PyTorch's `torch.optim.SGD` semantics):
/// ```
/// g ← ∇w + λ w;  v ← μ v + g;  w ← w − η (Nesterov ? g + μ v : v)
/// ```
public struct SGD: Optimizer {
    public var learningRate: Float
    public var momentum: Float
    public var weightDecay: Float
    /// Whether weight decay also applies to parameters marked `decays: false` (biases,
    /// LayerNorm gains, embeddings); PyTorch decays every parameter of a group, Neuromorph
    /// by default only weights (spec key `decay_biases`).
    public var decayBiases = false
    public var nesterov: Bool
    private var velocity: [Int: Tensor] = [:]

    public init(learningRate: Float, momentum: Float = 0, weightDecay: Float = 0, nesterov: Bool = false) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
    }

    public mutating func update(_ parameter: inout Parameter, slot: Int) {
        let decay = parameter.decays || decayBiases ? weightDecay : 0
        if momentum == 0 {
            if decay != 0 { parameter.value.apply { $0 * (1 - learningRate * decay) } }
            parameter.value.addScaled(parameter.gradient, by: -learningRate)
            return
        }
        let (eta, mu, nesterov) = (learningRate, momentum, nesterov)
        // The velocity is updated where it lives in the dictionary (no copy per step).
        velocity[slot, default: Tensor.zeros(parameter.value.shape)].scalars.withUnsafeMutableBufferPointer { vp in
            parameter.gradient.scalars.withUnsafeBufferPointer { gp in
                parameter.value.scalars.withUnsafeMutableBufferPointer { wp in
                    if nesterov {
                        for i in wp.indices {
                            let g = gp[i] + decay * wp[i]
                            vp[i] = mu * vp[i] + g
                            wp[i] -= eta * (g + mu * vp[i])
                        }
                    } else {
                        for i in wp.indices {
                            let g = gp[i] + decay * wp[i]
                            vp[i] = mu * vp[i] + g
                            wp[i] -= eta * vp[i]
                        }
                    }
                }
            }
        }
    }

    public func encodedState() throws -> Data { try OptimizerStateCoding.encode(OptimizerStateCoding.sorted(velocity)) }

    public mutating func restoreState(from data: Data) throws {
        velocity = OptimizerStateCoding.dictionary(
            try OptimizerStateCoding.decode([OptimizerStateCoding.Slot<Tensor>].self, from: data, optimizer: "sgd"))
    }
}

/// Adam (Kingma & Ba 2015) with bias correction and optional decoupled weight decay
/// (AdamW, Loshchilov & Hutter 2019) or L2 decay:
/// ```
/// m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  w ← w − η m̂ / (√v̂ + ε)
/// ```
public struct Adam: Optimizer {
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float
    public var decoupledWeightDecay: Bool
    /// Whether weight decay also applies to parameters marked `decays: false` (see ``SGD``).
    public var decayBiases = false
    private var moments: [Int: Moments] = [:]
    private var step = 1

    /// First and second moment estimates of one parameter.
    struct Moments: Codable {
        var m: Tensor
        var v: Tensor
    }

    /// What a checkpoint keeps: the moments and the step count of the bias correction.
    struct State: Codable {
        var moments: [OptimizerStateCoding.Slot<Moments>]
        var step: Int
    }

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0, decoupledWeightDecay: Bool = false) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
    }

    public mutating func update(_ parameter: inout Parameter, slot: Int) {
        // Taken out of the dictionary while it is updated, so its buffers are not copied.
        var entry = moments.removeValue(forKey: slot)
            ?? Moments(m: Tensor.zeros(parameter.value.shape), v: Tensor.zeros(parameter.value.shape))
        defer { moments[slot] = entry }
        let c1 = 1 - Float.pow(beta1, Float(step)), c2 = 1 - Float.pow(beta2, Float(step))
        let decay = parameter.decays || decayBiases ? weightDecay : 0
        let (b1, b2, eps, eta, decoupled) = (beta1, beta2, epsilon, learningRate, decoupledWeightDecay)
        entry.m.scalars.withUnsafeMutableBufferPointer { mp in
            entry.v.scalars.withUnsafeMutableBufferPointer { vp in
                parameter.gradient.scalars.withUnsafeBufferPointer { gp in
                    parameter.value.scalars.withUnsafeMutableBufferPointer { wp in
                        for i in wp.indices {
                            let g = decoupled ? gp[i] : gp[i] + decay * wp[i]
                            mp[i] = b1 * mp[i] + (1 - b1) * g
                            vp[i] = b2 * vp[i] + (1 - b2) * g * g
                            if decoupled { wp[i] -= eta * decay * wp[i] }
                            wp[i] -= eta * (mp[i] / c1) / ((vp[i] / c2).squareRoot() + eps)
                        }
                    }
                }
            }
        }
    }

    public mutating func finishStep() { step += 1 }

    public func encodedState() throws -> Data {
        try OptimizerStateCoding.encode(State(moments: OptimizerStateCoding.sorted(moments), step: step))
    }

    public mutating func restoreState(from data: Data) throws {
        let state = try OptimizerStateCoding.decode(State.self, from: data, optimizer: "adam")
        moments = OptimizerStateCoding.dictionary(state.moments)
        step = state.step
    }
}

/// RMSprop (Hinton 2012; PyTorch semantics): `s ← ρ s + (1−ρ) g²;  w ← w − η g / (√s + ε)`.
public struct RMSprop: Optimizer {
    public var learningRate: Float
    public var rho: Float
    public var epsilon: Float
    public var weightDecay: Float
    /// Whether weight decay also applies to parameters marked `decays: false` (see ``SGD``).
    public var decayBiases = false
    private var squares: [Int: Tensor] = [:]

    public init(learningRate: Float = 1e-2, rho: Float = 0.99, epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.rho = rho
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    public mutating func update(_ parameter: inout Parameter, slot: Int) {
        let decay = parameter.decays || decayBiases ? weightDecay : 0
        let (r, eps, eta) = (rho, epsilon, learningRate)
        // The running average is updated where it lives in the dictionary (no copy per step).
        squares[slot, default: Tensor.zeros(parameter.value.shape)].scalars.withUnsafeMutableBufferPointer { sp in
            parameter.gradient.scalars.withUnsafeBufferPointer { gp in
                parameter.value.scalars.withUnsafeMutableBufferPointer { wp in
                    for i in wp.indices {
                        let g = gp[i] + decay * wp[i]
                        sp[i] = r * sp[i] + (1 - r) * g * g
                        wp[i] -= eta * g / (sp[i].squareRoot() + eps)
                    }
                }
            }
        }
    }

    public func encodedState() throws -> Data { try OptimizerStateCoding.encode(OptimizerStateCoding.sorted(squares)) }

    public mutating func restoreState(from data: Data) throws {
        squares = OptimizerStateCoding.dictionary(
            try OptimizerStateCoding.decode([OptimizerStateCoding.Slot<Tensor>].self, from: data, optimizer: "rmsprop"))
    }
}
