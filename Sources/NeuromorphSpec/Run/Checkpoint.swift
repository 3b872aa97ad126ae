import Foundation
import NeuromorphCore
import NeuromorphNN
import NeuromorphAnalog

/// A saved model: a folder with `manifest.json` and one NumPy `.npy` file per parameter
/// (`0.weight.npy`, `0.bias.npy`, … named by layer index), so weights load directly in
/// NumPy/PyTorch (`torch.from_numpy(numpy.load("0.weight.npy"))`; linear weights are
/// `[out, in]` as in `nn.Linear`, convolution weights `[out, in·k·k]`, reshape to
/// `[out, in, k, k]` for `nn.Conv2d`).
///
/// The folder is written atomically: into a temporary sibling that then replaces the old
/// folder, which is removed only after the new one is in place.
public struct Checkpoint: Codable, Sendable {
    public static let format = "neuromorph-checkpoint/1"

    public struct Entry: Codable, Sendable, Equatable {
        public var name: String
        public var shape: [Int]
        public var file: String
    }

    public var format: String
    public var epoch: Int
    public var parameters: [Entry]
    /// Files with the extra state of stateful layers (`<layer>.state.bin`: analog tiles'
    /// device states, dropout streams).
    public var states: [String]
    public var spec: ExperimentSpec

    /// Saves `model`'s parameters and the spec that built it.
    public static func save(_ model: inout Sequential, spec: ExperimentSpec, epoch: Int, to folder: URL) throws {
        let fm = FileManager.default
        let parent = folder.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let staging = parent.appendingPathComponent(".\(folder.lastPathComponent).staging-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.removeItem(at: staging)
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        var entries: [Entry] = []
        for (name, parameter) in model.namedParameters() {
            let file = "\(name).npy"
            try NumpyArray.encode(parameter.value).write(to: staging.appendingPathComponent(file))
            entries.append(Entry(name: name, shape: parameter.value.shape, file: file))
        }
        var states: [String] = []
        for (i, layer) in model.layers.enumerated() {
            guard let stateful = layer as? any StatefulLayer else { continue }
            let file = "\(i).state.bin"
            try stateful.encodedState().write(to: staging.appendingPathComponent(file))
            states.append(file)
        }
        // Per-device arrays of analog layers as .npy, for inspection in NumPy.
        for (i, layer) in model.layers.enumerated() {
            guard let exporting = layer as? any DeviceStateExporting else { continue }
            let folder = staging.appendingPathComponent("devices")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for (name, tensor) in exporting.deviceTensors {
                try NumpyArray.encode(tensor).write(to: folder.appendingPathComponent("\(i).\(name).npy"))
            }
        }
        let manifest = Checkpoint(format: format, epoch: epoch, parameters: entries, states: states, spec: spec)
        try SpecLoader.json(manifest).write(to: staging.appendingPathComponent("manifest.json"))
        let retired = parent.appendingPathComponent(".\(folder.lastPathComponent).old-\(ProcessInfo.processInfo.processIdentifier)")
        if fm.fileExists(atPath: folder.path) { try fm.moveItem(at: folder, to: retired) }
        try fm.moveItem(at: staging, to: folder)
        try? fm.removeItem(at: retired)
    }

    /// Reads a checkpoint's manifest.
    public static func manifest(at folder: URL) throws -> Checkpoint {
        let url = folder.appendingPathComponent("manifest.json")
        guard let data = try? Data(contentsOf: url) else {
            throw SpecError(file: url.path, path: "", "cannot read the checkpoint manifest; expected a folder written by `neuromorph train`")
        }
        let manifest: Checkpoint
        do { manifest = try JSONDecoder().decode(Checkpoint.self, from: data) } catch {
            throw SpecError(file: url.path, path: "", "not a Neuromorph checkpoint manifest: \(error)")
        }
        guard manifest.format == format else {
            throw SpecError(file: url.path, path: "format", "'\(manifest.format)' is not supported; expected '\(format)'")
        }
        return manifest
    }

    /// Loads the parameters of the checkpoint in `folder` into `model`, checking every name and shape.
    @discardableResult
    public static func load(into model: inout Sequential, from folder: URL) throws -> Checkpoint {
        let manifest = try manifest(at: folder)
        try loadParameters(into: &model, from: folder, entries: manifest.parameters.map { ($0.name, $0.file) })
        for file in manifest.states {
            let url = folder.appendingPathComponent(file)
            guard let index = Int(file.split(separator: ".").first ?? ""), model.layers.indices.contains(index),
                  var layer = model.layers[index] as? any StatefulLayer else {
                throw SpecError(file: url.path, path: "states", "names no stateful layer of this model")
            }
            do { try layer.restoreState(from: try Data(contentsOf: url)) } catch {
                throw SpecError(file: url.path, path: "states", "cannot restore the layer state: \(error)")
            }
            guard let restored = layer as? any Layer else { continue }
            model.layers[index] = restored
        }
        return manifest
    }

    /// Loads `.npy` files named `<layer>.<parameter>.npy` from `folder` into `model`
    /// (weights exported from PyTorch with the same names and shapes).
    public static func loadParameters(into model: inout Sequential, from folder: URL, entries: [(name: String, file: String)]? = nil) throws {
        let files = entries.map { Dictionary(uniqueKeysWithValues: $0.map { ($0.name, $0.file) }) }
        for i in model.layers.indices {
            var failure: (any Error)?
            model.layers[i].forEachParameter { parameter in
                guard failure == nil else { return }
                let name = "\(i).\(parameter.name)"
                let url = folder.appendingPathComponent(files?[name] ?? "\(name).npy")
                do {
                    let tensor = try NumpyArray.read(url)
                    guard tensor.shape == parameter.value.shape else {
                        throw SpecError(file: url.path, path: name, "shape \(tensor.shape) does not match the model's \(parameter.value.shape)")
                    }
                    parameter.value = tensor
                } catch { failure = error }
            }
            if let failure { throw failure }
        }
    }
}
