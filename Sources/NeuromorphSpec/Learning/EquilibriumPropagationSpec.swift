import NeuromorphCore
import NeuromorphNN
import NeuromorphLearning

/// `training.procedure: {kind: equilibrium_propagation, …}`: train the model as an energy-based
/// convergent network with Equilibrium Propagation (Laborieux et al. 2021; learning-rules §1.1,
/// EP digest §1.2–1.5; `docs/learning-rules-ep.md`).
///
/// ```yaml
/// model:
///   input_shape: [1, 8, 8]
///   layers:                                  # conv2d (stride 1) + max pool 2, flatten, linear
///     - {type: conv2d, out: 8, kernel: 3, padding: 1}
///     - {type: pool, kind: max, window: 2}
///     - {type: flatten}
///     - {type: linear, out: 10}               # cross_entropy: the softmax readout;
/// training:                                   # mse: the squared-error output state layer
///   loss: cross_entropy
///   optimizer: {kind: sgd, learning_rate: 0.05, momentum: 0.9, weight_decay: 3.0e-4}
///   schedule: {kind: cosine, minimum: 1.0e-5}
///   procedure:
///     kind: equilibrium_propagation
///     estimator: symmetric        # one-sided | random-sign | symmetric | vf | kp-vf
///     beta: 1.0                   # β, the nudging strength
///     T: 40                       # free-phase steps
///     K: 10                       # steps of each nudged phase
///     learning_rates: [0.25, 0.05] # per state layer, then the readout (Table 1's per-layer rates)
///     activation: my_hard_sig     # my_sigmoid | hard_sigmoid | my_hard_sig
/// ```
/// Names follow the paper (β, T, K, the estimators of Eq. 4 and 12, VF and KP-VF of §1.5) and the
/// reference code (`my_sigmoid`, `hard_sigmoid`, `my_hard_sig`, per-layer `lrs`).
public struct EquilibriumPropagationSpec: Codable, Sendable, Equatable {
    /// The procedure's `kind`.
    public static let kind = "equilibrium_propagation"

    /// How the gradient is estimated (`vf` and `kp-vf` give the network separate backward weights).
    public var estimator: EPEstimator
    /// β > 0 (the random-sign estimator draws its sign per batch).
    public var beta: Double
    /// T: free-phase steps (also the evaluation steps unless `evaluationSteps`).
    public var freeSteps: Int
    /// K: steps of each nudged phase.
    public var nudgedSteps: Int
    /// Free-phase steps at evaluation (default T).
    public var evaluationSteps: Int?
    /// One rate per state layer plus one for a cross-entropy readout (default: the optimizer's
    /// `learning_rate` for every group).
    public var learningRates: [Double]?
    /// The state activation σ (default `my_sigmoid` for fully connected networks, `my_hard_sig`
    /// with convolutions: the reference code's choices).
    public var activation: EPActivation?
    /// Where the nudge goes: inside σ (the reference code, default) or outside (the paper's Eq. 3).
    public var nudge: Nudge

    public enum Nudge: String, Codable, Sendable, CaseIterable { case inside, outside }

    public init(estimator: EPEstimator = .symmetric, beta: Double = 0.5, freeSteps: Int = 20, nudgedSteps: Int = 6,
                evaluationSteps: Int? = nil, learningRates: [Double]? = nil, activation: EPActivation? = nil,
                nudge: Nudge = .inside) {
        self.estimator = estimator
        self.beta = beta
        self.freeSteps = freeSteps
        self.nudgedSteps = nudgedSteps
        self.evaluationSteps = evaluationSteps
        self.learningRates = learningRates
        self.activation = activation
        self.nudge = nudge
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, estimator, beta, activation, nudge
        case freeSteps = "T", nudgedSteps = "K", evaluationSteps = "evaluation_T", learningRates = "learning_rates"
    }

