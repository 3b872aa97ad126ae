import NeuromorphCore

/// A fully connected layer `y = x Wᵀ + b` with `W` of shape `[out, in]`.
///
/// Initialization follows PyTorch's `nn.Linear` (Kaiming-uniform with a = √5, i.e.
/// `W, b ~ U(−1/√in, 1/√in)`), so digital baselines compare with PyTorch and aihwkit.
public struct Linear: Layer {
    public var weight: Parameter
    public var bias: Parameter?
    public let inputFeatures: Int
    public let outputFeatures: Int
    private var cachedInput = Tensor.zeros([0])

    public init(_ inputFeatures: Int, _ outputFeatures: Int, bias: Bool = true,
                generator: inout SeededGenerator) {
        precondition(inputFeatures > 0 && outputFeatures > 0, "Linear: sizes must be positive")
        self.inputFeatures = inputFeatures
        self.outputFeatures = outputFeatures
        let bound = 1 / Float(inputFeatures).squareRoot()
        weight = Parameter(name: "weight", value: .randomUniform([outputFeatures, inputFeatures],
                                                                 lower: -bound, upper: bound, using: &generator))
        self.bias = bias ? Parameter(name: "bias", value: .randomUniform([outputFeatures], lower: -bound,
                                                                         upper: bound, using: &generator),
                                     decays: false) : nil
    }

    public var summary: String { "Linear(\(inputFeatures) → \(outputFeatures)\(bias == nil ? ", no bias" : ""))" }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        precondition(input.columns == inputFeatures,
                     "Linear: input has \(input.columns) features, expected \(inputFeatures)")
        if mode == .training { cachedInput = input }
        // Every element is written below (bias broadcast, or a beta = 0 product): no zero-fill.
        var output = Tensor.uninitialized([input.rows, outputFeatures])
        if let bias {
            // Broadcast the bias first, then accumulate x Wᵀ on top (beta = 1).
            output.scalars.withUnsafeMutableBufferPointer { out in
                bias.value.scalars.withUnsafeBufferPointer { b in
                    for r in 0..<input.rows {
                        (out.baseAddress! + r * outputFeatures).update(from: b.baseAddress!, count: outputFeatures)
                    }
                }
            }
            Tensor.gemm(input, .none, weight.value, .transposed, beta: 1, into: &output)
        } else {
            Tensor.gemm(input, .none, weight.value, .transposed, into: &output)
        }
        return output
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        backward(outputGradient, needsInputGradient: true)
    }

    public mutating func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        precondition(cachedInput.rows == outputGradient.rows, "Linear.backward: call forward(mode: .training) first")
        // dW = dYᵀ X, db = Σ_rows dY, dX = dY W.
        Tensor.gemm(outputGradient, .transposed, cachedInput, .none, into: &weight.gradient)
        weight.gradient.reshape([outputFeatures, inputFeatures])
        if bias != nil { bias!.gradient = outputGradient.sumRows() }
        guard needsInputGradient else { return Tensor.zeros([0]) }
        var inputGradient = Tensor.zeros([0])
        Tensor.gemm(outputGradient, .none, weight.value, .none, into: &inputGradient)
        return inputGradient
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try body(&weight)
        if bias != nil { try body(&bias!) }
    }
}
