import Testing
import NeuromorphCore
@testable import NeuromorphAnalog

@Suite("Device bounds under random pulses")
struct DevicesBoundsTests {
    // Digest §1.3 (c2c noise can push a pulse the wrong way, Fig. 5A-C) and §2.2 (NeuroSim
    // clips to [Gmin, Gmax]): no model ever leaves its per-device bounds, whatever the noise.
    @Test(arguments: DevicesModel.allCases)
    func boundsNeverExceeded(_ model: DevicesModel) throws {
        try model.with { config in try Self.hammer(config, model: model) }
    }

    static func hammer<C: PulsedDeviceConfiguration>(_ config: C, model: DevicesModel) throws {
        var array = try makeDevicesArray(config, rows: 2, columns: 3, seed: 21)
        let (lower, upper) = devicesBounds(of: array.sampledParameters)
        var g = SeededGenerator(seed: 22)
        var pulseGenerator = SeededGenerator(seed: 23)
        var sawLower = false, sawUpper = false
        for round in 0..<6_000 {
            // drive up for a while, then down, so every device meets both bounds
            let phaseUp = (round / 1_500) % 2 == 0
            let k = pulseGenerator.nextInt(below: 6)
            let up = pulseGenerator.nextUniform() < (phaseUp ? 0.85 : 0.15)
            let count = 1 + pulseGenerator.nextInt(below: 31)
            array.applyPulses(at: k, count: count, up: up, generator: &g)
            if round % 25 == 0 || round == 5_999 {
                let w = array.weights
                for i in 0..<6 {
                    #expect(w[i] >= lower[i] && w[i] <= upper[i], "\(model) device \(i): \(w[i]) ∉ [\(lower[i]), \(upper[i])]")
                    #expect(w[i].isFinite)
                    if w[i] <= lower[i] + 0.05 * (upper[i] - lower[i]) { sawLower = true }
                    if w[i] >= upper[i] - 0.05 * (upper[i] - lower[i]) { sawUpper = true }
                }
            }
        }
        // the hammering really reached the bounds for the hard-bounded models
        switch model {
        case .idealBounded, .constantStep, .constantStepAdditive, .neuroSim:
            #expect(sawLower && sawUpper, "\(model) never got near its bounds")
        default: break
        }
    }

    // Digest §1.3 ("whether weights are hard-clipped" is open; we clip) and aihwkit
    // set_weights: setWeights clips to each device's own bounds.
    @Test(arguments: DevicesModel.allCases)
    func setWeightsClips(_ model: DevicesModel) throws {
        try model.with { config in try Self.clip(config, model: model) }
    }

    static func clip<C: PulsedDeviceConfiguration>(_ config: C, model: DevicesModel) throws {
        var array = try makeDevicesArray(config, rows: 3, columns: 4, seed: 31)
        let (lower, upper) = devicesBounds(of: array.sampledParameters)
        array.setWeights((0..<12).map { $0 % 2 == 0 ? 10 : -10 })
        for (i, w) in array.weights.enumerated() {
            #expect(Swift.abs(w - (i % 2 == 0 ? upper[i] : lower[i])) < 1e-6, "\(model) device \(i)")
        }
        array.setWeights([Float](repeating: 0.05, count: 12))
        for w in array.weights { #expect(Swift.abs(w - 0.05) < 1e-6, "\(model)") }
    }
}
