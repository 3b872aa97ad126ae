import NeuromorphCore
import NeuromorphNN

/// An analog layer whose tiles' products can be accumulated over a training window and solved
/// for the window's average weights (Gokmen 2021 Part II analog SWA, digest
/// `ttv2_gradient-decomposition_shd.md` §1.5; note `analog-training.md` §1.10):
///
/// ```
/// per recording, per tile t:  x_s ~ U[−1, 1]^in, y_s = tile_t.forward(x_s)   (s = 1 … N)
///                             M_xx,t += Σ x_s x_sᵀ,  M_xy,t += Σ x_s y_sᵀ        (RunningAverager)
/// end of the window:          W̄_t = ((M_xx,t)⁻¹ M_xy,t)ᵀ                        (tile t's block of W̄)
/// ```
///
/// With the same number of products per recording, `W̄_t` is the least-squares weight that
/// best explains all the window's products: about the mean of the weights the recordings saw.
public protocol ProductAveragingLayer: WeightExtractingLayer {
    /// Adds `products` uniform-input forward products of every tile to `averagers` (one per
    /// tile; created on the first call), inputs drawn from `generator`.
    mutating func accumulateProducts(into averagers: inout [RunningAverager], products: Int, generator: inout SeededGenerator)
    /// The window's averaged weights by name (`weight`, `[out, in]` effective units, the
    /// layer's digital output scale applied), from the averagers ``accumulateProducts`` filled.
    func averagedWeights(from averagers: [RunningAverager]) throws -> [(name: String, value: Tensor)]
    /// The most inputs any tile has: a window needs at least this many products per tile.
    var largestTileInputs: Int { get }
}

extension AnalogLinear: ProductAveragingLayer {
    public var largestTileInputs: Int { inputBlocks.map(\.count).max() ?? 0 }

    public mutating func accumulateProducts(into averagers: inout [RunningAverager], products: Int,
                                            generator: inout SeededGenerator) {
        if averagers.isEmpty {
            for outputs in outputBlocks {
                for inputs in inputBlocks { averagers.append(RunningAverager(inputs: inputs.count, outputs: outputs.count)) }
            }
        }
        precondition(averagers.count == outputBlocks.count * inputBlocks.count, "AnalogLinear.accumulateProducts: averagers of another layer")
        for o in outputBlocks.indices {
            for (i, inputs) in inputBlocks.enumerated() {
                var start = 0
                while start < products {
                    let count = Swift.min(1024, products - start)
                    let x = Tensor.randomUniform([count, inputs.count], lower: -1, upper: 1, using: &generator)
                    averagers[o * inputBlocks.count + i].accumulate(x: x, y: tiles[o][i].forward(x))
                    start += count
                }
            }
        }
    }

    public func averagedWeights(from averagers: [RunningAverager]) throws -> [(name: String, value: Tensor)] {
        guard averagers.count == outputBlocks.count * inputBlocks.count else {
            throw ExtractionError(field: "averagers", "\(averagers.count) for a layer of \(outputBlocks.count * inputBlocks.count) tiles")
        }
        var w = Tensor.zeros([outputFeatures, inputFeatures])
        for (o, outputs) in outputBlocks.enumerated() {
            for (i, inputs) in inputBlocks.enumerated() {
                let block = try averagers[o * inputBlocks.count + i].estimate()
                for (r, row) in outputs.enumerated() {
                    for (c, column) in inputs.enumerated() {
                        w.scalars[row * inputFeatures + column] = block.scalars[r * inputs.count + c]
                    }
                }
            }
        }
        return [("weight", outputScale == 1 ? w : w * outputScale)]
    }
}

extension AnalogConv2d: ProductAveragingLayer {
    public var largestTileInputs: Int { crossbar.largestTileInputs }

    public mutating func accumulateProducts(into averagers: inout [RunningAverager], products: Int,
                                            generator: inout SeededGenerator) {
        crossbar.accumulateProducts(into: &averagers, products: products, generator: &generator)
    }

    public func averagedWeights(from averagers: [RunningAverager]) throws -> [(name: String, value: Tensor)] {
        try crossbar.averagedWeights(from: averagers)
    }
}
