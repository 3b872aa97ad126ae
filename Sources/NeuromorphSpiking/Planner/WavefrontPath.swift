/// A path extracted from the synaptic vector field (digest snn-robotics Article 1 §1.2(b)
/// "Path search"): the cells visited from the start, and whether it reached the target.
public struct WavefrontPath: Sendable, Equatable {
    /// Cells visited, start first.
    public var cells: [Int]
    /// Whether the last cell is the target.
    public var reachedTarget: Bool
    /// Moves where the averaged force pointed back into a visited cell and the greedy pull
    /// was taken instead (0 for a clean paper-style descent).
    public var escapes: Int

    /// Path length as the paper counts it: the number of path points.
    public var length: Int { cells.count }

    /// Greedy descent: from each cell step to the free neighbour with the strongest pull
    /// `w(i→j) − w(j→i) > 0`, never revisiting a cell (first direction on ties). `nil` if
    /// no unvisited neighbour pulls.
    public static func greedy(_ grid: WavefrontGrid, weights: [Float]) -> [Int]? {
        var visited = [Bool](repeating: false, count: grid.cellCount)
        var path = [grid.start]
        var cell = grid.start
        visited[cell] = true
        return weights.withUnsafeBufferPointer { w -> [Int]? in
            while cell != grid.target {
                guard let next = strongestPull(grid, w, cell: cell, visited: visited) else { return nil }
                cell = next
                visited[cell] = true
                path.append(cell)
            }
            return path
        }
    }

    static func strongestPull(_ grid: WavefrontGrid, _ w: UnsafeBufferPointer<Float>, cell: Int, visited: [Bool]) -> Int? {
        var best: Int?, bestPull: Float = 0
        for k in 0..<grid.directionCount {
            guard let pull = SynapticVectorField.pull(grid, weights: w, cell: cell, k), let other = grid.neighbour(cell, k),
                  !grid.occupied[other], !visited[other], pull > bestPull else { continue }
            best = other
            bestPull = pull
        }
        return best
    }

    /// Steffen et al.'s path search: "local vectors are averaged to escape local minima, and
    /// the resulting force vector is added to the previous movement direction":
    ///
    /// ```
    /// F = mean of v(q) over q ∈ {p} ∪ free neighbours of p;   m = F/|F| + momentum · u_prev
    /// p ← the free, unvisited neighbour maximising û_{p→q}·m (first direction on ties)
    /// ```
    ///
    /// If no free, unvisited neighbour lies ahead (`û·m > 0`), the greedy pull is taken (an
    /// escape, counted). Stops at the target, or when stuck, or after `n^d` moves.
    public static func paperStyle(_ grid: WavefrontGrid, field: [SIMD3<Float>], weights: [Float],
                                  momentum: Float) -> WavefrontPath {
        var visited = [Bool](repeating: false, count: grid.cellCount)
        var cells = [grid.start]
        var cell = grid.start
        visited[cell] = true
        var previous = SIMD3<Float>.zero
        var escapes = 0
        let units = (0..<grid.directionCount).map { SIMD3<Float>(grid.direction($0)) }
        weights.withUnsafeBufferPointer { w in
            while cell != grid.target, cells.count <= grid.cellCount {
                var force = field[cell]
                var count: Float = 1
                for k in 0..<grid.directionCount {
                    if let q = grid.neighbour(cell, k), !grid.occupied[q] { force += field[q]; count += 1 }
                }
                force /= count
                let magnitude = (force * force).sum().squareRoot()
                let move = (magnitude > 0 ? force / magnitude : .zero) + momentum * previous
                var best: Int?, bestAlignment = -Float.infinity, bestDirection = 0
                for k in 0..<grid.directionCount {
                    guard let q = grid.neighbour(cell, k), !grid.occupied[q], !visited[q] else { continue }
                    let alignment = (units[k] * move).sum()
                    if alignment > bestAlignment { best = q; bestAlignment = alignment; bestDirection = k }
                }
                let chosen: Int
                if let best, bestAlignment > 0 {
                    chosen = best
                } else {
                    guard let next = strongestPull(grid, w, cell: cell, visited: visited) else { break }
                    escapes += 1
                    chosen = next
                    bestDirection = (0..<grid.directionCount).first { grid.neighbour(cell, $0) == next } ?? 0
                }
                cell = chosen
                visited[cell] = true
                cells.append(cell)
                previous = units[bestDirection]
            }
        }
        return WavefrontPath(cells: cells, reachedTarget: cell == grid.target, escapes: escapes)
    }
}
