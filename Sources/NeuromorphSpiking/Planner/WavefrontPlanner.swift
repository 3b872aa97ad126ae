import Foundation
import NeuromorphCore

/// Steffen et al.'s neural wavefront path planner (Front. Neurosci. 15:667011, 2021; digest
/// snn-robotics Article 1 §1.2(b); spiking note §4.3), with the network of
/// `benchmarks/peers/nest_wave.py`:
///
/// 1. **Create neurons**: one PyNN `IF_cond_exp` place cell per grid cell, refractory for
///    longer than the simulation (`t_ref ≥ T`) so every cell fires once (spiking note §2.2
///    errata: PyNN's 0.1 ms lets the wave re-excite itself).
/// 2. **Create synapses**: free↔free neighbours `stdp_synapse` (additive: `μ± = 0`,
///    `λ = 10⁻⁴`, `α = 1`, `τ± = 10 ms`, `W_max = 4·10⁶ nS`, `w₀` = ``initialWeight``), pairs
///    involving an obstacle `static_synapse` with `−w₀`; delay one step.
/// 3. **Simulate** `T = 9n ms` with the active-set clock after a DC current of 10⁵ pA into
///    the wave's source for 1 ms (the paper's "1,000 mV" DC source; `nest_wave.py` starts
///    the wave at the **target**, so the field leads from the start to it).
/// 4. **Read weights** into `w(cell → neighbour k)`.
/// 5. **Compute the synaptic vector field** (spiking note §4.3)
///    ```
///    v(j) = Σ_{i ∈ N(j)} [w(i→j) − w(j→i)] · û_{j→i}
///    ```
///    The wave crosses `i → j` when `i` fires first: immediate STDP potentiates `w(i→j)`
///    and depresses `w(j→i)`; NEST's lazy timing only depresses `w(j→i)` (the potentiation
///    would wait for a second spike of `i`), so the difference points upstream — to the
///    target — in both modes. Obstacle synapses are static and equal both ways, so they
///    cancel.
/// 6. **Find the path** from the start: greedy (step to the neighbour with the strongest
///    pull `w(i→j) − w(j→i)`) and paper-style (the field averaged over the cell and its free
///    neighbours, normalised, plus `momentum` × the previous move; step to the free
///    neighbour best aligned with it).
///
/// The six phases are timed as Steffen et al.'s wrapper does (create neurons, create
/// synapses, simulation, build SVF split into read weights and compute field, finding
/// path). Here the network is a description until ``Simulator`` builds it, so neuron
/// state allocation is timed with the synapses (the simulator builds both).
public struct WavefrontPlanner: Sendable {
    /// How weights are stored.
    public enum WeightMode: String, Sendable, Codable, CaseIterable {
        /// Float32 nS, `dt` as configured (NEST/GeNN, 0.1 ms).
        case float
        /// SpiNNaker: `w_max` clamped to 63 µS, 16-bit weights, 1 ms steps, weights rescaled
        /// by 4000/63 when read (``SpiNNakerWeights``; ST Table 1).
        case spinnaker
    }

    public var grid: WavefrontGrid
    /// Integrator of the place cells (`rkf45` is NEST's; the default is the fast exact-decay one).
    public var integrator: LIFCondExp.Integrator = .exponentialEuler
    /// STDP update timing (NEST's lazy timing by default, as `nest_wave.py` runs it).
    public var timing: PairSTDP.Timing = .nestLazy
    /// Weight representation.
    public var weightMode: WeightMode = .float
    /// Step (ms); SpiNNaker mode uses 1 ms whatever this says.
    public var dt: Double = 0.1
    /// Simulated time (ms); `nil`: `9n` ms as `nest_wave.py` (`T = 3.0·3·n`).
    public var duration: Double?
    /// Initial weight of the plastic synapses and magnitude of the inhibitory ones (nS).
    ///
    /// The paper does not give it (ST 1.2 "not in text"). `nest_wave.py` uses 400 nS: one
    /// input then needs ≈ 0.6 ms to reach threshold but three converging inputs far less,
    /// so the wave runs faster along diagonals and first-spike times rank BFS distance only
    /// to Spearman 0.93–0.98 (a cell can even fire before its upstream neighbour). The
    /// default, 4,000 nS (w_max/10⁶), fires a cell in the step after its input arrives, so
    /// every hop takes exactly two steps (delay + integration) and the wave is a true BFS
    /// (Spearman 1). Use 400 for the network `nest_wave.py` times.
    public var initialWeight: Float = 4000
    /// Momentum of the paper-style path: weight of the previous move.
    public var momentum: Float = 0.5
    /// Advance only the active front (spiking note §1.4).
    public var activeSet = true
    /// Quiescence tolerance of the active set (nS and mV); `nil`: `w₀/40`.
    ///
    /// After its spike a place cell is refractory for the rest of the run (`t_ref ≥ T`), so
    /// its decaying conductance can no longer change a spike or a weight; with the
    /// simulator's default 10⁻⁴ it would stay active for `τ_syn·ln(g/10⁻⁴) ≈ 90 ms`. Any
    /// tolerance below `w₀` is exact for spikes and weights: a free cell that receives a
    /// spike holds `g ≥ w₀·e^{−t/τ_syn}` until it fires, unreached cells sit exactly at rest,
    /// and obstacle cells receive only inhibition and cannot fire. `w₀/40` keeps each cell
    /// active for ≈ 20–30 ms. The `activeSetMatchesFullSweep` test checks the equality.
    public var quiescenceTolerance: Float?
    /// Steps before the DC current starts. 0 drives the source from the first step; 2
    /// reproduces `nest_wave.py`, whose `dc_generator` connection has a one-step delay and
    /// whose `iaf_cond_exp` applies an arriving current from the following step.
    public var dcOnsetSteps = 0
    /// Seed of the simulator (the network itself draws nothing).
    public var seed: UInt64 = 1

