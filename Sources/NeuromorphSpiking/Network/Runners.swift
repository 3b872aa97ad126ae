import NeuromorphCore

/// Per-population input ring: for each of `slots` future steps, the excitatory and
/// inhibitory input summed per neuron; plus the active-set bookkeeping by block.
final class InputRing: @unchecked Sendable {
    static let blockSize = 32
    let count: Int
    var slots: Int
    var excitatory: [Float]
    var inhibitory: [Float]
    /// Whether each block of `blockSize` neurons is advanced (active-set mode).
    var blockActive: [Bool]
    /// The last step with input pending for each block.
    var blockPendingUntil: [Int]

    init(count: Int, slots: Int) {
        self.count = count
        self.slots = slots
        excitatory = .init(repeating: 0, count: count * slots)
        inhibitory = .init(repeating: 0, count: count * slots)
        let blocks = (count + Self.blockSize - 1) / Self.blockSize
        blockActive = .init(repeating: true, count: blocks)
        blockPendingUntil = .init(repeating: -1, count: blocks)
    }

    var blockCount: Int { blockActive.count }

    func blockRange(_ b: Int) -> Range<Int> { (b * Self.blockSize)..<Swift.min(count, (b + 1) * Self.blockSize) }

    /// The neurons of the active blocks as maximal runs of consecutive blocks, ascending:
    /// one model call per run instead of per block (the same neurons in the same order, so
    /// results are unchanged; the per-call overhead dominated the wavefront's thin front).
    func activeRuns() -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var b = 0
        while b < blockActive.count {
            guard blockActive[b] else { b += 1; continue }
            var end = b + 1
            while end < blockActive.count && blockActive[end] { end += 1 }
            runs.append((b * Self.blockSize)..<Swift.min(count, end * Self.blockSize))
            b = end
        }
        return runs
    }
}

/// A population being simulated, with its model type erased for the simulator's list.
protocol PopulationRunning: AnyObject {
    var count: Int { get }
    var ring: InputRing { get }
    /// Indices fired in the current step, in increasing order.
    var fired: [Int32] { get }
    var firedCount: Int { get }
    func advance(step: Int, dt: Double, activeSet: Bool) -> Int
    func absorb(step: Int, activeSet: Bool)
    func deactivateQuietBlocks(step: Int, tolerance: Float)
    func value(of recordable: String, neuron: Int) -> Double?
    func setCurrent(_ current: Double, neuron: Int)
    var recordables: [String] { get }
}

final class PopulationRunner<Model: NeuronModel>: PopulationRunning {
    let model: Model
    var state: Model.State
    let ring: InputRing
    var fired: [Int32]
    var firedCount = 0

    init(model: Model, count: Int, ring: InputRing) {
        self.model = model
        self.state = model.makeState(count: count)
        self.ring = ring
        self.fired = .init(repeating: 0, count: count)
    }

    var count: Int { ring.count }
    var recordables: [String] { Model.State.recordables }

    /// Advances every neuron, or only the active blocks; returns the neurons advanced.
    func advance(step: Int, dt: Double, activeSet: Bool) -> Int {
        firedCount = 0
        if !activeSet {
            firedCount = fired.withUnsafeMutableBufferPointer {
                model.advance(&state, range: 0..<count, step: step, dt: dt, spikes: $0.baseAddress!)
            }
            return count
        }
        var advanced = 0
        fired.withUnsafeMutableBufferPointer { out in
            for range in ring.activeRuns() {
                firedCount += model.advance(&state, range: range, step: step, dt: dt, spikes: out.baseAddress! + firedCount)
                advanced += range.count
            }
        }
        return advanced
    }

    /// Adds this step's ring slot to the neurons and clears it.
    func absorb(step: Int, activeSet: Bool) {
        let base = (step % ring.slots) * count
        ring.excitatory.withUnsafeMutableBufferPointer { e in
            ring.inhibitory.withUnsafeMutableBufferPointer { i in
                let ep = e.baseAddress! + base, ip = i.baseAddress! + base
                if !activeSet {
                    model.receive(&state, excitatory: ep - 0, inhibitory: ip - 0, range: 0..<count)
                    for k in 0..<count { ep[k] = 0; ip[k] = 0 }
                    return
                }
                for range in ring.activeRuns() {
                    model.receive(&state, excitatory: ep, inhibitory: ip, range: range)
                    for k in range { ep[k] = 0; ip[k] = 0 }
                }
            }
        }
    }

    func deactivateQuietBlocks(step: Int, tolerance: Float) {
        // One copy of the state (its array references) per call: passing the stored
        // property itself retained and released every array once per neuron checked.
        let state = self.state
        for b in 0..<ring.blockCount where ring.blockActive[b] && ring.blockPendingUntil[b] <= step {
            var quiet = true
            for i in ring.blockRange(b) where !model.isQuiescent(state, i, step: step, tolerance: tolerance) {
                quiet = false
                break
            }
            if quiet { ring.blockActive[b] = false }
        }
    }

