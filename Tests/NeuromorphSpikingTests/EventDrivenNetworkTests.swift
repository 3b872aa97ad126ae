import Testing
import NeuromorphCore
import NeuromorphChipModels
@testable import NeuromorphSpiking

/// The event-driven simulator and its arbiters (spiking note §1.4; digest UB §2.3, CH §3.3).
@Suite(.exclusiveComputeThreads) struct EventDrivenNetworkTests {
    func relayLayer(_ inputs: Int, _ outputs: Int, threshold: Int32 = 1, timing: ArbiterTiming = .muBrain,
                    retrigger: RetriggerPolicy = .queue) throws -> EventLayer {
        let w = [[Int32]](repeating: [Int32](repeating: 1, count: inputs), count: outputs)
        return try EventLayer(weights: w, neuron: .signedIF(SignedIFParameters(threshold: threshold, retrigger: retrigger)),
                              timing: timing)
    }

    /// CH Fig. 5C [T]: simultaneous requests from neurons 1 and 2 → Ack₁ first (fixed priority).
    @Test func fixedPriorityAcknowledgesNeuronOneFirst() throws {
        let net = try EventDrivenNetwork(layers: [relayLayer(3, 2, timing: .chundi)])
        let input = [AEREvent(address: 2, timeNs: 0), AEREvent(address: 1, timeNs: 0)]
        let r = try net.run(input, arbiter: FixedPriorityArbiter(), options: EventRunOptions(recordGrants: true))
        #expect(r.grants.map(\.source) == [1, 2])
        let dt = ArbiterTiming.chundi.grantIntervalNs
        #expect(dt == 176_471)   // 3 cycles at 17 kHz
        #expect(r.grants.map(\.timeNs) == [dt, 2 * dt])
    }

    /// UB §2.3 [T]: spikes latched together are served one at a time, 100 ns apart; the
    /// inter-arrival timing inside a busy period is not preserved.
    @Test func muBrainServesLatchedSpikes100nsApart() throws {
        let net = try EventDrivenNetwork(layers: [relayLayer(4, 1, threshold: 64)])
        let input = [0, 1, 2, 3].map { AEREvent(address: $0, timeNs: 1_000) } + [AEREvent(address: 0, timeNs: 1_150)]
        let r = try net.run(input, arbiter: RoundRobinArbiter(), options: EventRunOptions(recordGrants: true))
        #expect(r.grants.map(\.timeNs) == [1_000, 1_100, 1_200, 1_300, 1_400])
        #expect(r.grants.map(\.source) == [0, 1, 2, 3, 0])
    }

    @Test func arbiterPolicies() {
        var p = PendingRequests(capacity: 130)
        for s in [0, 2, 64, 129] { p.add(s) }
        p.add(2)
        #expect(p.total == 5 && p.distinctSources == 4)
        #expect(FixedPriorityArbiter().select(from: p) == 0)
        var rr = RoundRobinArbiter(lastServed: 2)
        #expect(rr.select(from: p) == 64)
        #expect(rr.select(from: p) == 129)
        #expect(rr.select(from: p) == 0)
        #expect(p.nth(3) == 129 && p.nth(1) == 2)
        p.remove(2)
        #expect(p.count(of: 2) == 1 && p.distinctSources == 4)
        p.remove(2)
        #expect(p.first(atOrAfter: 1) == 64)
        // Random: seeded, and every pick is pending.
        var a = RandomArbiter(seed: 3).derived(layer: 0, sample: 0)
        var b = RandomArbiter(seed: 3).derived(layer: 0, sample: 0)
        let picksA = (0..<50).map { _ in a.select(from: p) }
        #expect(picksA == (0..<50).map { _ in b.select(from: p) })
        #expect(Set(picksA) == [0, 64, 129])
    }

    /// CH Eq. 1–2 [T] with the drop policy at frame end [I]: 1,000 requests at t = 0 against
    /// an 80 ms frame at 17 kHz / 3 cycles serve ⌊N_serve⌋ = 453 and drop 547
    /// (`ArbiterDesign.unservedRequests` = 546.7).
    @Test func dropsAtFrameEndMatchTheStarvationEquation() throws {
        let n = 1_000
        let net = try EventDrivenNetwork(layers: [relayLayer(n, 1, threshold: 200, timing: .chundi)])
        let input = (0..<n).map { AEREvent(address: Int32($0), timeNs: 0) }
        let design = ArbiterDesign.keywordSpotting
        let r = try net.run(input, arbiter: FixedPriorityArbiter(),
                            options: EventRunOptions(frameNs: Int64(design.frameSeconds * 1e9)))
        let load = try LayerSpikeLoad(incomingSpikesPerNeuron: 1, neurons: n, threshold: 1)
        #expect(r.counters.arbiterGrants == 453)
        #expect(r.counters.arbiterDrops == 547)
        #expect(abs(Double(r.counters.arbiterDrops) - design.unservedRequests(load)) < 1)
    }

