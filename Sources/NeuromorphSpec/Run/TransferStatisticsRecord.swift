import NeuromorphAnalog
import NeuromorphCore
import NeuromorphNN

/// What the transfer cells of a model (Tiki-Taka, TTv2, c-TTv2, AGAD, SHD, mixed precision)
/// did during one epoch, summed over every analog layer and tile: one entry of
/// `results.json`'s `transfer_statistics` (docs/analog-training.md, "Transfer statistics").
///
/// aihwkit counts pulses on GPU only (`count_pulses`) and keeps no transfer counters; these
/// come from each cell's ``TransferStatistics`` and the pulse counts of its arrays.
public struct TransferStatisticsRecord: Codable, Sendable, Equatable {
    /// 1-based epoch.
    public var epoch: Int
    /// One-hot slice reads of the fast arrays (`A`) — one per transfer.
    public var transferReads: Int
    /// Buffer elements that crossed the threshold (TTv2/c-TTv2/AGAD: each crossing writes `C`
    /// and resets `H`; mixed precision: rows with a nonzero pulse count).
    public var thresholdCrossings: Int
    /// Pulses written to the slow arrays (`C`) by transfers.
    public var slowPulses: Int
    /// Pulses applied to each transfer cell's first array (`device0`): the fast array `A` of
    /// the transfer compounds and SHD (gradient updates); for mixed precision, whose only
    /// array is `device0`, these are its transfer pulses (= `slow_pulses`).
    public var fastPulses: Int
    /// Chopper sign changes (input and output choppers).
    public var chopperFlips: Int

    enum CodingKeys: String, CodingKey {
        case epoch, transferReads = "transfer_reads", thresholdCrossings = "threshold_crossings"
        case slowPulses = "slow_pulses", fastPulses = "fast_pulses", chopperFlips = "chopper_flips"
    }

    /// The running totals of every transfer cell in `model` (`nil` when it has none), keyed by
    /// the fields above; `epoch` is 0.
    public static func totals(of model: any Layer) -> TransferStatisticsRecord? {
        var total = TransferStatisticsRecord(epoch: 0, transferReads: 0, thresholdCrossings: 0, slowPulses: 0, fastPulses: 0, chopperFlips: 0)
        var found = false
        try? LayerTree.visit(model) { _, layer in
            guard let exporting = layer as? any DeviceStateExporting else { return }
            let tensors = exporting.deviceTensors
            // Only cells that export transfer statistics count (their device0 is A).
            let tiles = Set(tensors.compactMap { $0.name.hasSuffix(".statistics.reads") ? $0.name.dropLast("statistics.reads".count) : nil })
            guard !tiles.isEmpty else { return }
            found = true
            func sum(_ tensor: Tensor) -> Int { Int(tensor.scalars.reduce(0.0) { $0 + Double($1) }) }
            for (name, tensor) in tensors {
                guard let dot = name.firstIndex(of: "."), tiles.contains(name[...dot]) else { continue }
                switch name[name.index(after: dot)...] {
                case "statistics.reads": total.transferReads += sum(tensor)
                case "statistics.threshold_crossings": total.thresholdCrossings += sum(tensor)
                case "statistics.slow_pulses": total.slowPulses += sum(tensor)
                case "statistics.chopper_flips": total.chopperFlips += sum(tensor)
                case "device0.pulse_counts": total.fastPulses += sum(tensor)
                default: break
                }
            }
        }
        return found ? total : nil
    }

    /// `self − earlier` for epoch `epoch`.
    func since(_ earlier: TransferStatisticsRecord, epoch: Int) -> TransferStatisticsRecord {
        TransferStatisticsRecord(epoch: epoch, transferReads: transferReads - earlier.transferReads,
                                 thresholdCrossings: thresholdCrossings - earlier.thresholdCrossings,
                                 slowPulses: slowPulses - earlier.slowPulses, fastPulses: fastPulses - earlier.fastPulses,
                                 chopperFlips: chopperFlips - earlier.chopperFlips)
    }
}
