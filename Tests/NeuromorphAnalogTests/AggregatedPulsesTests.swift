import Testing
import NeuromorphCore
@testable import NeuromorphAnalog

/// Several pulses on one linear-step device with additive cycle-to-cycle noise are drawn at
/// once (`aggregatedLinearSteps`): the same distribution as the pulse-by-pulse loop
/// (digest `ttv2_gradient-decomposition_shd.md` §1.3, aihwkit's `LinearStepDevice` /
/// `SoftBoundsDevice` with `mult_noise = False`, as in its ReRamSB preset), and the same bits
/// as that loop wherever a bound could be reached.
@Suite("Aggregated pulses (linear steps, additive noise)")
struct AggregatedPulsesTests {
    /// The ReRamSB preset's pulse parameters without device-to-device variation.
    static func reramLike(noise: CycleNoiseModel = .additive) -> SoftBoundsDevice {
        var p = PulsedDeviceParameters()
        p.dwMin = 0.002
        p.dwMinStd = 3.75
        p.wMin = -0.75
        p.wMax = 1.25
        p.dwMinDtod = 0
        p.upDownDtod = 0
        p.wMinDtod = 0
        p.wMaxDtod = 0
        p.noise = noise
        return SoftBoundsDevice(pulsed: p)
    }

    /// `n` pulses on every device in one row call (each device one coincidence of `n`).
    static func rowCall<A: PulsedDeviceArray>(_ array: inout A, n: Int, up: Bool, seed: UInt64) {
        let count = array.rows * array.columns
        var g = SeededGenerator(seed: seed)
        let columns = (0..<Int32(array.columns)).map { $0 }
        let counts = [UInt8](repeating: UInt8(n), count: array.columns)
        let directions = [Bool](repeating: up, count: array.columns)
        for row in 0..<array.rows {
            array.applyRowPulses(base: row * array.columns, columns: columns, counts: counts, up: directions,
                                 n: array.columns, generator: &g)
        }
        precondition(count == array.weights.count)
    }

    /// Soft bounds, up and down, n = 2 … 31: mean and standard deviation of the end weight
    /// equal the exact ones of n affine noisy steps (`w ← r w + q + s σ ξ`, computed in
    /// Double) within 4 standard errors over 20,000 devices.
    @Test(arguments: [(2, true), (7, true), (31, true), (5, false), (31, false)])
    func softBoundsMoments(n: Int, up: Bool) throws {
        let device = Self.reramLike()
        var array = try makeDevicesArray(device, rows: 100, columns: 200, seed: 11)
        let w0: Float = 0.3
        array.setWeights([Float](repeating: w0, count: 20_000))
        Self.rowCall(&array, n: n, up: up, seed: 12)
        let s = 0.002, sigma = 3.75
        let slope = up ? 1 / 1.25 : 1 / 0.75
        let r = 1 - s * slope, q = up ? s : -s
        var mean = Double(w0), variance = 0.0
        for _ in 0..<n { mean = r * mean + q; variance = r * r * variance + s * s * sigma * sigma }
        let sd = variance.squareRoot()
        #expect(Swift.abs(devicesMean(array.weights) - mean) < 4 * sd / (20_000.0).squareRoot())
        #expect(Swift.abs(devicesStandardDeviation(array.weights) - sd) < 4 * sd / (40_000.0).squareRoot())
    }

    /// Single pulses (most coincidences; applied eight at a time by the C kernel): mean and
    /// standard deviation of `w + s(1 ∓ slope w) ± s σ ξ` within 4 standard errors, up and
    /// down, and a device at its bound stays clamped there.
    @Test(arguments: [true, false])
    func singlePulseMoments(up: Bool) throws {
        let device = Self.reramLike()
        var array = try makeDevicesArray(device, rows: 100, columns: 200, seed: 22)
        let w0: Float = -0.1
        var start = [Float](repeating: w0, count: 20_000)
        start[0] = up ? 1.25 : -0.75                       // at the bound the pulse is clamped
        array.setWeights(start)
        Self.rowCall(&array, n: 1, up: up, seed: 23)
        let s = 0.002, sigma = 3.75, slope = up ? 1 / 1.25 : 1 / 0.75
        let mean = up ? Double(w0) + s * (1 - slope * Double(w0)) : Double(w0) - s * (1 + slope * Double(w0))
        let sd = s * sigma
        let moved = Array(array.weights.dropFirst())
        #expect(Swift.abs(devicesMean(moved) - mean) < 4 * sd / (19_999.0).squareRoot())
        #expect(Swift.abs(devicesStandardDeviation(moved) - sd) < 4 * sd / (39_998.0).squareRoot())
        #expect(array.weights[0] >= -0.75 && array.weights[0] <= 1.25)
    }

