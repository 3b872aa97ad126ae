import Testing
@testable import NeuromorphChipModels

/// Always-on SNN (Chundi et al. 2021; digest `snn-robotics_pcm-transformer_always-on-snn.md`
/// §3.2–3.5, acceptance tests §3.7 items 4–5, tolerance 1e-3 relative unless stated).
@Suite("Always-on SNN")
struct AlwaysOnSNNTests {
    @Test("650 neurons, 66,816 synapses (paper \"67k\"), 65.25 kb SRAM (exact, §3.2)")
    func bookkeeping() {
        let net = AlwaysOnNetwork.paper
        #expect(net.neurons == 650)
        #expect(net.synapses == 66_816)
        #expect(isClose(Double(net.synapses), 67_000, rel: 0.005))
        #expect(net.sramKb == 65.25)
        #expect(AlwaysOnNetwork.keywordSpotting.synapses == 66_816 - 128 * 5)
    }

    @Test("Eq. 1: N_req = N_spk · N_nn / TH; Eq. 2: N_serve = f · T / N_cyc (17 kHz · 80 ms = 1,360 cycles)")
    func starvationEquations() throws {
        let load = try LayerSpikeLoad(incomingSpikesPerNeuron: 63 * 128, neurons: 128, threshold: 28)
        #expect(isClose(load.requestsPerFrame, 63.0 * 128 * 128 / 28, rel: 1e-12))
        let arbiter = ArbiterDesign.keywordSpotting
        #expect(isClose(arbiter.cyclesPerFrame, 1360, rel: 1e-12))
        #expect(isClose(arbiter.requestsServedPerFrame, 1360.0 / 3, rel: 1e-12))
        // 36,864 requests against 453 served: starved
        #expect(arbiter.isStarved(load))
        #expect(isClose(arbiter.unservedRequests(load), load.requestsPerFrame - 1360.0 / 3, rel: 1e-12))
        // raising TH to the minimum removes starvation (Sec. "Design equations")
        let th = try arbiter.minimumThreshold(incomingSpikesPerNeuron: 63 * 128, neurons: 128)
        let relieved = try LayerSpikeLoad(incomingSpikesPerNeuron: 63 * 128, neurons: 128,
                                          threshold: th * 1.0001)
        #expect(!arbiter.isStarved(relieved))
        #expect(arbiter.unservedRequests(relieved) == 0)
        // raising the clock to the minimum serves the original load exactly
        let fast = try ArbiterDesign(clockHz: arbiter.minimumClockHz(for: load),
                                     frameSeconds: 0.080, cyclesPerRequest: 3)
        #expect(isClose(fast.requestsServedPerFrame, load.requestsPerFrame, rel: 1e-12))
    }

    @Test("idle neuron 1.16 nW → 0.2425 nW, 4.78x (paper \"4.8x\", ±0.05)")
    func idleNeuronPower() {
        let power = AlwaysOnPowerModel.paper
        #expect(isClose(power.gatedIdleNeuronPowerW, 0.2425e-9, rel: 1e-3))
        #expect(abs(power.idleNeuronReduction - 4.8) <= 0.05)
    }

    @Test("P(r) linear 75 → 220 nW, P(0.5) = 147.5 nW (exact, Table 1)")
    func linearPower() throws {
        let power = AlwaysOnPowerModel.paper
        #expect(isClose(try power.power(inputRate: 0), 75e-9, rel: 1e-12))
        #expect(isClose(try power.power(inputRate: 0.5), 147.5e-9, rel: 1e-12))
        #expect(isClose(try power.power(inputRate: 1), 220e-9, rel: 1e-12))
        #expect(throws: ChipModelError.self) { try power.power(inputRate: -0.5) }
        #expect(throws: ChipModelError.self) { try power.power(inputRate: 1.5) }
    }

    @Test("ratios: 2.32x and 6.8x vs Shan 2020, 30,885x vs Chen 2018 (> 30,000), 2.367, 53.8 %, 0.369 mm²")
    func comparisonRatios() throws {
        let power = AlwaysOnPowerModel.paper
        let ratios = AlwaysOnComparisons.paper
        #expect(isClose(try ratios.savingVersusShan(powerW: power.power(inputRate: 1)), 2.318, rel: 1e-3))
        #expect(isClose(try ratios.savingVersusShan(powerW: power.power(inputRate: 0)), 6.8, rel: 1e-3))
        #expect(isClose(ratios.savingVersusChen, 30_885, rel: 1e-3))
        #expect(ratios.savingVersusChen > 30_000)
        #expect(isClose(power.allBoostVoltageFactor, 2.367, rel: 1e-3))
        #expect(isClose(power.ldoOverhead, 0.538, rel: 1e-3))
        #expect(isClose(power.ldoEfficiency, 0.65, rel: 1e-12))
        #expect(isClose(ratios.scaledAreaMM2, 0.369, rel: 1e-3))
    }

    @Test("energy per inference 305 nW x 0.5 s = 152.5 nJ does not reproduce the printed 195 nJ")
    func energyPerInferenceNotReproduced() {
        let energy = AlwaysOnComparisons.paper.energyPerInferenceJ
        #expect(isClose(energy, 152.5e-9, rel: 1e-12))
        #expect(!isClose(energy, 195e-9, rel: 0.1))
    }

    @Test("bad parameters throw typed errors naming the field")
    func validation() {
        #expect(throws: ChipModelError.self) { try AlwaysOnNetwork(layerSizes: [256]) }
        #expect(throws: ChipModelError.self) { try AlwaysOnNetwork(layerSizes: [256, 0, 10]) }
        #expect(throws: ChipModelError.self) {
            try LayerSpikeLoad(incomingSpikesPerNeuron: -1, neurons: 128, threshold: 4)
        }
        #expect(throws: ChipModelError.self) {
            try ArbiterDesign(clockHz: 17e3, frameSeconds: 0.08, cyclesPerRequest: 0)
        }
        do {
            _ = try AlwaysOnPowerModel(idleNeuronPowerW: 1e-9, clockGatingSaving: 1.2,
                                       powerGatingSaving: 0.1, standbyPowerW: 75e-9,
                                       fullRatePowerW: 220e-9, coreVoltage: 0.52, boostVoltage: 0.8)
            Issue.record("saving 1.2 was accepted")
        } catch let error as ChipModelError {
            #expect(error.field == "clockGatingSaving")
            #expect(error.expected == "a number in [0, 1]")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
