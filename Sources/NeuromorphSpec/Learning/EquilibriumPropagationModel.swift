import Foundation
import NeuromorphAnalog
import NeuromorphCore
import NeuromorphLearning
import NeuromorphNN

/// What ``EquilibriumPropagationExperiment`` trains: the digital EP network (``EPTrainer``) or
/// the EP network on the analog tiles of the spec's `hardware.analog` section
/// (``AnalogEquilibriumPropagationModel``). One epoch, one evaluation, the scheduled rates.
protocol EquilibriumPropagationModel {
    var parameterCount: Int { get }
    /// Forward/backward alignment angles (VF/KP-VF networks), `nil` otherwise.
    var alignmentAngles: [Double]? { get }
    func rates(epoch: Int) -> [Double]
    mutating func trainEpoch(_ data: EPDataset<Float>, epoch: Int) throws -> (loss: Double, accuracy: Double)
    mutating func evaluate(_ data: EPDataset<Float>, steps: Int) -> Evaluation
}

extension EPTrainer: EquilibriumPropagationModel where S == Float {
    var parameterCount: Int { network.parameters.tensors.reduce(0) { $0 + $1.count } }
    var alignmentAngles: [Double]? { network.architecture.unidirectional ? alignmentAnglesDegrees : nil }
    func rates(epoch: Int) -> [Double] { optimizer.rates(epoch: epoch) }
    mutating func evaluate(_ data: EPDataset<Float>, steps: Int) -> Evaluation {
        EquilibriumPropagationExperiment.evaluate(network, data, steps: steps)
    }
}

/// Symmetric EP on the unit cells of a `hardware.analog` section (``EPAnalogNetwork``): the
/// section's device (or preset), unit cell, forward/backward periphery and pulsed update.
/// The learning rates follow the spec's per-layer rates and schedule, applied as the cells'
/// pulsed SGD rate (aihwkit `AnalogSGD`: no momentum, no weight decay on the tiles).
struct AnalogEquilibriumPropagationModel<Cell: UnitCell>: EquilibriumPropagationModel {
    var network: EPAnalogNetwork<Cell>
    let settings: EPTrainingSettings

    init<Configuration: UnitCellConfiguration>(settings: EPTrainingSettings, cell: Configuration, analog: AnalogHardwareSpec) throws
    where Configuration.Cell == Cell {
        self.settings = settings
        do {
            network = try EPAnalogNetwork(architecture: settings.architecture, cell: cell, forwardIO: analog.forward,
                                          backwardIO: analog.backward, update: analog.update, seed: settings.seed)
        } catch let error as DeviceParameterError {
            throw SpecError(path: "hardware.analog", error.description)
        }
    }

    var parameterCount: Int { network.parameters.tensors.reduce(0) { $0 + $1.count } }
    var alignmentAngles: [Double]? { nil }

    func rates(epoch: Int) -> [Double] {
        settings.learningRates.map { settings.schedule?.rate(initial: $0, epoch: epoch) ?? $0 }
    }

    /// One pass in the digital trainer's seeded order (stream `ep/shuffle/epoch.e`).
    mutating func trainEpoch(_ data: EPDataset<Float>, epoch: Int) throws -> (loss: Double, accuracy: Double) {
        var g = SeededGenerator(seed: settings.seed, key: StreamKey("ep", "shuffle").child("epoch", epoch))
        let order = g.permutation(data.count)
        let rates = rates(epoch: epoch).map(Float.init)
        var (lossSum, correct, batches) = (0.0, 0, 0)
        for start in stride(from: 0, to: order.count, by: settings.batchSize) {
            let batch = data.batch(order[start..<Swift.min(start + settings.batchSize, order.count)])
            let step = try network.trainStep(batch, beta: Float(settings.beta), freeSteps: settings.freeSteps,
                                             nudgedSteps: settings.nudgedSteps, learningRates: rates)
            lossSum += Double(step.loss)
            correct += step.correct
            batches += 1
        }
        return (batches > 0 ? lossSum / Double(batches) : 0, data.count > 0 ? Double(correct) / Double(data.count) : 0)
    }

    /// Loss `½‖s^N − y‖²` and accuracy after `steps` free steps of noisy tile reads, batches of 256.
    mutating func evaluate(_ data: EPDataset<Float>, steps: Int) -> Evaluation {
        guard data.count > 0 else { return Evaluation(loss: 0, accuracy: 0) }
        var (correct, loss) = (0, 0.0)
        for start in stride(from: 0, to: data.count, by: 256) {
            let batch = data.batch(start..<Swift.min(start + 256, data.count))
            let r = network.evaluate(batch, steps: steps)
            correct += r.correct
            loss += Double(r.loss) * Double(batch.size)
        }
        return Evaluation(loss: Float(loss / Double(data.count)), accuracy: Float(correct) / Float(data.count))
    }
}

extension AnalogHardwareSpec {
    /// The EP model on this section's tiles (conv kernels as `[C_out, C_in·k²]` tiles read
    /// im2col-style, dense layers as `[out, in]` tiles); throws a `SpecError` for what EP on tiles
    /// cannot honour (a cross-entropy readout, backward weights, estimators other than symmetric,
    /// momentum or weight decay, `layers`, `weight_scaling_omega`, a layer's tile larger than
    /// `max_tile_size`).
    func equilibriumPropagationModel(_ settings: EPTrainingSettings) throws -> any EquilibriumPropagationModel {
        let a = settings.architecture
        let onTiles = "EP on analog tiles (hardware.analog) runs squared-error networks (conv and linear layers) with the symmetric estimator"
        guard a.cost == .squaredError else { throw SpecError(path: "training.loss", "\(onTiles); use loss: mse") }
        guard settings.estimator == .symmetric else {
            throw SpecError(path: "training.procedure.estimator", "\(onTiles); got '\(settings.estimator.rawValue)', use symmetric")
        }
        try validate(optimizer: "sgd", momentum: settings.momentum, weightDecay: settings.weightDecay)
        if layers != nil {
            throw SpecError(path: "hardware.analog.layers", "EP on analog tiles puts every layer on tiles; remove 'layers'")
        }
        if weightScalingOmega != nil {
            throw SpecError(path: "hardware.analog.weight_scaling_omega", "EP on analog tiles programs the weights unscaled; remove it")
        }
        for (n, shape) in a.weightShapes.enumerated() where max(shape.rows, shape.columns) > maxTileSize {
            throw SpecError(path: "hardware.analog.max_tile_size",
                            "EP on analog tiles keeps each layer on one tile; state layer \(n + 1)'s weights are "
                            + "\(shape.rows)×\(shape.columns) (rows × columns; a conv kernel is out channels × in channels·k²), "
                            + "max_tile_size is \(maxTileSize)")
        }
        let cell = try cellConfiguration
        func open<C: UnitCellConfiguration>(_ cell: C) throws -> any EquilibriumPropagationModel {
            try AnalogEquilibriumPropagationModel<C.Cell>(settings: settings, cell: cell, analog: self)
        }
        return try open(cell)
    }
}
