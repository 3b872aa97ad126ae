import Foundation
import NeuromorphCore
import NeuromorphNN
import NeuromorphAnalog

/// A saved model: a folder with `manifest.json` and one NumPy `.npy` file per parameter,
/// named by the parameter's dotted path in the model (`0.weight.npy`, `0.bias.npy`,
/// `3.blocks.1.attention.query.weight.npy`), so weights load directly in NumPy/PyTorch
/// (`torch.from_numpy(numpy.load("0.weight.npy"))`; linear weights are `[out, in]` as in
/// `nn.Linear`, convolution weights `[out, in·k·k]`, reshape to `[out, in, k, k]` for
/// `nn.Conv2d`).
///
/// The model is walked (`LayerTree`), never type-switched, so layers nested in
/// containers (a transformer's projections) are saved like top-level ones:
/// - digital parameters → `<path>.npy`;
/// - device-held weights of analog layers (`ProgrammedLayer`) → `<path>.npy`, loaded back
///   by an explicit programming call;
/// - the full state of every `StatefulLayer` (device conductances, sampled device
///   parameters, random streams) → `<path>.state.bin`;
/// - per-device arrays of analog layers → `devices/<path>.<name>.npy` (inspection only);
/// - the optimizer's state (velocities, moments, step count) → `optimizer.state.bin`,
///   so a resumed run is bit-identical for every optimizer;
/// - the analog SWA averagers of a `--swa-epochs` run → `analog-swa.state.bin`
///   (``AnalogSWAState``), so a run resumed inside the window averages as an uninterrupted one.
///
/// The folder is written atomically: into a temporary sibling that then replaces the old
/// folder, which is removed only after the new one is in place.
public struct Checkpoint: Codable, Sendable {
    public static let format = "neuromorph-checkpoint/2"
    /// Formats this version reads (version 1: flat models, no optimizer state).
    public static let readableFormats = ["neuromorph-checkpoint/1", format]

    public struct Entry: Codable, Sendable, Equatable {
        public var name: String
        public var shape: [Int]
        public var file: String
    }

    public var format: String
    public var epoch: Int
    /// Digital parameters.
    public var parameters: [Entry]
    /// Device-held weights of analog layers (programmed on load).
    public var programmed: [Entry]?
    /// Files with the extra state of stateful layers (`<path>.state.bin`).
    public var states: [String]
    /// The optimizer state file, if saved.
    public var optimizer: String?
    public var spec: ExperimentSpec
    /// The analog SWA state file (``AnalogSWAState/file``), if the run averages.
    public var analogSWA: String? = nil

    static let stateSuffix = ".state.bin"
    static let optimizerFile = "optimizer.state.bin"

    /// Saves `model`'s parameters, device weights and layer states, the optimizer's state,
    /// the analog SWA state (if given) and the spec that built them.
    public static func save<M: Layer>(_ model: M, optimizer: (any Optimizer)? = nil, spec: ExperimentSpec, epoch: Int,
                                      analogSWA: AnalogSWAState? = nil, to folder: URL) throws {
        let fm = FileManager.default
        let parent = folder.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        try recoverInterruptedSave(of: folder)
        let staging = stagingFolder(of: folder)
        try? fm.removeItem(at: staging)
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        func write(_ tensors: [(String, Tensor)]) throws -> [Entry] {
            try tensors.map { name, value in
                let file = "\(name).npy"
                try NumpyArray.encode(value).write(to: staging.appendingPathComponent(file))
                return Entry(name: name, shape: value.shape, file: file)
            }
        }
        let entries = try write(model.namedParameters().map { ($0.name, $0.parameter.value) })
        let programmed = try write(model.namedProgrammedWeights().map { ($0.name, $0.value) })
        var states: [String] = []
        try LayerTree.visit(model) { path, layer in
            if let stateful = layer as? any StatefulLayer {
                let file = (path.isEmpty ? "model" : path) + stateSuffix
                try stateful.encodedState().write(to: staging.appendingPathComponent(file))
                states.append(file)
            }
            // Per-device arrays of analog layers as .npy, for inspection in NumPy.
            if let exporting = layer as? any DeviceStateExporting {
                let devices = staging.appendingPathComponent("devices")
                try fm.createDirectory(at: devices, withIntermediateDirectories: true)
                for (name, tensor) in exporting.deviceTensors {
                    try NumpyArray.encode(tensor).write(to: devices.appendingPathComponent("\(layerPath(path, name)).npy"))
                }
            }
        }
        var savedOptimizer: String?
        if let optimizer {
            try optimizer.encodedState().write(to: staging.appendingPathComponent(optimizerFile))
            savedOptimizer = optimizerFile
        }
        if let analogSWA {
            try analogSWA.encoded().write(to: staging.appendingPathComponent(AnalogSWAState.file))
        }
        let manifest = Checkpoint(format: format, epoch: epoch, parameters: entries,
                                  programmed: programmed.isEmpty ? nil : programmed, states: states,
                                  optimizer: savedOptimizer, spec: spec, analogSWA: analogSWA == nil ? nil : AnalogSWAState.file)
        try SpecLoader.json(manifest).write(to: staging.appendingPathComponent("manifest.json"))
        // Swap in: the old folder becomes `.NAME.previous` until the new one is in place, so a
        // process killed at any moment leaves a complete checkpoint under one of the two names
        // (`recoverInterruptedSave` puts the previous one back).
        let previous = previousFolder(of: folder)
        try? fm.removeItem(at: previous)
        if fm.fileExists(atPath: folder.path) { try fm.moveItem(at: folder, to: previous) }
        try fm.moveItem(at: staging, to: folder)
        try? fm.removeItem(at: previous)
    }

