import NeuromorphAnalog
import NeuromorphCore

/// `hardware.analog.unit_cell` for Zhao et al.'s mini-batch accumulation and low-rank
/// gradient cells (docs/gradient-decomposition.md):
///
/// ```yaml
/// unit_cell: {kind: mini_batch, batch_size: 1024, rounding: stochastic}      # level, max_pulses
/// unit_cell:
///   kind: low_rank
///   batch_size: 1024
///   rounding: stochastic
///   method: {kind: sbpca, rank: 10, block_size: 32}    # or {kind: nmf, rank: 10, iterations: 200, update: sequential}
///   transfer: rank_sum                                  # rank_seq | rank_seq_pulsed
/// ```
public struct MiniBatchCellSpec: Codable, Sendable, Equatable {
    public var batchSize: Int = 128
    public var rounding: PulseRounding = .stochastic
    public var level: Float = 0
    public var maxPulses: Int = 0

    enum CodingKeys: String, CodingKey, CaseIterable {
        case batchSize = "batch_size", rounding, level, maxPulses = "max_pulses"
    }
    static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        batchSize = try c.decodeCheckedIfPresent(Int.self, forKey: .batchSize, "a batch size ≥ 1") { $0 >= 1 } ?? batchSize
        rounding = try c.decodeChoiceIfPresent(PulseRounding.self, forKey: .rounding) ?? rounding
        level = try c.decodeCheckedIfPresent(Float.self, forKey: .level, "a level ≥ 0") { $0 >= 0 } ?? level
        maxPulses = try c.decodeCheckedIfPresent(Int.self, forKey: .maxPulses, "a pulse cap ≥ 0 (0: none)") { $0 >= 0 } ?? maxPulses
    }
}

/// The decomposition of a `low_rank` cell.
public enum LowRankMethodSpec: Codable, Sendable, Equatable {
    case sbpca(rank: Int, blockSize: Int)
    case nmf(rank: Int, iterations: Int, update: NMFUpdate)

    enum Kind: String, CaseIterable { case sbpca, nmf }
    enum CodingKeys: String, CodingKey, CaseIterable { case kind, rank, blockSize = "block_size", iterations, update }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decodeChoice(Kind.self, forKey: .kind)
        let rank = try c.decodeCheckedIfPresent(Int.self, forKey: .rank, "a rank ≥ 1") { $0 >= 1 } ?? 10
        switch kind {
        case .sbpca:
            try decoder.rejectUnknownKeys(allowed: ["kind", "rank", "block_size"])
            self = .sbpca(rank: rank, blockSize: try c.decodeCheckedIfPresent(Int.self, forKey: .blockSize, "a block size ≥ 1") { $0 >= 1 } ?? 32)
        case .nmf:
            try decoder.rejectUnknownKeys(allowed: ["kind", "rank", "iterations", "update"])
            self = .nmf(rank: rank,
                        iterations: try c.decodeCheckedIfPresent(Int.self, forKey: .iterations, "iterations ≥ 1") { $0 >= 1 } ?? 200,
                        update: try c.decodeChoiceIfPresent(NMFUpdate.self, forKey: .update) ?? .sequential)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .sbpca(let rank, let blockSize):
            try c.encode("sbpca", forKey: .kind)
            try c.encode(rank, forKey: .rank)
            try c.encode(blockSize, forKey: .blockSize)
        case .nmf(let rank, let iterations, let update):
            try c.encode("nmf", forKey: .kind)
            try c.encode(rank, forKey: .rank)
            try c.encode(iterations, forKey: .iterations)
            try c.encode(update, forKey: .update)
        }
    }
}

public struct LowRankCellSpec: Codable, Sendable, Equatable {
    public var accumulation = MiniBatchCellSpec()
    public var method = LowRankMethodSpec.sbpca(rank: 10, blockSize: 32)
    public var transfer: LowRankTransfer = .rankSum

    enum CodingKeys: String, CodingKey, CaseIterable { case method, transfer }
    static var keys: [String] { MiniBatchCellSpec.keys + CodingKeys.allCases.map(\.rawValue) }

    public init() {}

    public init(from decoder: any Decoder) throws {
        accumulation = try MiniBatchCellSpec(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        method = try c.decodeIfPresent(LowRankMethodSpec.self, forKey: .method) ?? method
        transfer = try c.decodeChoiceIfPresent(LowRankTransfer.self, forKey: .transfer) ?? transfer
    }

    public func encode(to encoder: any Encoder) throws {
        try accumulation.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(method, forKey: .method)
        try c.encode(transfer, forKey: .transfer)
    }
}

extension AnalogHardwareSpec {
    /// A `mini_batch` or `low_rank` cell on `main`.
    func gradientCellConfiguration(_ main: any PulsedDeviceConfiguration) throws -> any UnitCellConfiguration {
        func build<D: PulsedDeviceConfiguration>(_ device: D) throws -> any UnitCellConfiguration {
            switch unitCell {
            case .miniBatch(let s):
                return MiniBatchAccumulationConfiguration(device: device, batchSize: s.batchSize, rounding: s.rounding,
                                                          level: s.level, maxPulses: s.maxPulses)
            case .lowRank(let s):
                let a = s.accumulation
                switch s.method {
                case .sbpca(let rank, let blockSize):
                    return LowRankGradientConfiguration(device: device, method: StreamingBatchPCAConfiguration(rank: rank, blockSize: blockSize),
                                                        transfer: s.transfer, batchSize: a.batchSize, rounding: a.rounding,
                                                        level: a.level, maxPulses: a.maxPulses)
                case .nmf(let rank, let iterations, let update):
                    return LowRankGradientConfiguration(device: device,
                                                        method: NonnegativeGradientFactorizationConfiguration(rank: rank, iterations: iterations, update: update),
                                                        transfer: s.transfer, batchSize: a.batchSize, rounding: a.rounding,
                                                        level: a.level, maxPulses: a.maxPulses)
                }
            default:
                throw SpecError(path: "hardware.analog.unit_cell", "kind \(unitCell.kind.rawValue) is not a gradient-accumulation cell")
            }
        }
        return try build(main)
    }
}
