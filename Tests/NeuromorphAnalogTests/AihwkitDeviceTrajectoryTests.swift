import Foundation
import Testing
import NeuromorphCore
@testable import NeuromorphAnalog

/// Device-level parity with aihwkit 1.1 at the devices' DEFAULT parameters, with every
/// variation on (dw_min, w_max, w_min, up_down device-to-device; dw_min_std cycle noise,
/// multiplicative for soft bounds; reset_std). `benchmarks/golden/aihwkit_device_trajectories.py`
/// recorded the mean and spread over 4,000 devices along 1,000 up then 1,500 down single pulses
/// from w = 0; Neuromorph runs the same trajectory on 1,500 devices of its own (issue 19, the
/// soft-bounds stage hunt: docs/aihwkit-parity.md "W2 side by side").
///
/// Tolerances: the mean within 4 standard errors of the difference of the two samples (aihwkit
/// 4,000 devices, Neuromorph 1,500 to keep the debug suite fast); the spread within 12 % (the relative SE of a 1,500-device spread is ≈ 2–3 %).
@Suite struct AihwkitDeviceTrajectoryTests {
    struct Golden: Decodable {
        struct Moment: Decodable { let mean: Double; let std: Double }
        struct Case: Decodable { let device: String; let checkpoints: [String: Moment] }
        let devices: Int
        let up: Int
        let down: Int
        let cases: [Case]
    }

    static func golden() throws -> Golden {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Golden/aihwkit_device_trajectories.json").standardized
        let data = try #require(try? Data(contentsOf: url), "Tests/Golden/aihwkit_device_trajectories.json is missing")
        return try JSONDecoder().decode(Golden.self, from: data)
    }

    /// Moments of the weights along the trajectory, at the golden's checkpoints.
    static let devices = 1500

    static func trajectory<D: PulsedDeviceConfiguration>(_ device: D, golden: Golden, seed: UInt64) throws -> [Int: Moments] {
        var g = SeededGenerator(seed: seed)
        var array = try device.makeArray(rows: devices, columns: 1, generator: &g)
        array.setWeights([Float](repeating: 0, count: devices))
        let wanted = Set(golden.cases[0].checkpoints.keys.compactMap(Int.init))
        var moments: [Int: Moments] = [:]
        for pulse in 1...(golden.up + golden.down) {
            let up = pulse <= golden.up
            for k in 0..<devices { array.applyPulses(at: k, count: 1, up: up, generator: &g) }
            if wanted.contains(pulse) { moments[pulse] = Moments(array.weights.map(Double.init)) }
        }
        return moments
    }

    @Test("default-parameter trajectories (up 1,000, down 1,500) match aihwkit's mean and spread",
          arguments: ["soft_bounds", "constant_step", "exp_step", "pow_step"])
    func defaultTrajectory(_ name: String) throws {
        let golden = try Self.golden()
        let reference = try #require(golden.cases.first { $0.device == name })
        let ours: [Int: Moments]
        switch name {
        case "soft_bounds": ours = try Self.trajectory(SoftBoundsDevice.aihwkitDefault, golden: golden, seed: 31)
        case "constant_step": ours = try Self.trajectory(ConstantStepDevice.aihwkitDefault, golden: golden, seed: 32)
        case "exp_step": ours = try Self.trajectory(ExpStepDevice.aihwkitDefault, golden: golden, seed: 33)
        default: ours = try Self.trajectory(PowStepDevice.aihwkitDefault, golden: golden, seed: 34)
        }
        #expect(reference.checkpoints.count == 11)
        for (key, theirs) in reference.checkpoints {
            let pulse = try #require(Int(key))
            let mine = try #require(ours[pulse])
            let se = (mine.std * mine.std / Double(Self.devices) + theirs.std * theirs.std / Double(golden.devices)).squareRoot()
            #expect(abs(mine.mean - theirs.mean) < 4 * se,
                    "\(name) after \(pulse) pulses: mean \(mine.mean) vs aihwkit \(theirs.mean) (SE \(se))")
            #expect(abs(mine.std / theirs.std - 1) < 0.12,
                    "\(name) after \(pulse) pulses: spread \(mine.std) vs aihwkit \(theirs.std)")
        }
    }
}
