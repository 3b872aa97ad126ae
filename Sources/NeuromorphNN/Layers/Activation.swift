import NeuromorphCore
import RealModule

/// The element-wise nonlinearities.
public enum ActivationKind: String, Sendable, Codable, CaseIterable {
    case relu, sigmoid, tanh
    /// `clamp(0.2·x + 0.5, 0, 1)`: the Keras/TensorFlow hard sigmoid and ONNX `HardSigmoid`
    /// with its default α = 0.2, β = 0.5 (not PyTorch's, see ``hardSigmoidTorch``).
    case hardSigmoid = "hard_sigmoid"
    /// `clamp(x/6 + 0.5, 0, 1)`: PyTorch's `nn.Hardsigmoid` (ONNX `HardSigmoid` with α = 1/6).
    case hardSigmoidTorch = "hard_sigmoid_torch"
    /// `sign(x) ∈ {−1, +1}` forward; straight-through gradient `1{|x| ≤ 1}` backward
    /// (Hubara et al. 2016, the binarized-network estimator).
    case sign
    /// Heaviside `1{x > 0}` forward; straight-through gradient `1{|x| ≤ 1}` backward.
    case step
    /// `max(0.01·x, x)`.
    case leakyReLU = "leaky_relu"
}

/// An element-wise activation layer.
public struct Activation: Layer {
    public let kind: ActivationKind
    private var cache = Tensor.zeros([0])

    public init(_ kind: ActivationKind) { self.kind = kind }

    public var summary: String { kind.rawValue }

    /// sigmoid and tanh keep their output for the backward pass; the others keep the input.
    private var cachesOutput: Bool { kind == .sigmoid || kind == .tanh }

    /// `y = f(x)` element by element, written into a new tensor (one read and one write per
    /// element), in parallel over fixed element ranges.
    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        var output = Tensor.uninitialized(input.shape)
        let kind = self.kind
        input.scalars.withUnsafeBufferPointer { source in
            output.scalars.withUnsafeMutableBufferPointer { destination in
                let x = source.baseAddress, p = destination.baseAddress
                ComputeThreads.forEachRange(source.count) { range in
                    guard let x, let p else { return }
                    switch kind {
                    case .relu: for i in range { p[i] = Swift.max(x[i], 0) }
                    case .sigmoid: for i in range { p[i] = FastMath.sigmoid(x[i]) }
                    case .tanh: for i in range { p[i] = FastMath.tanh(x[i]) }
                    case .hardSigmoid: for i in range { p[i] = Swift.min(Swift.max(0.2 * x[i] + 0.5, 0), 1) }
                    case .hardSigmoidTorch: for i in range { p[i] = Swift.min(Swift.max(x[i] / 6 + 0.5, 0), 1) }
                    case .sign: for i in range { p[i] = x[i] >= 0 ? 1 : -1 }
                    case .step: for i in range { p[i] = x[i] > 0 ? 1 : 0 }
                    case .leakyReLU: for i in range { p[i] = x[i] > 0 ? x[i] : 0.01 * x[i] }
                    }
                }
            }
        }
        if mode == .training { cache = cachesOutput ? output : input }
        return output
    }

    /// `dx = dy · f'(x)` element by element (f' from the cached input or output), into a new
    /// tensor, in parallel over fixed element ranges.
    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        precondition(cache.count == outputGradient.count, "Activation.backward: call forward(mode: .training) first")
        var gradient = Tensor.uninitialized(outputGradient.shape)
        let kind = self.kind
        outputGradient.scalars.withUnsafeBufferPointer { upstream in
            gradient.scalars.withUnsafeMutableBufferPointer { destination in
                cache.scalars.withUnsafeBufferPointer { cached in
                    let dy = upstream.baseAddress, g = destination.baseAddress, c = cached.baseAddress
                    ComputeThreads.forEachRange(upstream.count) { range in
                        guard let dy, let g, let c else { return }
                        // `dy[i]` is read before the comparison in every branch, so the loops
                        // compile to vector selects (a load under a condition does not vectorize).
                        switch kind {
                        case .relu:
                            for i in range {
                                let d = dy[i]
                                g[i] = c[i] <= 0 ? 0 : d
                            }
                        case .sigmoid: for i in range { g[i] = dy[i] * (c[i] * (1 - c[i])) }
                        case .tanh: for i in range { g[i] = dy[i] * (1 - c[i] * c[i]) }
                        case .hardSigmoid: for i in range { g[i] = dy[i] * ((c[i] > -2.5 && c[i] < 2.5) ? 0.2 : 0) }
                        case .hardSigmoidTorch: for i in range { g[i] = dy[i] * ((c[i] > -3 && c[i] < 3) ? 1.0 / 6 : 0) }   // torch: open interval
                        case .sign, .step: for i in range { g[i] = dy[i] * (Swift.abs(c[i]) <= 1 ? 1 : 0) }
                        case .leakyReLU:
                            for i in range {
                                let d = dy[i]
                                g[i] = c[i] <= 0 ? d * 0.01 : d
                            }
                        }
                    }
                }
            }
        }
        return gradient
    }
}

/// Row-wise log-softmax, `y = x − log Σ exp(x)`, for use with `NLLLoss`.
public struct LogSoftmax: Layer {
    private var cachedOutput = Tensor.zeros([0])
    public init() {}
    public var summary: String { "log_softmax" }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        let output = input.logSoftmaxRows()
        if mode == .training { cachedOutput = output }
        return output
    }

    /// dx = g − softmax(x) · Σ g (per row).
    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        var gradient = outputGradient
        let width = outputGradient.columns
        gradient.scalars.withUnsafeMutableBufferPointer { g in
            cachedOutput.scalars.withUnsafeBufferPointer { y in
                for r in 0..<outputGradient.rows {
                    let base = r * width
                    var total: Float = 0
                    for c in 0..<width { total += g[base + c] }
                    for c in 0..<width { g[base + c] -= Float.exp(y[base + c]) * total }
                }
            }
        }
        return gradient
    }
}
