import NeuromorphCore

/// The cognitive map of Steffen et al.'s neural wavefront planner (digest snn-robotics
/// Article 1 §1.2(b); spiking note §4.3): an `n×n×n` (or `n×n`) grid of place cells, one
/// neuron per voxel, each connected to its 6 (4 in 2-D) face neighbours by one directed
/// synapse in each direction ("the Manhattan method").
///
/// Cells are numbered as numpy's `arange(n**3).reshape(n, n, n)` in
/// `benchmarks/peers/nest_wave.py`: `index = x·n² + y·n + z` (2-D: `x·n + y`).
///
/// Obstacle cells stay in the network, as in the paper ("neurons that stand for free space
/// and obstacles are identical") and in `nest_wave.py`: synapses between two free cells are
/// excitatory and plastic, synapses involving an obstacle are static and inhibitory. So the
/// network has exactly `n³` neurons and `6·n²·(n−1)` synapses (`4·n·(n−1)` in 2-D) whatever
/// the map, the counts the paper's scaling figure uses (spiking note §2.2, result "n³
/// neurons, 6n²(n−1) synapses"). Obstacles receive only inhibition and never fire, so they
/// never change the wave; keeping them costs `≈ 6·|obstacles|` synapses.
public struct WavefrontGrid: Sendable, Equatable {
    /// The obstacle layouts (spiking note §4.3: empty, a wall with a gap, seeded boxes).
    public enum Map: Sendable, Equatable, CustomStringConvertible {
        /// No obstacles.
        case empty
        /// `nest_wave.py`'s wall: the plane `x = n/2` is occupied except a square gap
        /// `[n/3, n/3 + max(2, n/5))` in y and z (in 2-D a line with a gap in y).
        case wall
        /// `count` axis-aligned boxes drawn from `seed` (edges `n/6…n/3`), never covering
        /// the start or the target, redrawn until the target is reachable from the start.
        case boxes(count: Int, seed: UInt64)
        /// An explicit occupancy map in cell order (`true` = obstacle); start and target
        /// must be free.
        case cells(occupied: [Bool])

        public var description: String {
            switch self {
            case .empty: "empty"
            case .wall: "wall"
            case let .boxes(count, seed): "boxes(\(count), seed \(seed))"
            case let .cells(occupied): "custom (\(occupied.lazy.filter { $0 }.count) obstacles)"
            }
        }
    }

    /// Cells per side.
    public let n: Int
    /// 2 or 3.
    public let dimensions: Int
    /// The obstacle layout.
    public let map: Map
    /// `occupied[cell]`: whether the cell is an obstacle.
    public let occupied: [Bool]

    /// Builds the grid and its obstacles; throws ``SpikingParameterError`` for `n < 2`, a
    /// dimension other than 2 or 3, or a box count that cannot keep the target reachable.
    public init(n: Int, dimensions: Int = 3, map: Map = .empty) throws {
        guard dimensions == 2 || dimensions == 3 else {
            throw SpikingParameterError(type: "wavefront grid", field: "dimensions", value: "\(dimensions)", expected: "2 or 3")
        }
        guard n >= 2, n <= (dimensions == 3 ? 400 : 8000) else {
            throw SpikingParameterError(type: "wavefront grid", field: "n", value: "\(n)",
                                    expected: dimensions == 3 ? "2…400 cells per side" : "2…8000 cells per side")
        }
        self.n = n
        self.dimensions = dimensions
        self.map = map
        let count = dimensions == 3 ? n * n * n : n * n
        var occupied = [Bool](repeating: false, count: count)
        switch map {
        case .empty:
            break
        case .wall:
            // nest_wave.py: occ[n//2, :, :] = True; g0, g1 = n//3, n//3 + max(2, n//5);
            // occ[n//2, g0:g1, g0:g1] = False
            let x = n / 2, g0 = n / 3, g1 = Swift.min(n, n / 3 + Swift.max(2, n / 5))
            if dimensions == 3 {
                for y in 0..<n { for z in 0..<n { occupied[(x * n + y) * n + z] = !((g0..<g1).contains(y) && (g0..<g1).contains(z)) } }
            } else {
                for y in 0..<n { occupied[x * n + y] = !(g0..<g1).contains(y) }
            }
        case let .cells(given):
            guard given.count == count else {
                throw SpikingParameterError(type: "wavefront grid", field: "map", value: "\(given.count) cells",
                                        expected: "one occupancy flag per cell (\(count))")
            }
            guard !given[0], !given[count - 1] else {
                throw SpikingParameterError(type: "wavefront grid", field: "map", value: "start or target occupied",
                                        expected: "a free start (first cell) and target (last cell)")
            }
            occupied = given
        case let .boxes(boxCount, seed):
            guard (0...64).contains(boxCount) else {
                throw SpikingParameterError(type: "wavefront grid", field: "boxes", value: "\(boxCount)", expected: "0…64 boxes")
            }
            var generator = SeededGenerator(seed: seed, key: "spiking/wavefront/boxes")
            var attempt = 0
            repeat {
                attempt += 1
                guard attempt <= 1000 else {
                    throw SpikingParameterError(type: "wavefront grid", field: "boxes", value: "\(boxCount)",
                                            expected: "few enough boxes that the target stays reachable from the start")
                }
                occupied = [Bool](repeating: false, count: count)
                Self.drawBoxes(boxCount, n: n, dimensions: dimensions, into: &occupied, generator: &generator)
            } while !Self.reachable(n: n, dimensions: dimensions, occupied: occupied)
        }
        self.occupied = occupied
    }

