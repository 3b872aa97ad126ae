import Testing
import NeuromorphChipModels
import NeuromorphCore
import NeuromorphData
@testable import NeuromorphSpiking

/// Chundi et al.'s always-on SNN (digest CH §3.2–3.5; spiking note §2.3, §4.2): structure,
/// straight-through BNN training, BNN ↔ SNN agreement, arbiter capacity (Eq. 2) and energy
/// bookkeeping. The MNIST accuracies and the TH1 sweep are experiments (docs/spiking-systems.md).
@Suite struct ChundiSystemTests {
    /// CH §3.2 [T]/[C]: 650 neurons and 256·128 + 2·128² + 128·10 = 66,816 synapses (exact,
    /// against ``AlwaysOnNetwork/paper``), one ±1 weight per synapse, TH = (32, 16, 14).
    @Test func networkMatchesTheChip() throws {
        let c = ChundiConfiguration()
        var g = SeededGenerator(seed: 1)
        let sizes = [256] + c.hidden + [10]
        let bnn = BinaryNetwork(sizes: sizes, latent: (0..<4).map { l in (0..<(sizes[l] * sizes[l + 1])).map { _ in g.nextUniform() - 0.5 } },
                                thresholds: c.thresholds, activationBits: 8, inputLevels: 255, temperature: 1)
        let system = try ChundiSystem(bnn: bnn, configuration: c)
        let neurons = 256 + system.network.layers.reduce(0) { $0 + $1.outputs }
        let synapses = system.network.layers.reduce(0) { $0 + $1.inputs * $1.outputs }
        #expect(neurons == 650 && neurons == AlwaysOnNetwork.paper.neurons)
        #expect(synapses == 66_816 && synapses == AlwaysOnNetwork.paper.synapses)
        #expect(system.network.layers.allSatisfy { $0.weightsBySource.allSatisfy { $0 == 1 || $0 == -1 } })
        #expect(system.exported.thresholds.prefix(3) == [32, 16, 14])
        // Eq. 2: 17 kHz · 0.5 s / 3 = 2,833.3 grants per frame per core (consistency check).
        #expect(abs(c.requestsServedPerFrame - 17_000 * 0.5 / 3) < 1e-9)
    }

    @Test func badSettingsThrow() {
        var c = ChundiConfiguration()
        c.thresholds = [32, 16]
        #expect(throws: ConversionError.self) { try c.validate() }
        c = ChundiConfiguration()
        c.inputLevels = 0
        #expect(throws: ConversionError.self) { try c.validate() }
    }

    /// A small BNN on 8×8 digits (64-32-32-10, TH (1, 8, 4), 4-bit inputs): straight-through
    /// training reaches ≥ 80 % test accuracy; with every request served the SNN's class equals
    /// the BNN's on ≥ 90 % of 30 images; with a slow arbiter (N_cyc 3 at 200 Hz, 0.5 s frame:
    /// 33 grants per core) requests are dropped and no core grants more than ⌊f·T/N_cyc⌋ + 1;
    /// energy = 1.5 pJ × SOPs + 75 nW × T_frame (CH Table 2 [T]).
    @Test func digitsPipelineKeepsItsInvariants() throws {
        let (train, test) = try SystemImages.shippedDigits()
        var c = ChundiConfiguration()
        c.hidden = [32, 32]
        c.thresholds = [8, 4]
        c.inputLevels = 15
        c.epochs = 6
        c.learningRate = 0.01
        let bnn = try BinaryNetwork.train(train, configuration: c, seed: 3)
        var right = 0
        for (x, y) in zip(test.rows, test.labels) where bnn.predict(x) == y { right += 1 }
        let accuracy = Double(right) / Double(test.count)
        print("Chundi digits BNN accuracy \(accuracy)")
        #expect(accuracy >= 0.8)

        let report = try ChundiSystem(bnn: bnn, configuration: c).evaluate(test, images: 30, dataName: "digits")
        print("Chundi digits:\n\(report.table)")
        #expect(report.unlimitedAgreementWithBNN >= 0.9)
        #expect(abs(report.energySOPJ - (1.5e-12 * report.sopsPerImage + 75e-9 * 0.5)) <= 1e-9 * report.energySOPJ)
        #expect(abs(report.energyPowerJ - (75e-9 + report.inputRate * 145e-9) * 0.5) <= 1e-12)

        var slow = c
        slow.arbiterClockHz = 200
        let starved = try ChundiSystem(bnn: bnn, configuration: slow).evaluate(test, images: 10, dataName: "digits")
        let capacity = (slow.arbiterClockHz * slow.frameSeconds / slow.cyclesPerGrant).rounded(.down) + 1
        #expect(starved.dropsPerImage > 0)
        #expect(starved.grantsPerLayerPerImage.allSatisfy { $0 <= capacity })
        #expect(report.dropsPerImage == 0, "17 kHz serves this small network's requests within the frame")

        // CH §3.3 [T]: a neuron that crosses TH again while waiting for Ack misses the spike
        // (`drop`); at TH (1, 1) the hidden cores cannot keep up and spikes are missed, while
        // the arbiter-free reference (queued, no frame end) is the same as under `queue`.
        // SOPs = Σ grants × fan-out (32, 32, 10) under either policy.
        var missing = c
        missing.thresholds = [1, 1]
        missing.retrigger = .drop
        var keeping = missing
        keeping.retrigger = .queue
        let missed = try ChundiSystem(bnn: bnn, configuration: missing).evaluate(test, images: 10, dataName: "digits")
        let kept = try ChundiSystem(bnn: bnn, configuration: keeping).evaluate(test, images: 10, dataName: "digits")
        #expect(missed.dropsPerImage > 0)
        #expect(missed.snnUnlimitedAccuracy == kept.snnUnlimitedAccuracy)
        for r in [missed, kept] {
            let sops = zip(r.grantsPerLayerPerImage, [32.0, 32, 10]).map { $0 * $1 }.reduce(0, +)
            #expect(abs(sops - r.sopsPerImage) < 1e-6)
        }
    }
}
