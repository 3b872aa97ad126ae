import Foundation

/// SpiNNaker's weight representation as Steffen et al. describe it (digest snn-robotics
/// Article 1 §1.2(c), Table 1; spiking note §1.3 "SpiNNaker weight mode", §2.2):
/// weights are 16-bit unsigned integers scaled by a power of two, so the largest `w_max`
/// the representation holds is clamped from 4000 µS to **63 µS**, and the weights read
/// back are multiplied by `f_scale = 4000/63 = 63.492…` ("not entirely correct", the paper
/// admits: the STDP increments are scaled as well).
///
/// ```
/// LSB = 2^⌈log2(w_max / 65535)⌉ µS          (63 µS → 2^−10 µS = 0.9765625 nS)
/// code(w) = clamp(round(w / LSB), 0, 65535)   decode(code) = code · LSB
/// ```
///
/// Weights here are in NEST units (nS); the power of two is taken in PyNN's µS, as
/// sPyNNaker computes it.
public struct SpiNNakerWeights: Sendable, Equatable {
    /// The paper's `w_max` before the clamp (µS).
    public static let paperMaximum: Double = 4000
    /// The clamp (µS).
    public static let clampedMaximum: Double = 63
    /// `f_scale = 4000/63`.
    public static let rescale: Double = paperMaximum / clampedMaximum

    /// The largest weight represented (nS).
    public let maximum: Double
    /// One least significant bit (nS).
    public let lsb: Double

    /// The representation for weights up to `maximum` nS (default 63 µS).
    public init(maximum: Double = clampedMaximum * 1000) {
        self.maximum = maximum
        let lsbMicro = Foundation.pow(2, (Foundation.log2(maximum / 1000 / 65535)).rounded(.up))
        self.lsb = lsbMicro * 1000
    }

    /// The 16-bit code of `w` nS (rounded to nearest, saturated).
    @inline(__always)
    public func code(_ w: Float) -> UInt16 {
        UInt16(Swift.min(65535, Swift.max(0, (Double(w) / lsb).rounded())))
    }

    /// The weight (nS) a code stands for.
    @inline(__always)
    public func decode(_ code: UInt16) -> Float { Float(Double(code) * lsb) }

    /// `w` rounded to the representable grid.
    @inline(__always)
    public func quantize(_ w: Float) -> Float { decode(code(w)) }
}

/// ``PairSTDP`` with every weight it writes rounded to SpiNNaker's 16-bit grid
/// (``SpiNNakerWeights``): the rule of the wavefront planner's SpiNNaker mode.
public struct QuantizedPairSTDP: PlasticityRule, Equatable {
    public var rule: PairSTDP
    public var weights: SpiNNakerWeights

    public init(_ rule: PairSTDP, weights: SpiNNakerWeights) {
        self.rule = rule; self.weights = weights
    }

    public typealias State = PairSTDP.State

    public func makeState(pre: Int, post: Int, synapses: Int) -> State {
        rule.makeState(pre: pre, post: post, synapses: synapses)
    }

    public func validate(initialWeights: [Float]) throws {
        try rule.validate(initialWeights: initialWeights)
        if let bad = initialWeights.first(where: { weights.quantize($0) != $0 }) {
            throw SpikingParameterError(type: "stdp_synapse (SpiNNaker weights)", field: "weight", value: "\(bad)",
                                    expected: "a multiple of the 16-bit LSB \(weights.lsb) nS")
        }
    }

    public func presynapticSpike(_ state: inout State, pre: Int, step: Int, dt: Double, synapses: Range<Int>,
                                 targets: UnsafePointer<Int32>, delays: UnsafePointer<Int32>,
                                 weights w: UnsafeMutablePointer<Float>) -> Int {
        let updates = rule.presynapticSpike(&state, pre: pre, step: step, dt: dt, synapses: synapses, targets: targets,
                                            delays: delays, weights: w)
        for s in synapses { w[s] = weights.quantize(w[s]) }
        return updates
    }

    public func postsynapticSpike(_ state: inout State, post: Int, step: Int, dt: Double,
                                  incoming: UnsafeBufferPointer<Int32>, sources: UnsafeBufferPointer<Int32>,
                                  weights w: UnsafeMutablePointer<Float>) -> Int {
        let updates = rule.postsynapticSpike(&state, post: post, step: step, dt: dt, incoming: incoming, sources: sources, weights: w)
        for s in incoming { w[Int(s)] = weights.quantize(w[Int(s)]) }
        return updates
    }
}