    static func stagingFolder(of folder: URL) -> URL {
        folder.deletingLastPathComponent().appendingPathComponent(".\(folder.lastPathComponent).staging")
    }

    static func previousFolder(of folder: URL) -> URL {
        folder.deletingLastPathComponent().appendingPathComponent(".\(folder.lastPathComponent).previous")
    }

    /// After a process was killed between the two renames of ``save(_:optimizer:spec:epoch:to:)``,
    /// only `.NAME.previous` holds a complete checkpoint: move it back. A half-written
    /// staging folder is never read.
    static func recoverInterruptedSave(of folder: URL) throws {
        let fm = FileManager.default
        let previous = previousFolder(of: folder)
        guard !fm.fileExists(atPath: folder.path),
              fm.fileExists(atPath: previous.appendingPathComponent("manifest.json").path) else { return }
        try fm.moveItem(at: previous, to: folder)
    }

    /// Reads a checkpoint's manifest.
    public static func manifest(at folder: URL) throws -> Checkpoint {
        try recoverInterruptedSave(of: folder)
        let url = folder.appendingPathComponent("manifest.json")
        guard let data = try? Data(contentsOf: url) else {
            throw SpecError(file: url.path, path: "", "cannot read the checkpoint manifest; expected a folder written by `neuromorph train`")
        }
        let manifest: Checkpoint
        do { manifest = try JSONDecoder().decode(Checkpoint.self, from: data) } catch {
            throw SpecError(file: url.path, path: "", "not a Neuromorph checkpoint manifest: \(error)")
        }
        guard readableFormats.contains(manifest.format) else {
            throw SpecError(file: url.path, path: "format",
                            "'\(manifest.format)' is not supported; expected one of \(readableFormats.joined(separator: ", "))")
        }
        return manifest
    }

    /// Loads the checkpoint in `folder` into `model` (parameters, device weights, layer
    /// states), checking every name and shape.
    @discardableResult
    public static func load<M: Layer>(into model: inout M, from folder: URL) throws -> Checkpoint {
        let manifest = try manifest(at: folder)
        let files = (manifest.parameters + (manifest.programmed ?? [])).map { ($0.name, $0.file) }
        var seen = Set<String>()
        for (name, _) in files where !seen.insert(name).inserted {
            throw SpecError(file: folder.appendingPathComponent("manifest.json").path, path: "parameters",
                            "names '\(name)' twice; a checkpoint lists each parameter once")
        }
        try loadParameters(into: &model, from: folder, entries: files)
        var remaining = Set(manifest.states)
        var failure: (any Error)?
        model.forEachLayer { path, layer in
            guard failure == nil, var stateful = layer as? any StatefulLayer else { return }
            let file = (path.isEmpty ? "model" : path) + stateSuffix
            guard remaining.remove(file) != nil else {
                failure = SpecError(file: folder.appendingPathComponent("manifest.json").path, path: "states",
                                    "has no state for the stateful layer '\(path)'; the checkpoint was written for another model")
                return
            }
            let url = folder.appendingPathComponent(file)
            do { try stateful.restoreState(from: try Data(contentsOf: url)) } catch {
                failure = SpecError(file: url.path, path: "states", "cannot restore the state of layer '\(path)': \(error)")
                return
            }
            layer = stateful
        }
        if let failure { throw failure }
        if let extra = remaining.sorted().first {
            throw SpecError(file: folder.appendingPathComponent(extra).path, path: "states", "names no stateful layer of this model")
        }
        return manifest
    }

