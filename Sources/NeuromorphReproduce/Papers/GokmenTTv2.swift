import NeuromorphAnalog
import NeuromorphCore

/// Enabling training of neural networks on noisy hardware (Gokmen 2021), Part II: least-squares
/// weight extraction from a noisy 512×512 tile (Fig. 6). Digest `ttv2_gradient-decomposition_shd.md`
/// §1.5 and acceptance test §1.8 item 3.
enum GokmenTTv2Results: PaperResultGroup {
    static let paper = Paper(key: "gokmen2021", citation: "Gokmen 2021, training on noisy hardware (TTv2, weight extraction)",
                             digest: "ttv2_gradient-decomposition_shd.md")

    /// RMS error of the weights extracted with `set` from the Fig. 6 tile: 512×512 weights
    /// N(0, 0.3) clipped to [−1, 1], output noise σ 0.06, 7-bit DAC, 9-bit ADC on ±20.
    static func extractionError(_ set: ExtractionInputs, seed: UInt64) throws -> Double {
        var g = SeededGenerator(seed: 1)
        let w = Tensor.randomNormal([512, 512], std: 0.3, using: &g).map { min(max($0, -1), 1) }
        var io = IOParameters()
        io.outputBound = 20
        io.outputNoise = 0.06
        io.inputResolution = 1.0 / 126
        io.outputResolution = 1.0 / 510
        var read = SeededGenerator(seed: 100 + seed), inputs = SeededGenerator(seed: 200 + seed)
        let estimate = try WeightExtraction.extract(inputs: set, inputCount: 512, outputCount: 512, generator: &inputs) { x in
            AnalogMatVec.apply(x, weights: w, transpose: .transposed, io: io, generator: &read)
        }
        let squares = zip(estimate.scalars, w.scalars).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
        return (squares / Double(w.count)).squareRoot()
    }

    static var results: [PaperResult] {
        [
            result("extraction-error-uniform", "§1.5, §1.8 item 3",
                   "weight-extraction error std with N = 10,240 uniform inputs (Fig. 6: ≈ 0.002, range 0.001–0.003)",
                   paper: 0.002, tolerance: .absolute(0.001), quick: false) {
                try extractionError(.uniform(count: 10_240), seed: 3)
            },
        ]
    }
}