    /// The keys the procedure mapping accepts beside `kind`.
    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue).filter { $0 != "kind" } }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), (try? single.decode(String.self)) != nil {
            self.init()  // `procedure: equilibrium_propagation`: every default
            return
        }
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let rates = try c.decodeIfPresent([Double].self, forKey: .learningRates)
        if let rates {
            if rates.isEmpty {
                throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.learningRates]),
                                "empty; expected one positive rate per state layer (and one for a cross-entropy readout)")
            }
            for (i, r) in rates.enumerated() where !(r > 0 && r.isFinite) {
                throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.learningRates]) + "[\(i)]",
                                "\(r) is invalid; expected a positive finite learning rate")
            }
        }
        self.init(
            estimator: try c.decodeChoiceIfPresent(EPEstimator.self, forKey: .estimator) ?? .symmetric,
            beta: try c.decodeCheckedIfPresent(Double.self, forKey: .beta, "a positive nudging strength β") { $0 > 0 } ?? 0.5,
            freeSteps: try c.decodeCheckedIfPresent(Int.self, forKey: .freeSteps, "a positive number of free-phase steps") { $0 >= 1 } ?? 20,
            nudgedSteps: try c.decodeCheckedIfPresent(Int.self, forKey: .nudgedSteps, "a positive number of nudged-phase steps") { $0 >= 1 } ?? 6,
            evaluationSteps: try c.decodeCheckedIfPresent(Int.self, forKey: .evaluationSteps, "a positive number of steps") { $0 >= 1 },
            learningRates: rates,
            activation: try c.decodeChoiceIfPresent(EPActivation.self, forKey: .activation),
            nudge: try c.decodeChoiceIfPresent(Nudge.self, forKey: .nudge) ?? .inside)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.kind, forKey: .kind)
        try c.encode(estimator, forKey: .estimator)
        try c.encode(beta, forKey: .beta)
        try c.encode(freeSteps, forKey: .freeSteps)
        try c.encode(nudgedSteps, forKey: .nudgedSteps)
        try c.encodeIfPresent(evaluationSteps, forKey: .evaluationSteps)
        try c.encodeIfPresent(learningRates, forKey: .learningRates)
        try c.encodeIfPresent(activation, forKey: .activation)
        try c.encode(nudge, forKey: .nudge)
    }
}

// MARK: - From an experiment spec

extension EquilibriumPropagationSpec {
    /// The EP network the spec's model describes: `conv2d` layers (stride 1), each followed by a
    /// `pool` of kind max, window 2 (stride 2), become convolutional state layers; `linear`
    /// layers after them fully connected state layers; the last `linear` is the softmax readout
    /// (`loss: cross_entropy`) or the squared-error output state layer (`loss: mse`). `flatten`
    /// is accepted; any other layer is rejected, naming it (σ is ``activation``).
    public func architecture(_ spec: ExperimentSpec, featureCount: Int, classes: Int) throws -> EPArchitecture {
        let layers = spec.model.layers
        func fail(_ index: Int?, _ message: String) -> SpecError {
            SpecError(path: index.map { "model.layers[\($0)]" } ?? "model.layers", message)
        }
        var convolutions: [EPArchitecture.Convolution] = []
        var linears: [Int] = []
        var index = 0
        while index < layers.count {
            let blueprint = layers[index].blueprint
            if let conv = blueprint as? Conv2dBlueprint {
                guard linears.isEmpty else { throw fail(index, "a convolution after a linear layer; EP networks are convolutions, then linear layers") }
                guard (conv.stride ?? 1) == 1 else { throw fail(index, "stride \(conv.stride ?? 1); EP convolutions have stride 1 (the 2×2 max pool downsamples)") }
                guard conv.bias ?? true else { throw fail(index, "bias: false; EP state layers have biases") }
                let next = index + 1 < layers.count ? layers[index + 1].blueprint as? PoolBlueprint : nil
                guard let pool = next, (pool.kind ?? .max) == .max, pool.window == 2, (pool.stride ?? 2) == 2 else {
                    throw fail(index, "a convolution must be followed by {type: pool, kind: max, window: 2} (Eq. 8's P)")
                }
                convolutions.append(.init(channels: conv.out, kernel: conv.kernel, padding: conv.padding ?? 0))
                index += 2
                continue
            }
            if blueprint is FlattenBlueprint { index += 1; continue }
            if let linear = blueprint as? LinearBlueprint {
                guard linear.bias ?? true else { throw fail(index, "bias: false; EP state layers and the readout have biases") }
                linears.append(linear.out)
                index += 1
                continue
            }
            throw fail(index, "type '\(layers[index].type)' is not part of an EP network; use conv2d + max pool 2, flatten and linear "
                        + "layers (the state activation is training.procedure.activation: "
                        + EPActivation.allCases.map(\.rawValue).joined(separator: ", ") + ")")
        }
        guard let out = linears.last else { throw fail(nil, "no linear layer; the last linear layer is the output (one unit per class)") }
        guard out >= classes else { throw fail(layers.count - 1, "\(out) outputs but the data has \(classes) classes") }
        let cost: EPCost
        switch spec.training.loss {
        case .crossEntropy: cost = .crossEntropy
        case .mse: cost = .squaredError
        default:
            throw SpecError(path: "training.loss", "'\(spec.training.loss.rawValue)' is not an EP cost; expected cross_entropy (softmax readout) or mse (squared-error output layer)")
        }
        if cost == .crossEntropy && convolutions.isEmpty && linears.count < 2 {
            throw fail(nil, "a cross-entropy EP network needs a state layer before the readout (a hidden linear or conv2d layer)")
        }
        var shape = spec.model.inputShape ?? [featureCount]
        guard shape.reduce(1, *) == featureCount else {
            throw SpecError(path: "model.input_shape", "\(shape) holds \(shape.reduce(1, *)) values but the data has \(featureCount) per sample")
        }
        if shape.count == 1 {
            guard convolutions.isEmpty else { throw SpecError(path: "model.input_shape", "\(shape); convolutions need [channels, height, width]") }
            shape = [1, 1, shape[0]]
        }
        guard shape.count == 3 else { throw SpecError(path: "model.input_shape", "\(shape); expected [features] or [channels, height, width]") }
        let sigma = activation ?? (convolutions.isEmpty ? .mySigmoid : .myHardSig)
        let architecture = EPArchitecture(inputShape: shape, convolutions: convolutions, hidden: Array(linears.dropLast()),
                                          classes: out, cost: cost, activation: sigma,
                                          unidirectional: estimator.needsBackwardWeights)
        do { try architecture.validate() } catch let error as LearningRuleParameterError {
            throw SpecError(path: "model.layers", error.description)
        }
        return architecture
    }

