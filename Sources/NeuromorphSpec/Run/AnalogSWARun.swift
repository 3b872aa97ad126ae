import Foundation
import NeuromorphAnalog
import NeuromorphCore
import NeuromorphNN

/// Analog stochastic weight averaging at the end of a `neuromorph train` run (`--swa-epochs K
/// --swa-mvms N`; Gokmen 2021 Part II, digest `ttv2_gradient-decomposition_shd.md` §1.5, note
/// `analog-training.md` §1.10): after each of the last `K` epochs every analog tile is read
/// with `N` uniform-random forward products through its own periphery, accumulated per tile in
/// a ``RunningAverager`` (`M_xx`, `M_xy` in Double); after the last epoch the averaged weights
/// `((M_xx)⁻¹ M_xy)ᵀ` are written as a digital checkpoint (`swa-checkpoint/` beside
/// `checkpoint/`, atomically, with its `spec.yaml`), as `neuromorph extract` writes one
/// extraction. Digital parameters (biases) are the final ones.
///
/// The products are taken on a copy of the model, so training continues exactly as without
/// averaging (the copy's reads start from the tiles' read streams as they are, so their noise
/// is not independent of the training reads that follow).
///
/// The averagers, their input stream and the recorded epochs are saved with every checkpoint
/// of the run (`analog-swa.state.bin`, written with the checkpoint folder, atomically), so
/// `--resume` inside the window continues them and gives the same averaged weights as an
/// uninterrupted run (same flags required; see ``AnalogSWAState``).
public struct AnalogSWASettings: Sendable, Equatable {
    /// The window: the last `epochs` epochs of the run (`--swa-epochs`, ≥ 1).
    public var epochs: Int
    /// Uniform-input products per tile after each epoch of the window (`--swa-mvms`, ≥ 1).
    public var productsPerEpoch: Int

    public init(epochs: Int, productsPerEpoch: Int) {
        self.epochs = epochs
        self.productsPerEpoch = productsPerEpoch
    }

    /// The epochs (1-based) whose end is recorded, for a run of `total` epochs.
    public func window(total: Int) -> ClosedRange<Int> { Swift.max(1, total - epochs + 1)...total }

    /// Checks the settings against the run and its built `model`; errors (``ExtractionError``)
    /// name the flag as their field.
    func validate(_ spec: ExperimentSpec, startEpoch: Int, model: Sequential) throws {
        guard epochs >= 1 else { throw ExtractionError(field: "--swa-epochs", "must be at least 1 epoch, got \(epochs)") }
        guard productsPerEpoch >= 1 else {
            throw ExtractionError(field: "--swa-mvms", "must be at least 1 product per tile and epoch, got \(productsPerEpoch)")
        }
        guard spec.hardware.analog != nil, spec.hardware.inference == nil else {
            throw ExtractionError(field: "--swa-epochs", "averages analog training tiles; the spec has no hardware.analog "
                                 + "(hardware.inference runs are not supported)")
        }
        guard epochs <= spec.training.epochs else {
            throw ExtractionError(field: "--swa-epochs", "\(epochs) exceeds the run's \(spec.training.epochs) epochs (training.epochs)")
        }
        var largest = 0
        var copy = model
        copy.forEachLayer { _, layer in
            if let averaging = layer as? any ProductAveragingLayer { largest = Swift.max(largest, averaging.largestTileInputs) }
        }
        guard largest > 0 else {
            throw ExtractionError(field: "--swa-epochs", "the model has no analog linear or conv2d layer to average")
        }
        guard epochs * productsPerEpoch >= largest else {
            throw ExtractionError(field: "--swa-mvms", "the window needs at least as many products per tile as a tile has inputs "
                                 + "(\(largest)); got \(epochs) epochs × \(productsPerEpoch)")
        }
    }

