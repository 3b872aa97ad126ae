import NeuromorphCore
import NeuromorphNN

/// One experiment: data, model, training and hardware, as written in a YAML or JSON file.
///
/// ```yaml
/// name: fashion-mlp
/// data: {dataset: fashion-mnist}
/// model:
///   input_shape: [784]
///   layers:
///     - {type: linear, out: 256}
///     - {type: activation, function: sigmoid}
///     - {type: linear, out: 10}
///     - {type: log_softmax}
/// training:
///   loss: nll
///   optimizer: {kind: sgd, learning_rate: 0.1}
///   epochs: 10
///   batch_size: 64
///   seed: 0
/// ```
/// Unknown keys and bad values are rejected with the key path and the allowed values.
public struct ExperimentSpec: Codable, Sendable, Equatable {
    public var name: String
    public var data: DataSpec
    public var model: ModelSpec
    public var training: TrainingSpec
    public var hardware: HardwareSpec
    /// The substrates `neuromorph compare` evaluates the trained model on (`Compare/`); nil: none.
    public var substrates: [SubstrateEntry]?

    public init(name: String, data: DataSpec, model: ModelSpec, training: TrainingSpec,
                hardware: HardwareSpec = HardwareSpec(), substrates: [SubstrateEntry]? = nil) {
        self.name = name
        self.data = data
        self.model = model
        self.training = training
        self.hardware = hardware
        self.substrates = substrates
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case name, data, model, training, hardware, substrates }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? "experiment"
        data = try c.decode(DataSpec.self, forKey: .data)
        model = try c.decode(ModelSpec.self, forKey: .model)
        training = try c.decode(TrainingSpec.self, forKey: .training)
        hardware = try c.decodeIfPresent(HardwareSpec.self, forKey: .hardware) ?? HardwareSpec()
        substrates = try c.decodeIfPresent([SubstrateEntry].self, forKey: .substrates)
        try validateAnalogOptimizer()
    }

    /// Analog layers apply the optimizer's learning rate as a pulsed SGD update on their
    /// devices: an optimizer whose state or decay they cannot apply (momentum, Nesterov,
    /// weight decay, Adam, RMSprop) is rejected instead of silently becoming plain SGD
    /// (``AnalogHardwareSpec/validate(optimizer:momentum:nesterov:weightDecay:path:)``).
    public func validateAnalogOptimizer() throws {
        guard let analog = hardware.analog, !training.optimizer.blueprint.isPlainSGD else { return }
        let sgd = training.optimizer.blueprint as? SGDBlueprint
        try analog.validate(optimizer: training.optimizer.kind, momentum: sgd?.momentum ?? 0, nesterov: sgd?.nesterov ?? false,
                            weightDecay: sgd?.weightDecay ?? 0, path: "training.optimizer")
    }
}

// MARK: - Data

/// Which data set to train and test on.
public struct DataSpec: Codable, Sendable, Equatable {
    public enum Dataset: String, Codable, Sendable, CaseIterable {
        /// Fashion-MNIST IDX files (default folder `/usr/share/datasets/fashion-mnist`).
        case fashionMNIST = "fashion-mnist"
        /// MNIST or any folder with the four standard IDX names (`path` required).
        case idx
        /// The 8×8 UCI digits shipped with Neuromorph (pixel values 0-16).
        case digits
        /// Three Gaussian blobs in 2-D, generated from the seed (for smoke tests).
        case blobs
        /// MovieLens ratings (`path`: a `u.data`, `ratings.dat` or `ratings.csv` file or a
        /// folder holding one; not redistributable, so none ships): each sample is the
        /// (user, item) index pair, the target its rating; 20 % of the ratings are held out
        /// for testing with a seeded split. Train it with `objective: regression`.
        case movielens
    }

    public var dataset: Dataset
    /// Folder of the IDX files; defaults per data set.
    public var path: String?
    /// Fraction of the training set held out for validation (early stopping monitors it).
    public var validationFraction: Double
    /// Use only the first `trainLimit` training and `testLimit` test samples (quick runs).
    public var trainLimit: Int?
    public var testLimit: Int?

