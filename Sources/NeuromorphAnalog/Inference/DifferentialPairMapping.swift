import NeuromorphCore

/// How the weight of each output row is scaled onto the conductance range.
public enum InferenceWeightScaling: Sendable, Codable, Equatable {
    /// Each output row (crossbar column) gets its own scale `s_r = max_j |w_rj|`: the
    /// per-column digital output scale after the ADC of Spoon et al. (digest §2.4 step 4).
    case perRowMaximum
    /// One scale for the whole matrix, `max |w|` (aihwkit `SinglePairConductanceConverter`).
    case globalMaximum
    /// A given scale per output row (e.g. a learned clipping range); weights beyond it clip.
    case perRow([Float])
    /// One given scale for every row; weights beyond it clip.
    case uniform(Float)
}

/// The weight ↔ conductance map of a differential pair per weight (Spoon et al. §2.1.1,
/// digest §2.2; aihwkit `SinglePairConductanceConverter`): `w ∝ G⁺ − G⁻`, one device of each
/// pair at RESET (0 µS), no redundancy.
///
/// ```
/// w̃    = clip(w / s_r, −1, 1)                 (s_r: scale of output row r)
/// G⁺   = g_max · max(w̃, 0),   G⁻ = g_max · max(−w̃, 0)
/// w(G) = s_r · (G⁺ − G⁻) / g_max
/// ```
///
/// Weights are row-major `[rows, columns]` = `[outputs, inputs]` (the tile's layout, like
/// PyTorch/aihwkit). A zero weight maps to `G⁺ = G⁻ = 0`; a row whose scale is 0 (all
/// weights zero) reads back as zeros.
public struct DifferentialPairMapping: Sendable, Codable, Equatable {
    /// The conductance of a normalized weight of 1.0, µS.
    public var gMax: Float

    public init(gMax: Float = 25) {
        precondition(gMax > 0 && gMax.isFinite, "DifferentialPairMapping: gMax must be positive, got \(gMax)")
        self.gMax = gMax
    }

    /// The per-row scales `s_r` of `weights` (`rows × columns`, row-major) under `scaling`.
    public func scales(of weights: [Float], rows: Int, columns: Int, scaling: InferenceWeightScaling) -> [Float] {
        precondition(rows >= 0 && columns >= 0 && weights.count == rows * columns,
                     "DifferentialPairMapping: \(weights.count) weights do not fill \(rows) × \(columns)")
        switch scaling {
        case .perRowMaximum:
            return (0..<rows).map { r in
                var m: Float = 0
                for j in 0..<columns { m = Swift.max(m, Swift.abs(weights[r * columns + j])) }
                return m
            }
        case .globalMaximum:
            let m = weights.reduce(Float(0)) { Swift.max($0, Swift.abs($1)) }
            return [Float](repeating: m, count: rows)
        case .perRow(let given):
            precondition(given.count == rows, "DifferentialPairMapping: \(given.count) scales for \(rows) rows")
            precondition(given.allSatisfy { $0 > 0 && $0.isFinite }, "DifferentialPairMapping: given scales must be positive")
            return given
        case .uniform(let s):
            precondition(s > 0 && s.isFinite, "DifferentialPairMapping: uniform scale must be positive, got \(s)")
            return [Float](repeating: s, count: rows)
        }
    }

    /// Target conductances `(G⁺, G⁻)` in µS of `weights` with per-row `scales`.
    public func targetConductances(of weights: [Float], rows: Int, columns: Int,
                                   scales: [Float]) -> (plus: [Float], minus: [Float]) {
        precondition(weights.count == rows * columns && scales.count == rows,
                     "DifferentialPairMapping: \(weights.count) weights, \(scales.count) scales for \(rows) × \(columns)")
        var plus = [Float](repeating: 0, count: weights.count)
        var minus = [Float](repeating: 0, count: weights.count)
        for r in 0..<rows {
            let s = scales[r]
            for j in 0..<columns {
                let k = r * columns + j
                // Divide first so that w = ±s maps to exactly ±g_max.
                let normalized = s > 0 ? Swift.min(Swift.max(weights[k] / s, -1), 1) : 0
                let g = normalized * gMax
                plus[k] = Swift.max(g, 0)
                minus[k] = Swift.max(-g, 0)
            }
        }
        return (plus, minus)
    }

    /// Weights `s_r · (G⁺ − G⁻) / g_max` of conductances in µS (row-major, written to `output`).
    public func weights(plus: UnsafeBufferPointer<Float>, minus: UnsafeBufferPointer<Float>, rows: Int, columns: Int,
                        scales: [Float], into output: UnsafeMutableBufferPointer<Float>) {
        precondition(plus.count == rows * columns && minus.count == plus.count && output.count == plus.count
                        && scales.count == rows, "DifferentialPairMapping.weights: buffer sizes do not match \(rows) × \(columns)")
        for r in 0..<rows {
            let f = scales[r] / gMax
            for j in 0..<columns {
                let k = r * columns + j
                output[k] = (plus[k] - minus[k]) * f
            }
        }
    }

    /// Weights of conductances in µS (allocating form of ``weights(plus:minus:rows:columns:scales:into:)``).
    public func weights(plus: [Float], minus: [Float], rows: Int, columns: Int, scales: [Float]) -> [Float] {
        [Float](unsafeUninitializedCapacity: plus.count) { out, initialized in
            plus.withUnsafeBufferPointer { p in
                minus.withUnsafeBufferPointer { m in
                    weights(plus: p, minus: m, rows: rows, columns: columns, scales: scales, into: out)
                }
            }
            initialized = plus.count
        }
    }
}
