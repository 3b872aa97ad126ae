/// An int8 feature map, `height × width × channels`, stored `[x][y][c]` (x = row along H).
public struct Int8FeatureMap: Sendable, Hashable {
    public var height: Int
    public var width: Int
    public var channels: Int
    public var values: [Int8]

    public init(height: Int, width: Int, channels: Int, values: [Int8]) {
        precondition(values.count == height * width * channels, "feature map size mismatch")
        self.height = height
        self.width = width
        self.channels = channels
        self.values = values
    }

    /// Activation at (x, y, c); zero outside the map (zero padding).
    public subscript(x: Int, y: Int, c: Int) -> Int8 {
        guard x >= 0, x < height, y >= 0, y < width else { return 0 }
        return values[(x * width + y) * channels + c]
    }
}

/// Int8 kernel weights `k^{c,m}_{a,b}` of one conv layer: `F × F × C_in × C_out`.
public struct ConvKernel: Sendable, Hashable {
    public var kernel: Int
    public var inChannels: Int
    public var outChannels: Int
    /// Stored `[a][b][c][m]`.
    public var weights: [Int8]

    public init(kernel: Int, inChannels: Int, outChannels: Int, weights: [Int8]) {
        precondition(weights.count == kernel * kernel * inChannels * outChannels, "kernel size mismatch")
        self.kernel = kernel
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.weights = weights
    }

    public subscript(a: Int, b: Int, c: Int, m: Int) -> Int8 {
        weights[((a * kernel + b) * inChannels + c) * outChannels + m]
    }

    /// The unrolled kernel matrix K of Eq. 1, `(F·F·C_in) × C_out`, row-major. Rows are
    /// channel-major, and within a channel the window pixels are in stream order (x fastest):
    /// `row = c·F² + b·F + a` for kernel position (a, b). Channel-major rows make a split into
    /// channel ranges the row split of Eq. 5; column m is output channel m (Fig. 3).
    public func unrolled() -> [Int8] {
        var k = [Int8](repeating: 0, count: kernel * kernel * inChannels * outChannels)
        for c in 0..<inChannels {
            for a in 0..<kernel {
                for b in 0..<kernel {
                    let row = c * kernel * kernel + b * kernel + a
                    for m in 0..<outChannels { k[row * outChannels + m] = self[a, b, c, m] }
                }
            }
        }
        return k
    }
}

/// One programmed crossbar array: an int8 weight matrix that performs an integer MVM
/// `y_j = Σ_i x_i · W_ij` in one timestep (Dazzi et al. 2021 Eq. 1; ideal devices, no noise).
public struct CrossbarCore: Sendable, Hashable {
    public let rows: Int
    public let columns: Int
    /// Row-major `rows × columns` weights.
    public let weights: [Int8]

    public init(rows: Int, columns: Int, weights: [Int8]) {
        precondition(weights.count == rows * columns, "crossbar weight count mismatch")
        self.rows = rows
        self.columns = columns
        self.weights = weights
    }

    /// Integer MVM of an int8 input vector of length `rows`.
    public func mvm(_ input: [Int8]) -> [Int32] {
        precondition(input.count == rows, "MVM input length must equal crossbar rows")
        var out = [Int32](repeating: 0, count: columns)
        weights.withUnsafeBufferPointer { w in
            for i in 0..<rows where input[i] != 0 {
                let x = Int32(input[i])
                let base = i * columns
                for j in 0..<columns { out[j] &+= x * Int32(w[base + j]) }
            }
        }
        return out
    }
}
