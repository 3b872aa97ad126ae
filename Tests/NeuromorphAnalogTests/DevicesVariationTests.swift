import Foundation
import Testing
import NeuromorphCore
@testable import NeuromorphAnalog

@Suite("Device-to-device variation, seeds and checkpoints")
struct DevicesVariationTests {
    // Digest §1.3 (dw_ij = μ_dw(1 + σ_dw ξ), slope±_ij = μ_s(1 + σ_s ξ±)) and aihwkit's
    // PulsedDevice sampling: sample moments of 10⁴ devices within 4 standard errors.
    @Test func gokmenSampleMoments() throws {
        let n = 10_000
        let array = try makeDevicesArray(LinearStepDevice.gokmen1200States, rows: 100, columns: 100, seed: 41)
        let p = array.sampledParameters
        let dw = p["dw_min_up"]!
        #expect(p["dw_min_down"]! == dw)                        // one dw_min per device (up_down 0, no spread)
        #expect(Swift.abs(devicesMean(dw) - 1e-3) < 4 * 0.3e-3 / Double(n).squareRoot())
        #expect(Swift.abs(devicesStandardDeviation(dw) - 0.3e-3) < 4 * 0.3e-3 / (2 * Double(n)).squareRoot())
        for name in ["slope_up", "slope_down"] {
            let s = p[name]!
            #expect(Swift.abs(devicesMean(s) - 1.66) < 4 * 0.332 / Double(n).squareRoot(), "\(name)")
            #expect(Swift.abs(devicesStandardDeviation(s) - 0.332) < 4 * 0.332 / (2 * Double(n)).squareRoot(), "\(name)")
        }
        let correlation = zip(p["slope_up"]!, p["slope_down"]!).reduce(0.0) { $0 + (Double($1.0) - 1.66) * (Double($1.1) - 1.66) }
            / (Double(n) * 0.332 * 0.332)
        #expect(Swift.abs(correlation) < 4 / Double(n).squareRoot())   // independent ξ⁺, ξ⁻
    }

    // aihwkit defaults: dw_min 0.001 (dtod 0.3), up_down_dtod 0.01, w_max/w_min ±0.6 (dtod 0.3).
    @Test func aihwkitDefaultMoments() throws {
        let n = 10_000
        let array = try makeDevicesArray(ConstantStepDevice.aihwkitDefault, rows: 100, columns: 100, seed: 42)
        let p = array.sampledParameters
        let up = p["dw_min_up"]!, down = p["dw_min_down"]!
        let sigma = 1e-3 * (0.09 + 0.0001).squareRoot()
        #expect(Swift.abs(devicesMean(up) - 1e-3) < 4 * sigma / Double(n).squareRoot())
        #expect(Swift.abs(devicesStandardDeviation(up) - sigma) < 4 * sigma / (2 * Double(n)).squareRoot())
        // up − down = 2 r dw_min with r ~ N(0, 0.01²)
        let difference = zip(up, down).map { $0 - $1 }
        #expect(Swift.abs(devicesStandardDeviation(difference) - 2e-5) < 4 * 2e-5 / (2 * Double(n)).squareRoot())
        let hi = p["w_max"]!, lo = p["w_min"]!
        #expect(Swift.abs(devicesMean(hi) - 0.6) < 4 * 0.18 / Double(n).squareRoot())
        #expect(Swift.abs(devicesStandardDeviation(hi) - 0.18) < 4 * 0.18 / (2 * Double(n)).squareRoot())
        #expect(Swift.abs(devicesMean(lo) + 0.6) < 4 * 0.18 / Double(n).squareRoot())
        #expect(hi.allSatisfy { $0 >= 0 } && lo.allSatisfy { $0 <= 0 })
    }