    /// One row mixing devices far from the bounds (closed form in the kernel) with devices
    /// next to a bound (handed back to the pulse loop): every device ends inside its bounds,
    /// the far ones with the closed form's moments.
    @Test func mixedRowDefersOnlyTheDevicesNearABound() throws {
        let device = Self.reramLike()
        var array = try makeDevicesArray(device, rows: 40, columns: 500, seed: 24)
        let start = (0..<20_000).map { k -> Float in k % 3 == 0 ? 1.245 : 0.3 }
        array.setWeights(start)
        Self.rowCall(&array, n: 6, up: true, seed: 25)
        let far = array.weights.enumerated().filter { $0.offset % 3 != 0 }.map(\.element)
        let near = array.weights.enumerated().filter { $0.offset % 3 == 0 }.map(\.element)
        let s = 0.002, sigma = 3.75, r = 1 - s / 1.25
        var mean = 0.3, variance = 0.0
        for _ in 0..<6 { mean = r * mean + s; variance = r * r * variance + s * s * sigma * sigma }
        let sd = variance.squareRoot()
        #expect(Swift.abs(devicesMean(far) - mean) < 4 * sd / Double(far.count).squareRoot())
        #expect(Swift.abs(devicesStandardDeviation(far) - sd) < 4 * sd / Double(2 * far.count).squareRoot())
        #expect(near.allSatisfy { $0 <= 1.25 && $0 > 1.1 })
        #expect(near.contains(1.25))
    }

    /// The pulse-by-pulse loop (`applyPulses`, one call per device) gives the same moments:
    /// a second, independent check of the closed form against the model it replaces.
    @Test func matchesThePulseLoop() throws {
        let device = Self.reramLike()
        var aggregated = try makeDevicesArray(device, rows: 100, columns: 200, seed: 13)
        var looped = aggregated
        aggregated.setWeights([Float](repeating: -0.2, count: 20_000))
        looped.setWeights([Float](repeating: -0.2, count: 20_000))
        Self.rowCall(&aggregated, n: 12, up: true, seed: 14)
        var g = SeededGenerator(seed: 15)
        for k in 0..<20_000 { looped.applyPulses(at: k, count: 12, up: true, generator: &g) }
        let sd = devicesStandardDeviation(looped.weights)
        #expect(Swift.abs(devicesMean(aggregated.weights) - devicesMean(looped.weights)) < 4 * sd * (2 / 20_000.0).squareRoot())
        #expect(Swift.abs(devicesStandardDeviation(aggregated.weights) / sd - 1) < 4 * (1 / 20_000.0).squareRoot())
    }

    /// Close to a bound the per-pulse form may clamp: the row call falls back to it and gives
    /// bit for bit the weights of `applyPulses` with the same stream, all within the bound.
    @Test func nearABoundFallsBackToThePulseLoop() throws {
        let device = Self.reramLike()
        var row = try makeDevicesArray(device, rows: 1, columns: 500, seed: 16)
        var single = row
        row.setWeights([Float](repeating: 1.24, count: 500))
        single.setWeights([Float](repeating: 1.24, count: 500))
        Self.rowCall(&row, n: 20, up: true, seed: 17)
        var g = SeededGenerator(seed: 17)
        for k in 0..<500 { single.applyPulses(at: k, count: 20, up: true, generator: &g) }
        #expect(row.weights == single.weights)
        #expect(row.weights.allSatisfy { $0 <= 1.25 })
        #expect(row.weights.contains(1.25))                        // some pulses were clamped
    }

    /// Multiplicative noise has no closed form: the row call is the pulse loop, bit for bit.
    @Test func multiplicativeNoiseStaysPulseByPulse() throws {
        let device = Self.reramLike(noise: .multiplicative)
        var row = try makeDevicesArray(device, rows: 1, columns: 300, seed: 18)
        var single = row
        Self.rowCall(&row, n: 9, up: false, seed: 19)
        var g = SeededGenerator(seed: 19)
        for k in 0..<300 { single.applyPulses(at: k, count: 9, up: false, generator: &g) }
        #expect(row.weights == single.weights)
    }

    /// The general linear step (per-device slope and centre, Gokmen's device with additive
    /// noise): mean and standard deviation as for soft bounds.
    @Test func linearStepMoments() throws {
        var device = LinearStepDevice.gokmen(muDw: 0.01, cycleStd: 0.3, noise: .additive)
        device.dwMinDtod = 0
        device.slopeDtod = 0
        var array = try makeDevicesArray(device, rows: 100, columns: 200, seed: 20)
        array.setWeights([Float](repeating: 0.1, count: 20_000))
        Self.rowCall(&array, n: 10, up: false, seed: 21)
        let parameters = array.sampledParameters
        let s = Double(parameters["dw_min_down"]![0]), slope = Double(parameters["slope_down"]![0])
        let c = Double(parameters["symmetry_center"]![0])
        let r = 1 - s * slope, q = -s * (1 - slope * c)
        var mean = 0.1, variance = 0.0
        for _ in 0..<10 { mean = r * mean + q; variance = r * r * variance + s * s * 0.09 }
        let sd = variance.squareRoot()
        #expect(Swift.abs(devicesMean(array.weights) - mean) < 4 * sd / (20_000.0).squareRoot())
        #expect(Swift.abs(devicesStandardDeviation(array.weights) - sd) < 4 * sd / (40_000.0).squareRoot())
    }
}