    /// The state to continue from when resuming after `startEpoch` with `saved` (the
    /// checkpoint's averagers, if it has any): `nil` when the window begins after
    /// `startEpoch` (nothing recorded yet); otherwise `saved`, which must exist, have recorded
    /// exactly the window's epochs up to `startEpoch` and use the same `--swa-mvms` (a shorter
    /// run with the same window start, e.g. `--swa-epochs 1` of 2 epochs before `--swa-epochs
    /// 2` of 3, qualifies). Errors name the flag.
    func resumedState(_ saved: AnalogSWAState?, spec: ExperimentSpec, startEpoch: Int, model: Sequential,
                      checkpoint: String) throws -> AnalogSWAState? {
        let window = window(total: spec.training.epochs)
        guard startEpoch >= window.lowerBound else { return nil }
        let expected = Array(window.lowerBound...Swift.min(startEpoch, window.upperBound))
        guard let saved else {
            throw ExtractionError(field: "--swa-epochs", "the window (epochs \(window)) begins at or before the resumed checkpoint's "
                                 + "epoch \(startEpoch), but \(checkpoint) holds no averagers (written without --swa-epochs, or by an "
                                 + "older Neuromorph); rerun from the start or choose a window after epoch \(startEpoch)")
        }
        guard saved.productsPerEpoch == productsPerEpoch, saved.recorded == expected else {
            let list = { (epochs: [Int]) in epochs.isEmpty ? "none" : epochs.map(String.init).joined(separator: ",") }
            throw ExtractionError(field: "--swa-epochs", "\(checkpoint) holds averagers of epochs \(list(saved.recorded)) with --swa-mvms "
                                 + "\(saved.productsPerEpoch); this run's window (epochs \(window) of training.epochs "
                                 + "\(spec.training.epochs)) needs epochs \(list(expected)) with --swa-mvms \(productsPerEpoch); "
                                 + "resume with the flags and epochs it was written with, or rerun from the start")
        }
        try saved.check(against: model, checkpoint: checkpoint)
        return saved
    }
}

/// What a checkpoint keeps of a run's analog SWA (`analog-swa.state.bin`): the products per
/// epoch, every tile's averager (`M_xx`, `M_xy` in Double, count), the input stream where it
/// stands and the epochs recorded so far.
public struct AnalogSWAState: Codable, Sendable, Equatable {
    public var productsPerEpoch: Int
    /// Per analog layer path, one averager per tile.
    public var averagers: [String: [RunningAverager]]
    /// Stream `swa` of the run's seed after the recorded epochs.
    public var generator: SeededGenerator
    public var recorded: [Int]

    /// The file name in the checkpoint folder.
    public static let file = "analog-swa.state.bin"

    public func encoded() throws -> Data { try StateCoding.encode(self) }

    /// Throws unless the averagers are those of `model`'s analog layers: the same layer paths,
    /// one averager per tile of each tile's size, buffers of the right length (a state file
    /// edited by hand or written for another model would otherwise fail an assertion).
    func check(against model: Sequential, checkpoint: String) throws {
        var expected: [String: [RunningAverager]] = [:]
        var copy = model
        var unused = SeededGenerator(seed: 0)
        copy.forEachLayer { path, layer in
            guard var averaging = layer as? any ProductAveragingLayer else { return }
            averaging.accumulateProducts(into: &expected[path, default: []], products: 0, generator: &unused)  // shapes only
        }
        func fail(_ what: String) -> ExtractionError {
            ExtractionError(field: "--resume", "\(checkpoint)/\(Self.file) does not fit this model: \(what); rerun from the start")
        }
        guard Set(expected.keys) == Set(averagers.keys) else {
            throw fail("averagers for layers \(averagers.keys.sorted()), the model's analog layers are \(expected.keys.sorted())")
        }
        for (path, tiles) in expected {
            let saved = averagers[path] ?? []
            guard saved.count == tiles.count else { throw fail("layer \(path) has \(saved.count) averagers for \(tiles.count) tiles") }
            for (a, b) in zip(saved, tiles) where a.inputs != b.inputs || a.outputs != b.outputs
                || a.inputGram.count != a.inputs * a.inputs || a.inputOutput.count != a.inputs * a.outputs || a.count < 0 {
                throw fail("layer \(path) has an averager of \(a.inputs) × \(a.outputs) (buffers \(a.inputGram.count), "
                           + "\(a.inputOutput.count)) where a tile is \(b.inputs) × \(b.outputs)")
            }
        }
        guard recorded.allSatisfy({ $0 >= 1 }), productsPerEpoch >= 1 else { throw fail("recorded epochs \(recorded), products \(productsPerEpoch)") }
    }

