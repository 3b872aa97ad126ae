import Foundation
import NeuromorphAnalog
import NeuromorphCore
import NeuromorphNN

/// `neuromorph extract`: reads an analog training checkpoint, estimates every analog layer's
/// weights by least squares from its own noisy forward products (Gokmen 2021 Part II,
/// digest `ttv2_gradient-decomposition_shd.md` §1.5; ``WeightExtraction``), and writes them
/// as a digital checkpoint — the same model with `hardware.analog` removed — so that the
/// weights trained on analog devices run on digital hardware (Gokmen's Table 1 "digital HW"
/// columns). Digital parameters (biases, normalisation) are copied as they are.
///
/// The checkpoint is written atomically (``Checkpoint/save(_:optimizer:spec:epoch:to:)``):
/// nothing is written at `output` when extraction fails; `output/spec.yaml` is the digital spec.
public enum ExtractedCheckpoint {
    /// What one analog layer's extraction gave.
    public struct LayerReport: Sendable, Equatable {
        /// `path.weight`.
        public var name: String
        /// Forward products used per tile.
        public var products: Int
        /// RMS of (extracted − noise-free device weights), weight units.
        public var rmsError: Float
        /// RMS of the noise-free device weights, for scale.
        public var rmsWeight: Float
    }

    /// Extracts the analog layers of the checkpoint in `checkpoint` with `inputs` (uniform
    /// draws from `seed`, default the run's `training.seed`) and writes the digital checkpoint
    /// to `output`.
    public static func write(from checkpoint: URL, to output: URL, inputs: ExtractionInputs,
                             seed: UInt64? = nil) throws -> [LayerReport] {
        let manifest = try Checkpoint.manifest(at: checkpoint)
        let manifestPath = checkpoint.appendingPathComponent("manifest.json").path
        let spec = manifest.spec
        guard let analog = spec.hardware.analog else {
            throw SpecError(file: manifestPath, path: "spec.hardware.analog",
                            "missing: the checkpoint's run has no analog layers to extract; expected a checkpoint of a `neuromorph train` run with hardware.analog")
        }
        guard spec.hardware.inference == nil else {
            throw SpecError(file: manifestPath, path: "spec.hardware.inference",
                            "extraction reads trained analog tiles; a hardware.inference run holds PCM inference layers (use `neuromorph infer`)")
        }
        guard output.standardizedFileURL.path != checkpoint.standardizedFileURL.path else {
            throw SpecError(file: output.path, path: "", "the output folder is the input checkpoint; choose another folder with --output")
        }
        let shape = try spec.data.sampleShape()
        var (model, _) = try ModelBuilder.build(spec.model, dataShape: shape, seed: spec.training.seed, analog: analog)
        try Checkpoint.load(into: &model, from: checkpoint)

        var values: [String: Tensor] = [:]
        for (name, parameter) in model.namedParameters() { values[name] = parameter.value }
        var generator = SeededGenerator(seed: seed ?? spec.training.seed).split(key: "extract")
        var reports: [LayerReport] = []
        try model.forEachLayer { path, layer in
            guard var extracting = layer as? any WeightExtractingLayer else { return }
            let exact = (extracting as? any ProgrammedLayer)?.programmedWeights ?? []
            for (name, value) in try extracting.extractedWeights(inputs: inputs, generator: &generator) {
                let full = layerPath(path, name)
                values[full] = value
                if let reference = exact.first(where: { $0.name == name })?.value, reference.shape == value.shape {
                    let n = Float(Swift.max(value.count, 1))
                    let error = zip(value.scalars, reference.scalars).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                    let size = reference.scalars.reduce(Float(0)) { $0 + $1 * $1 }
                    let inputsPerTile = value.columns
                    reports.append(LayerReport(name: full, products: inputs.productCount(inputs: Swift.min(inputsPerTile, analog.maxTileSize)),
                                               rmsError: (error / n).squareRoot(), rmsWeight: (size / n).squareRoot()))
                }
            }
            layer = extracting
        }

        try writeDigital(values: values, spec: spec, epoch: manifest.epoch, source: manifestPath, to: output)
        return reports
    }

    /// Writes `values` (parameter name → value, the analog layers' weights among them) as a
    /// digital checkpoint of `spec`'s model without `hardware.analog`, atomically, with the
    /// digital `spec.yaml` beside it (nothing is written when `output` is nil); returns the
    /// digital model. `source` names where the values came from in errors.
    @discardableResult
    static func writeDigital(values: [String: Tensor], spec: ExperimentSpec, epoch: Int, source manifestPath: String,
                             to output: URL?) throws -> Sequential {
        let shape = try spec.data.sampleShape()
        var digitalSpec = spec
        digitalSpec.hardware.analog = nil
        var (digital, _) = try ModelBuilder.build(spec.model, dataShape: shape, seed: spec.training.seed)
        var failure: (any Error)?
        digital.forEachLayer { path, layer in
            guard failure == nil else { return }
            let assign: (inout Parameter) -> Void = { parameter in
                guard failure == nil else { return }
                let name = layerPath(path, parameter.name)
                guard let value = values[name] else {
                    failure = SpecError(file: manifestPath, path: "parameters", "has no value for the digital model's parameter '\(name)'")
                    return
                }
                guard value.count == parameter.value.count else {
                    failure = SpecError(file: manifestPath, path: name,
                                        "has \(value.count) values for a digital parameter of shape \(parameter.value.shape)")
                    return
                }
                parameter.value = Tensor(shape: parameter.value.shape, scalars: value.scalars)
            }
            if var container = layer as? any LayerContainer {
                container.forEachOwnParameter(assign)
                layer = container
            } else {
                layer.forEachParameter(assign)
            }
        }
        if let failure { throw failure }
        guard let output else { return digital }
        try Checkpoint.save(digital, optimizer: nil, spec: digitalSpec, epoch: epoch, to: output)
        // The digital spec beside the weights, for `neuromorph eval OUTPUT/spec.yaml --checkpoint OUTPUT`
        // (the manifest holds the same spec).
        try AtomicFile.write(try SpecLoader.yaml(digitalSpec), to: output.appendingPathComponent("spec.yaml"))
        return digital
    }
}
