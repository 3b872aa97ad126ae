import Foundation
import NeuromorphCore

/// Spike trains for BCPNN cells, one Bool per 1 ms step (digest §2.9 "spike generators";
/// the paper's trains exist only in its Fig. 9–10, so their statistics are our choice).
public enum BCPNNSpikeTrains {
    /// Independent Bernoulli spikes, probability `p` per step.
    public static func bernoulli(p: Double, steps: Int, using generator: inout SeededGenerator) -> [Bool] {
        (0..<Swift.max(0, steps)).map { _ in generator.nextUniformDouble() < p }
    }

    /// A correlated pair: a shared source with probability `shared` per step feeds both
    /// trains, and each train adds its own independent spikes with probability `own`.
    public static func correlatedPair(shared: Double, own: Double, steps: Int,
                                      using generator: inout SeededGenerator) -> (pre: [Bool], post: [Bool]) {
        var pre = [Bool](repeating: false, count: Swift.max(0, steps)), post = pre
        for t in pre.indices {
            let s = generator.nextUniformDouble() < shared
            pre[t] = s || generator.nextUniformDouble() < own
            post[t] = s || generator.nextUniformDouble() < own
        }
        return (pre, post)
    }

    /// Bernoulli spikes with probability `p` inside `windows`, silence elsewhere.
    public static func bursts(windows: [Range<Int>], p: Double, steps: Int,
                              using generator: inout SeededGenerator) -> [Bool] {
        (0..<Swift.max(0, steps)).map { t in
            windows.contains { $0.contains(t) } ? generator.nextUniformDouble() < p : false
        }
    }
}

/// Error metrics of one trace against its reference (digest §2.8: the paper's "mean
/// error" is presumably the mean absolute error [I]; the metrics are not defined there).
public struct TraceErrorMetrics: Sendable, Codable, Hashable {
    /// Mean |a − b|.
    public var meanAbsolute: Double
    /// Max |a − b|.
    public var maxAbsolute: Double
    /// sqrt(mean (a − b)²).
    public var rmse: Double
    /// Pearson r (NaN if either series is constant).
    public var correlation: Double

    public init(meanAbsolute: Double, maxAbsolute: Double, rmse: Double, correlation: Double) {
        self.meanAbsolute = meanAbsolute; self.maxAbsolute = maxAbsolute; self.rmse = rmse; self.correlation = correlation
    }

    /// The metrics of `series` against `reference` (same length, ≥ 1 sample).
    public static func compare(_ series: [Double], reference: [Double]) -> TraceErrorMetrics {
        precondition(series.count == reference.count && !series.isEmpty, "two series of the same, non-zero length")
        let n = Double(series.count)
        var sumAbs = 0.0, maxAbs = 0.0, sumSq = 0.0
        for (a, b) in zip(series, reference) {
            let d = Swift.abs(a - b)
            sumAbs += d; maxAbs = Swift.max(maxAbs, d); sumSq += d * d
        }
        let ma = series.reduce(0, +) / n, mb = reference.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (a, b) in zip(series, reference) {
            sab += (a - ma) * (b - mb); saa += (a - ma) * (a - ma); sbb += (b - mb) * (b - mb)
        }
        let r = saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : .nan
        return TraceErrorMetrics(meanAbsolute: sumAbs / n, maxAbsolute: maxAbs, rmse: (sumSq / n).squareRoot(), correlation: r)
    }
}

/// Runs and compares BCPNN cells: the reference against the memristor cell on dense
/// trains (Wang et al. 2021 Table 2) and on sparse bursts (Fig. 9C/D, 10C/D); spiking note
/// §2.5 and §4.5.
public enum BCPNNExperiment {
    /// The spike patterns of the experiments.
    public enum Pattern: String, Sendable, Codable, CaseIterable {
        /// Pre and post fire (independently, p = 0.2 per step) in the same window 200–500 ms,
        /// then 4.5 s of silence: w rises, then decays to 0.
        case correlatedBursts = "correlated-bursts"
        /// Pre fires in 200–500 ms, post in 800–1100 ms (p = 0.2): w falls, then returns to 0.
        case separatedBursts = "separated-bursts"
        /// "Dense" trains (our choice; the paper's are only in Fig. 9): a shared source at
        /// 0.05 per step plus 0.05 own spikes per train.
        case dense
    }

