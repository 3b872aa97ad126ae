import Testing
@testable import NeuromorphCore
@testable import NeuromorphNN

/// ``GroupedConvolution`` (PyTorch's `groups`): the same numbers as one dense convolution
/// whose weights are zero outside the diagonal blocks, forward and backward, and its spec key.
@Suite("Grouped convolution")
struct GroupedConvolutionTests {
    /// A grouped convolution of `groups` groups and the dense Conv2d with its block-diagonal weights.
    static func pair(inChannels: Int, outChannels: Int, groups: Int, stride: Int, padding: Int)
        -> (GroupedConvolution, Conv2d) {
        var g = SeededGenerator(seed: 21)
        let members: [any Layer] = (0..<groups).map { _ in
            Conv2d(inChannels / groups, outChannels / groups, kernelSize: 3, stride: stride, padding: padding, generator: &g)
        }
        let grouped = GroupedConvolution(groups: members, inChannels: inChannels, outChannels: outChannels)
        var dense = Conv2d(inChannels, outChannels, kernelSize: 3, stride: stride, padding: padding, generator: &g)
        let (cin, cout) = (inChannels / groups, outChannels / groups)
        var w = [Float](repeating: 0, count: outChannels * inChannels * 9)
        var b = [Float](repeating: 0, count: outChannels)
        for (gi, member) in members.enumerated() {
            let conv = member as! Conv2d
            for o in 0..<cout {
                for c in 0..<cin {
                    for k in 0..<9 {
                        w[(gi * cout + o) * inChannels * 9 + (gi * cin + c) * 9 + k] = conv.weight.value.scalars[o * cin * 9 + c * 9 + k]
                    }
                }
                b[gi * cout + o] = conv.bias!.value.scalars[o]
            }
        }
        dense.weight.value = Tensor(shape: [outChannels, inChannels * 9], scalars: w)
        dense.bias!.value = Tensor(b)
        return (grouped, dense)
    }

    @Test("forward, input gradient and weight gradients equal the block-diagonal dense convolution's",
          arguments: [(4, 6, 2, 1, 1), (6, 6, 6, 1, 1), (8, 12, 4, 2, 1)])
    func matchesBlockDiagonalConvolution(shape: (Int, Int, Int, Int, Int)) {
        let (inChannels, outChannels, groups, stride, padding) = shape
        var (grouped, dense) = Self.pair(inChannels: inChannels, outChannels: outChannels, groups: groups,
                                         stride: stride, padding: padding)
        var g = SeededGenerator(seed: 5)
        let x = Tensor.randomNormal([3, inChannels, 7, 7], using: &g)
        let y = grouped.forward(x, mode: .training)
        let reference = dense.forward(x, mode: .training)
        #expect(y.shape == reference.shape)
        #expect(zip(y.scalars, reference.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
        let dy = Tensor.randomNormal(y.shape, using: &g)
        let dx = grouped.backward(dy)
        let dxReference = dense.backward(dy)
        #expect(zip(dx.scalars, dxReference.scalars).allSatisfy { abs($0 - $1) < 1e-4 })
        // Each group's weight gradient is its diagonal block of the dense one.
        let (cin, cout) = (inChannels / groups, outChannels / groups)
        var worst: Float = 0
        for (gi, member) in grouped.groups.enumerated() {
            let conv = member as! Conv2d
            for o in 0..<cout {
                for c in 0..<cin {
                    for k in 0..<9 {
                        let mine = conv.weight.gradient.scalars[o * cin * 9 + c * 9 + k]
                        let theirs = dense.weight.gradient.scalars[(gi * cout + o) * inChannels * 9 + (gi * cin + c) * 9 + k]
                        worst = max(worst, abs(mine - theirs))
                    }
                }
                worst = max(worst, abs(conv.bias!.gradient.scalars[o] - dense.bias!.gradient.scalars[gi * cout + o]))
            }
        }
        #expect(worst < 1e-3)
    }

    @Test("a parameter pass visits every group's weight and bias in order; the workload has one convolution per group")
    func parametersAndWorkload() throws {
        var (grouped, _) = Self.pair(inChannels: 4, outChannels: 6, groups: 2, stride: 1, padding: 1)
        var shapes: [[Int]] = []
        grouped.forEachParameter { shapes.append($0.value.shape) }
        #expect(shapes == [[3, 18], [3], [3, 18], [3]])
        let layers = try grouped.workloadLayers(inputShape: [4, 7, 7], path: "1")
        #expect(layers.map(\.path) == ["1.group0", "1.group1", "1"])
        #expect(layers.last?.kind == .reshape && layers.last?.outputShape == [6, 7, 7])
        let macs: Int = layers.map(\.macs).reduce(0, +)
        let expected: Int = 7 * 7 * 6 * 2 * 9   // pixels × outputs × inputs per group × k²
        #expect(macs == expected)
    }

    @Test("spec: groups must divide both channel counts; the error names the key")
    func blueprintValidation() throws {
        let context = LayerBuildContext(path: "model.layers[1]", index: 1, seed: 0)
        #expect(try Conv2dBlueprint(out: 6, kernel: 3, padding: 1, groups: 2).outputShape(for: [4, 7, 7], context: context) == [6, 7, 7])
        #expect {
            _ = try Conv2dBlueprint(out: 6, kernel: 3, groups: 4).outputShape(for: [4, 7, 7], context: context)
        } throws: { "\($0)".contains("model.layers[1].groups") }
    }
}
