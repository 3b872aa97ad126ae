import ArgumentParser
import Foundation
import Neuromorph

/// `neuromorph import model.onnx`: an ONNX model as an experiment spec and a checkpoint.
struct ImportONNX: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import an ONNX model (opset 13–20) as an experiment spec and a checkpoint folder.",
        discussion: """
            Writes SPEC (default: the model's name with .yaml) and the checkpoint folder next to it \
            (SPEC without its extension + .checkpoint). Evaluate with `neuromorph eval SPEC --checkpoint FOLDER`, \
            cost with `neuromorph estimate SPEC`, sweep PCM inference with `--like SPEC_WITH_INFERENCE` then \
            `neuromorph infer SPEC --resume FOLDER`, fine-tune with `neuromorph train SPEC --initial-weights FOLDER --epochs N`. \
            Operators, BatchNormalization folding and conventions: docs/onnx.md.
            """)

    @Argument(help: "The ONNX model file (.onnx).")
    var model: String

    @Option(help: "The spec file to write (YAML).")
    var output: String?

    @Option(help: "The checkpoint folder to write (default: next to the spec, <spec name>.checkpoint).")
    var checkpoint: String?

    @Option(help: "The data set the model was trained on: \(DataSpec.Dataset.allCases.map(\.rawValue).joined(separator: ", ")).")
    var dataset: String = DataSpec.Dataset.fashionMNIST.rawValue

    @Option(help: "The data folder or file (needed for idx and movielens).")
    var dataPath: String?

    @Option(help: "Take data, training (epochs 0) and hardware from this spec, e.g. examples/fashion-mlp-pcm.yaml for `neuromorph infer`.")
    var like: String?

    func validate() throws {
        guard DataSpec.Dataset(rawValue: dataset) != nil else {
            throw ValidationError("--dataset: '\(dataset)' is not one of \(DataSpec.Dataset.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        try reportingErrors {
            let modelURL = URL(fileURLWithPath: model)
            let name = modelURL.deletingPathExtension().lastPathComponent
            let specURL = URL(fileURLWithPath: output ?? "\(name).yaml")
            let checkpointURL = URL(fileURLWithPath: checkpoint ?? specURL.deletingPathExtension().path + ".checkpoint")
            let imported = try ONNXImporter.importModel(at: modelURL)
            let data = DataSpec(dataset: DataSpec.Dataset(rawValue: dataset) ?? .fashionMNIST, path: dataPath)
            let template = try like.map { try SpecLoader.load(URL(fileURLWithPath: $0)) }
            let spec = try imported.write(spec: specURL, checkpoint: checkpointURL, name: name, data: data, template: template)
            say("imported \(model) (opset \(imported.opset)): \(spec.model.layers.count) layers, input \(imported.inputShape)")
            for note in imported.notes { say("  note: \(note)") }
            if imported.outputSoftmax {
                say("  note: the final Softmax is applied by `neuromorph predict MODEL.onnx`; the spec's model outputs its logits")
            }
            say("spec: \(specURL.path)")
            say("checkpoint: \(checkpointURL.path)")
        }
    }
}