    // Digest §1.3/§5 item 4: negative sampled steps, at dw_min_dtod = 1 (16 % of draws).
    @Test func negativeStepPolicies() throws {
        var config = ConstantStepDevice()
        config.dwMinDtod = 1
        config.upDownDtod = 0
        let n = 10_000.0
        config.negativeStepPolicy = .absoluteValue
        let absolute = try makeDevicesArray(config, rows: 100, columns: 100, seed: 43).sampledParameters["dw_min_up"]!
        #expect(absolute.allSatisfy { $0 > 0 })
        // E|N(1, 1)| = 1 − 2Φ(−1) + 2φ(1) = 1.16663, std² = 2 − 1.16663²
        #expect(Swift.abs(devicesMean(absolute) / 1e-3 - 1.16663) < 4 * 0.6 / n.squareRoot())

        config.negativeStepPolicy = .clip(minimumFraction: 0.05)
        let clipped = try makeDevicesArray(config, rows: 100, columns: 100, seed: 43).sampledParameters["dw_min_up"]!
        #expect(clipped.allSatisfy { $0 >= 0.05e-3 * 0.9999 })
        // P(1 + ξ < 0.05) = Φ(−0.95) = 0.171056 of the devices sit at the floor
        let atFloor = Double(clipped.filter { Swift.abs($0 - 0.05e-3) < 1e-9 }.count) / n
        #expect(Swift.abs(atFloor - 0.171056) < 4 * (0.171056 * 0.828944 / n).squareRoot())

        config.negativeStepPolicy = .resample
        let resampled = try makeDevicesArray(config, rows: 100, columns: 100, seed: 43).sampledParameters["dw_min_up"]!
        #expect(resampled.allSatisfy { $0 > 0 })
        // truncated normal N(1, 1 | > 0): mean 1 + φ(1)/Φ(1) = 1.28760
        #expect(Swift.abs(devicesMean(resampled) / 1e-3 - 1.28760) < 4 * 0.8 / n.squareRoot())

        // the asymmetry factor of the asymmetric device follows the same policy
        var asymmetric = AsymmetricSoftBoundsDevice(states: 1000, asymmetry: 1, asymmetryDtod: 1)
        asymmetric.negativeStepPolicy = .clip(minimumFraction: 0.01)
        let slopes = try makeDevicesArray(asymmetric, rows: 50, columns: 50, seed: 44).sampledParameters["slope_up"]!
        #expect(slopes.allSatisfy { $0 >= 0.01 * 0.9999 })
        #expect(slopes.contains { Swift.abs($0 - 0.01) < 1e-7 })
    }

    // Digest §1.3: d2d parameters are "sampled once … and fixed for the whole run"; same seed
    // ⇒ identical arrays, another seed ⇒ different ones (§4.1 item 1: determinism matters).
    @Test(arguments: DevicesModel.allCases)
    func seeding(_ model: DevicesModel) throws {
        try model.with { config in try Self.checkSeeding(config, model: model) }
    }

    static func checkSeeding<C: PulsedDeviceConfiguration>(_ config: C, model: DevicesModel) throws {
        let a = try makeDevicesArray(config, rows: 5, columns: 7, seed: 51)
        let b = try makeDevicesArray(config, rows: 5, columns: 7, seed: 51)
        let c = try makeDevicesArray(config, rows: 5, columns: 7, seed: 52)
        #expect(a.sampledParameters == b.sampledParameters, "\(model)")
        var pa = a, pb = b, pc = c
        var ga = SeededGenerator(seed: 53), gb = SeededGenerator(seed: 53), gc = SeededGenerator(seed: 54)
        for k in 0..<35 {
            pa.applyPulses(at: k, count: 3, up: k % 3 != 0, generator: &ga)
            pb.applyPulses(at: k, count: 3, up: k % 3 != 0, generator: &gb)
            pc.applyPulses(at: k, count: 3, up: k % 3 != 0, generator: &gc)
        }
        #expect(pa.weights == pb.weights, "\(model)")
        switch model {
        case .idealBounded: #expect(pa.weights == pc.weights)         // no randomness at all
        case .neuroSim: #expect(pa.weights != pc.weights)             // no d2d by default, but c2c noise
        default:
            #expect(a.sampledParameters != c.sampledParameters, "\(model)")
            #expect(pa.weights != pc.weights, "\(model)")
        }
    }

    // Digest §1.3/§4.1: a checkpoint holds the weights and the fixed d2d parameters; after a
    // JSON round trip the array continues bit-identically.
    @Test(arguments: DevicesModel.allCases)
    func codableRoundTrip(_ model: DevicesModel) throws {
        try model.with { config in try Self.checkCodable(config, model: model) }
    }

