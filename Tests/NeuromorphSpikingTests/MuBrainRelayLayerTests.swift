import Testing
import NeuromorphCore
@testable import NeuromorphSpiking

/// μBrain's 256-neuron first layer simulated as relays (digest UB §2.4–2.5: the stimuli enter
/// "the first layer of 256 neurons"; the paper's 11,500 spikes per classification "for 6,400
/// input stimuli"; 26 pJ per spike), and the engine's one-to-one layer it is built from.
@Suite struct MuBrainRelayLayerTests {
    /// A one-to-one layer behaves exactly as a dense diagonal layer (same spikes in every
    /// layer, same potentials) but reads one synapse per grant: the dense layer counts
    /// `outputs − 1` more SOPs per input spike.
    @Test func oneToOneEqualsADenseDiagonal() throws {
        var g = SeededGenerator(seed: 3)
        let n = 16
        let relay = (0..<n).map { _ in Int32(1 + g.nextInt(below: 7)) }
        let hidden = (0..<5).map { _ in (0..<n).map { _ in Int32(g.nextInt(below: 15)) - 7 } }
        let neuron = EventNeuron.integerIF(try IntegerIFParameters(threshold: 64, scale: 8))
        let next = try EventLayer(weights: hidden, neuron: .integerIF(try IntegerIFParameters(threshold: 64)))
        let sparse = try EventDrivenNetwork(layers: [try EventLayer(oneToOne: relay, neuron: neuron), next])
        let diagonal = (0..<n).map { o in (0..<n).map { i in i == o ? relay[o] : 0 } }
        let dense = try EventDrivenNetwork(layers: [try EventLayer(weights: diagonal, neuron: neuron), next])
        let input = (0..<600).map { k in AEREvent(address: Int32(g.nextInt(below: n)), timeNs: Int64(k * 300)) }
        let options = EventRunOptions(recordAllLayers: true)
        let a = try sparse.run(input, arbiter: RoundRobinArbiter(), options: options)
        let b = try dense.run(input, arbiter: RoundRobinArbiter(), options: options)
        #expect(a.layerSpikes == b.layerSpikes && a.finalPotentials == b.finalPotentials)
        #expect(a.layerSpikes[0].count > 150 && a.layerSpikes[1].count > 0)
        #expect(a.layerEmittedSpikes == a.layerSpikes.map(\.count))
        #expect(a.layerEmittedSpikes.reduce(0, +) == a.counters.emittedSpikes)
        #expect(b.counters.synapticOperations - a.counters.synapticOperations == 600 * (n - 1))
        #expect(a.counters.synapticOperations == 600 + a.layerSpikes[0].count * 5)
        try sparse.layers[0].checkWeights(fit: .muBrainWeight)
        let tooLarge = try EventLayer(oneToOne: [1, 9, 2], neuron: neuron)
        #expect(throws: SpikingParameterError.self) { try tooLarge.checkWeights(fit: .muBrainWeight) }
    }

