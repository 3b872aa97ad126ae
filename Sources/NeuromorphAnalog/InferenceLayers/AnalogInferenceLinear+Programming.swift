import NeuromorphCore
import NeuromorphNN

/// A weight block programmed onto inference devices that can be read at a time `t`:
/// ``ProgrammedInferenceArray`` of any ``InferenceNoiseModel``, type-erased so that one
/// (non-generic) ``AnalogInferenceLinear`` holds tiles of any device model. The hot read
/// loop stays specialized inside the array.
public protocol ProgrammedAnalogWeights: Sendable {
    /// Output rows of the block.
    var rows: Int { get }
    /// Input columns of the block.
    var columns: Int { get }
    /// The weight scale `s_j` of every row (a conductance difference of `g_max` stands for `s_j`).
    var scales: [Float] { get }
    /// The weights (original units) at `time` seconds after programming, with a fresh read.
    func effectiveWeights(at time: Double, generator: inout SeededGenerator, into weights: inout Tensor)
}

extension ProgrammedInferenceArray: ProgrammedAnalogWeights {}

/// One programmed tile of an ``AnalogInferenceLinear``: the devices, the drift-compensation
/// reference read right after programming, and the normalized weights `w̃(t) = W(t)/s_j` and
/// compensation factor `α(t)` of the last read.
public struct ProgrammedInferenceTile: Sendable {
    /// The programmed devices (read at every ``AnalogInferenceLinear/read(at:)``).
    public var array: any ProgrammedAnalogWeights
    /// `ref₀` of the one-hot readout through this tile's MAC and ADC (digest §2.5).
    public let compensation: GlobalDriftCompensation
    /// The normalized weights `w̃(t)` of the last read, `[rows, columns]`.
    public internal(set) var weights: Tensor
    /// `α(t) = ref₀ / ref(t)` of the last read (1 before any read).
    public internal(set) var compensationFactor: Float
    /// Read-noise draws of this tile.
    var readGenerator: SeededGenerator
}

/// The programmed state of an ``AnalogInferenceLinear``: a grid of tiles `[outputBlock][inputBlock]`.
public struct ProgrammedInferenceLayer: Sendable {
    /// The device model the tiles were programmed with (for summaries and results).
    public let modelDescription: String
    /// Tiles indexed `[outputBlock][inputBlock]`.
    public internal(set) var tiles: [[ProgrammedInferenceTile]]
    /// The time of the last ``AnalogInferenceLinear/read(at:)`` (`nil`: not read yet).
    public internal(set) var time: InferenceTime?
}

extension AnalogInferenceLinear {
    /// Whether the layer holds programmed tiles.
    public var isProgrammed: Bool { programmed != nil }

    /// `α` of every tile at the last read, `[outputBlock][inputBlock]`.
    public var compensationFactors: [[Float]] { programmed?.tiles.map { $0.map(\.compensationFactor) } ?? [] }

    /// Programs the current digital weights, tile by tile, onto differential pairs of `model`
    /// (per-row scale `s_j = max|W_j|` of each block, digest §2.2), then reads each tile at
    /// `t = 0` with one-hot inputs through its MAC and ADC to get the drift-compensation
    /// reference `ref₀` (digest §2.5). Tile `(o, i)` draws from stream `program/tile.o.i` of a
    /// seed drawn from `generator` (its reads from `…/read`); `generator` itself continues
    /// as stream `program/next` so that successive programmings differ.
    public mutating func program<Model: InferenceNoiseModel>(_ model: Model, generator: inout SeededGenerator) {
        let base = SeededGenerator(seed: generator.next(), key: "program")
        generator = base.split(key: "next")
        let periphery = self.periphery
        var noise = base.split(key: "compensation")
        var grid: [[ProgrammedInferenceTile]] = []
        for (o, outputs) in outputBlocks.enumerated() {
            var row: [ProgrammedInferenceTile] = []
            for (i, inputs) in inputBlocks.enumerated() {
                var tileGenerator = base.split(key: StreamKey("tile.\(o).\(i)"))
                let block = weight.value.inferenceTile(rows: outputs, columns: inputs)
                let array = model.program(weights: block.scalars, rows: outputs.count, columns: inputs.count,
                                          scaling: .perRowMaximum, generator: &tileGenerator)
                var readGenerator = tileGenerator.split(key: "read")
                var w0 = Tensor.zeros([0])
                array.effectiveWeights(at: 0, generator: &readGenerator, into: &w0)
                w0.inferenceDivideRows(by: array.scales)
                let compensation = GlobalDriftCompensation(inputs: inputs.count, readout: .oneHot) { x in
                    periphery.mac(x, weights: w0, generator: &noise)
                }
                row.append(ProgrammedInferenceTile(array: array, compensation: compensation, weights: w0,
                                                   compensationFactor: 1, readGenerator: readGenerator))
            }
            grid.append(row)
        }
        self.generator = noise
        programmed = ProgrammedInferenceLayer(modelDescription: "\(model)", tiles: grid, time: nil)
    }

    /// Forgets the programmed tiles (inference then uses the digital weights again).
    public mutating func unprogram() { programmed = nil }

    /// Reads every tile at `time` after programming: fresh effective weights (drift and read
    /// noise), then the delayed one-hot reference and `α(t) = ref₀ / ref(t)` (digest §2.5).
    /// Until the next call, inference uses these weights (``ReadNoiseRedraw/perTime``) or
    /// redraws the read noise every pass (``ReadNoiseRedraw/perForward``, `α` kept).
    public mutating func read(at time: InferenceTime) {
        readTiles(at: time, updatesCompensation: true)
    }

    mutating func readTiles(at time: InferenceTime, updatesCompensation: Bool) {
        guard var state = programmed else {
            preconditionFailure("AnalogInferenceLinear.read(at:): program the layer first")
        }
        programmed = nil   // keep the tile buffers uniquely referenced while they are rewritten
        let periphery = self.periphery
        var noise = generator
        for o in state.tiles.indices {
            for i in state.tiles[o].indices {
                var tile = state.tiles[o][i]
                state.tiles[o][i].weights = Tensor.zeros([0])
                tile.array.effectiveWeights(at: time.seconds, generator: &tile.readGenerator, into: &tile.weights)
                tile.weights.inferenceDivideRows(by: tile.array.scales)
                if updatesCompensation {
                    let w = tile.weights
                    tile.compensationFactor = tile.compensation.factor { x in
                        periphery.mac(x, weights: w, generator: &noise)
                    }
                }
                state.tiles[o][i] = tile
            }
        }
        state.time = time
        generator = noise
        programmed = state
    }

    /// `z` of the programmed tiles at the last read time (see the type's equations).
    mutating func programmedProduct(_ xq: Tensor, inputRange r: Float) -> Tensor {
        if programmed?.time == nil {
            read(at: InferenceTime(seconds: 0))
        } else if readNoise == .perForward, let time = programmed?.time {
            readTiles(at: time, updatesCompensation: false)
        }
        guard let state = programmed else { preconditionFailure("AnalogInferenceLinear: not programmed") }
        var z = Tensor.zeros([xq.rows, outputFeatures])
        for (o, outputs) in outputBlocks.enumerated() {
            for (i, inputs) in inputBlocks.enumerated() {
                let tile = state.tiles[o][i]
                let y = periphery.mac(xq.columns(inputs), weights: tile.weights, generator: &generator)
                let f = r * (compensatesDrift ? tile.compensationFactor : 1)
                z.inferenceAccumulate(y, scaledBy: tile.array.scales.map { $0 * f }, at: outputs)   // digital partial sums
            }
        }
        return z
    }
}