    // MARK: - Geometry

    /// Number of cells (`n³` or `n²`).
    public var cellCount: Int { occupied.count }
    /// Number of directed neighbour synapses: `2·d·n^{d−1}·(n−1)`, i.e. `6n²(n−1)` in 3-D.
    public var synapseCount: Int { 2 * dimensions * (dimensions == 3 ? n * n : n) * (n - 1) }
    /// Free (non-obstacle) cells.
    public var freeCount: Int { occupied.lazy.filter { !$0 }.count }

    /// `n^(d−1−axis)`: the index step along `axis` (axis 0 is x).
    public func stride(_ axis: Int) -> Int {
        var s = 1
        for _ in 0..<(dimensions - 1 - axis) { s *= n }
        return s
    }

    /// The coordinates of `cell` (z = 0 in 2-D).
    public func coordinates(_ cell: Int) -> SIMD3<Int> {
        dimensions == 3 ? SIMD3(cell / (n * n), (cell / n) % n, cell % n) : SIMD3(cell / n, cell % n, 0)
    }

    /// The cell at `c` (z ignored in 2-D).
    public func cell(_ c: SIMD3<Int>) -> Int { dimensions == 3 ? (c.x * n + c.y) * n + c.z : c.x * n + c.y }

    /// The start of the path, `(0, 0, 0)`, as `nest_wave.py`.
    public var start: Int { 0 }
    /// The target, `(n−1, n−1, n−1)`, where the wave is started (`nest_wave.py`).
    public var target: Int { cellCount - 1 }

    /// Neighbour directions: `2·d` of them, ordered (axis 0 +, axis 0 −, axis 1 +, …) as
    /// `nest_wave.py` loops `for ax in range(3): for d in (1, -1)`.
    public var directionCount: Int { 2 * dimensions }

    /// The unit vector of direction `k`.
    public func direction(_ k: Int) -> SIMD3<Int> {
        var v = SIMD3<Int>(0, 0, 0)
        v[k / 2] = k % 2 == 0 ? 1 : -1
        return v
    }

    /// The direction pointing back (`k ^ 1`).
    @inline(__always) public static func opposite(_ k: Int) -> Int { k ^ 1 }

    /// The neighbour of `cell` in direction `k`, or `nil` at the border.
    @inline(__always)
    public func neighbour(_ cell: Int, _ k: Int) -> Int? {
        let axis = k / 2, s = stride(axis)
        let coordinate = (cell / s) % n
        if k % 2 == 0 { return coordinate + 1 < n ? cell + s : nil }
        return coordinate > 0 ? cell - s : nil
    }

    /// Every directed neighbour pair `(pre, post)` in `nest_wave.py`'s order: for each
    /// axis, for `d` in (+1, −1), every cell that has a neighbour at `+d` in row-major order.
    public func directedPairs() -> [(pre: Int, post: Int, direction: Int)] {
        var pairs: [(pre: Int, post: Int, direction: Int)] = []
        pairs.reserveCapacity(synapseCount)
        for k in 0..<directionCount {
            for cell in 0..<cellCount {
                if let other = neighbour(cell, k) { pairs.append((cell, other, k)) }
            }
        }
        return pairs
    }

    // MARK: - Obstacles

    private static func drawBoxes(_ count: Int, n: Int, dimensions: Int, into occupied: inout [Bool],
                                  generator: inout SeededGenerator) {
        let last = dimensions == 3 ? n * n * n - 1 : n * n - 1
        let lower = Swift.max(1, n / 6), upper = Swift.max(lower + 1, n / 3 + 1)
        for _ in 0..<count {
            var low = SIMD3<Int>(0, 0, 0), high = SIMD3<Int>(1, 1, 1)
            for axis in 0..<dimensions {
                let edge = lower + generator.nextInt(below: upper - lower)
                let origin = generator.nextInt(below: Swift.max(1, n - edge + 1))
                low[axis] = origin
                high[axis] = Swift.min(n, origin + edge)
            }
            for x in low.x..<high.x {
                for y in low.y..<high.y {
                    for z in low.z..<high.z {
                        let cell = dimensions == 3 ? (x * n + y) * n + z : x * n + y
                        if cell != 0 && cell != last { occupied[cell] = true }
                    }
                }
            }
        }
    }

    private static func reachable(n: Int, dimensions: Int, occupied: [Bool]) -> Bool {
        guard let grid = try? WavefrontGrid(n: n, dimensions: dimensions, map: .empty) else { return false }
        return BreadthFirstSearch.distances(grid, occupied: occupied, from: grid.target)[grid.start] >= 0
    }
}