    /// Counters: SOPs = grants × fan-out, one row read per grant, every spike counted; the
    /// network gives the same potentials as calling the pure step in grant order.
    @Test func countersAndStepEquivalence() throws {
        var g = SeededGenerator(seed: 5)
        let w1 = (0..<6).map { _ in (0..<8).map { _ in Int32(g.nextInt(below: 15)) - 7 } }
        let w2 = (0..<3).map { _ in (0..<6).map { _ in Int32(g.nextInt(below: 15)) - 7 } }
        let net = try EventDrivenNetwork(layers: [
            EventLayer(weights: w1, neuron: .integerIF(.muBrainScaled)),
            EventLayer(weights: w2, neuron: .integerIF(.muBrainScaled)),
        ])
        var input: [AEREvent] = []
        for k in 0..<200 { input.append(AEREvent(address: Int32(g.nextInt(below: 8)), timeNs: Int64(k / 3) * 50)) }
        let r = try net.run(input, arbiter: RoundRobinArbiter(),
                            options: EventRunOptions(recordGrants: true, recordAllLayers: true))
        let c = r.counters
        #expect(c.inputSpikes == 200)
        let grants0 = r.grants.filter { $0.layer == 0 }.count, grants1 = r.grants.filter { $0.layer == 1 }.count
        #expect(grants0 == 200 && grants1 == r.layerSpikes[0].count)
        #expect(c.arbiterGrants == grants0 + grants1 && c.weightReads == c.arbiterGrants)
        #expect(c.synapticOperations == grants0 * 6 + grants1 * 3)
        #expect(c.emittedSpikes == r.layerSpikes[0].count + r.layerSpikes[1].count)
        #expect(r.layerSpikes[0].count > 0 && c.arbiterDrops == 0)
        // Replay the grants through the pure step.
        var s1 = IntegerIFState(count: 6), s2 = IntegerIFState(count: 3)
        for grant in r.grants {
            if grant.layer == 0 {
                s1 = IntegerIF.step(s1, weights: w1.map { $0[grant.source] }, parameters: .muBrainScaled).state
            } else {
                s2 = IntegerIF.step(s2, weights: w2.map { $0[grant.source] }, parameters: .muBrainScaled).state
            }
        }
        #expect(r.finalPotentials == [s1.potential, s2.potential])
    }

    /// Arbitration order matters through the zero clamp (digest UB §2.6 [I]): +7 then −7
    /// from 2 vs −7 then +7.
    @Test func arbitrationOrderChangesTheResult() throws {
        let net = try EventDrivenNetwork(layers: [EventLayer(weights: [[7, -7]], neuron: .integerIF(.muBrain))])
        let first = try net.run([AEREvent(address: 0, timeNs: 0), AEREvent(address: 1, timeNs: 0)], arbiter: FixedPriorityArbiter())
        let second = try net.run([AEREvent(address: 1, timeNs: 0), AEREvent(address: 0, timeNs: 50)], arbiter: FixedPriorityArbiter())
        #expect(first.finalPotentials == [[0]])
        #expect(second.finalPotentials == [[7]])
    }

    /// Chundi re-trigger `drop`: a relay neuron whose request waits loses later crossings.
    @Test func retriggerDropsAreCounted() throws {
        let hidden = try relayLayer(1, 1, threshold: 1, timing: .muBrain, retrigger: .drop)
        let out = try EventLayer(weights: [[1]], neuron: .signedIF(SignedIFParameters(threshold: 1, fires: false)),
                                 timing: try ArbiterTiming(grantLatencyNs: 1_000, grantIntervalNs: 1_000))
        let net = try EventDrivenNetwork(layers: [hidden, out])
        let input = (0..<5).map { AEREvent(address: 0, timeNs: Int64($0) * 100) }
        let r = try net.run(input, arbiter: FixedPriorityArbiter())
        // t=0: request (pending until the grant at 1,000 ns); t=100…400: 4 crossings dropped.
        #expect(r.counters.arbiterDrops == 4)
        #expect(r.finalPotentials[1] == [1])
        let queued = try EventDrivenNetwork(layers: [relayLayer(1, 1, threshold: 1, retrigger: .queue), out])
        #expect(try queued.run(input, arbiter: FixedPriorityArbiter()).finalPotentials[1] == [5])
    }

    /// CH §3.2–3.3 [T]: an input neuron is a TH = 1 relay with one Req line; under
    /// `inputRetrigger = .drop` a stimulus that arrives while its channel's request still waits
    /// for Ack is missed and counted; other channels are not affected; `.queue` keeps it.
    @Test func inputRetriggerDropMissesStimuliWhileWaiting() throws {
        let integrating = try EventLayer(weights: [[1, 1]], neuron: .signedIF(SignedIFParameters(threshold: 1, fires: false)),
                                         timing: .chundi)
        let net = try EventDrivenNetwork(layers: [integrating])
        let dt = ArbiterTiming.chundi.grantIntervalNs
        // Channel 0 at 0, 100, 200, 300, 400 ns (its request waits until dt); channel 1 at 50 ns;
        // channel 0 again after its grant, at dt + 10.
        let input = (0..<5).map { AEREvent(address: 0, timeNs: Int64($0) * 100) }
            + [AEREvent(address: 1, timeNs: 50), AEREvent(address: 0, timeNs: dt + 10)]
        let dropped = try net.run(input, arbiter: FixedPriorityArbiter(), options: EventRunOptions(inputRetrigger: .drop))
        #expect(dropped.counters.inputSpikes == 7)
        #expect(dropped.counters.arbiterDrops == 4)
        #expect(dropped.counters.arbiterGrants == 3)
        #expect(dropped.finalPotentials == [[3]])
        let queued = try net.run(input, arbiter: FixedPriorityArbiter())
        #expect(queued.counters.arbiterDrops == 0)
        #expect(queued.counters.arbiterGrants == 7)
        #expect(queued.finalPotentials == [[7]])
    }

