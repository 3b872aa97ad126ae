/// The classic (non-neural) wavefront of Steffen et al. Eq. (1), the planner's exact
/// oracle (digest snn-robotics Article 1 §1.2(a), §1.6.1; spiking note §2.2 "BFS oracle"):
///
/// ```
/// Map(c) = min over free neighbours of Map + 1   (c free),  Map(target) = 0
/// ```
///
/// computed as a breadth-first search from the target over free cells; obstacles and cells
/// cut off from the target get −1. Descending the distances from the start gives a shortest
/// path of exactly `distance(start) + 1` cells.
public enum BreadthFirstSearch {
    /// Distance (steps) of every cell from `source` over free cells; −1 if unreachable.
    public static func distances(_ grid: WavefrontGrid, from source: Int) -> [Int32] {
        distances(grid, occupied: grid.occupied, from: source)
    }

    static func distances(_ grid: WavefrontGrid, occupied: [Bool], from source: Int) -> [Int32] {
        var distance = [Int32](repeating: -1, count: grid.cellCount)
        guard !occupied[source] else { return distance }
        var queue = [Int32](repeating: 0, count: grid.cellCount)
        var head = 0, tail = 0
        distance[source] = 0
        queue[tail] = Int32(source); tail += 1
        while head < tail {
            let cell = Int(queue[head]); head += 1
            let next = distance[cell] + 1
            for k in 0..<grid.directionCount {
                guard let other = grid.neighbour(cell, k), !occupied[other], distance[other] < 0 else { continue }
                distance[other] = next
                queue[tail] = Int32(other); tail += 1
            }
        }
        return distance
    }

    /// A shortest path from `grid.start` to `grid.target` (both included), descending the
    /// distance field and taking the first direction in ``WavefrontGrid/direction(_:)``
    /// order on ties; `nil` when the target is unreachable.
    public static func shortestPath(_ grid: WavefrontGrid) -> [Int]? {
        let distance = distances(grid, from: grid.target)
        guard distance[grid.start] >= 0 else { return nil }
        var path = [grid.start]
        var cell = grid.start
        while cell != grid.target {
            for k in 0..<grid.directionCount {
                if let other = grid.neighbour(cell, k), distance[other] == distance[cell] - 1 {
                    cell = other
                    break
                }
            }
            path.append(cell)
        }
        return path
    }
}
