import Foundation
import Testing
import NeuromorphCore
@testable import NeuromorphAnalog

/// Parity with aihwkit 1.1 for device decay (`lifetime`, `lifetime_dtod`, toward `reset`),
/// diffusion (`diffusion`, `diffusion_dtod`), column reset (`reset`, `reset_dtod`, `reset_std`)
/// and forward weight noise (`w_noise`, `w_noise_type: additive constant`): issue 19's golden
/// list. `benchmarks/golden/aihwkit_reset_decay_noise.py` recorded aihwkit's moments over 4,000
/// devices (or 4,000 reads); Neuromorph runs the same operations on its own devices. Means
/// within 4 standard errors of the two samples, spreads within 10 %.
@Suite struct AihwkitResetDecayNoiseTests {
    struct Moment: Decodable { let mean: Double; let std: Double }
    struct Trajectory: Decodable {
        let parameters: [String: Double]
        let start: Double
        let checkpoints: [String: Moment]
    }
    struct Reset: Decodable { let parameters: [String: Double]; let start: Double; let after: Moment }
    struct WeightNoise: Decodable {
        let w_noise: Double
        let rows: Int
        let cols: Int
        let reads: Int
        let weights: [Float]
        let x: [Float]
        let mean: [Double]
        let std: [Double]
    }
    struct Golden: Decodable {
        let devices: Int
        let decay: Trajectory
        let diffusion: Trajectory
        let reset: Reset
        let weight_noise: WeightNoise
    }

    static func golden() throws -> Golden {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Golden/aihwkit_reset_decay_noise.json").standardized
        let data = try #require(try? Data(contentsOf: url), "Tests/Golden/aihwkit_reset_decay_noise.json is missing")
        return try JSONDecoder().decode(Golden.self, from: data)
    }

    /// A noise-free constant-step device (aihwkit's `NOISE_FREE` overrides in the script) with
    /// the case's parameters.
    static func device(_ parameters: [String: Double]) -> ConstantStepDevice {
        var p = PulsedDeviceParameters.noiseFree
        p.lifetime = Float(parameters["lifetime"] ?? 0)
        p.lifetimeDtod = Float(parameters["lifetime_dtod"] ?? 0)
        p.reset = Float(parameters["reset"] ?? 0)
        p.resetDtod = Float(parameters["reset_dtod"] ?? 0)
        p.resetStd = Float(parameters["reset_std"] ?? 0)
        p.diffusion = Float(parameters["diffusion"] ?? 0)
        p.diffusionDtod = Float(parameters["diffusion_dtod"] ?? 0)
        return ConstantStepDevice(pulsed: p)
    }

    static func expectClose(_ ours: Moments, _ theirs: Moment, samples: (Int, Int), _ label: String) {
        let se = (ours.std * ours.std / Double(samples.0) + theirs.std * theirs.std / Double(samples.1)).squareRoot()
        #expect(abs(ours.mean - theirs.mean) < max(4 * se, 1e-9), "\(label): mean \(ours.mean) vs aihwkit \(theirs.mean) (SE \(se))")
        #expect(abs(ours.std - theirs.std) <= 0.1 * theirs.std + 1e-9, "\(label): spread \(ours.std) vs aihwkit \(theirs.std)")
    }

    static let devices = 4000

    @Test("decay toward per-device reset values (lifetime 50, lifetime_dtod 0.1, reset 0.2 ± 0.1) after 1, 10, 50, 200 calls")
    func decay() throws {
        let golden = try Self.golden()
        var g = SeededGenerator(seed: 41)
        var array = try Self.device(golden.decay.parameters).makeArray(rows: Self.devices, columns: 1, generator: &g)
        array.setWeights([Float](repeating: Float(golden.decay.start), count: Self.devices))
        #expect(golden.decay.checkpoints.count == 4)
        for call in 1...200 {
            array.decayWeights(alpha: 1)
            if let theirs = golden.decay.checkpoints[String(call)] {
                Self.expectClose(Moments(array.weights.map(Double.init)), theirs, samples: (Self.devices, golden.devices),
                                 "decay after \(call)")
            }
        }
    }

    @Test("diffusion (0.01, diffusion_dtod 0.5) after 1, 10, 100 calls")
    func diffusion() throws {
        let golden = try Self.golden()
        var g = SeededGenerator(seed: 42)
        var array = try Self.device(golden.diffusion.parameters).makeArray(rows: Self.devices, columns: 1, generator: &g)
        array.setWeights([Float](repeating: Float(golden.diffusion.start), count: Self.devices))
        #expect(golden.diffusion.checkpoints.count == 3)
        for call in 1...100 {
            array.diffuseWeights(generator: &g)
            if let theirs = golden.diffusion.checkpoints[String(call)] {
                Self.expectClose(Moments(array.weights.map(Double.init)), theirs, samples: (Self.devices, golden.devices),
                                 "diffusion after \(call)")
            }
        }
    }

    /// aihwkit's `reset_dtod` is absolute (weight units): reset_ij = reset + reset_dtod ξ, so the
    /// spread after a reset is √(reset_dtod² + reset_std²) = 0.206, not reset·reset_dtod.
    @Test("column reset (reset 0.1, reset_dtod 0.2, reset_std 0.05) from w = 0.5")
    func reset() throws {
        let golden = try Self.golden()
        var g = SeededGenerator(seed: 43)
        var array = try Self.device(golden.reset.parameters).makeArray(rows: Self.devices, columns: 1, generator: &g)
        array.setWeights([Float](repeating: Float(golden.reset.start), count: Self.devices))
        array.resetDevices(at: Array(0..<Self.devices), generator: &g)
        Self.expectClose(Moments(array.weights.map(Double.init)), golden.reset.after, samples: (Self.devices, golden.devices), "reset")
    }

    /// Forward with ideal DAC/ADC, no output noise, no management: y = W x + w_noise ‖x‖₂ ξ.
    @Test("forward weight noise (w_noise 0.02, additive constant): per-output mean and spread over 4,000 reads")
    func weightNoise() throws {
        let c = try Self.golden().weight_noise
        var io = IOParameters()
        io.inputResolution = -1
        io.outputResolution = -1
        io.outputNoise = 0
        io.inputBound = 10
        io.outputBound = 100
        io.noiseManagement = .none
        io.boundManagement = .none
        io.weightNoise = Float(c.w_noise)
        let w = Tensor(shape: [c.rows, c.cols], scalars: c.weights)
        let x = Tensor(shape: [c.reads, c.cols], scalars: Array(repeating: c.x, count: c.reads).flatMap { $0 })
        var g = SeededGenerator(seed: 44)
        let y = AnalogMatVec.apply(x, weights: w, transpose: .transposed, io: io, generator: &g)
        for i in 0..<c.rows {
            let ours = Moments((0..<c.reads).map { Double(y[$0, i]) })
            Self.expectClose(ours, Moment(mean: c.mean[i], std: c.std[i]), samples: (c.reads, c.reads), "output \(i)")
        }
    }
}