    /// The comparison is a parameter in the network's hot loop too: v = θ fires under `≥` only.
    @Test func strictComparisonInTheNetwork() throws {
        for (comparison, spikes) in [(ThresholdComparison.greaterOrEqual, 1), (.greater, 0)] {
            let p = try IntegerIFParameters(threshold: 8, comparison: comparison)
            let net = try EventDrivenNetwork(layers: [EventLayer(weights: [[4]], neuron: .integerIF(p))])
            let r = try net.run([AEREvent(address: 0, timeNs: 0), AEREvent(address: 0, timeNs: 500)], arbiter: FixedPriorityArbiter())
            #expect(r.counters.emittedSpikes == spikes, "\(comparison)")
            #expect(r.finalPotentials == [[spikes == 1 ? 0 : 8]])
        }
    }

    /// Weights outside a QFormat are reported with their position.
    @Test func weightsOutsideAFormatAreNamed() throws {
        let layer = try EventLayer(weights: [[1, -7], [9, 0]], neuron: .integerIF(.muBrain))
        do {
            try layer.checkWeights(fit: .muBrainWeight)
            Issue.record("9 accepted as a 4-bit weight")
        } catch let e as SpikingParameterError {
            #expect(e.field == "weights[1][0]" && e.value == "9")
        }
        try layer.checkWeights(fit: .monetaWeight)
    }

    @Test func negativeInputsDeliverNegatedWeights() throws {
        let out = try EventLayer(weights: [[3]], neuron: .signedIF(SignedIFParameters(threshold: 100, fires: false)))
        let net = try EventDrivenNetwork(layers: [out])
        let r = try net.run([AEREvent(address: 0, timeNs: 0, sign: -1), AEREvent(address: 0, timeNs: 0),
                             AEREvent(address: 0, timeNs: 10, sign: -1)], arbiter: FixedPriorityArbiter())
        #expect(r.finalPotentials == [[-3]])
    }

    @Test func badNetworksAndInputsThrow() throws {
        #expect(throws: SpikingParameterError.self) { try EventDrivenNetwork(layers: []) }
        let a = try relayLayer(3, 2), b = try relayLayer(3, 1)
        #expect(throws: SpikingParameterError.self) { try EventDrivenNetwork(layers: [a, b]) }
        #expect(throws: SpikingParameterError.self) { try EventLayer(weights: [[1, 2], [3]], neuron: .integerIF(.muBrain)) }
        let net = try EventDrivenNetwork(layers: [a])
        #expect(throws: SpikingParameterError.self) { try net.run([AEREvent(address: 3, timeNs: 0)], arbiter: FixedPriorityArbiter()) }
        #expect(throws: SpikingParameterError.self) { try net.run([AEREvent(address: 0, timeNs: -1)], arbiter: FixedPriorityArbiter()) }
        #expect(throws: SpikingParameterError.self) { try ArbiterTiming(grantIntervalNs: 0) }
    }

    /// Determinism: a batch with random arbiters is bit-identical for 1 and 2 threads and
    /// for a repeat.
    @Test func batchesAreIdenticalForOneAndTwoThreads() throws {
        var g = SeededGenerator(seed: 8)
        let w = (0..<16).map { _ in (0..<32).map { _ in Int32(g.nextInt(below: 15)) - 7 } }
        let net = try EventDrivenNetwork(layers: [EventLayer(weights: w, neuron: .integerIF(.muBrainScaled))])
        let batch: [[AEREvent]] = (0..<6).map { _ in
            (0..<300).map { k in AEREvent(address: Int32(g.nextInt(below: 32)), timeNs: Int64(k / 10) * 1_000) }
        }
        ComputeThreads.set(1)
        let one = try net.run(batch: batch, arbiter: RandomArbiter(seed: 2), options: EventRunOptions(recordGrants: true))
        ComputeThreads.set(2)
        let two = try net.run(batch: batch, arbiter: RandomArbiter(seed: 2), options: EventRunOptions(recordGrants: true))
        ComputeThreads.set(1)
        #expect(one == two)
        #expect(one[0].grants != one[1].grants)
        #expect(try net.run(batch: [], arbiter: RandomArbiter(seed: 2)).isEmpty)
    }
}
