import Foundation
import Testing
@testable import NeuromorphSpiking
import NeuromorphCore

/// Steffen et al.'s spiking wavefront planner: spiking note §2.2 (ST results) and §4.3;
/// digest snn-robotics Article 1 §1.2, §1.6.
@Suite struct WavefrontGridTests {
    /// ST [C] "n³ neurons, 6n²(n−1) synapses: 8,000/45,600 (n=20) … 166,375/980,100 (n=55)"
    /// and digest §1.6.2 (n=25: 15,625/90,000; n=30: 27,000/156,600). Exact.
    @Test(arguments: [(20, 8_000, 45_600), (25, 15_625, 90_000), (30, 27_000, 156_600), (55, 166_375, 980_100)])
    func countsMatchThePaper(n: Int, neurons: Int, synapses: Int) throws {
        let grid = try WavefrontGrid(n: n, dimensions: 3, map: .wall)
        #expect(grid.cellCount == neurons)
        #expect(grid.synapseCount == synapses)
        if n <= 30 {
            // The pairs actually enumerated, not only the formula.
            #expect(grid.directedPairs().count == synapses)
        }
    }

    /// The built network has the same counts whatever the map (obstacles are kept, as in
    /// nest_wave.py); 2-D: n² neurons, 4n(n−1) synapses.
    @Test func plannerBuildsExactCounts() throws {
        for (n, d, neurons, synapses) in [(8, 3, 512, 2_688), (20, 2, 400, 1_520)] {
            let grid = try WavefrontGrid(n: n, dimensions: d, map: .wall)
            let result = try WavefrontPlanner(grid: grid).run()
            #expect(result.neuronCount == neurons)
            #expect(result.synapseCount == synapses)
            #expect(result.counters.neuronUpdates > 0)
        }
    }

    /// nest_wave.py's wall for n = 20: the plane x = 10 minus a 4×4 gap → 7,616 free cells,
    /// the number of spikes NEST recorded (spiking note §5, "7,616 (one per free cell)").
    @Test func wallMatchesNestWave() throws {
        let grid = try WavefrontGrid(n: 20, dimensions: 3, map: .wall)
        #expect(grid.freeCount == 7_616)
        #expect(grid.occupied[grid.cell(SIMD3(10, 0, 0))])
        #expect(!grid.occupied[grid.cell(SIMD3(10, 6, 9))])
        #expect(grid.occupied[grid.cell(SIMD3(10, 10, 6))])
    }

    @Test func boxesAreSeededAndKeepTheTargetReachable() throws {
        let a = try WavefrontGrid(n: 12, dimensions: 3, map: .boxes(count: 3, seed: 7))
        let b = try WavefrontGrid(n: 12, dimensions: 3, map: .boxes(count: 3, seed: 7))
        let c = try WavefrontGrid(n: 12, dimensions: 3, map: .boxes(count: 3, seed: 8))
        #expect(a.occupied == b.occupied)
        #expect(a.occupied != c.occupied)
        #expect(a.freeCount < a.cellCount)
        #expect(BreadthFirstSearch.distances(a, from: a.target)[a.start] > 0)
    }

