import NeuromorphCore
import NeuromorphNN

/// An analog layer whose weights can be read back by least squares from its own noisy
/// products (Gokmen 2021 Part II, digest `ttv2_gradient-decomposition_shd.md` §1.5; note
/// `analog-training.md` §1.10): what `neuromorph extract` writes as a digital checkpoint.
public protocol WeightExtractingLayer: Layer {
    /// The programmed weights by name (`weight`, `[out, in]` effective units), each tile
    /// estimated from its forward products of `inputs` (``WeightExtraction``), uniform inputs
    /// drawn from `generator`. Uses the tiles' read streams (the layer's later reads change).
    mutating func extractedWeights(inputs: ExtractionInputs, generator: inout SeededGenerator) throws -> [(name: String, value: Tensor)]
}

extension AnalogLinear: WeightExtractingLayer {
    public mutating func extractedWeights(inputs set: ExtractionInputs,
                                          generator: inout SeededGenerator) throws -> [(name: String, value: Tensor)] {
        var w = Tensor.zeros([outputFeatures, inputFeatures])
        for (o, outputs) in outputBlocks.enumerated() {
            for (i, inputs) in inputBlocks.enumerated() {
                let block = try WeightExtraction.extract(from: &tiles[o][i], inputs: set, generator: &generator)
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

extension AnalogConv2d: WeightExtractingLayer {
    public mutating func extractedWeights(inputs set: ExtractionInputs,
                                          generator: inout SeededGenerator) throws -> [(name: String, value: Tensor)] {
        try crossbar.extractedWeights(inputs: set, generator: &generator)
    }
}
