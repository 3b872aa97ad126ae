import Foundation
import NeuromorphCore

/// Bayesian-neural-network weight sampling on two crossbars (Malhotra 2020, Yang 2020;
/// digest bayesian-hardware §1.3(m), Eq. 22): one array holds μ, the other σ, whose inputs
/// are scaled by fresh N(0, 1) numbers, one per synapse:
/// `f(x, w_j) = Σ_k x_k μ_jk + Σ_k x_k σ_jk ε_jk`, so `E f = Σ x μ` and `Var f = Σ x² σ²`.
public struct GaussianWeightCrossbar: Sendable, Equatable {
    public let mean: [[Double]]
    public let deviation: [[Double]]

    public init(mean: [[Double]], deviation: [[Double]]) throws {
        guard mean.count == deviation.count, zip(mean, deviation).allSatisfy({ $0.count == $1.count }),
              deviation.joined().allSatisfy({ $0 >= 0 }) else {
            throw BayesianError(field: "deviation", value: "shape or sign", expected: "the shape of mean, entries ≥ 0")
        }
        self.mean = mean
        self.deviation = deviation
    }

    /// One stochastic forward pass.
    public func sample(_ x: [Double], using generator: inout SeededGenerator) -> [Double] {
        mean.indices.map { j in
            x.indices.reduce(0) { $0 + x[$1] * (mean[j][$1] + deviation[j][$1] * generator.nextNormalDouble()) }
        }
    }
}

/// A compound memristive synapse of M bistable devices, `W = ω·m` (Bill & Legenstein 2014;
/// digest bayesian-hardware §1.3(p), Eq. 25–26): at each postsynaptic spike, if the
/// presynaptic input is active each of the `M − m` off devices switches on with probability
/// `π_up`; otherwise each of the `m` on devices switches off with probability `π_down`
/// (the LTD term also gated by the post spike, as the text says). With input active with
/// probability q, `E[m/M] → q π_up / (q π_up + (1 − q) π_down)`.
public struct CompoundSynapse: Sendable, Equatable {
    public let devices: Int
    public let switchOn: Double
    public let switchOff: Double
    public private(set) var active: Int

    public init(devices: Int, switchOn: Double, switchOff: Double, active: Int = 0) throws {
        guard devices >= 1 else { throw BayesianError(field: "devices", value: "\(devices)", expected: "≥ 1") }
        for (name, p) in [("switchOn", switchOn), ("switchOff", switchOff)] where !(p.isFinite && (0...1).contains(p)) {
            throw BayesianError(field: name, value: "\(p)", expected: "a probability in [0, 1]")
        }
        self.devices = devices
        self.switchOn = switchOn
        self.switchOff = switchOff
        self.active = Swift.min(Swift.max(0, active), devices)
    }

    /// The normalised weight `m/M` (= μ of the Gaussian, Eq. 31).
    public var normalizedWeight: Double { Double(active) / Double(devices) }

    /// The update at one postsynaptic spike with presynaptic input `input`.
    public mutating func postsynapticSpike(input: Bool, using generator: inout SeededGenerator) {
        if input {
            var on = 0
            for _ in 0..<(devices - active) where generator.nextUniformDouble() < switchOn { on += 1 }
            active += on
        } else {
            var off = 0
            for _ in 0..<active where generator.nextUniformDouble() < switchOff { off += 1 }
            active -= off
        }
    }

    /// The stationary mean of `m/M` for input probability `q`.
    public func stationaryWeight(inputProbability q: Double) -> Double {
        q * switchOn / (q * switchOn + (1 - q) * switchOff)
    }
}