    @Test func badGridsThrowNamingTheField() {
        #expect(throws: SpikingParameterError.self) { try WavefrontGrid(n: 1) }
        #expect(throws: SpikingParameterError.self) { try WavefrontGrid(n: 10, dimensions: 4) }
        do {
            _ = try WavefrontGrid(n: 10, dimensions: 4)
        } catch let error as SpikingParameterError {
            #expect(error.field == "dimensions")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

@Suite struct BreadthFirstSearchTests {
    /// Digest §1.6.1: on an empty grid the distance is the Manhattan distance; the descent
    /// path has exactly dist + 1 points. Exact.
    @Test func emptyGridIsManhattan() throws {
        let grid = try WavefrontGrid(n: 7, dimensions: 3)
        let distance = BreadthFirstSearch.distances(grid, from: grid.target)
        for cell in 0..<grid.cellCount {
            let c = grid.coordinates(cell)
            #expect(Int(distance[cell]) == (6 - c.x) + (6 - c.y) + (6 - c.z))
        }
        #expect(BreadthFirstSearch.shortestPath(grid)?.count == 19)
    }

    /// The 2-D n=20 wall (x = 10, gap y ∈ [6, 10)) leaves a monotone route from (0,0) to
    /// (19,19), so the shortest path keeps the Manhattan length 38 (+1 points) but must
    /// cross x = 10 inside the gap.
    @Test func pathsCrossTheWallThroughTheGap() throws {
        let grid = try WavefrontGrid(n: 20, dimensions: 2, map: .wall)
        let path = try #require(BreadthFirstSearch.shortestPath(grid))
        #expect(path.count == 39)
        let crossings = path.filter { grid.coordinates($0).x == 10 }.map { grid.coordinates($0).y }
        #expect(!crossings.isEmpty && crossings.allSatisfy { (6..<10).contains($0) })
        #expect(path.allSatisfy { !grid.occupied[$0] })
    }

    @Test func obstaclesAreUnreachable() throws {
        let grid = try WavefrontGrid(n: 9, dimensions: 3, map: .wall)
        let distance = BreadthFirstSearch.distances(grid, from: grid.target)
        for cell in 0..<grid.cellCount where grid.occupied[cell] { #expect(distance[cell] == -1) }
    }
}

/// Spearman rank correlation with average ranks for ties.
func spearman(_ a: [Double], _ b: [Double]) -> Double {
    func ranks(_ x: [Double]) -> [Double] {
        let order = x.indices.sorted { x[$0] < x[$1] }
        var r = [Double](repeating: 0, count: x.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && x[order[j + 1]] == x[order[i]] { j += 1 }
            for k in i...j { r[order[k]] = Double(i + j) / 2 }
            i = j + 1
        }
        return r
    }
    let ra = ranks(a), rb = ranks(b)
    let ma = ra.reduce(0, +) / Double(ra.count), mb = rb.reduce(0, +) / Double(rb.count)
    var num = 0.0, da = 0.0, db = 0.0
    for k in ra.indices {
        num += (ra[k] - ma) * (rb[k] - mb); da += (ra[k] - ma) * (ra[k] - ma); db += (rb[k] - mb) * (rb[k] - mb)
    }
    return num / (da * db).squareRoot()
}

/// A 2-D n×n serpentine: walls at x = 5, 10, 15 open alternately at the top and the bottom,
/// so every path detours far beyond the Manhattan distance.
func serpentine(_ n: Int = 20) -> [Bool] {
    var occupied = [Bool](repeating: false, count: n * n)
    for (k, x) in [n / 4, n / 2, 3 * n / 4].enumerated() {
        for y in 0..<n where k % 2 == 0 ? y < n - 2 : y >= 2 { occupied[x * n + y] = true }
    }
    return occupied
}

@Suite struct WavefrontPlannerTests {
    static let cases: [(n: Int, dimensions: Int, map: WavefrontGrid.Map)] = [
        (10, 3, .wall), (9, 3, .boxes(count: 3, seed: 3)), (8, 3, .empty), (20, 2, .wall), (20, 2, .boxes(count: 3, seed: 5)),
        (20, 2, .cells(occupied: serpentine())),
    ]

    /// The serpentine forces a detour: BFS distance 72 against the Manhattan 38; both paths
    /// in both timings still follow a shortest route.
    @Test func serpentineForcesDetours() throws {
        let grid = try WavefrontGrid(n: 20, dimensions: 2, map: .cells(occupied: serpentine()))
        let distance = BreadthFirstSearch.distances(grid, from: grid.target)[grid.start]
        #expect(distance > 38 + 30)
        for timing in [PairSTDP.Timing.nestLazy, .immediate] {
            var planner = WavefrontPlanner(grid: grid)
            planner.timing = timing
            let r = try planner.run()
            // With two-step hops the field descends the BFS exactly: the greedy path has
            // dist + 1 points (ST [I] "greedy descent has dist+1 points", note §2.2, exact);
            // measured: 73 points for both paths, no escapes.
            #expect(r.greedyPath?.count == Int(distance) + 1)
            #expect(r.paperPath.reachedTarget && r.paperPath.length == Int(distance) + 1 && r.paperPath.escapes == 0)
        }
        #expect(throws: SpikingParameterError.self) { try WavefrontGrid(n: 20, dimensions: 2, map: .cells(occupied: [true])) }
    }

    /// ST [I] "wave order: first-spike time vs BFS distance": Spearman ≥ 0.99 (note §2.2),
    /// every reachable free cell fires exactly once (t_ref ≥ T), obstacles never fire.
    @Test(arguments: 0..<cases.count)
    func waveFollowsBreadthFirstDistance(caseIndex: Int) throws {
        let (n, d, map) = Self.cases[caseIndex]
        let grid = try WavefrontGrid(n: n, dimensions: d, map: map)
        let result = try WavefrontPlanner(grid: grid).run()
        let distance = BreadthFirstSearch.distances(grid, from: grid.target)
        var times: [Double] = [], distances: [Double] = []
        for cell in 0..<grid.cellCount {
            if grid.occupied[cell] || distance[cell] < 0 {
                #expect(result.firstSpikeStep[cell] == -1, "cell \(cell) should not fire")
            } else {
                #expect(result.firstSpikeStep[cell] >= 0, "reachable cell \(cell) did not fire")
                times.append(Double(result.firstSpikeStep[cell]))
                distances.append(Double(distance[cell]))
            }
        }
        #expect(result.spikeCount == times.count, "one spike per reachable free cell")
        // With w₀ = 4,000 nS every hop is one delay step plus one integration step: the
        // wave is the BFS itself, monotone by shell with no spread (note §2.2 "monotone by
        // shell within one dt").
        let t0 = Double(result.firstSpikeStep[grid.target])
        #expect(zip(times, distances).allSatisfy { $0 == t0 + 2 * $1 }, "hops of exactly two steps")
        let rho = spearman(times, distances)
        #expect(rho >= 0.99, "Spearman \(rho), \(d)-D n=\(n) \(map)")
        // Stronger: a cell never fires before a cell closer to the target (strictly later
        // than every neighbour one step closer).
        for cell in 0..<grid.cellCount where distance[cell] > 0 {
            for k in 0..<grid.directionCount {
                if let other = grid.neighbour(cell, k), distance[other] == distance[cell] - 1 {
                    #expect(result.firstSpikeStep[cell] > result.firstSpikeStep[other])
                }
            }
        }
    }

    /// ST [I] "path reaches target, avoids obstacles, d+1 ≤ L ≤ 2(d+1)" (note §2.2, a
    /// project threshold), in both STDP timing conventions (note §4.3: the field must work
    /// in both), greedy and paper-style.
    /// Also with nest_wave.py's 400 nS, whose wave is not a strict BFS.
    @Test(arguments: [PairSTDP.Timing.nestLazy, .immediate], [Float(4000), 400])
    func pathsReachTheTargetInBothTimings(timing: PairSTDP.Timing, initialWeight: Float) throws {
        for (n, d, map) in Self.cases {
            let grid = try WavefrontGrid(n: n, dimensions: d, map: map)
            var planner = WavefrontPlanner(grid: grid)
            planner.timing = timing
            planner.initialWeight = initialWeight
            let result = try planner.run()
            let bound = result.bfsDistance + 1
            #expect(bound > 1)
            let greedy = try #require(result.greedyPath, "greedy path stuck: \(d)-D n=\(n) \(map) \(timing)")
            for (name, path, reached) in [("greedy", greedy, true), ("paper", result.paperPath.cells, result.paperPath.reachedTarget)] {
                #expect(reached, "\(name) \(d)-D n=\(n) \(map) \(timing) w0 \(initialWeight)")
                #expect(path.first == grid.start && path.last == grid.target)
                #expect(path.allSatisfy { !grid.occupied[$0] }, "\(name) path enters an obstacle")
                #expect(path.count >= bound && path.count <= 2 * bound, "\(name) length \(path.count), BFS \(bound), w0 \(initialWeight)")
                for (a, b) in zip(path, path.dropFirst()) {
                    let step = grid.coordinates(a) &- grid.coordinates(b)
                    #expect(abs(step.x) + abs(step.y) + abs(step.z) == 1, "path jumps")
                }
            }
        }
    }

    /// Note §1.3 [M]: under NEST's lazy timing a single wave only depresses (weights
    /// ≤ w₀ = 400 nS, the backward ones down to a few nS); immediate timing also
    /// potentiates the forward synapses above w₀ (up to 2·w₀ = 800 nS additive).
    @Test func timingConventionsShapeTheWeights() throws {
        let grid = try WavefrontGrid(n: 8, dimensions: 3, map: .wall)
        var planner = WavefrontPlanner(grid: grid)
        planner.initialWeight = 400  // nest_wave.py's network, as measured in note §1.3
        let lazy = try planner.run().weights.filter { $0 > 0 }
        planner.timing = .immediate
        let immediate = try planner.run().weights.filter { $0 > 0 }
        #expect(lazy.max()! == 400)
        #expect(lazy.min()! < 40)
        #expect(immediate.max()! > 700 && immediate.max()! <= 800)
        #expect(immediate.min()! < 40)
    }

    /// The active-set clock is exact here: spikes, weights and paths equal a full sweep.
    @Test func activeSetMatchesFullSweep() throws {
        let grid = try WavefrontGrid(n: 8, dimensions: 3, map: .boxes(count: 2, seed: 1))
        var planner = WavefrontPlanner(grid: grid)
        let active = try planner.run()
        planner.activeSet = false
        let full = try planner.run()
        #expect(active.firstSpikeStep == full.firstSpikeStep)
        #expect(active.weights == full.weights)
        #expect(active.paperPath == full.paperPath)
        #expect(active.counters.neuronUpdates < full.counters.neuronUpdates)
    }

    /// RKF45 (NEST's integrator) gives a usable field as well.
    @Test func rkf45PlansToo() throws {
        let grid = try WavefrontGrid(n: 20, dimensions: 2, map: .wall)
        var planner = WavefrontPlanner(grid: grid)
        planner.integrator = .rkf45
        let result = try planner.run()
        #expect(result.paperPath.reachedTarget)
        #expect(result.greedyPath?.count == result.bfsDistance + 1)
    }
}

/// ST [I] "determinism: bit-identical weights and path" (note §2.2, digest §1.6.7): the
/// property the paper's Jetsons lacked.
@Suite(.exclusiveComputeThreads, .serialized) struct WavefrontDeterminismTests {
    @Test func identicalForOneAndTwoThreads() throws {
        let grid = try WavefrontGrid(n: 10, dimensions: 3, map: .boxes(count: 3, seed: 2))
        var planner = WavefrontPlanner(grid: grid)
        planner.timing = .immediate
        ComputeThreads.set(1)
        let one = try planner.run()
        ComputeThreads.set(2)
        let two = try planner.run()
        ComputeThreads.set(1)
        #expect(one.weights == two.weights)
        #expect(one.field == two.field)
        #expect(one.firstSpikeStep == two.firstSpikeStep)
        #expect(one.paperPath == two.paperPath)
        #expect(one.greedyPath == two.greedyPath)
    }
}

/// ST Table 1 [T] / [C]: SpiNNaker's 16-bit weights, w_max clamped 4000 → 63 µS, rescaled
/// by f_scale = 4000/63 = 63.492; "quantisation error ≤ 1 LSB after round trip" (note §2.2).
@Suite struct SpiNNakerWeightsTests {
    @Test func clampAndRescale() {
        let w = SpiNNakerWeights()
        #expect(w.maximum == 63_000)
        // LSB 2^−10 µS = 0.9765625 nS: 63 µS = code 64,512 fits 16 bits, 64 µS would not.
        #expect(w.lsb == 0.9765625)
        #expect(w.code(63_000) == 64_512)
        #expect(abs(SpiNNakerWeights.rescale - 63.492) < 5e-4)  // ST Table 1, printed to 3 decimals
        #expect(SpiNNakerWeights.rescale == 4000.0 / 63.0)       // consistency check: the definition
    }

    @Test func roundTripWithinOneLSB() {
        let w = SpiNNakerWeights()
        var generator = SeededGenerator(seed: 11, key: "test/spinnaker")
        for _ in 0..<2_000 {
            let value = Float(generator.nextUniformDouble() * 63_000)
            let back = w.decode(w.code(value))
            #expect(Double(abs(back - value)) <= w.lsb / 2 + 1e-3)
            // Rescaled to the paper's 4000 µS range the error stays within one rescaled LSB.
            let rescaled = Double(back) * SpiNNakerWeights.rescale, exact = Double(value) * SpiNNakerWeights.rescale
            #expect(abs(rescaled - exact) <= w.lsb * SpiNNakerWeights.rescale)
        }
        #expect(w.code(70_000) == 65_535)  // saturates
        #expect(w.code(-5) == 0)
    }

    /// The SpiNNaker mode (1 ms steps, 16-bit STDP) still plans, in both timings; read
    /// weights are multiples of the rescaled LSB.
    @Test(arguments: [PairSTDP.Timing.nestLazy, .immediate])
    func spinnakerModePlans(timing: PairSTDP.Timing) throws {
        let grid = try WavefrontGrid(n: 20, dimensions: 2, map: .wall)
        var planner = WavefrontPlanner(grid: grid)
        planner.weightMode = .spinnaker
        planner.timing = timing
        let result = try planner.run()
        #expect(result.paperPath.reachedTarget)
        #expect(result.paperPath.length <= 2 * (result.bfsDistance + 1))
        let q = SpiNNakerWeights()
        for value in result.weights where value > 0 {
            let code = Double(value) / (q.lsb * SpiNNakerWeights.rescale)
            #expect(abs(code - code.rounded()) < 1e-3)
        }
    }
}

/// ST [T] "energy by trapezoid over 60 s samples ÷ runs", exact against numpy.trapz
/// (note §2.2). Golden values from benchmarks/peers/steffen_energy_trapz.py (numpy 2.2.6).
@Suite struct EnergyIntegratorTests {
    @Test func matchesNumpyTrapz() throws {
        let short = [67.0, 70.5, 222.1, 68.3, 66.9]
        #expect(EnergyIntegrator.trapezoid(short) == 25671.0)
        #expect(try EnergyIntegrator.energyPerRun(short, runs: 3) == 8557.0)
        let ramp = (0..<200).map { 60.0 + Double($0) / 3.0 }
        #expect(EnergyIntegrator.trapezoid(ramp) == 1112410.0)
        #expect(try EnergyIntegrator.energyPerRun(ramp, runs: 7) == 158915.7142857143)
        let long = (0..<9000).map { (k: Int) -> Double in
            let wobble: Double = Double((k * 7919) % 1000) / 7.0
            let drift: Double = Double(k) / 3.0
            return 50.0 + wobble + drift
        }
        #expect(EnergyIntegrator.trapezoid(long) == 875349520.0)
        #expect(try EnergyIntegrator.energyPerRun(long, runs: 40) == 21883738.0)
    }

    @Test func badInputThrows() {
        #expect(throws: SpikingParameterError.self) { try EnergyIntegrator.energyPerRun([1, 2], runs: 0) }
        #expect(throws: SpikingParameterError.self) { try EnergyIntegrator.energyPerRun([1, .nan], runs: 1) }
        #expect(EnergyIntegrator.trapezoid([5]) == 0)
    }
}
