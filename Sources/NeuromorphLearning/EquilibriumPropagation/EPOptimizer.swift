import Foundation

/// Cosine annealing per epoch (Loshchilov & Hutter 2016), as in Table 1 of Laborieux et al.:
/// `η(e) = η_min + (η_0 − η_min)(1 + cos(π e / T_max))/2` for `e ≤ T_max`, then flat at η_min
/// (learning-rules §1.1: T_max 100 epochs, η_min 10⁻⁵). PyTorch's `CosineAnnealingLR` names.
public struct EPCosineSchedule: Codable, Sendable, Equatable {
    /// `T_max`, in epochs.
    public var periodEpochs: Int
    /// `eta_min`.
    public var minimumRate: Double

    public init(periodEpochs: Int = 100, minimumRate: Double = 1e-5) {
        self.periodEpochs = periodEpochs
        self.minimumRate = minimumRate
    }

    /// The rate at (0-based) `epoch` for a group that starts at `initial`.
    public func rate(initial: Double, epoch: Int) -> Double {
        guard epoch < periodEpochs else { return minimumRate }
        return minimumRate + (initial - minimumRate) * (1 + cos(Double.pi * Double(epoch) / Double(periodEpochs))) / 2
    }
}

/// SGD with momentum and weight decay over learning-rate groups, PyTorch's `torch.optim.SGD`
/// (dampening 0, no Nesterov): `d = g + λθ`, `v ← μv + d`, `θ ← θ − η v` (v = d on the first step).
///
/// For KP-VF the weight decay λ is the leak of Eq. 21 [EXT], and forward and backward weights
/// share their forward layer's group, so with μ = 0 `‖θ_f − θ_b‖` shrinks by `(1 − ηλ)` per step.
public struct EPSGD<S: EPScalar>: Sendable {
    /// Initial rate of each group (Table 1: conv1…conv4, readout).
    public var learningRates: [Double]
    public var momentum: Double
    public var weightDecay: Double
    public var schedule: EPCosineSchedule?
    /// The group of every tensor (``EPNetwork/learningRateGroups``).
    public let groups: [Int]
    /// Momentum buffers (nil before the first step).
    public private(set) var velocity: EPParameters<S>?

    public init(learningRates: [Double], momentum: Double, weightDecay: Double, schedule: EPCosineSchedule?, groups: [Int]) throws {
        func fail(_ field: String, _ value: String, _ expected: String) -> LearningRuleParameterError {
            LearningRuleParameterError(type: "EPSGD", field: field, value: value, expected: expected)
        }
        let needed = (groups.max() ?? -1) + 1
        guard learningRates.count == needed else {
            throw fail("learningRates", "\(learningRates)", "\(needed) rates, one per state layer (and one for the readout)")
        }
        for r in learningRates where !(r > 0 && r.isFinite) { throw fail("learningRates", "\(r)", "positive finite rates") }
        guard momentum >= 0, momentum < 1 else { throw fail("momentum", "\(momentum)", "a value in [0, 1)") }
        guard weightDecay >= 0, weightDecay.isFinite else { throw fail("weightDecay", "\(weightDecay)", "0 or more") }
        if let schedule {
            guard schedule.periodEpochs >= 1 else { throw fail("schedule.periodEpochs", "\(schedule.periodEpochs)", "at least 1") }
            guard schedule.minimumRate >= 0 else { throw fail("schedule.minimumRate", "\(schedule.minimumRate)", "0 or more") }
        }
        self.learningRates = learningRates
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.schedule = schedule
        self.groups = groups
    }

    /// The rate of each group at `epoch`.
    public func rates(epoch: Int) -> [Double] {
        learningRates.map { schedule?.rate(initial: $0, epoch: epoch) ?? $0 }
    }

    /// One step on `parameters` with the loss gradient `gradient`.
    public mutating func step(_ parameters: inout EPParameters<S>, gradient: EPParameters<S>, epoch: Int) {
        let rates = self.rates(epoch: epoch).map { S($0) }
        let (mu, lambda) = (S(momentum), S(weightDecay))
        let first = velocity == nil
        if first { velocity = EPParameters.zeros(like: parameters) }
        for t in parameters.tensors.indices {
            let eta = rates[groups[t]]
            parameters.tensors[t].withUnsafeMutableBufferPointer { p in
                gradient.tensors[t].withUnsafeBufferPointer { g in
                    velocity!.tensors[t].withUnsafeMutableBufferPointer { v in
                        for i in p.indices {
                            let d = g[i] + lambda * p[i]
                            v[i] = first ? d : mu * v[i] + d
                            p[i] -= eta * (mu == 0 ? d : v[i])
                        }
                    }
                }
            }
        }
    }
}