/// `neuromorph predict MODEL --input x.npy --output y.npy [--hardware SPEC]`: a forward pass on the user's own arrays.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an ONNX model or a checkpoint on a .npy batch and write the outputs as .npy.",
        discussion: """
            MODEL is an .onnx file (imported on the fly; a final Softmax is applied) or a checkpoint folder \
            (its manifest holds the spec; digital layers, or the analog layers of its hardware section). \
            The input is float32 [N, …] with N samples of the model's input size. \
            With --hardware SPEC (a spec with a hardware.inference section, e.g. examples/fashion-mlp-pcm.yaml) \
            the model runs on PCM inference tiles as in `neuromorph infer`: converted with the spec's periphery, \
            programmed with its noise model and read at --time (default: the spec's first time). \
            With a hardware.analog section (e.g. examples/fashion-mlp-w2-constant-step.yaml) its weights are programmed \
            onto the spec's analog crossbar tiles and read through their forward periphery. See docs/onnx.md.
            """)

    @Argument(help: "An .onnx file or a checkpoint folder.")
    var model: String

    @Option(help: "The input batch (.npy, float32, [N, …]).")
    var input: String

    @Option(help: "Where to write the outputs (.npy).")
    var output: String

    @Option(help: "A spec whose hardware.inference (PCM) or hardware.analog section gives the tiles to run on.")
    var hardware: String?

    @Option(help: "With --hardware: the time after programming, e.g. 1s, 1h, 1d, 1mo (default: the spec's first time).")
    var time: String?

    @Option(help: "With --hardware: the seed of the devices, programming and read noise (default: the spec's training.seed).")
    var seed: UInt64?

    @Option(help: "With --hardware: drift compensation on or off (default: on unless the spec says off).")
    var driftCompensation: String?

    @Option(help: "Compute threads (default: all cores).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if hardware == nil && (time != nil || seed != nil || driftCompensation != nil) {
            throw ValidationError("--time, --seed and --drift-compensation need --hardware SPEC")
        }
        if let driftCompensation, !["on", "off"].contains(driftCompensation) {
            throw ValidationError("--drift-compensation: '\(driftCompensation)' is not on or off")
        }
    }

    func run() throws {
        ComputeThreads.set(threads ?? ProcessInfo.processInfo.activeProcessorCount)
        try reportingErrors {
            let x = try NumpyArray.read(URL(fileURLWithPath: input))
            let url = URL(fileURLWithPath: model)
            let onHardware = try hardware.map {
                try PredictionHardware(spec: SpecLoader.load(URL(fileURLWithPath: $0)), file: $0, time: time,
                                       compensatesDrift: driftCompensation.map { $0 == "on" }, seed: seed)
            }
            var isFolder: ObjCBool = false
            var y: Tensor
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
                let manifest = try Checkpoint.manifest(at: url)
                let spec = manifest.spec
                let dataShape = (try? spec.data.sampleShape()) ?? spec.model.inputShape ?? [x.count / max(x.shape.first ?? 1, 1)]
                var (net, _) = try ModelBuilder.build(spec.model, dataShape: dataShape, seed: spec.training.seed,
                                                      analog: spec.hardware.analog)
                if let inference = spec.hardware.inference {
                    // A checkpoint of a PCM inference run (`import --like`, `infer`) holds converted layers.
                    net = AnalogInference.convert(net, periphery: inference.periphery, training: inference.training,
                                                  seed: spec.training.seed)
                }
                try Checkpoint.load(into: &net, from: url)
                if let onHardware {
                    y = try onHardware.predict(net, spec: spec.model, on: x, sampleShape: dataShape)
                } else {
                    y = try ImportedModel.run(&net, on: x, sampleShape: dataShape, softmax: false)
                }
            } else {
                let imported = try ONNXImporter.importModel(at: url)
                if let onHardware {
                    y = try onHardware.predict(try imported.build(), spec: imported.modelSpec, on: x, sampleShape: imported.inputShape)
                    if imported.outputSoftmax { y = y.softmaxRows() }
                } else {
                    y = try imported.predict(x)
                }
            }
            try AtomicFile.write(NumpyArray.encode(y), to: URL(fileURLWithPath: output))
            let device = onHardware.map { " \($0.summary)" } ?? ""
            say("predict \(model)\(device): \(x.shape) → \(y.shape) written to \(output)")
        }
    }
}

/// `neuromorph export CHECKPOINT --onnx model.onnx`.
struct ExportONNX: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a checkpoint's model as ONNX (opset 17), with the effective weights of analog layers.")

    @Argument(help: "A checkpoint folder (…/checkpoint, or one written by `neuromorph import`).")
    var checkpoint: String

    @Option(help: "The ONNX file to write.")
    var onnx: String

    func run() throws {
        try reportingErrors {
            let url = URL(fileURLWithPath: checkpoint)
            let manifest = try Checkpoint.manifest(at: url)
            let spec = manifest.spec
            let dataShape = try spec.data.sampleShape()
            var (net, _) = try ModelBuilder.build(spec.model, dataShape: dataShape, seed: spec.training.seed,
                                                  analog: spec.hardware.analog)
            try Checkpoint.load(into: &net, from: url)
            let data = try ONNXExporter.serialized(net, spec: spec.model, dataShape: dataShape, name: spec.name)
            try AtomicFile.write(data, to: URL(fileURLWithPath: onnx))
            say("exported \(checkpoint) (\(spec.model.layers.count) layers) to \(onnx) (opset \(ONNXExporter.opset))")
        }
    }
}