    public init(dataset: Dataset, path: String? = nil, validationFraction: Double = 0,
                trainLimit: Int? = nil, testLimit: Int? = nil) {
        self.dataset = dataset
        self.path = path
        self.validationFraction = validationFraction
        self.trainLimit = trainLimit
        self.testLimit = testLimit
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case dataset, path
        case validationFraction = "validation_fraction"
        case trainLimit = "train_limit", testLimit = "test_limit"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dataset = try c.decodeChoice(Dataset.self, forKey: .dataset)
        path = try c.decodeIfPresent(String.self, forKey: .path)
        validationFraction = try c.decodeCheckedIfPresent(Double.self, forKey: .validationFraction,
                                                           "a fraction in [0, 1)") { $0 >= 0 && $0 < 1 } ?? 0
        trainLimit = try c.decodeCheckedIfPresent(Int.self, forKey: .trainLimit, "a positive count") { $0 > 0 }
        testLimit = try c.decodeCheckedIfPresent(Int.self, forKey: .testLimit, "a positive count") { $0 > 0 }
        if dataset == .idx && path == nil {
            throw SpecError(path: SpecError.render(decoder.codingPath + [CodingKeys.path]),
                            "missing; dataset 'idx' needs the folder holding the four IDX files")
        }
        if dataset == .movielens && path == nil {
            throw SpecError(path: SpecError.render(decoder.codingPath + [CodingKeys.path]),
                            "missing; dataset 'movielens' needs the ratings file (u.data, ratings.dat or ratings.csv) or its folder")
        }
    }
}

// MARK: - Model

/// The network: an input shape per sample and a list of layers; sizes that follow from the
/// previous layer (`in` of a linear layer, input channels of a convolution) are inferred.
public struct ModelSpec: Codable, Sendable, Equatable {
    /// Shape of one sample, e.g. `[784]` or `[1, 28, 28]`; defaults to the data set's.
    public var inputShape: [Int]?
    public var layers: [LayerSpec]
    /// Seed of the weight-initialization stream (defaults to the training seed).
    public var seed: UInt64?

    public init(inputShape: [Int]? = nil, layers: [LayerSpec], seed: UInt64? = nil) {
        self.inputShape = inputShape
        self.layers = layers
        self.seed = seed
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case inputShape = "input_shape", layers, seed }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inputShape = try c.decodeIfPresent([Int].self, forKey: .inputShape)
        if let shape = inputShape, shape.isEmpty || shape.contains(where: { $0 <= 0 }) {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.inputShape]),
                            "\(shape) is invalid; expected a list of positive sizes such as [784] or [1, 28, 28]")
        }
        layers = try c.decode([LayerSpec].self, forKey: .layers)
        if layers.isEmpty {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.layers]), "empty; expected at least one layer")
        }
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed)
    }
}

extension LayerSpec {
    public static func linear(_ out: Int, bias: Bool? = nil) -> LayerSpec { LayerSpec(LinearBlueprint(out: out, bias: bias)) }
    public static func activation(_ f: ActivationKind) -> LayerSpec { LayerSpec(ActivationBlueprint(f)) }
    public static func conv2d(_ out: Int, kernel: Int, stride: Int? = nil, padding: Int = 0) -> LayerSpec {
        LayerSpec(Conv2dBlueprint(out: out, kernel: kernel, stride: stride, padding: padding))
    }
    public static func pool(_ kind: PoolingKind, window: Int, stride: Int? = nil) -> LayerSpec {
        LayerSpec(PoolBlueprint(kind: kind, window: window, stride: stride))
    }
    public static var flatten: LayerSpec { LayerSpec(FlattenBlueprint()) }
    public static var logSoftmax: LayerSpec { LayerSpec(LogSoftmaxBlueprint()) }
    public static func dropout(_ rate: Double) -> LayerSpec { LayerSpec(DropoutBlueprint(rate: rate)) }
    public static func transformer(_ blueprint: TransformerBlueprint) -> LayerSpec { LayerSpec(blueprint) }
}

// MARK: - Training

/// Loss, objective, procedure, optimizer, constraints, schedule, epochs, batch size and seed.
public struct TrainingSpec: Codable, Sendable, Equatable {
    public var loss: LossKind
    public var objective: ObjectiveSpec
    public var procedure: ProcedureSpec
    public var constraints: [ConstraintSpec]
    public var optimizer: OptimizerSpec
    public var schedule: ScheduleSpec
    public var epochs: Int
    public var batchSize: Int
    public var seed: UInt64
    public var earlyStoppingPatience: Int?