    /// Checks that `spec` describes the run this checkpoint was saved from in everything a
    /// resume depends on (model, hardware, data, objective, procedure, optimizer kind, seed);
    /// throws naming each section that differs. Epochs, schedule length and limits may change.
    public func checkResumable(with spec: ExperimentSpec, folder: URL) throws {
        func json<T: Encodable>(_ value: T) -> String {
            (try? SpecLoader.json(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
        var differences: [String] = []
        if json(self.spec.model) != json(spec.model) { differences.append("model") }
        if json(self.spec.hardware) != json(spec.hardware) { differences.append("hardware") }
        if json(self.spec.data) != json(spec.data) { differences.append("data") }
        if self.spec.training.objective != spec.training.objective { differences.append("training.objective") }
        if self.spec.training.procedure != spec.training.procedure { differences.append("training.procedure") }
        if self.spec.training.optimizer.kind != spec.training.optimizer.kind { differences.append("training.optimizer.kind") }
        if self.spec.training.seed != spec.training.seed { differences.append("training.seed") }
        guard differences.isEmpty else {
            throw SpecError(file: folder.appendingPathComponent("manifest.json").path, path: "spec",
                            "the checkpoint was saved from a run whose \(differences.joined(separator: ", ")) differ from this spec's; "
                                + "resume with the spec it was written with (its copy is in the manifest) or start a new run")
        }
    }

    /// Restores the optimizer state saved with the checkpoint in `folder` (nothing when the
    /// checkpoint has none, as version-1 checkpoints).
    public static func restoreOptimizer<O: Optimizer>(_ optimizer: inout O, from folder: URL) throws {
        let manifest = try manifest(at: folder)
        guard let file = manifest.optimizer else { return }
        let url = folder.appendingPathComponent(file)
        do { try optimizer.restoreState(from: try Data(contentsOf: url)) } catch {
            throw SpecError(file: url.path, path: "optimizer", "cannot restore the optimizer state: \(error)")
        }
    }

    /// The analog SWA state saved with the checkpoint in `folder` (`nil` when it has none).
    public static func analogSWAState(at folder: URL) throws -> AnalogSWAState? {
        guard let file = try manifest(at: folder).analogSWA else { return nil }
        let url = folder.appendingPathComponent(file)
        guard let data = try? Data(contentsOf: url) else {
            throw SpecError(file: url.path, path: "analogSWA", "the manifest names this analog SWA state, but it cannot be read")
        }
        return try AnalogSWAState.decode(data, file: url.path)
    }

    /// Loads `.npy` files named `<path>.<parameter>.npy` from `folder` into `model`
    /// (weights exported from PyTorch with the same names and shapes). Digital parameters
    /// are assigned; device-held weights of analog layers are programmed onto the devices.
    public static func loadParameters<M: Layer>(into model: inout M, from folder: URL,
                                                entries: [(name: String, file: String)]? = nil) throws {
        let files = entries.map { Dictionary($0.map { ($0.name, $0.file) }, uniquingKeysWith: { first, _ in first }) }
        func read(_ name: String, shape: [Int]) throws -> Tensor {
            let url = folder.appendingPathComponent(files?[name] ?? "\(name).npy")
            let tensor = try NumpyArray.read(url)
            guard tensor.shape == shape else {
                throw SpecError(file: url.path, path: name, "shape \(tensor.shape) does not match the model's \(shape)")
            }
            return tensor
        }
        try model.assignWeights { name, shape in try read(name, shape: shape) }
    }
}
