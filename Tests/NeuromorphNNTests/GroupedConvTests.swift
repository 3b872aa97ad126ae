import Testing
@testable import NeuromorphCore
@testable import NeuromorphNN

@Suite("Grouped convolutions")
struct GroupedConvTests {
    /// A grouped convolution equals one dense convolution whose weight is block-diagonal over
    /// the groups (zeros between a group's outputs and other groups' inputs).
    @Test func equalsTheBlockDiagonalDenseConvolution() {
        var g = SeededGenerator(seed: 21)
        let (cin, cout, groups, k) = (6, 4, 2, 3)
        let convs = (0..<groups).map { _ in Conv2d(cin / groups, cout / groups, kernelSize: k, padding: 1, generator: &g) }
        var grouped = GroupedConvolution(groups: convs, inChannels: cin, outChannels: cout)
        var dense = Conv2d(cin, cout, kernelSize: k, padding: 1, generator: &g)
        var weight = Tensor.zeros([cout, cin * k * k])
        var bias = Tensor.zeros([cout])
        for (gi, conv) in convs.enumerated() {
            for o in 0..<(cout / groups) {
                let row = gi * cout / groups + o
                bias.scalars[row] = conv.bias!.value.scalars[o]
                for c in 0..<(cin / groups) {
                    for j in 0..<(k * k) {
                        weight.scalars[row * cin * k * k + (gi * cin / groups + c) * k * k + j] = conv.weight.value.scalars[o * cin / groups * k * k + c * k * k + j]
                    }
                }
            }
        }
        dense.weight.value = weight
        dense.bias!.value = bias
        let x = Tensor.randomNormal([3, cin, 5, 5], using: &g)
        let a = grouped(x), b = dense(x)
        #expect(a.shape == [3, cout, 5, 5])
        let worst = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-5)
    }

    @Test func blueprintRejectsGroupsThatDoNotDivideTheChannels() {
        let context = LayerBuildContext(path: "model.layers[2]", index: 2, seed: 0)
        #expect(throws: SpecError.self) { try Conv2dBlueprint(out: 6, kernel: 3, groups: 4).outputShape(for: [4, 8, 8], context: context) }
        do {
            _ = try Conv2dBlueprint(out: 6, kernel: 3, groups: 4).outputShape(for: [4, 8, 8], context: context)
        } catch {
            #expect("\(error)".contains("model.layers[2].groups"))
        }
        #expect((try? Conv2dBlueprint(out: 6, kernel: 3, padding: 1, groups: 2).outputShape(for: [4, 8, 8], context: context)) == [6, 8, 8])
    }

    /// MACs and weights of a depthwise 3×3 conv on 8×8×4: per group 8·8·(1·3·3)·1 MACs,
    /// summed 4 × 576 = 2,304 (a dense conv would be 9,216); weights 4 × (9 + 1) = 40.
    @Test func workloadCountsEachGroup() throws {
        var context = LayerBuildContext(path: "model.layers[0]", index: 0, seed: 0)
        let layer = try Conv2dBlueprint(out: 4, kernel: 3, padding: 1, groups: 4).build(for: [4, 8, 8], context: &context)
        let workload = try layer.describeWorkload(inputShape: [4, 8, 8])
        #expect(workload.macs == 2_304)
        #expect(workload.parameterCount == 40)
        #expect(workload.outputShape == [4, 8, 8])
        #expect(workload.layers.filter { $0.kind == .conv2d }.map(\.weightShape) == Array(repeating: [1, 1, 3, 3], count: 4))
    }

    /// dL/dx of a concat block sums the branches' input gradients (one of them the identity).
    @Test func concatenationGradients() {
        var g = SeededGenerator(seed: 22)
        let block = Concatenation([
            Sequential([Conv2d(3, 2, kernelSize: 1, generator: &g), Activation(.tanh)]),
            Sequential([Conv2d(3, 4, kernelSize: 3, padding: 1, generator: &g)]),
            Sequential([]),
        ])
        let x = Tensor.randomNormal([2, 3, 5, 4], using: &g)
        var copy = block
        #expect(copy(x).shape == [2, 9, 5, 4])
        #expect(gradientCheck(block, input: x) < 3e-3)
        let flat = Concatenation([Sequential([Linear(5, 3, generator: &g)]), Sequential([Linear(5, 2, generator: &g), Activation(.sigmoid)])])
        #expect(gradientCheck(flat, input: Tensor.randomNormal([3, 5], using: &g)) < 3e-3)
    }

    @Test func concatBlueprintChecksBranchShapes() throws {
        var context = LayerBuildContext(path: "model.layers[1]", index: 1, seed: 0)
        let fits = ConcatBlueprint(branches: [[LayerSpec(Conv2dBlueprint(out: 2, kernel: 1))], []])
        #expect(try fits.outputShape(for: [3, 6, 6], context: context) == [5, 6, 6])
        let layer = try fits.build(for: [3, 6, 6], context: &context)
        let workload = try layer.describeWorkload(inputShape: [3, 6, 6])
        #expect(workload.outputShape == [5, 6, 6] && workload.macs == 6 * 6 * 3 * 2)
        let misfit = ConcatBlueprint(branches: [[LayerSpec(Conv2dBlueprint(out: 2, kernel: 3))], []])
        do {
            _ = try misfit.outputShape(for: [3, 6, 6], context: context)
            Issue.record("a 3×3 unpadded branch beside the identity was accepted")
        } catch {
            #expect("\(error)".contains("model.layers[1].branches") && "\(error)".contains("channel"))
        }
    }
}