    func value(of recordable: String, neuron: Int) -> Double? { state.value(of: recordable, neuron: neuron) }

    func setCurrent(_ current: Double, neuron: Int) {
        state.setCurrent(current, neuron: neuron)
        ring.blockActive[neuron / InputRing.blockSize] = true
    }
}

/// A projection being simulated, with its rule type erased.
protocol ProjectionRunning: AnyObject {
    var table: SynapseTable { get }
    /// Applies plasticity for this step's spikes; returns the weight updates made.
    func learn(step: Int, dt: Double) -> Int
    /// Queues this step's presynaptic spikes into the target ring; returns synaptic events.
    /// `trackActivity` wakes the target blocks (active-set mode).
    func deliver(step: Int, trackActivity: Bool) -> Int
}

final class ProjectionRunner<Rule: PlasticityRule>: ProjectionRunning {
    let rule: Rule
    var ruleState: Rule.State
    var table: SynapseTable
    let pre: any PopulationRunning
    let post: any PopulationRunning
    let ring: InputRing
    let isPlastic: Bool
    let incoming: (start: [Int], synapse: [Int32], source: [Int32])

    init(rule: Rule, table: SynapseTable, pre: any PopulationRunning, post: any PopulationRunning, ring: InputRing) {
        self.rule = rule
        self.table = table
        self.pre = pre
        self.post = post
        self.ring = ring
        self.isPlastic = !(rule is StaticSynapse)
        self.ruleState = rule.makeState(pre: pre.count, post: post.count, synapses: table.count)
        self.incoming = isPlastic ? table.incomingIndex(postCount: post.count) : ([], [], [])
    }

    func learn(step: Int, dt: Double) -> Int {
        guard isPlastic else { return 0 }
        var updates = 0
        let rowStart = table.rowStart
        let delays = table.delays
        table.targets.withUnsafeBufferPointer { targets in
        delays.withUnsafeBufferPointer { delays in
            table.weights.withUnsafeMutableBufferPointer { weights in
                for k in 0..<pre.firedCount {
                    let i = Int(pre.fired[k])
                    updates += rule.presynapticSpike(&ruleState, pre: i, step: step, dt: dt,
                                                     synapses: rowStart[i]..<rowStart[i + 1],
                                                     targets: targets.baseAddress!, delays: delays.baseAddress!,
                                                     weights: weights.baseAddress!)
                }
                incoming.synapse.withUnsafeBufferPointer { synapse in
                    incoming.source.withUnsafeBufferPointer { source in
                        for k in 0..<post.firedCount {
                            let j = Int(post.fired[k])
                            let range = incoming.start[j]..<incoming.start[j + 1]
                            updates += rule.postsynapticSpike(
                                &ruleState, post: j, step: step, dt: dt,
                                incoming: UnsafeBufferPointer(rebasing: synapse[range]),
                                sources: UnsafeBufferPointer(rebasing: source[range]), weights: weights.baseAddress!)
                        }
                    }
                }
            }
        }}
        return updates
    }

    func deliver(step: Int, trackActivity: Bool) -> Int {
        let firedCount = pre.firedCount
        guard firedCount > 0 else { return 0 }
        let slots = ring.slots, n = ring.count
        let base = step % slots
        var events = 0
        pre.fired.withUnsafeBufferPointer { fired in
        table.rowStart.withUnsafeBufferPointer { rowStart in
        table.targets.withUnsafeBufferPointer { targets in
        table.weights.withUnsafeBufferPointer { weights in
        table.delays.withUnsafeBufferPointer { delays in
        ring.excitatory.withUnsafeMutableBufferPointer { exc in
        ring.inhibitory.withUnsafeMutableBufferPointer { inh in
        ring.blockActive.withUnsafeMutableBufferPointer { active in
        ring.blockPendingUntil.withUnsafeMutableBufferPointer { pending in
            for k in 0..<firedCount {
                let i = Int(fired[k])
                let row = rowStart[i]..<rowStart[i + 1]
                events += row.count
                for s in row {
                    let delay = Int(delays[s])
                    // 1 ≤ delay < slots: one conditional wrap instead of a modulo.
                    var slot = base + delay
                    if slot >= slots { slot -= slots }
                    let t = Int(targets[s])
                    let index = slot * n + t
                    let w = weights[s]
                    if w >= 0 { exc[index] += w } else { inh[index] -= w }
                    if trackActivity {
                        let b = t / InputRing.blockSize
                        active[b] = true
                        if pending[b] < step + delay { pending[b] = step + delay }
                    }
                }
            }
        }}}}}}}}}
        return events
    }
}
