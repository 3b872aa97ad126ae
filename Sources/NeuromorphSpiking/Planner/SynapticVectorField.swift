import NeuromorphCore

/// The synaptic vector field (SVF) of the wavefront planner (digest snn-robotics Article 1
/// §1.2(b) "Interpretation"; spiking note §4.3):
///
/// ```
/// v(j) = Σ_{i ∈ N(j)} [w(i→j) − w(j→i)] · û_{j→i}
/// ```
///
/// `û_{j→i}` is the unit step from `j` to its neighbour `i`. The paper draws the weights as
/// vectors without fixing the formula; this antisymmetric form is the note's, chosen
/// because it points up the wave in both STDP timing conventions.
public enum SynapticVectorField {
    /// Cells per parallel chunk: fixed, so the result does not depend on the thread count.
    static let chunk = 4096

    /// `v(j)` for every cell from `weights[cell·2d + k] = w(cell → neighbour k)`. Each cell
    /// sums its neighbours in direction order, so the result is bit-identical for any
    /// thread count.
    public static func compute(_ grid: WavefrontGrid, weights: [Float]) -> [SIMD3<Float>] {
        let cells = grid.cellCount, directions = grid.directionCount
        precondition(weights.count == cells * directions, "one weight per cell and direction")
        var field = [SIMD3<Float>](repeating: .zero, count: cells)
        let units = (0..<directions).map { SIMD3<Float>(grid.direction($0)) }
        field.withUnsafeMutableBufferPointer { out in
            weights.withUnsafeBufferPointer { w in
                let out = out, w = w
                ComputeThreads.forEachChunk((cells + chunk - 1) / chunk) { c in
                    for j in (c * chunk)..<Swift.min(cells, (c + 1) * chunk) {
                        var v = SIMD3<Float>.zero
                        for k in 0..<directions {
                            guard let i = grid.neighbour(j, k) else { continue }
                            // w(i→j) is i's synapse in the opposite direction.
                            let pull = w[i * directions + WavefrontGrid.opposite(k)] - w[j * directions + k]
                            v += pull * units[k]
                        }
                        out[j] = v
                    }
                }
            }
        }
        return field
    }

    /// The pull towards neighbour `k` of `cell`: `w(i→cell) − w(cell→i)` (0 at the border).
    @inline(__always)
    static func pull(_ grid: WavefrontGrid, weights: UnsafeBufferPointer<Float>, cell: Int, _ k: Int) -> Float? {
        guard let i = grid.neighbour(cell, k) else { return nil }
        let d = grid.directionCount
        return weights[i * d + WavefrontGrid.opposite(k)] - weights[cell * d + k]
    }
}
