import NeuromorphCore

/// Independent Poisson spike trains, one per neuron (NEST `poisson_generator` connected
/// one-to-one, Brian2 `PoissonGroup`): in each step of `dt` a neuron fires with
/// probability `rate·dt` while `start ≤ t < stop`. Each neuron draws from its own stream,
/// so the trains do not depend on how the population is split across threads.
public struct PoissonSource: NeuronModel, Equatable, Codable {
    /// Rate (Hz).
    public var rate: Double
    /// First active time (ms, inclusive).
    public var start: Double
    /// End of activity (ms, exclusive); `.infinity` for none.
    public var stop: Double
    /// Seed of the per-neuron streams.
    public var seed: UInt64

    public init(rate: Double, start: Double = 0, stop: Double = .infinity, seed: UInt64 = 0) {
        self.rate = rate; self.start = start; self.stop = stop; self.seed = seed
    }

    public struct State: NeuronState, Equatable, Codable {
        public var generators: [SeededGenerator]
        public var count: Int { generators.count }
        public static let recordables: [String] = []
        public func value(of recordable: String, neuron: Int) -> Double? { nil }
        public mutating func setCurrent(_ current: Double, neuron: Int) {}
    }

    public func makeState(count: Int) -> State {
        let root = SeededGenerator(seed: seed)
        return State(generators: (0..<count).map { root.split(stream: UInt64($0)) })
    }

    public func advance(_ state: inout State, range: Range<Int>, step: Int, dt: Double,
                        spikes: UnsafeMutablePointer<Int32>) -> Int {
        let t = Double(step) * dt
        guard t >= start, t < stop else { return 0 }
        let p = rate * dt / 1000
        var fired = 0
        for i in range where state.generators[i].nextUniformDouble() < p {
            spikes[fired] = Int32(truncatingIfNeeded: i)
            fired += 1
        }
        return fired
    }

    public func receive(_ state: inout State, excitatory: UnsafePointer<Float>, inhibitory: UnsafePointer<Float>,
                        range: Range<Int>) {}

    public func isQuiescent(_ state: State, _ index: Int, step: Int, tolerance: Float) -> Bool { false }
}

/// Neurons that fire at listed steps (NEST `spike_generator`, Brian2 `SpikeGeneratorGroup`).
public struct SpikeTimesSource: NeuronModel, Equatable, Codable {
    /// Sorted steps at which each neuron fires.
    public var steps: [[Int]]

    public init(steps: [[Int]]) { self.steps = steps.map { $0.sorted() } }

    public struct State: NeuronState, Equatable, Codable {
        public var next: [Int]
        public var count: Int { next.count }
        public static let recordables: [String] = []
        public func value(of recordable: String, neuron: Int) -> Double? { nil }
        public mutating func setCurrent(_ current: Double, neuron: Int) {}
    }

    public func makeState(count: Int) -> State { State(next: .init(repeating: 0, count: count)) }

    public func advance(_ state: inout State, range: Range<Int>, step: Int, dt: Double,
                        spikes: UnsafeMutablePointer<Int32>) -> Int {
        var fired = 0
        for i in range where i < steps.count {
            let list = steps[i]
            var k = state.next[i]
            while k < list.count, list[k] < step { k += 1 }
            if k < list.count, list[k] == step {
                spikes[fired] = Int32(truncatingIfNeeded: i)
                fired += 1
                k += 1
            }
            state.next[i] = k
        }
        return fired
    }

    public func receive(_ state: inout State, excitatory: UnsafePointer<Float>, inhibitory: UnsafePointer<Float>,
                        range: Range<Int>) {}

    public func isQuiescent(_ state: State, _ index: Int, step: Int, tolerance: Float) -> Bool {
        index >= steps.count || state.next[index] >= steps[index].count
    }
}