    public init(grid: WavefrontGrid) { self.grid = grid }

    /// The step the run uses.
    public var effectiveDt: Double { weightMode == .spinnaker ? 1.0 : dt }
    /// The simulated time (ms).
    public var effectiveDuration: Double { duration ?? 9.0 * Double(grid.n) }

    /// NEST's `stdp_synapse` settings of `nest_wave.py` (w_max clamped in SpiNNaker mode).
    public var stdp: PairSTDP {
        PairSTDP(tau_plus: 10, tau_minus: 10, lambda: 1e-4, alpha: 1, mu_plus: 0, mu_minus: 0,
                 Wmax: weightMode == .spinnaker ? SpiNNakerWeights.clampedMaximum * 1000 : 4.0e6,
                 timing: timing, pairing: .allToAll)
    }

    /// The place-cell model: PyNN `IF_cond_exp` defaults with `t_ref ≥ T`.
    public var model: LIFCondExp {
        var p = LIFCondExp.Parameters.pyNN
        p.t_ref = Swift.max(1000, effectiveDuration + effectiveDt)
        return LIFCondExp(p, integrator: integrator)
    }

    // MARK: - Results

    /// Wall-clock seconds of Steffen et al.'s phases.
    public struct PhaseTimings: Sendable, Equatable, Codable {
        public var createNeurons = 0.0
        public var createSynapses = 0.0
        public var simulate = 0.0
        public var readWeights = 0.0
        public var computeField = 0.0
        public var findPath = 0.0
        public var total: Double { createNeurons + createSynapses + simulate + readWeights + computeField + findPath }
        public init() {}

        /// `(name, seconds)` in phase order.
        public var rows: [(String, Double)] {
            [("create neurons", createNeurons), ("create synapses", createSynapses), ("simulate", simulate),
             ("read weights", readWeights), ("compute field", computeField), ("find path", findPath)]
        }
    }

    /// Everything one planning run produces.
    public struct Result: Sendable {
        public var grid: WavefrontGrid
        public var phases: PhaseTimings
        /// Step of each cell's first spike (−1: never fired).
        public var firstSpikeStep: [Int32]
        /// Spikes emitted in the run.
        public var spikeCount: Int
        /// `weights[cell·2d + k]`: weight (nS) of the plastic synapse from `cell` to its
        /// neighbour in direction `k`; 0 where there is none (border, obstacle).
        public var weights: [Float]
        /// The synaptic vector field, one vector per cell.
        public var field: [SIMD3<Float>]
        /// The greedy path (start … target), `nil` if it got stuck.
        public var greedyPath: [Int]?
        /// The paper-style path.
        public var paperPath: WavefrontPath
        /// BFS distance of the start from the target (−1: unreachable).
        public var bfsDistance: Int
        /// The simulator's event counters.
        public var counters: EventCounters
        /// Neurons and synapses built.
        public var neuronCount: Int
        public var synapseCount: Int
    }

    // MARK: - Run