    public init(loss: LossKind = .crossEntropy, optimizer: OptimizerSpec, schedule: ScheduleSpec = ScheduleSpec(),
                epochs: Int, batchSize: Int, seed: UInt64 = 0, earlyStoppingPatience: Int? = nil,
                objective: ObjectiveSpec = ObjectiveSpec(), procedure: ProcedureSpec = ProcedureSpec(),
                constraints: [ConstraintSpec] = []) {
        self.loss = loss
        self.objective = objective
        self.procedure = procedure
        self.constraints = constraints
        self.optimizer = optimizer
        self.schedule = schedule
        self.epochs = epochs
        self.batchSize = batchSize
        self.seed = seed
        self.earlyStoppingPatience = earlyStoppingPatience
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case loss, objective, procedure, constraints, optimizer, schedule, epochs, seed
        case batchSize = "batch_size", earlyStoppingPatience = "early_stopping_patience"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        objective = try c.decodeIfPresent(ObjectiveSpec.self, forKey: .objective) ?? ObjectiveSpec()
        procedure = try c.decodeIfPresent(ProcedureSpec.self, forKey: .procedure) ?? ProcedureSpec()
        constraints = try c.decodeIfPresent([ConstraintSpec].self, forKey: .constraints) ?? []
        loss = try c.decodeChoiceIfPresent(LossKind.self, forKey: .loss) ?? (objective.kind == .regression ? .mse : .crossEntropy)
        if objective.kind == .regression && loss != .mse {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.loss]),
                            "'\(loss.rawValue)' needs class labels; a regression objective trains on mse")
        }
        optimizer = try c.decode(OptimizerSpec.self, forKey: .optimizer)
        schedule = try c.decodeIfPresent(ScheduleSpec.self, forKey: .schedule) ?? ScheduleSpec()
        epochs = try c.decodeChecked(Int.self, forKey: .epochs, "an integer ≥ 0") { $0 >= 0 }
        batchSize = try c.decodeChecked(Int.self, forKey: .batchSize, "a positive integer") { $0 > 0 }
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 0
        earlyStoppingPatience = try c.decodeCheckedIfPresent(Int.self, forKey: .earlyStoppingPatience,
                                                             "a positive number of epochs") { $0 > 0 }
    }
}

/// The learning-rate schedule.
public struct ScheduleSpec: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable { case constant, step, cosine }
    public var kind: Kind
    /// Step schedule: epochs per decay and the decay factor.
    public var stepSize: Int?
    public var gamma: Double?
    /// Cosine schedule: the final rate (default 0).
    public var minimum: Double?

    public init(kind: Kind = .constant, stepSize: Int? = nil, gamma: Double? = nil, minimum: Double? = nil) {
        self.kind = kind
        self.stepSize = stepSize
        self.gamma = gamma
        self.minimum = minimum
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case kind, gamma, minimum, stepSize = "step_size" }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decodeChoice(Kind.self, forKey: .kind)
        stepSize = try c.decodeCheckedIfPresent(Int.self, forKey: .stepSize, "a positive number of epochs") { $0 > 0 }
        gamma = try c.decodeCheckedIfPresent(Double.self, forKey: .gamma, "a factor in (0, 1]") { $0 > 0 && $0 <= 1 }
        minimum = try c.decodeCheckedIfPresent(Double.self, forKey: .minimum, "a rate ≥ 0") { $0 >= 0 }
        if kind == .step && stepSize == nil {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.stepSize]), "missing; the step schedule needs 'step_size'")
        }
    }

    /// The schedule for a run of `epochs` epochs.
    public func schedule(epochs: Int) -> LearningRateSchedule {
        switch kind {
        case .constant: .constant
        case .step: .step(stepSize: stepSize ?? 1, gamma: Float(gamma ?? 0.1))
        case .cosine: .cosine(epochs: epochs, minimum: Float(minimum ?? 0))
        }
    }
}

// MARK: - Hardware

/// The hardware a model runs on: digital floating point by default; `analog` puts linear
/// and convolution layers on simulated crossbar tiles. Unknown sections are rejected.
public struct HardwareSpec: Codable, Sendable, Equatable {
    /// Analog training on pulsed-device crossbars.
    public var analog: AnalogHardwareSpec?
    /// Analog inference on PCM crossbars (HWA training, programming, drift sweep).
    public var inference: InferenceHardwareSpec?

    public init(analog: AnalogHardwareSpec? = nil, inference: InferenceHardwareSpec? = nil) {
        self.analog = analog
        self.inference = inference
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case analog, inference }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        for key in container.allKeys where CodingKeys(rawValue: key.stringValue) == nil {
            throw SpecError(path: SpecError.render(decoder.codingPath + [key]),
                            "'\(key.stringValue)' is not supported by this version; allowed keys: analog, inference")
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        analog = try c.decodeIfPresent(AnalogHardwareSpec.self, forKey: .analog)
        inference = try c.decodeIfPresent(InferenceHardwareSpec.self, forKey: .inference)
        if analog != nil && inference != nil {
            throw SpecError(path: SpecError.render(decoder.codingPath + [CodingKeys.inference]),
                            "choose one of 'analog' (training on pulsed crossbars) and 'inference' (PCM inference), not both")
        }
    }
}
