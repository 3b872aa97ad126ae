import ArgumentParser
import Foundation
import Neuromorph

extension PairSTDP.Timing: ExpressibleByArgument {}
extension WavefrontPlanner.WeightMode: ExpressibleByArgument {}

/// `neuromorph plan`: Steffen et al.'s spiking wavefront path planner (spiking note §4.3,
/// §5 W2) with its six phase timings, the path against BFS, and an SVG of the paths.
struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Plan a path with Steffen et al.'s spiking wavefront (place-cell grid, STDP on one wave, synaptic vector field).",
        discussion: """
        Builds an n×n×n (or n×n) grid of IF_cond_exp place cells as benchmarks/peers/nest_wave.py does, starts the wave at \
        the target with a 1 ms DC current, learns with additive pair STDP, reads the weights into a synaptic vector field and \
        follows it from the start (greedy and paper-style). Prints the six phase timings and the path lengths against BFS.
        """)

    @Option(help: "Cells per side (n).")
    var grid = 20

    @Option(help: "Obstacle map: empty, wall (nest_wave.py's wall with a gap) or boxes.")
    var map = "wall"

    @Option(help: "Number of boxes for --map boxes (drawn from --seed).")
    var boxes = 3

    @Option(help: "2 or 3.")
    var dimensions = 3

    @Option(help: "STDP update timing: nest_lazy or immediate.")
    var timing: PairSTDP.Timing = .nestLazy

    @Option(help: "Integrator: \(LIFCondExp.Integrator.allCases.map(\.rawValue).joined(separator: ", ")).")
    var integrator: LIFCondExp.Integrator = .exponentialEuler

    @Option(help: "Weights: float (0.1 ms steps) or spinnaker (16-bit, w_max 63 µS, 1 ms steps, rescaled by 4000/63).")
    var weights: WavefrontPlanner.WeightMode = .float

    @Option(help: "Step in ms (float weights).")
    var dt = 0.1

    @Option(help: "Initial weight of the plastic synapses in nS (nest_wave.py uses 400; default 4000 makes every hop two steps).")
    var initialWeight: Float = 4000

    @Option(help: "Active-set quiescence tolerance in nS/mV (default: initial weight / 40; must be below the initial weight).")
    var quiescenceTolerance: Float?

    @Option(help: "Steps before the DC current starts (2 reproduces nest_wave.py's dc_generator timing).")
    var dcOnsetSteps = 0

    @Option(help: "Seed of the box map and the simulator.")
    var seed: UInt64 = 1

    @Option(help: "Threads for the field computation (default 1).")
    var threads = 1

    @Option(help: "Repeats (phase medians are printed last).")
    var repeats = 1

    @Flag(help: "Advance every neuron every step instead of the active front.")
    var noActiveSet = false

    @Option(help: "Write an SVG of the paths to this file.")
    var svg: String?

    @Option(help: "Write each fired cell's first spike time as CSV (cell,first_spike_ms; NEST's time stamp, (step+1)·dt) to this file.")
    var spikeTimes: String?

    func validate() throws {
        if grid < 2 { throw ValidationError("--grid must be a whole number ≥ 2 (cells per side), got \(grid)") }
        if dimensions == 3 && grid > 400 { throw ValidationError("--grid must be at most 400 in 3-D, got \(grid)") }
        if dimensions != 2 && dimensions != 3 { throw ValidationError("--dimensions must be 2 or 3, got \(dimensions)") }
        if !["empty", "wall", "boxes"].contains(map) {
            throw ValidationError("--map must be one of empty, wall, boxes, got '\(map)'")
        }
        if !(0...64).contains(boxes) { throw ValidationError("--boxes must be 0…64, got \(boxes)") }
        if !(dt.isFinite && dt > 0 && dt <= 10) { throw ValidationError("--dt must be a step in ms in (0, 10], got \(dt)") }
        if !(initialWeight.isFinite && initialWeight > 0) {
            throw ValidationError("--initial-weight must be a positive weight in nS, got \(initialWeight)")
        }
        if let quiescenceTolerance, !(quiescenceTolerance >= 0 && quiescenceTolerance < initialWeight) {
            throw ValidationError("--quiescence-tolerance must be ≥ 0 and below --initial-weight (\(initialWeight)), got \(quiescenceTolerance)")
        }
        if dcOnsetSteps < 0 { throw ValidationError("--dc-onset-steps must be 0 or more, got \(dcOnsetSteps)") }
        if threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if repeats < 1 { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
        if let spikeTimes, spikeTimes.isEmpty { throw ValidationError("--spike-times must be a file path, got an empty string") }
        if let svg, svg.isEmpty { throw ValidationError("--svg must be a file path, got an empty string") }
    }

    func run() throws {
        ComputeThreads.set(threads)
        let obstacles: WavefrontGrid.Map = switch map {
        case "empty": .empty
        case "boxes": .boxes(count: boxes, seed: seed)
        default: .wall
        }
        let cells = try WavefrontGrid(n: grid, dimensions: dimensions, map: obstacles)
        var planner = WavefrontPlanner(grid: cells)
        planner.timing = timing
        planner.integrator = integrator
        planner.weightMode = weights
        planner.dt = dt
        planner.seed = seed
        planner.activeSet = !noActiveSet
        planner.initialWeight = initialWeight
        planner.dcOnsetSteps = dcOnsetSteps
        planner.quiescenceTolerance = quiescenceTolerance
        let shortest = BreadthFirstSearch.shortestPath(cells)
        print("plan: \(dimensions)-D n=\(grid) map \(obstacles): \(cells.cellCount) neurons, \(cells.synapseCount) synapses, "
              + "\(cells.freeCount) free cells; \(integrator.rawValue), \(timing.rawValue) STDP, \(weights.rawValue) weights, "
              + "w0 \(initialWeight) nS, dt \(planner.effectiveDt) ms, T \(planner.effectiveDuration) ms, active set \(planner.activeSet)")
        var results: [WavefrontPlanner.Result] = []
        for r in 0..<repeats {
            let result = try planner.run()
            results.append(result)
            let phases = result.phases.rows.map { String(format: "%@ %.4f", $0.0, $0.1) }.joined(separator: ", ")
            print(String(format: "run %d: %@; total %.4f s; spikes %d, fired %d, neuron updates %d", r + 1, phases,
                         result.phases.total, result.spikeCount, result.firstSpikeStep.filter { $0 >= 0 }.count,
                         result.counters.neuronUpdates))
        }
        print("\nphase             median s")
        for (k, (name, _)) in results[0].phases.rows.enumerated() {
            let times = results.map { $0.phases.rows[k].1 }.sorted()
            print(name.padding(toLength: 18, withPad: " ", startingAt: 0) + String(format: "%.4f", times[times.count / 2]))
        }
        let totals = results.map(\.phases.total).sorted()
        print("total".padding(toLength: 18, withPad: " ", startingAt: 0) + String(format: "%.4f", totals[totals.count / 2]))
        let result = results[results.count - 1]
        let bfs = shortest.map { "\($0.count) points (distance \($0.count - 1))" } ?? "unreachable"
        print("\nBFS shortest path: \(bfs)")
        if let greedy = result.greedyPath {
            print("greedy path: \(greedy.count) points" + (shortest.map { String(format: " (%.2f× BFS)", Double(greedy.count) / Double($0.count)) } ?? ""))
        } else {
            print("greedy path: stuck")
        }
        let paper = result.paperPath
        print("paper-style path: \(paper.length) points, \(paper.reachedTarget ? "reached the target" : "did NOT reach the target"), "
              + "\(paper.escapes) escapes" + (shortest.map { String(format: " (%.2f× BFS)", Double(paper.length) / Double($0.count)) } ?? ""))
        let plastic = result.weights.enumerated().filter { $0.element > 0 }.map(\.element)
        if let low = plastic.min(), let high = plastic.max() {
            print(String(format: "plastic weights %.1f…%.1f nS", low, high))
        }
        if let svg {
            let url = URL(fileURLWithPath: svg)
            try AtomicFile.write(WavefrontPlot.svg(result, shortest: shortest), to: url)
            print("wrote \(url.path)")
        }
        if let spikeTimes {
            var csv = "cell,first_spike_ms\n"
            for (cell, step) in result.firstSpikeStep.enumerated() where step >= 0 {
                csv += "\(cell),\(Double(step + 1) * planner.effectiveDt)\n"
            }
            let url = URL(fileURLWithPath: spikeTimes)
            try AtomicFile.write(csv, to: url)
            print("wrote \(url.path)")
        }
    }
}