    /// Paper values of Table 2 (Matlab, 5 s at 1 ms): mean error, max error, RMSE, correlation
    /// per trace, in ``BCPNNTraceValues/names`` order.
    public static let paperTable2: [(trace: String, mean: Double, max: Double, rmse: Double, correlation: Double)] = [
        ("Z_i", 0.0000, 0.0000, 0.0000, 1.0000), ("Z_j", 0.0000, 0.0000, 0.0000, 1.0000),
        ("P_i", 0.0015, 0.0064, 0.0019, 0.9961), ("P_j", 0.0013, 0.0045, 0.0015, 0.9973),
        ("P_ij", 0.0001, 0.0008, 0.0002, 0.9984), ("w_ij", 0.0418, 1.4643, 0.0862, 0.9972),
        ("beta_j", 0.0408, 0.2795, 0.0489, 0.9979),
    ]

    /// Reference and memristor traces for one pattern, and their error metrics.
    public struct TraceReport: Sendable {
        public var pattern: Pattern
        /// Step length, ms.
        public var dtMs: Double
        public var pre: [Bool]
        public var post: [Bool]
        /// Reference values after each step (index t−1 holds step t).
        public var reference: [BCPNNTraceValues]
        /// Memristor-cell values after each step.
        public var memristor: [BCPNNTraceValues]
        /// Metrics of the memristor cell against the reference, per trace in
        /// ``BCPNNTraceValues/names`` order.
        public var metrics: [TraceErrorMetrics]

        /// The series of one trace (index into ``BCPNNTraceValues/names``).
        public func series(_ trace: Int, memristor useMemristor: Bool = false) -> [Double] {
            (useMemristor ? memristor : reference).map { $0.values[trace] }
        }
        /// Largest and smallest reference weight, and the final one.
        public var maximumWeight: Double { reference.map(\.w).max() ?? 0 }
        public var minimumWeight: Double { reference.map(\.w).min() ?? 0 }
        public var finalWeight: Double { reference.last?.w ?? 0 }
    }

    /// Records `cell`'s values after each step of the trains.
    public static func record<Cell: BCPNNCell>(_ cell: Cell, pre: [Bool], post: [Bool]) -> [BCPNNTraceValues] {
        var c = cell
        var out: [BCPNNTraceValues] = []
        out.reserveCapacity(Swift.min(pre.count, post.count))
        for (s_i, s_j) in zip(pre, post) {
            c.step(pre: s_i, post: s_j)
            out.append(c.values)
        }
        return out
    }

    /// Runs the reference and the memristor cell (Table 1, ±193.2/−149.9 mV, 0.5 ms pulses,
    /// the given stage-2 drive) on one pattern for `steps` 1 ms steps. Random stream
    /// `bcpnn/<pattern>` of `seed`.
    public static func traces<Drive: PStageDrive>(pattern: Pattern, steps: Int = 5000, seed: UInt64 = 0,
                                                  drive: Drive) throws -> TraceReport {
        guard steps > 0 else {
            throw SpikingParameterError(type: "BCPNNExperiment.traces", field: "steps", value: "\(steps)",
                                        expected: "a number of 1 ms steps > 0")
        }
        var g = SeededGenerator(seed: seed, key: StreamKey("bcpnn", pattern.rawValue))
        let pre: [Bool], post: [Bool]
        switch pattern {
        case .correlatedBursts:
            pre = BCPNNSpikeTrains.bursts(windows: [200..<500], p: 0.2, steps: steps, using: &g)
            post = BCPNNSpikeTrains.bursts(windows: [200..<500], p: 0.2, steps: steps, using: &g)
        case .separatedBursts:
            pre = BCPNNSpikeTrains.bursts(windows: [200..<500], p: 0.2, steps: steps, using: &g)
            post = BCPNNSpikeTrains.bursts(windows: [800..<1100], p: 0.2, steps: steps, using: &g)
        case .dense:
            (pre, post) = BCPNNSpikeTrains.correlatedPair(shared: 0.05, own: 0.05, steps: steps, using: &g)
        }
        let reference = record(BCPNNTraces(parameters: .wang2021), pre: pre, post: post)
        let memristor = record(try MemristiveBCPNNCell(drive: drive), pre: pre, post: post)
        let metrics = BCPNNTraceValues.names.indices.map { k in
            TraceErrorMetrics.compare(memristor.map { $0.values[k] }, reference: reference.map { $0.values[k] })
        }
        return TraceReport(pattern: pattern, dtMs: 1, pre: pre, post: post, reference: reference, memristor: memristor,
                           metrics: metrics)
    }

    /// ``traces(pattern:steps:seed:drive:)`` with the default two-pulse stage-2 drive.
    public static func traces(pattern: Pattern, steps: Int = 5000, seed: UInt64 = 0) throws -> TraceReport {
        try traces(pattern: pattern, steps: steps, seed: seed, drive: TwoPulseDrive())
    }
}