    /// The relay rule: channel i's relay neuron emits ⌊n_i·w·s/θ⌋ spikes for its n_i stimuli
    /// (no leak, reset by subtraction, s·w ≤ θ), so w·s = 64 passes each stimulus as exactly
    /// one spike and the default 7·8 = 56 passes 7/8 of them.
    @Test(arguments: [(7, 8), (4, 16), (1, 64), (3, 5)] as [(Int32, Int32)])
    func relayPassesTheFloorOfItsStimuli(weight: Int32, scale: Int32) throws {
        var c = MuBrainConfiguration()
        c.relayLayer = MuBrainRelayLayer(weight: weight, scale: scale)
        let system = try MuBrainSystem(ann: try MuBrainSystemTests.randomANN(inputs: 64), configuration: c)
        #expect(system.network.layers.count == 3 && system.network.layers[0].connectivity == .oneToOne)
        let (_, test) = try SystemImages.shippedDigits()
        let input = try system.encode(test.rows[0], sample: 0, seed: 1)
        let r = try system.network.run(input, arbiter: RoundRobinArbiter(), options: EventRunOptions(recordAllLayers: true))
        var stimuli = [Int](repeating: 0, count: 64), relayed = [Int](repeating: 0, count: 64)
        for e in input { stimuli[Int(e.address)] += 1 }
        for e in r.layerSpikes[0] { relayed[Int(e.address)] += 1 }
        for i in 0..<64 {
            #expect(relayed[i] == stimuli[i] * Int(weight * scale) / 64, "channel \(i), w·s = \(weight)·\(scale)")
            #expect(relayed[i] == c.relayLayer!.spikes(afterStimuli: stimuli[i], threshold: 64))
            if weight * scale == 64 { #expect(relayed[i] == stimuli[i]) }
        }
        // SOPs: one per stimulus (one synapse read), 64 per relay spike, 10 per hidden spike.
        #expect(r.counters.synapticOperations == input.count + r.layerSpikes[0].count * 64 + r.layerSpikes[1].count * 10)
    }

    /// The report's counts add up (stimuli + relay + hidden + output = spikes per
    /// classification; the layers sum to the chip spikes) and both energy readings are
    /// 26 pJ × their spike count (UB §2.5 [T]: 11,500 × 26 pJ ≈ 299 nJ); the table prints
    /// both readings beside the paper's 11,500.
    @Test func reportCountsAddUpAndEnergyIsPerSpike() throws {
        let (train, test) = try SystemImages.shippedDigits()
        var c = MuBrainConfiguration()
        c.epochs = 4
        c.spikeBudget = 1_600
        let plain = try MuBrainSystem(training: train, configuration: c, seed: 2)
        c.relayLayer = MuBrainRelayLayer()
        let relayed = try MuBrainSystem(ann: plain.ann, configuration: c)
        let a = try plain.evaluate(test, images: 12, seed: 4)
        let b = try relayed.evaluate(test, images: 12, seed: 4)
        #expect(a.layerSpikesPerImage.count == 2 && b.layerSpikesPerImage.count == 3)
        for r in [a, b] {
            #expect(abs(r.layerSpikesPerImage.reduce(0, +) - r.emittedSpikesPerImage) < 1e-9)
            #expect(abs(r.spikesPerImage - (r.inputSpikesPerImage + r.emittedSpikesPerImage)) < 1e-9)
            #expect(abs(r.energyAllInJ - 26e-12 * r.spikesPerImage) <= 1e-9 * r.energyAllInJ)
            #expect(abs(r.energyChipSpikesJ - 26e-12 * r.emittedSpikesPerImage) <= 1e-9 * r.energyAllInJ)
            #expect(r.table.contains("11,500") && r.table.contains("stimuli counted") && r.table.contains("chip only"))
        }
        #expect(b.table.contains("relay / hidden / output"))
        // The relay layer emits ⌊n·56/64⌋ ≤ 7/8 of the stimuli, and at least 7/8 minus one per channel.
        let relaySpikes = b.layerSpikesPerImage[0]
        #expect(relaySpikes <= 0.875 * b.inputSpikesPerImage && relaySpikes >= 0.875 * b.inputSpikesPerImage - 64)
        #expect(a.quantisedAccuracy == b.quantisedAccuracy && a.inputSpikesPerImage == b.inputSpikesPerImage)
    }

    /// Bad relay settings name their field: weight codes outside 1…7, scales outside 1…64,
    /// and w·s > θ (a relay would pass more than one spike per stimulus).
    @Test(arguments: [(0, 8, "relayLayer.weight"), (8, 8, "relayLayer.weight"), (7, 0, "relayLayer.scale"),
                      (7, 65, "relayLayer.scale"), (7, 10, "relayLayer")] as [(Int32, Int32, String)])
    func badRelaySettingsNameTheirField(weight: Int32, scale: Int32, field: String) throws {
        var c = MuBrainConfiguration()
        c.relayLayer = MuBrainRelayLayer(weight: weight, scale: scale)
        #expect { try c.validate() } throws: { ($0 as? ConversionError)?.location == field }
    }
}