    /// The EP training settings of `spec`: the architecture from the model, epochs, batch size
    /// and seed from `training`, momentum and weight decay from `training.optimizer` (kind sgd,
    /// no Nesterov; PyTorch SGD as the reference code), the cosine schedule from
    /// `training.schedule` (T_max = epochs, η_min = `minimum`).
    public func settings(_ spec: ExperimentSpec, featureCount: Int, classes: Int) throws -> EPTrainingSettings {
        let architecture = try self.architecture(spec, featureCount: featureCount, classes: classes)
        guard let sgd = spec.training.optimizer.blueprint as? SGDBlueprint else {
            throw SpecError(path: "training.optimizer.kind", "'\(spec.training.optimizer.kind)' is not available with Equilibrium Propagation; expected sgd (PyTorch SGD with momentum and weight decay, as the reference code)")
        }
        guard !sgd.nesterov else { throw SpecError(path: "training.optimizer.nesterov", "true; EP uses plain momentum (PyTorch SGD, nesterov false)") }
        guard sgd.momentum < 1 else { throw SpecError(path: "training.optimizer.momentum", "\(sgd.momentum); expected a value in [0, 1)") }
        let groups = architecture.convolutions.count + architecture.hidden.count + 1
        let rates = learningRates ?? Array(repeating: sgd.learningRate, count: groups)
        guard rates.count == groups else {
            throw SpecError(path: "training.procedure.learning_rates",
                            "\(rates.count) rates; this network has \(groups) learning-rate groups (one per state layer"
                            + (architecture.cost == .crossEntropy ? ", then the readout)" : ", the output layer included)"))
        }
        let schedule: EPCosineSchedule?
        switch spec.training.schedule.kind {
        case .constant: schedule = nil
        case .cosine: schedule = EPCosineSchedule(periodEpochs: Swift.max(1, spec.training.epochs), minimumRate: spec.training.schedule.minimum ?? 0)
        case .step:
            throw SpecError(path: "training.schedule.kind", "'step' is not available with Equilibrium Propagation; expected constant or cosine (Table 1)")
        }
        guard spec.training.constraints.isEmpty else {
            throw SpecError(path: "training.constraints", "not available with Equilibrium Propagation; remove the section")
        }
        guard spec.training.objective.kind == .classification else {
            throw SpecError(path: "training.objective", "Equilibrium Propagation trains classifiers; expected classification")
        }
        let settings = EPTrainingSettings(
            architecture: architecture, estimator: estimator, beta: beta, freeSteps: freeSteps, nudgedSteps: nudgedSteps,
            evaluationSteps: evaluationSteps, batchSize: spec.training.batchSize, epochs: spec.training.epochs,
            learningRates: rates, momentum: sgd.momentum, weightDecay: sgd.weightDecay, schedule: schedule,
            seed: spec.training.seed, nudgeInside: nudge == .inside)
        do { try settings.validate() } catch let error as LearningRuleParameterError {
            throw SpecError(path: "training.procedure", error.description)
        }
        return settings
    }
}
