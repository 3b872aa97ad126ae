import Testing
import NeuromorphCore
@testable import NeuromorphAnalog

/// Every device model, for parameterized tests; each case builds a configuration with
/// cycle-to-cycle noise on, so that the same test exercises the noisy path.
enum DevicesModel: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case idealBounded, constantStep, constantStepAdditive, linearStepGokmen, gokmen15Additive
    case softBounds, expStep, powStep, piecewiseStep, neuroSim, asymmetric

    var testDescription: String { rawValue }

    /// Calls `body` with this case's configuration (generic, so the arrays are concrete).
    func with<R>(_ body: (any PulsedDeviceConfiguration) throws -> R) rethrows -> R {
        switch self {
        case .idealBounded: return try body(IdealPulsedDevice(dwMin: 0.01, wMin: -0.5, wMax: 0.7))
        case .constantStep: return try body(ConstantStepDevice.aihwkitDefault)
        case .constantStepAdditive:
            var d = ConstantStepDevice(); d.noise = .additive; d.dwMin = 0.02; d.dwMinStd = 1
            return try body(d)
        case .linearStepGokmen: return try body(LinearStepDevice.gokmen1200States)
        case .gokmen15Additive: return try body(LinearStepDevice.gokmen(muDw: 0.08, cycleStd: 1, noise: .additive))
        case .softBounds: return try body(SoftBoundsDevice.aihwkitDefault)
        case .expStep: return try body(ExpStepDevice.aihwkitDefault)
        case .powStep: return try body(PowStepDevice.aihwkitDefault)
        case .piecewiseStep: return try body(PiecewiseStepDevice())
        case .neuroSim: return try body(NeuroSimDevice.zhaoAgSi)
        case .asymmetric:
            return try body(AsymmetricSoftBoundsDevice(states: 100, asymmetry: 1.66, asymmetryDtod: 0.2,
                                                       symmetryPoint: 0.1, symmetryPointDtod: 0.05))
        }
    }
}

/// Opens the existential to the concrete configuration type.
func makeDevicesArray<C: PulsedDeviceConfiguration>(_ config: C, rows: Int, columns: Int, seed: UInt64) throws -> C.DeviceArray {
    var g = SeededGenerator(seed: seed)
    return try config.makeArray(rows: rows, columns: columns, generator: &g)
}

/// Per-device bounds of an array (from its sampled parameters).
func devicesBounds(of parameters: [String: [Float]]) -> (lower: [Float], upper: [Float]) {
    (parameters["w_min"]!, parameters["w_max"]!)
}

func devicesMean(_ v: [Float]) -> Double { v.reduce(0) { $0 + Double($1) } / Double(v.count) }

func devicesStandardDeviation(_ v: [Float]) -> Double {
    let m = devicesMean(v)
    return (v.reduce(0) { $0 + (Double($1) - m) * (Double($1) - m) } / Double(v.count - 1)).squareRoot()
}
