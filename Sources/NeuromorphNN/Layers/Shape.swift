import NeuromorphCore

/// 2-D max or average pooling over NCHW input.
public struct Pool2d: Layer {
    public let pooling: Pooling2D
    private var cachedShape: [Int] = []
    private var cachedArgmax: [Int32] = []

    public init(_ kind: PoolingKind, window: Int, stride: Int? = nil) {
        pooling = Pooling2D(kind: kind, window: window, stride: stride)
    }

    public var summary: String { "\(pooling.kind.rawValue)_pool(\(pooling.window), stride \(pooling.stride))" }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        let (output, argmax) = pooling.forward(input)
        if mode == .training {
            cachedShape = input.shape
            cachedArgmax = argmax
        }
        return output
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        precondition(!cachedShape.isEmpty, "Pool2d.backward: call forward(mode: .training) first")
        return pooling.backward(outputGradient, inputShape: cachedShape, argmax: cachedArgmax)
    }
}

/// Flattens `[N, …]` to `[N, features]`.
public struct Flatten: Layer {
    private var cachedShape: [Int] = []
    public init() {}
    public var summary: String { "flatten" }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        if mode == .training { cachedShape = input.shape }
        return input.reshaped([input.shape.first ?? 1, -1])
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor { outputGradient.reshaped(cachedShape) }
}

/// Reshapes each sample to a fixed shape, e.g. `[784] → [1, 28, 28]` before a convolution.
public struct Reshape: Layer {
    public let sampleShape: [Int]
    private var cachedShape: [Int] = []
    public init(_ sampleShape: [Int]) { self.sampleShape = sampleShape }
    public var summary: String { "reshape(\(sampleShape))" }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        if mode == .training { cachedShape = input.shape }
        return input.reshaped([input.shape.first ?? 1] + sampleShape)
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor { outputGradient.reshaped(cachedShape) }
}

/// Inverted dropout: in training, zeroes each element with probability `rate` and scales
/// the survivors by `1/(1 − rate)`; identity at inference. Draws come from the layer's own
/// seeded stream.
public struct Dropout: Layer {
    public let rate: Float
    public var generator: SeededGenerator
    private var mask: [Float] = []

    public init(rate: Float, generator: SeededGenerator) {
        precondition(rate >= 0 && rate < 1, "Dropout: rate must be in [0, 1), got \(rate)")
        self.rate = rate
        self.generator = generator
    }

    public var summary: String { "dropout(\(rate))" }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        guard mode == .training, rate > 0 else { return input }
        let keep = 1 / (1 - rate)
        mask = (0..<input.count).map { _ in generator.nextUniform() < rate ? 0 : keep }
        var output = input
        output.scalars.withUnsafeMutableBufferPointer { p in
            for i in p.indices { p[i] *= mask[i] }
        }
        return output
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        guard rate > 0 else { return outputGradient }
        var gradient = outputGradient
        gradient.scalars.withUnsafeMutableBufferPointer { g in
            for i in g.indices { g[i] *= mask[i] }
        }
        return gradient
    }
}

extension Dropout: StatefulLayer {
    public func encodedState() throws -> Data { try StateCoding.encode(generator) }

    public mutating func restoreState(from data: Data) throws {
        generator = try StateCoding.decode(SeededGenerator.self, from: data)
    }
}

import Foundation
