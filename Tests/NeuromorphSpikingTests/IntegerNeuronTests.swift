import Testing
@testable import NeuromorphSpiking

/// Integer neuron rules: μBrain (digest UB §2.2, §2.7 item 2; spiking note §2.1 rule cases)
/// and Chundi (digest CH §3.2, §3.7 item 1).
@Suite struct IntegerNeuronTests {
    /// UB rules: (60, +7) → spike, v = 3.
    @Test func muBrainWrapAround() {
        let r = IntegerIF.receive(60, weight: 7, parameters: .muBrain)
        #expect(r.spiked && r.potential == 3)
    }

    /// UB rules: (2, −7) → v = 0, no spike.
    @Test func muBrainUnderflowClamp() {
        let r = IntegerIF.receive(2, weight: -7, parameters: .muBrain)
        #expect(!r.spiked && r.potential == 0)
    }

    /// UB rules: (60, +1, ×8) → spike, v = 4.
    @Test func muBrainGlobalScale() {
        let r = IntegerIF.receive(60, weight: 1, parameters: .muBrainScaled)
        #expect(r.spiked && r.potential == 4)
    }

    /// The comparison is a parameter: at v = θ exactly, `≥` fires and `>` does not.
    @Test func thresholdComparisonIsAParameter() throws {
        let strict = try IntegerIFParameters(threshold: 64, comparison: .greater)
        #expect(IntegerIF.receive(57, weight: 7, parameters: .muBrain).spiked)
        #expect(!IntegerIF.receive(57, weight: 7, parameters: strict).spiked)
        #expect(IntegerIF.receive(57, weight: 7, parameters: strict).potential == 64)
        #expect(throws: SpikingParameterError.self) { try IntegerIFParameters(threshold: 0) }
        #expect(throws: SpikingParameterError.self) { try IntegerIFParameters(scale: -1) }
    }

    /// Arrival order matters through the clamp (digest UB §2.6 [I]): +7 then −7 from v = 2
    /// ends at 2, −7 then +7 ends at 7.
    @Test func orderMattersThroughTheClamp() {
        let a = IntegerIF.receive(IntegerIF.receive(2, weight: 7, parameters: .muBrain).potential, weight: -7, parameters: .muBrain)
        let b = IntegerIF.receive(IntegerIF.receive(2, weight: -7, parameters: .muBrain).potential, weight: 7, parameters: .muBrain)
        #expect(a.potential == 2 && b.potential == 7)
    }

    @Test func populationStepIsPure() {
        let state = IntegerIFState(potential: [60, 2, 10])
        let (spikes, next) = IntegerIF.step(state, weights: [7, -7, 5], parameters: .muBrain)
        #expect(spikes == [0])
        #expect(next.potential == [3, 0, 15])
        #expect(state.potential == [60, 2, 10])
    }

    /// CH §3.7 item 1: TH = 4, +1 spikes one at a time → a request every 4 spikes, V back to 0.
    @Test func chundiRequestEveryThresholdSpikes() throws {
        let p = try SignedIFParameters(threshold: 4)
        var v: Int32 = 0, pending: Int32 = 0
        var requests = 0
        for k in 1...12 {
            let r = SignedIF.receive(potential: v, pending: pending, input: 1, parameters: p)
            v = r.potential
            pending = SignedIF.acknowledge(pending: r.pending)   // acknowledged at once
            if r.outcome == .request { requests += 1; #expect(k % 4 == 0 && v == 0) }
        }
        #expect(requests == 3)
    }

    /// Input neurons (TH = 1) relay every +1 spike; output neurons never fire; 9-bit saturation.
    @Test func chundiRelayOutputAndSaturation() throws {
        let relay = try SignedIFParameters(threshold: 1)
        #expect(SignedIF.receive(potential: 0, pending: 0, input: 1, parameters: relay).outcome == .request)
        let output = try SignedIFParameters(threshold: 1, fires: false)
        var v: Int32 = 0
        for _ in 0..<300 {
            let r = SignedIF.receive(potential: v, pending: 0, input: 1, parameters: output)
            #expect(r.outcome == .none)
            v = r.potential
        }
        #expect(v == 255)
        #expect(SignedIF.receive(potential: -256, pending: 0, input: -1, parameters: output).potential == -256)
        #expect(throws: SpikingParameterError.self) { try SignedIFParameters(threshold: 0) }
    }

    /// Re-trigger while pending: `drop` loses the second request, `queue` keeps it.
    @Test func retriggerPolicies() throws {
        let drop = try SignedIFParameters(threshold: 1, retrigger: .drop)
        let queue = try SignedIFParameters(threshold: 1, retrigger: .queue)
        let d = SignedIF.receive(potential: 0, pending: 1, input: 1, parameters: drop)
        #expect(d.outcome == .dropped && d.pending == 1 && d.potential == 0)
        let q = SignedIF.receive(potential: 0, pending: 1, input: 1, parameters: queue)
        #expect(q.outcome == .request && q.pending == 2)
    }
}
