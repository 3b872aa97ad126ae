/// The cost an EP network is nudged with (learning-rules §1.1; EP digest §1.4).
public enum EPCost: String, Codable, Sendable, CaseIterable {
    /// `ℓ = ½‖ŷ − y‖²`, the output ŷ = s^N is a state layer; nudge `β(y − s^N)` (Eq. 15–16).
    case squaredError = "squared_error"
    /// A softmax readout `ŷ = softmax(w_out s^N + b_out)` outside the dynamics,
    /// `ℓ = −Σ y log ŷ`; nudge `β w_outᵀ(y − ŷ)` on s^N (Eq. 17–19).
    case crossEntropy = "cross_entropy"
}

/// The shape of an energy-based (convergent) network: convolutional state layers (each a
/// stride-1 convolution followed by a 2×2/2 max-pool), then fully connected state layers,
/// then the output (a state layer for squared error, a readout for cross-entropy).
///
/// Layer n's state `s^n ∈ [0,1]` follows Eq. 8 (Laborieux et al. 2021):
/// ```
/// conv n:  s^n ← σ( P(w_n ⋆ s^{n-1}) + b_n + w̃_{n+1} ⋆ P⁻¹(s^{n+1}) )
/// fc n:    s^n ← σ( w_n s^{n-1} + b_n + w_{n+1}ᵀ s^{n+1} )
/// ```
/// with `s^0 = x` static. `unidirectional` gives every connection except the first its own
/// backward weights (no bias) for the VF and KP-VF estimators (EP digest §1.5).
public struct EPArchitecture: Codable, Sendable, Equatable {
    /// One convolutional state layer: `channels` output maps, a `kernel`×`kernel` kernel,
    /// zero `padding`, stride 1, then a 2×2/2 max-pool.
    public struct Convolution: Codable, Sendable, Equatable {
        public var channels: Int
        public var kernel: Int
        public var padding: Int
        public init(channels: Int, kernel: Int, padding: Int = 0) {
            self.channels = channels
            self.kernel = kernel
            self.padding = padding
        }
    }

    /// Input `[channels, height, width]` (an MLP takes `[1, 1, features]` or any shape; it is flattened).
    public var inputShape: [Int]
    public var convolutions: [Convolution]
    /// Sizes of the fully connected hidden state layers after the convolutions.
    public var hidden: [Int]
    public var classes: Int
    public var cost: EPCost
    public var activation: EPActivation
    public var unidirectional: Bool

    public init(inputShape: [Int], convolutions: [Convolution] = [], hidden: [Int] = [], classes: Int,
                cost: EPCost, activation: EPActivation, unidirectional: Bool = false) {
        self.inputShape = inputShape
        self.convolutions = convolutions
        self.hidden = hidden
        self.classes = classes
        self.cost = cost
        self.activation = activation
        self.unidirectional = unidirectional
    }

    /// Checks the sizes; throws naming the field and the accepted form.
    public func validate() throws {
        func fail(_ field: String, _ value: String, _ expected: String) -> LearningRuleParameterError {
            LearningRuleParameterError(type: "EPArchitecture", field: field, value: value, expected: expected)
        }
        guard inputShape.count == 3, inputShape.allSatisfy({ $0 >= 1 }) else {
            throw fail("inputShape", "\(inputShape)", "[channels, height, width], each ≥ 1")
        }
        guard classes >= 2 else { throw fail("classes", "\(classes)", "at least 2") }
        for (i, h) in hidden.enumerated() where h < 1 { throw fail("hidden[\(i)]", "\(h)", "at least 1") }
        if cost == .crossEntropy, convolutions.isEmpty, hidden.isEmpty {
            throw fail("hidden", "[]", "at least one state layer before the cross-entropy readout")
        }
        var (c, h, w) = (inputShape[0], inputShape[1], inputShape[2])
        for (i, conv) in convolutions.enumerated() {
            guard conv.channels >= 1 else { throw fail("convolutions[\(i)].channels", "\(conv.channels)", "at least 1") }
            guard conv.kernel >= 1 else { throw fail("convolutions[\(i)].kernel", "\(conv.kernel)", "at least 1") }
            guard conv.padding >= 0 else { throw fail("convolutions[\(i)].padding", "\(conv.padding)", "0 or more") }
            let g = EPConvGeometry(inputChannels: c, height: h, width: w, outputChannels: conv.channels,
                                   kernel: conv.kernel, padding: conv.padding)
            guard g.pooledHeight >= 1, g.pooledWidth >= 1 else {
                throw fail("convolutions[\(i)]", "kernel \(conv.kernel), padding \(conv.padding) on \(h)×\(w)",
                           "a convolution output of at least 2×2 so the 2×2 max-pool has a window")
            }
            (c, h, w) = (conv.channels, g.pooledHeight, g.pooledWidth)
        }
    }

    /// The MNIST MLP of the reference code (784-512-10), here with a state output layer.
    public static func mlp(inputs: Int, hidden: [Int], classes: Int = 10, cost: EPCost = .squaredError,
                           activation: EPActivation = .mySigmoid) -> EPArchitecture {
        EPArchitecture(inputShape: [1, 1, inputs], hidden: hidden, classes: classes, cost: cost, activation: activation)
    }
}

/// One state layer, resolved from the architecture.
struct EPLayer: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case convolution(EPConvGeometry)
        case dense(inputs: Int)
    }
    var kind: Kind
    /// Channels and pixels of the state (`units` channels of 1 pixel for a dense layer).
    var channels: Int
    var pixels: Int
    var units: Int { channels * pixels }
    var isConvolution: Bool { if case .convolution = kind { return true } else { return false } }
    /// `[out, in]` for dense, `[Cout, Cin·k²]` for conv.
    var weightCount: Int {
        switch kind {
        case .convolution(let g): return g.weightCount
        case .dense(let inputs): return units * inputs
        }
    }
    /// The fan-in of one output unit (PyTorch default init bound `1/√fanIn`).
    var fanIn: Int {
        switch kind {
        case .convolution(let g): return g.patch
        case .dense(let inputs): return inputs
        }
    }
}

extension EPArchitecture {
    /// The state layers s^1 … s^N (the output layer included for squared error).
    var layers: [EPLayer] {
        var out: [EPLayer] = []
        var (c, h, w) = (inputShape[0], inputShape[1], inputShape[2])
        for conv in convolutions {
            let g = EPConvGeometry(inputChannels: c, height: h, width: w, outputChannels: conv.channels,
                                   kernel: conv.kernel, padding: conv.padding)
            out.append(EPLayer(kind: .convolution(g), channels: conv.channels, pixels: g.pooledPixels))
            (c, h, w) = (conv.channels, g.pooledHeight, g.pooledWidth)
        }
        var previous = c * h * w
        for units in hidden + (cost == .squaredError ? [classes] : []) {
            out.append(EPLayer(kind: .dense(inputs: previous), channels: units, pixels: 1))
            previous = units
        }
        return out
    }
}