    /// Reads a state written by ``encoded()``; errors name the file.
    public static func decode(_ data: Data, file: String) throws -> AnalogSWAState {
        do { return try StateCoding.decode(AnalogSWAState.self, from: data) } catch {
            throw ExtractionError(field: "--resume", "\(file) is not an analog SWA state written by `neuromorph train --swa-epochs`: \(error)")
        }
    }
}

/// What the averaging gave, in `results.json` (`analogSWA`).
public struct AnalogSWAResult: Codable, Sendable, Equatable {
    /// The recorded epochs.
    public var epochs: [Int]
    /// Products per tile and recorded epoch.
    public var productsPerEpoch: Int
    /// The digital model with the averaged weights on the test set.
    public var test: Evaluation
    /// The folder of the averaged digital checkpoint (`swa-checkpoint`), if written.
    public var checkpoint: String?
}

/// The per-tile averagers of one run: filled after each epoch of the window, solved at the end.
struct AnalogSWARecorder {
    let settings: AnalogSWASettings
    let window: ClosedRange<Int>
    /// Per analog layer path, one averager per tile.
    var averagers: [String: [RunningAverager]] = [:]
    /// Stream `swa` of the run's seed: the uniform inputs.
    var generator: SeededGenerator
    var recorded: [Int] = []

    /// A recorder at the start of the window, or continuing `resumed` (see
    /// ``AnalogSWASettings/resumedState(_:spec:startEpoch:checkpoint:)``).
    init(_ settings: AnalogSWASettings, spec: ExperimentSpec, resumed: AnalogSWAState? = nil) {
        self.settings = settings
        window = settings.window(total: spec.training.epochs)
        generator = SeededGenerator(seed: spec.training.seed).split(key: "swa")
        if let resumed {
            averagers = resumed.averagers
            generator = resumed.generator
            recorded = resumed.recorded
        }
    }

    /// What a checkpoint saves.
    var state: AnalogSWAState {
        AnalogSWAState(productsPerEpoch: settings.productsPerEpoch, averagers: averagers, generator: generator, recorded: recorded)
    }

    /// Records the products of every analog layer after `epoch`, if it is in the window.
    mutating func record(epoch: Int, model: Sequential) {
        guard window.contains(epoch) else { return }
        var copy = model
        copy.forEachLayer { path, layer in
            guard var averaging = layer as? any ProductAveragingLayer else { return }
            averaging.accumulateProducts(into: &averagers[path, default: []], products: settings.productsPerEpoch,
                                         generator: &generator)
        }
        recorded.append(epoch)
    }

    /// Writes the averaged weights of `model`'s analog layers (its digital parameters as they
    /// are) as a digital checkpoint at `output` (none when nil); returns the digital model.
    func write(model: Sequential, spec: ExperimentSpec, epoch: Int, to output: URL?) throws -> Sequential {
        guard !recorded.isEmpty else {
            throw ExtractionError(field: "--swa-epochs", "no epoch of the window \(window) ran (early stopping?); nothing to average")
        }
        var values: [String: Tensor] = [:]
        var model = model
        for (name, parameter) in model.namedParameters() { values[name] = parameter.value }
        try model.forEachLayer { path, layer in
            guard let averaging = layer as? any ProductAveragingLayer, let tiles = averagers[path] else { return }
            do {
                for (name, value) in try averaging.averagedWeights(from: tiles) { values[layerPath(path, name)] = value }
            } catch let error as ExtractionError {
                throw ExtractionError(field: "--swa-mvms", "layer \(path): \(error.message); raise --swa-mvms or --swa-epochs")
            }
        }
        return try ExtractedCheckpoint.writeDigital(values: values, spec: spec, epoch: epoch, source: "analog SWA", to: output)
    }
}