    /// Builds, simulates and interprets the network (the six timed phases).
    public func run() throws -> Result {
        let clock = ContinuousClock()
        var phases = PhaseTimings()
        func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        let dt = effectiveDt
        let quantizer = SpiNNakerWeights()
        let w0 = weightMode == .spinnaker ? quantizer.quantize(initialWeight) : initialWeight
        guard w0.isFinite, w0 > 0, Double(w0) <= stdp.Wmax else {
            throw SpikingParameterError(type: "wavefront planner", field: "initialWeight", value: "\(initialWeight)",
                                    expected: "a positive weight up to W_max = \(stdp.Wmax) nS")
        }
        let stepsTotal = Int((effectiveDuration / dt).rounded())
        guard stepsTotal >= 1 else {
            throw SpikingParameterError(type: "wavefront planner", field: "duration", value: "\(effectiveDuration)",
                                    expected: "at least one step of \(dt) ms")
        }

        // 1. Create neurons.
        var start = clock.now
        var network = Network()
        let cells = try network.addPopulation("place cells", model, count: grid.cellCount)
        network.recordSpikes(cells)
        phases.createNeurons = seconds(clock.now - start)

        // 2. Create synapses (and build the simulator, which allocates the neuron state).
        start = clock.now
        var plastic: [Connection] = [], inhibitory: [Connection] = []
        plastic.reserveCapacity(grid.synapseCount)
        let occupied = grid.occupied
        for k in 0..<grid.directionCount {
            for cell in 0..<grid.cellCount {
                guard let other = grid.neighbour(cell, k) else { continue }
                if occupied[cell] || occupied[other] {
                    inhibitory.append(Connection(pre: cell, post: other))
                } else {
                    plastic.append(Connection(pre: cell, post: other))
                }
            }
        }
        let plasticID: Network.ProjectionID
        if weightMode == .spinnaker {
            plasticID = try network.connect(cells, cells, FromList(plastic), weight: w0, delaySteps: 1,
                                            plasticity: QuantizedPairSTDP(stdp, weights: quantizer), name: "stdp")
        } else {
            plasticID = try network.connect(cells, cells, FromList(plastic), weight: w0, delaySteps: 1,
                                            plasticity: stdp, name: "stdp")
        }
        if !inhibitory.isEmpty {
            try network.connect(cells, cells, FromList(inhibitory), weight: -w0, delaySteps: 1, name: "obstacles")
        }
        let simulator = try Simulator(network, dt: dt, seed: seed, activeSet: activeSet)
        let tolerance = quiescenceTolerance ?? w0 / 40
        guard tolerance.isFinite, tolerance >= 0, tolerance < w0 else {
            throw SpikingParameterError(type: "wavefront planner", field: "quiescenceTolerance", value: "\(tolerance)",
                                    expected: "≥ 0 and below the initial weight \(w0) nS (larger would freeze cells before they fire)")
        }
        simulator.quiescenceTolerance = tolerance
        phases.createSynapses = seconds(clock.now - start)

        // 3. Simulate: DC into the target for 1 ms, then the rest.
        start = clock.now
        let onset = Swift.min(stepsTotal, Swift.max(0, dcOnsetSteps))
        let dcSteps = Swift.min(stepsTotal - onset, Swift.max(1, Int((1.0 / dt).rounded())))
        simulator.run(steps: onset)
        simulator.setCurrent(cells, neuron: grid.target, current: 1.0e5)
        simulator.run(steps: dcSteps)
        simulator.setCurrent(cells, neuron: grid.target, current: 0)
        simulator.run(steps: stepsTotal - onset - dcSteps)
        phases.simulate = seconds(clock.now - start)

        // 4. Read weights.
        start = clock.now
        let table = simulator.synapses(of: plasticID)
        let weights = Self.directionalWeights(grid, table: table,
                                              scale: weightMode == .spinnaker ? Float(SpiNNakerWeights.rescale) : 1)
        phases.readWeights = seconds(clock.now - start)

        // 5. Compute the field.
        start = clock.now
        let field = SynapticVectorField.compute(grid, weights: weights)
        phases.computeField = seconds(clock.now - start)

        // 6. Find the paths.
        start = clock.now
        let greedy = WavefrontPath.greedy(grid, weights: weights)
        let paper = WavefrontPath.paperStyle(grid, field: field, weights: weights, momentum: momentum)
        phases.findPath = seconds(clock.now - start)

        var first = [Int32](repeating: -1, count: grid.cellCount)
        let spikes = simulator.spikes(of: cells)
        for spike in spikes where first[Int(spike.neuron)] < 0 { first[Int(spike.neuron)] = spike.step }
        let distance = BreadthFirstSearch.distances(grid, from: grid.target)[grid.start]
        let synapses = plastic.count + inhibitory.count
        return Result(grid: grid, phases: phases, firstSpikeStep: first, spikeCount: spikes.count, weights: weights,
                      field: field, greedyPath: greedy, paperPath: paper, bfsDistance: Int(distance),
                      counters: simulator.counters, neuronCount: grid.cellCount, synapseCount: synapses)
    }

    /// `w(cell → neighbour k)` from the plastic projection's CSR table, times `scale`.
    static func directionalWeights(_ grid: WavefrontGrid, table: SynapseTable, scale: Float) -> [Float] {
        let directions = grid.directionCount
        var weights = [Float](repeating: 0, count: grid.cellCount * directions)
        var strides = [Int](repeating: 0, count: directions)
        for k in 0..<directions { strides[k] = (k % 2 == 0 ? 1 : -1) * grid.stride(k / 2) }
        weights.withUnsafeMutableBufferPointer { out in
            table.targets.withUnsafeBufferPointer { targets in
                table.weights.withUnsafeBufferPointer { w in
                    for cell in 0..<grid.cellCount {
                        for s in table.rowStart[cell]..<table.rowStart[cell + 1] {
                            let offset = Int(targets[s]) - cell
                            // Each neighbour offset is unique among ±stride(axis) for n ≥ 2.
                            var k = 0
                            while strides[k] != offset { k += 1 }
                            out[cell * directions + k] = w[s] * scale
                        }
                    }
                }
            }
        }
        return weights
    }
}
