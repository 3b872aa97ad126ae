import Testing
@testable import NeuromorphCore
@testable import NeuromorphNN

/// Central finite differences of `f(θ) = Σ output(θ) ⊙ R` against the analytic backward pass,
/// for the input and every parameter of `layer`. Returns the worst relative error.
///
/// The error of each entry is relative, `|numeric − exact| / max(floor, |exact|, |numeric|)`:
/// a gradient that is wrong by a factor fails whatever its size, down to `floor` (below it the
/// float32 central difference's own rounding error, about 1e-4 here, would dominate). Before, the scale was
/// `max(1, …)`, so any gradient below 1 was only held to an absolute 2–5e-3 and a small gradient
/// off by 2× passed.
func gradientCheck<L: Layer>(_ layer: L, input: Tensor, seed: UInt64 = 1, epsilon: Float = 1e-2,
                             floor: Double = 0.1) -> Float {
    var layer = layer
    var g = SeededGenerator(seed: seed)
    let probe = layer.forward(input, mode: .training)
    let r = Tensor.randomNormal(probe.shape, using: &g)
    let inputGradient = layer.backward(r)
    var analytic: [[Float]] = [inputGradient.scalars]
    layer.forEachParameter { analytic.append($0.gradient.scalars) }

    func objective(_ l: inout L, _ x: Tensor) -> Double {
        let y = l.forward(x, mode: .training)
        return zip(y.scalars, r.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
    var worst: Float = 0
    func compare(_ numeric: Double, _ exact: Float) {
        let scale = max(floor, abs(Double(exact)), abs(numeric))
        worst = max(worst, Float(abs(numeric - Double(exact)) / scale))
    }
    // Input gradient (a subsample of positions for large inputs).
    for i in stride(from: 0, to: input.count, by: max(1, input.count / 40)) {
        var plus = input, minus = input
        plus.scalars[i] += epsilon
        minus.scalars[i] -= epsilon
        var l1 = layer, l2 = layer
        compare((objective(&l1, plus) - objective(&l2, minus)) / Double(2 * epsilon), analytic[0][i])
    }
    // Parameter gradients.
    var parameterCount = 0
    layer.forEachParameter { _ in parameterCount += 1 }
    for p in 0..<parameterCount {
        var size = 0
        var index = 0
        layer.forEachParameter { if index == p { size = $0.value.count }; index += 1 }
        for i in stride(from: 0, to: size, by: max(1, size / 30)) {
            func perturbed(_ delta: Float) -> L {
                var copy = layer
                var k = 0
                copy.forEachParameter { if k == p { $0.value.scalars[i] += delta }; k += 1 }
                return copy
            }
            var lp = perturbed(epsilon), lm = perturbed(-epsilon)
            compare((objective(&lp, input) - objective(&lm, input)) / Double(2 * epsilon), analytic[p + 1][i])
        }
    }
    return worst
}

/// y = 0.001·x whose backward pass returns 0.002·g: a deliberately wrong, small gradient.
struct WrongSmallGradient: Layer {
    var summary: String { "WrongSmallGradient" }
    mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor { input.map { 0.001 * $0 } }
    mutating func backward(_ outputGradient: Tensor) -> Tensor { outputGradient.map { 0.002 * $0 } }
}

@Suite struct GradientCheckTests {
    /// The check must catch a gradient that is wrong by 2× even when every entry is ~1e-3;
    /// the old `max(1, …)` scale (floor 1) passes it within the usual 3e-3.
    @Test func catchesAWrongSmallGradient() {
        var g = SeededGenerator(seed: 9)
        let x = Tensor.randomNormal([3, 8], using: &g)
        #expect(gradientCheck(WrongSmallGradient(), input: x, epsilon: 1e-2, floor: 1) < 3e-3, "the old scale misses it")
        #expect(gradientCheck(WrongSmallGradient(), input: x, epsilon: 1e-2) > 1e-2)
        // and the same layer with the right gradient passes
        struct RightSmallGradient: Layer {
            var summary: String { "RightSmallGradient" }
            mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor { input.map { 0.001 * $0 } }
            mutating func backward(_ outputGradient: Tensor) -> Tensor { outputGradient.map { 0.001 * $0 } }
        }
        #expect(gradientCheck(RightSmallGradient(), input: x, epsilon: 1e-2) < 2e-3)
    }

    @Test func linear() {
        var g = SeededGenerator(seed: 10)
        let x = Tensor.randomNormal([4, 6], using: &g)
        #expect(gradientCheck(Linear(6, 5, generator: &g), input: x) < 2e-3)
        #expect(gradientCheck(Linear(6, 3, bias: false, generator: &g), input: x) < 2e-3)
    }

    @Test(arguments: [(1, 0), (2, 1), (1, 2)])
    func conv2d(strideAndPadding: (Int, Int)) {
        var g = SeededGenerator(seed: 11)
        let x = Tensor.randomNormal([2, 3, 7, 6], using: &g)
        let conv = Conv2d(3, 4, kernelSize: 3, stride: strideAndPadding.0, padding: strideAndPadding.1, generator: &g)
        #expect(gradientCheck(conv, input: x) < 3e-3, "stride \(strideAndPadding.0) pad \(strideAndPadding.1)")
    }

    /// Grouped (2 groups) and depthwise (groups = C_in) convolutions (``GroupedConvolution``).
    @Test(arguments: [(4, 6, 2), (4, 4, 4)])
    func groupedConv2d(channels: (Int, Int, Int)) {
        var g = SeededGenerator(seed: 12)
        let (cin, cout, groups) = channels
        let x = Tensor.randomNormal([2, cin, 6, 5], using: &g)
        let convs: [any Layer] = (0..<groups).map { _ in Conv2d(cin / groups, cout / groups, kernelSize: 3, stride: 2, padding: 1, generator: &g) }
        let conv = GroupedConvolution(groups: convs, inChannels: cin, outChannels: cout)
        #expect(gradientCheck(conv, input: x) < 3e-3, "\(cin) → \(cout) in \(groups) groups")
    }

    @Test(arguments: [ActivationKind.relu, .sigmoid, .tanh, .hardSigmoid, .hardSigmoidTorch, .leakyReLU])
    func smoothActivations(kind: ActivationKind) {
        var g = SeededGenerator(seed: 12)
        // Keep inputs away from kinks (|x| > 0.05, and from ±2.5 for hard sigmoid) so the FD is valid.
        let x = Tensor.randomNormal([3, 20], using: &g).map { v in
            let a = abs(v) < 0.05 ? v + 0.1 : v
            return abs(abs(a) - 2.5) < 0.05 ? a + 0.1 : a
        }
        #expect(gradientCheck(Activation(kind), input: x, epsilon: 1e-3) < 3e-3, "\(kind)")
    }

    @Test func straightThroughEstimators() {
        var sign = Activation(.sign), step = Activation(.step)
        let x = Tensor([-2, -0.5, 0.3, 1.5])
        #expect(sign.forward(x, mode: .training).scalars == [-1, -1, 1, 1])
        #expect(step.forward(x, mode: .training).scalars == [0, 0, 1, 1])
        let ones = Tensor([1, 1, 1, 1])
        #expect(sign.backward(ones).scalars == [0, 1, 1, 0])
        #expect(step.backward(ones).scalars == [0, 1, 1, 0])
    }

    @Test func logSoftmax() {
        var g = SeededGenerator(seed: 13)
        #expect(gradientCheck(LogSoftmax(), input: Tensor.randomNormal([3, 5], using: &g), epsilon: 1e-3) < 3e-3)
    }

    @Test(arguments: [PoolingKind.max, .average])
    func pooling(kind: PoolingKind) {
        var g = SeededGenerator(seed: 14)
        let x = Tensor.randomNormal([2, 2, 4, 6], using: &g)
        #expect(gradientCheck(Pool2d(kind, window: 2), input: x, epsilon: 1e-3) < 3e-3)
    }

    @Test func sequentialConvNet() {
        var g = SeededGenerator(seed: 15)
        let net = Sequential([
            Conv2d(1, 2, kernelSize: 3, padding: 1, generator: &g), Activation(.tanh),
            Pool2d(.average, window: 2), Flatten(), Linear(2 * 3 * 3, 4, generator: &g), LogSoftmax(),
        ])
        #expect(gradientCheck(net, input: Tensor.randomNormal([2, 1, 6, 6], using: &g), epsilon: 1e-3) < 5e-3)
    }

    @Test func dropoutScalesSurvivorsAndMasksGradient() {
        var d = Dropout(rate: 0.5, generator: SeededGenerator(seed: 1))
        let x = Tensor.ones([1, 10_000])
        let y = d.forward(x, mode: .training)
        #expect(Set(y.scalars) == [0, 2])
        let kept = y.scalars.filter { $0 > 0 }.count
        #expect(abs(kept - 5000) < 300)
        #expect(d.backward(Tensor.ones([1, 10_000])).scalars == y.scalars)
        #expect(d.forward(x, mode: .inference) == x)
    }

    @Test(arguments: [LossKind.crossEntropy, .nll, .mse])
    func lossGradients(kind: LossKind) {
        var g = SeededGenerator(seed: 16)
        let output = Tensor.randomNormal([4, 5], using: &g)
        let labels = [0, 3, 4, 1]
        let loss = kind.loss
        let (_, gradient) = loss.evaluate(output, .classes(labels))
        let eps: Float = 1e-3
        for i in 0..<output.count {
            var plus = output, minus = output
            plus.scalars[i] += eps
            minus.scalars[i] -= eps
            let numeric = (loss.evaluate(plus, .classes(labels)).value - loss.evaluate(minus, .classes(labels)).value) / (2 * eps)
            #expect(abs(numeric - gradient.scalars[i]) < 2e-3, "\(kind) element \(i)")
        }
    }

    @Test func crossEntropyValue() {
        // Uniform logits over 4 classes: loss = ln 4.
        let (value, _) = SoftmaxCrossEntropy().evaluate(Tensor.zeros([3, 4]), .classes([0, 1, 2]))
        #expect(abs(value - 1.386_294_4) < 1e-5)
    }
}