    static func checkCodable<C: PulsedDeviceConfiguration>(_ config: C, model: DevicesModel) throws {
        var array = try makeDevicesArray(config, rows: 4, columns: 6, seed: 61)
        var g = SeededGenerator(seed: 62)
        for k in 0..<24 { array.applyPulses(at: k, count: 1 + k % 5, up: k % 2 == 0, generator: &g) }
        let restored = try JSONDecoder().decode(C.DeviceArray.self, from: try JSONEncoder().encode(array))
        #expect(restored.weights == array.weights && restored.sampledParameters == array.sampledParameters, "\(model)")
        let configCopy = try JSONDecoder().decode(C.self, from: try JSONEncoder().encode(config))
        #expect(configCopy == config, "\(model)")
        var a = array, b = restored
        var ga = g, gb = g
        for round in 0..<200 {
            let k = round % 24, up = (round / 24) % 2 == 0
            a.applyPulses(at: k, count: 2, up: up, generator: &ga)
            b.applyPulses(at: k, count: 2, up: up, generator: &gb)
        }
        #expect(a.weights.map(\.bitPattern) == b.weights.map(\.bitPattern), "\(model)")
    }

    // Digest §4.1 item 8 / §4.2 (configuration knobs in a file): a file lists only what it
    // changes; missing keys keep the documented defaults.
    @Test func decodingKeepsDefaults() throws {
        let decoder = JSONDecoder()
        #expect(try decoder.decode(ConstantStepDevice.self, from: Data("{}".utf8)) == ConstantStepDevice.aihwkitDefault)
        let soft = try decoder.decode(SoftBoundsDevice.self, from: Data(#"{"pulsed": {"dwMin": 0.01, "noise": "additive"}}"#.utf8))
        #expect(soft.dwMin == 0.01 && soft.noise == .additive && soft.wMax == 0.6 && soft.dwMinDtod == 0.3)
        let linear = try decoder.decode(LinearStepDevice.self, from: Data(#"{"slopeUp": 1.66}"#.utf8))
        #expect(linear.slopeUp == 1.66 && linear.slopeDown == 0 && linear.pulsed == PulsedDeviceParameters())
        let neuroSim = try decoder.decode(NeuroSimDevice.self, from: Data(#"{"pulseCount": 97}"#.utf8))
        #expect(neuroSim.pulseCount == 97 && neuroSim.nonlinearityLTP == 2.40)
        let ideal = try decoder.decode(IdealPulsedDevice.self, from: Data(#"{"wMax": 1}"#.utf8))
        #expect(ideal.dwMin == 0.001 && ideal.wMax == 1 && ideal.wMin == nil)
        #expect(throws: DecodingError.self) {
            _ = try decoder.decode(PowStepDevice.self, from: Data(#"{"powGamma": "one"}"#.utf8))
        }
    }
}

/// aihwkit's LinearStep parametrization (issue 19, item 4): γ = 0 with γ_dtod = 0.05 still
/// gives every device a random slope |N(0, 0.05)| / w_max.
@Suite struct LinearStepGammaTests {
    @Test func defaultGammasGiveFoldedNormalSlopes() throws {
        var g = SeededGenerator(seed: 23)
        let device = LinearStepDevice.aihwkitDefault
        let array = try device.makeArray(rows: 100, columns: 100, generator: &g)
        let wMax = Double(device.pulsed.wMax), wMin = Double(device.pulsed.wMin)
        for (slopes, reference) in [(array.slopeUp, wMax), (array.slopeDown, -wMin)] {
            let values = slopes.map(Double.init)
            let n = Double(values.count)
            let mean = values.reduce(0, +) / n
            let expected = 0.05 * (2 / Double.pi).squareRoot() / reference      // E|N(0, σ)| = σ √(2/π)
            let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot()
            #expect(values.allSatisfy { $0 >= 0 })
            #expect(abs(mean - expected) < 4 * std / n.squareRoot(), "mean slope \(mean), expected \(expected)")
        }
        // Gokmen's relative form with zero mean slope has none at all.
        let relative = try LinearStepDevice().makeArray(rows: 10, columns: 10, generator: &g)
        #expect(relative.slopeUp.allSatisfy { $0 == 0 })
    }

    @Test func theSpecNamesIt() throws {
        let entry = try #require(DeviceRegistry.entries.first { $0.name == "linear_step" })
        #expect(entry.acceptsPulsedParameters)
        let configuration = try #require(entry.configuration() as? LinearStepDevice)
        #expect(configuration.gammas == LinearStepDevice.Gammas())
    }
}
