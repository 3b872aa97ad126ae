import NeuromorphCore
import NeuromorphNN

/// The activation schedule that turns a ReLU network into a binary (spiking) one
/// (Appuswamy et al. 2016 §4; BM §3; learning-rules note §1.4):
///
/// - `relu`: `y = max(x, 0)`, the start of training;
/// - `noisyReLU(width)`: the bounded noisy ReLU `y = clip(x + η, 0, 1)` with
///   `η ~ U(−width/2, width/2)` drawn fresh in training (zero-mean uniform noise whose range
///   grows during training); inference uses `clip(x, 0, 1)`;
/// - `threshold`: the binary neuron `y = 1{x ≥ 0.5}` ([I] threshold at 0.5, the midpoint of
///   the bounded ReLU).
///
/// The backward pass of the bounded stages is always the saturating-ReLU gradient
/// `1{0 < x + η < 1}` (η = 0 for the threshold: a straight-through estimator over the
/// linear range).
public struct BinarizingActivation: Layer {
    public enum Mode: Sendable, Equatable {
        case relu
        case noisyReLU(width: Float)
        case threshold
    }

    public var mode: Mode
    /// The threshold of the binary neuron.
    public static let threshold: Float = 0.5
    private var generator: SeededGenerator
    private var cachedPreActivation = Tensor.zeros([0])

    /// - Parameters:
    ///   - seed, layer: key the noise stream (`truenorth/noise/<layer>`).
    public init(_ mode: Mode = .relu, seed: UInt64, layer: Int) {
        self.mode = mode
        generator = SeededGenerator(seed: seed, key: StreamKey("truenorth", "noise", "\(layer)"))
    }

    public var summary: String {
        switch mode {
        case .relu: "relu"
        case .noisyReLU(let width): "noisy_relu(width \(width))"
        case .threshold: "threshold(0.5)"
        }
    }

    public mutating func forward(_ input: Tensor, mode executionMode: ExecutionMode) -> Tensor {
        var output = input
        var shifted = input
        switch mode {
        case .relu:
            output.apply { Swift.max($0, 0) }
        case .noisyReLU(let width):
            if executionMode == .training && width > 0 {
                shifted.scalars.withUnsafeMutableBufferPointer { p in
                    for i in p.indices { p[i] += (generator.nextUniform() - 0.5) * width }
                }
            }
            output = shifted.map { Swift.min(Swift.max($0, 0), 1) }
        case .threshold:
            output.apply { $0 >= Self.threshold ? 1 : 0 }
        }
        if executionMode == .training { cachedPreActivation = shifted }
        return output
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        precondition(cachedPreActivation.count == outputGradient.count,
                     "BinarizingActivation.backward: call forward(mode: .training) first")
        var gradient = outputGradient
        let bounded = mode != .relu
        gradient.scalars.withUnsafeMutableBufferPointer { g in
            cachedPreActivation.scalars.withUnsafeBufferPointer { x in
                for i in g.indices where !(x[i] > 0 && (!bounded || x[i] < 1)) { g[i] = 0 }
            }
        }
        return gradient
    }
}
