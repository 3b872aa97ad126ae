import Foundation
import NeuromorphCore
import NeuromorphNN

/// Stochastic binary neurons `z ∈ {−1, +1}` with a straight-through gradient on their mean
/// (spec §1.3 defaults [I]):
/// ```
/// erf (S2M, Neftci Eq. 3):     P(z = 1) = ½(1 + erf(u)),  E[z] = erf(u),     ∂E/∂u = (2/√π) e^{−u²}
/// sigmoid (the SNN baseline):  P(z = 1) = σ(u),           E[z] = tanh(u/2), ∂E/∂u = 2σ(u)(1 − σ(u))
/// ```
/// Training always samples `z` from `P` (the layer's seeded stream); at inference
/// `sampling` chooses between sampling and the deterministic sign `z = Θ(u)` (`+1` at
/// `u ≥ 0`), which is what S2M neurons do behind sampled synapses.
public struct StochasticSign: Layer {
    public enum Firing: String, Sendable, Codable {
        case erf, sigmoid
    }

    public let firing: Firing
    /// Whether inference samples `z ~ P(u)` (true) or takes `sign(u)` (false).
    public var sampling: Bool
    public var generator: SeededGenerator
    private var cachedInput = Tensor.zeros([0])

    public init(_ firing: Firing, sampling: Bool = true, generator: SeededGenerator) {
        self.firing = firing
        self.sampling = sampling
        self.generator = generator
    }

    public var summary: String { "stochastic_sign(\(firing.rawValue)\(sampling ? "" : ", deterministic at inference"))" }

    /// `P(z = 1 | u)`.
    @inline(__always)
    public static func probability(_ u: Float, _ firing: Firing) -> Float {
        switch firing {
        case .erf: 0.5 * (1 + Foundation.erf(u))
        case .sigmoid: 1 / (1 + Foundation.exp(-u))
        }
    }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        var output = input
        let sample = mode == .training || sampling
        let firing = self.firing
        var g = generator
        output.scalars.withUnsafeMutableBufferPointer { p in
            if sample {
                for i in p.indices { p[i] = g.nextUniform() < Self.probability(p[i], firing) ? 1 : -1 }
            } else {
                for i in p.indices { p[i] = p[i] >= 0 ? 1 : -1 }
            }
        }
        generator = g
        if mode == .training { cachedInput = input }
        return output
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        precondition(cachedInput.count == outputGradient.count, "StochasticSign.backward: call forward(mode: .training) first")
        var gradient = outputGradient
        let twoOverRootPi = Float(2 / Double.pi.squareRoot())
        gradient.scalars.withUnsafeMutableBufferPointer { g in
            cachedInput.scalars.withUnsafeBufferPointer { u in
                switch firing {
                case .erf: for i in g.indices { g[i] *= twoOverRootPi * Foundation.exp(-u[i] * u[i]) }
                case .sigmoid:
                    for i in g.indices {
                        let s = 1 / (1 + Foundation.exp(-u[i]))
                        g[i] *= 2 * s * (1 - s)
                    }
                }
            }
        }
        return gradient
    }
}

/// The S2M input encoding (spec §1.3 [I]): `z₀ = Θ(2x − 1 + ε)` ∈ {±1} with
/// `ε ~ N(0, σ²)` drawn per presentation in training; no noise at inference.
public struct NoisyBinarizer: Layer {
    public var noise: Float
    public var generator: SeededGenerator

    public init(noise: Float = 0.3, generator: SeededGenerator) {
        self.noise = noise
        self.generator = generator
    }

    public var summary: String { "binarize(2x − 1 + N(0, \(noise)²))" }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        var output = input
        let sigma = mode == .training ? noise : 0
        var g = generator
        output.scalars.withUnsafeMutableBufferPointer { p in
            for i in p.indices {
                let e = sigma > 0 ? sigma * g.nextNormal() : 0
                p[i] = 2 * p[i] - 1 + e >= 0 ? 1 : -1
            }
        }
        generator = g
        return output
    }

    /// The input is data: nothing to propagate.
    public mutating func backward(_ outputGradient: Tensor) -> Tensor { Tensor.zeros([0]) }
}
