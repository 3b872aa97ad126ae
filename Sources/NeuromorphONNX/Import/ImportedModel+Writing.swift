import Foundation
import NeuromorphAnalog
import NeuromorphCore
import NeuromorphNN
import NeuromorphSpec

extension ImportedModel {
    /// An experiment spec that evaluates the imported model: its `model:` section, the data
    /// set `data`, and a training section with 0 epochs (evaluate as imported; raise
    /// `epochs` to fine-tune), seed 0, digital hardware.
    public func experimentSpec(name: String, data: DataSpec) -> ExperimentSpec {
        ExperimentSpec(name: name, data: data, model: modelSpec,
                       training: TrainingSpec(loss: steps.last == .logSoftmax ? .nll : .crossEntropy,
                                              optimizer: .sgd(learningRate: 0.01), epochs: 0, batchSize: 64, seed: 0))
    }

    /// Writes the spec (YAML) to `specURL` and a checkpoint folder (epoch 0) to
    /// `checkpointURL` that `neuromorph eval`, `train --initial-weights` and `predict` read.
    ///
    /// Everything is built and checked in memory first (the model against the data set's
    /// sample shape); the checkpoint is written atomically (``Checkpoint/save(_:optimizer:spec:epoch:to:)``),
    /// then the spec atomically (``AtomicFile``); if the spec cannot be written, a checkpoint
    /// this call created is removed again, so a failure leaves nothing partial.
    ///
    /// A trailing `Softmax` is not part of the spec's layers (Neuromorph has no softmax
    /// layer): the checkpoint's outputs are the logits, and classification accuracy, argmax and
    /// the cross-entropy loss are those of the ONNX model.
    ///
    /// With a `template` spec, its data, training (epochs set to 0, the loss chosen from the
    /// model's last layer) and hardware sections are used. A `hardware.inference` section makes
    /// the checkpoint the model the runner trains and sweeps: linear and conv layers converted
    /// to PCM inference layers (``AnalogInference/convert(_:periphery:training:seed:reconfigure:)``)
    /// with their input ranges calibrated on the first 1000 training samples with the imported
    /// weights, so `neuromorph infer SPEC --resume CHECKPOINT` programs and sweeps the imported
    /// model without training it. `hardware.analog` (training on analog tiles) is not supported.
    public func write(spec specURL: URL, checkpoint checkpointURL: URL, name: String, data: DataSpec,
                      template: ExperimentSpec? = nil) throws -> ExperimentSpec {
        var spec = experimentSpec(name: name, data: template?.data ?? data)
        if let template {
            let loss = spec.training.loss
            spec.training = template.training
            spec.training.epochs = 0
            spec.training.loss = loss
            spec.hardware = template.hardware
        }
        guard spec.hardware.analog == nil else {
            throw ONNXImportError(file: "--like", "hardware.analog: importing onto analog training tiles is not supported; "
                                  + "use a spec with hardware.inference (PCM inference) or none")
        }
        let dataShape = try spec.data.sampleShape()
        guard dataShape.reduce(1, *) == inputShape.reduce(1, *) else {
            throw ONNXImportError(file: "--dataset", "the model's input samples \(inputShape) do not match the "
                                  + "\(spec.data.dataset.rawValue) samples \(dataShape); choose the data set the model was trained on")
        }
        var model = try build(dataShape: dataShape)
        if let inference = spec.hardware.inference {
            model = AnalogInference.convert(model, periphery: inference.periphery, training: inference.training,
                                            seed: spec.training.seed)
            let data = try ExperimentRunner.loadData(spec.data, seed: spec.training.seed)
            AnalogInference.calibrateInputRanges(&model, inputs: data.train.inputs.gatherRows(0..<Swift.min(1000, data.train.count)))
        }
        let yaml = try SpecLoader.yaml(spec)
        // The spec must load back exactly (strict decoding) before anything is written.
        _ = try SpecLoader.parse(yaml, format: .yaml, file: specURL.path)
        let fm = FileManager.default
        let existed = fm.fileExists(atPath: checkpointURL.path)
        try Checkpoint.save(model, spec: spec, epoch: 0, to: checkpointURL)
        do { try AtomicFile.write(yaml, to: specURL) } catch {
            if !existed { try? fm.removeItem(at: checkpointURL) }
            throw ONNXImportError(file: specURL.path, "cannot write the spec: \(error.localizedDescription)")
        }
        return spec
    }
}
