import RealModule

// MARK: - Scalar draws

extension SeededGenerator {
    /// Uniform on [0, 1) with 24 random bits (every `Float` step of 2⁻²⁴).
    @inlinable
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// Uniform on [0, 1) with 53 random bits.
    @inlinable
    public mutating func nextUniformDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform on [lower, upper).
    @inlinable
    public mutating func nextUniform(in range: Range<Float>) -> Float {
        range.lowerBound + (range.upperBound - range.lowerBound) * nextUniform()
    }

    /// An unbiased integer in `0..<bound` (Lemire's multiply-shift with rejection).
    @inlinable
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound, got \(bound)")
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold { product = next().multipliedFullWidth(by: b) }
        }
        return Int(product.high)
    }

    /// A standard normal draw (Marsaglia polar method, in `Double`).
    @inlinable
    public mutating func nextNormal() -> Float {
        Float(nextNormalDouble())
    }

    /// A standard normal draw in `Double` precision (Marsaglia polar method; the second
    /// value of each pair is discarded so the stream position depends only on the call count
    /// of accepted pairs).
    @inlinable
    public mutating func nextNormalDouble() -> Double {
        while true {
            let u = 2 * nextUniformDouble() - 1
            let v = 2 * nextUniformDouble() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 { return u * (-2 * Double.log(s) / s).squareRoot() }
        }
    }

    /// A normal draw with the given mean and standard deviation.
    @inlinable
    public mutating func nextNormal(mean: Float, std: Float) -> Float {
        mean + std * nextNormal()
    }

    /// `true` with probability `p`.
    @inlinable
    public mutating func nextBernoulli(_ p: Float) -> Bool { nextUniform() < p }

    /// A Poisson draw with mean `lambda`: Knuth's product method below 10, Hörmann's
    /// transformed rejection (PTRS, 1993) above.
    public mutating func nextPoisson(_ lambda: Double) -> Int {
        precondition(lambda >= 0, "nextPoisson: lambda must be ≥ 0, got \(lambda)")
        if lambda == 0 { return 0 }
        if lambda < 10 {
            let limit = Double.exp(-lambda)
            var k = 0
            var product = nextUniformDouble()
            while product > limit {
                k += 1
                product *= nextUniformDouble()
            }
            return k
        }
        let slam = lambda.squareRoot()
        let logLambda = Double.log(lambda)
        let b = 0.931 + 2.53 * slam
        let a = -0.059 + 0.02483 * b
        let invAlpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = nextUniformDouble() - 0.5
            let v = nextUniformDouble()
            let us = 0.5 - Swift.abs(u)
            let k = Double((2 * a / us + b) * u + lambda + 0.43).rounded(.down)
            if us >= 0.07 && v <= vr { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            let lhs = Double.log(v) + Double.log(invAlpha) - Double.log(a / (us * us) + b)
            let rhs = -lambda + k * logLambda - Double.logGamma(k + 1)
            if lhs <= rhs { return Int(k) }
        }
    }

    /// A uniformly random permutation of `0..<n` (Fisher–Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        shuffle(&p)
        return p
    }

    /// Shuffles `array` in place (Fisher–Yates with unbiased bounded integers).
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, nextInt(below: i + 1))
        }
    }
}

// MARK: - Bulk draws into tensors

extension SeededGenerator {
    /// Fills `buffer` with normal draws N(mean, std²).
    public mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Float>, mean: Float = 0, std: Float = 1) {
        var i = 0
        let n = buffer.count
        while i < n {
            let u = 2 * nextUniformDouble() - 1
            let v = 2 * nextUniformDouble() - 1
            let s = u * u + v * v
            guard s > 0 && s < 1 else { continue }
            let f = (-2 * Double.log(s) / s).squareRoot()
            buffer[i] = mean + std * Float(u * f)
            if i + 1 < n { buffer[i + 1] = mean + std * Float(v * f) }
            i += 2
        }
    }

    /// Fills `buffer` with uniform draws on [lower, upper).
    public mutating func fillUniform(_ buffer: UnsafeMutableBufferPointer<Float>, lower: Float = 0, upper: Float = 1) {
        let width = upper - lower
        for i in buffer.indices { buffer[i] = lower + width * nextUniform() }
    }
}

extension Tensor {
    /// Normal draws N(mean, std²) of the given shape.
    public static func randomNormal(_ shape: [Int], mean: Float = 0, std: Float = 1,
                                    using generator: inout SeededGenerator) -> Tensor {
        var t = Tensor.zeros(shape)
        t.scalars.withUnsafeMutableBufferPointer { generator.fillNormal($0, mean: mean, std: std) }
        return t
    }

    /// Uniform draws on [lower, upper) of the given shape.
    public static func randomUniform(_ shape: [Int], lower: Float = 0, upper: Float = 1,
                                     using generator: inout SeededGenerator) -> Tensor {
        var t = Tensor.zeros(shape)
        t.scalars.withUnsafeMutableBufferPointer { generator.fillUniform($0, lower: lower, upper: upper) }
        return t
    }
}
