import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore

/// aihwkit's read-visible write noise (`write_noise_std`) and `SoftBoundsReferenceDevice`
/// (`reference_mean`, `reference_std`, `subtract_symmetry_point`), the two ingredients of the
/// ReRamES/ReRamSB presets (note `analog-training.md` §4.1 "Devices").
@Suite struct WriteNoiseReferenceDeviceTests {
    // The pulses move the hidden weight exactly as without write noise (noise-free base
    // device), and the visible weight of each written device differs from it by
    // σ_w·dw_min·ξ, redrawn at each write: sample std within 5 % (4,000 devices → SE 1.1 %).
    @Test func writeNoiseIsVisibleAndRedrawnPerWrite() throws {
        let plain = IdealPulsedDevice(dwMin: 0.01)
        let noisy = WriteNoiseDevice(base: plain, writeNoiseStd: 3)
        var g1 = SeededGenerator(seed: 1), g2 = SeededGenerator(seed: 1)
        var a = try plain.makeArray(rows: 40, columns: 100, generator: &g1)
        var b = try noisy.makeArray(rows: 40, columns: 100, generator: &g2)
        var pulses = SeededGenerator(seed: 2)
        for k in 0..<4000 { a.applyPulses(at: k, count: 1 + k % 5, up: k % 3 != 0, generator: &pulses) }
        var pulses2 = SeededGenerator(seed: 2)
        for k in 0..<4000 { b.applyPulses(at: k, count: 1 + k % 5, up: k % 3 != 0, generator: &pulses2) }
        #expect(b.base.weights == a.weights)
        let differences = zip(b.weights, b.base.weights).map { Double($0 - $1) }
        let mean = differences.reduce(0, +) / 4000
        let std = (differences.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 3999).squareRoot()
        #expect(abs(std - 0.03) < 0.05 * 0.03 && abs(mean) < 4 * 0.03 / 63, "std \(std), mean \(mean)")
        // A device that gets no pulse keeps its visible noise; one that is written gets a new draw.
        let before = b.weights
        var more = SeededGenerator(seed: 3)
        b.applyPulses(at: 7, count: 1, up: true, generator: &more)
        #expect(b.weights[8] == before[8] && b.weights[7] != before[7])
        // σ_w = 0 is the plain device.
        var g3 = SeededGenerator(seed: 1)
        let quiet = try WriteNoiseDevice(base: plain, writeNoiseStd: 0).makeArray(rows: 2, columns: 2, generator: &g3)
        #expect(quiet.weights == quiet.base.weights)
        #expect(throws: DeviceParameterError.self) { var g = SeededGenerator(seed: 1); _ = try WriteNoiseDevice(base: plain, writeNoiseStd: -1).makeArray(rows: 1, columns: 1, generator: &g) }
    }

    // The noise is computed on read from each device's write count: repeated reads agree,
    // one device's read equals the whole array's, a checkpoint round trip keeps every bit,
    // and a checkpoint of the older format (apparent weights stored) keeps its weights.
    @Test func writeNoiseIsComputedOnReadAndSurvivesCheckpoints() throws {
        let noisy = WriteNoiseDevice(base: IdealPulsedDevice(dwMin: 0.01), writeNoiseStd: 2)
        var g = SeededGenerator(seed: 5)
        var array = try noisy.makeArray(rows: 10, columns: 20, generator: &g)
        var pulses = SeededGenerator(seed: 6)
        let columns = (0..<Int32(20)).map { $0 }, counts = (0..<20).map { UInt8($0 % 3) }, up = (0..<20).map { $0 % 2 == 0 }
        let offsetsBefore = zip(array.weights, array.base.weights).map { $0 - $1 }
        array.applyRowPulses(base: 40, columns: columns, counts: counts, up: up, n: 20, generator: &pulses)
        let first = array.weights
        let offsetsAfter = zip(first, array.base.weights).map { $0 - $1 }
        #expect(array.weights == first)
        #expect((0..<200).allSatisfy { array.weight(at: $0) == first[$0] })
        // Row 2's devices with pulses have new noise; every other device keeps its own.
        #expect((0..<200).allSatisfy { k in
            let written = k >= 40 && k < 60 && counts[k - 40] > 0
            return written ? offsetsAfter[k] != offsetsBefore[k] : offsetsAfter[k] == offsetsBefore[k]
        })
        let decoded = try JSONDecoder().decode(WriteNoiseDeviceArray<IdealPulsedDeviceArray>.self, from: JSONEncoder().encode(array))
        #expect(decoded == array && decoded.weights == first)
        // The older format: base, apparent weights, σ, applyOnSet and the set/decay generator.
        struct Legacy: Encodable {
            var base: IdealPulsedDeviceArray, weights: [Float], noiseStd: Float, applyOnSet: Bool, generator: SeededGenerator
        }
        let legacy = Legacy(base: array.base, weights: first, noiseStd: array.noiseStd, applyOnSet: true, generator: SeededGenerator(seed: 7))
        var old = try JSONDecoder().decode(WriteNoiseDeviceArray<IdealPulsedDeviceArray>.self, from: JSONEncoder().encode(legacy))
        #expect(old.weights == first)
        old.applyPulses(at: 3, count: 1, up: true, generator: &pulses)
        #expect(old.weights[3] != first[3] && old.weights[4] == first[4])
    }

    // The whole-array read equals the per-device read bit for bit: 10,007 devices, written 1
    // to 4 times, a third never written (no noise without `apply_write_noise_on_set`); about
    // 1 % of the draws are in the Ziggurat's slow region, which the test counts from the keys.
    @Test func wholeArrayReadEqualsPerDeviceRead() throws {
        let noisy = WriteNoiseDevice(base: IdealPulsedDevice(dwMin: 0.01), writeNoiseStd: 2, applyWriteNoiseOnSet: false)
        var g = SeededGenerator(seed: 8)
        var array = try noisy.makeArray(rows: 1, columns: 10_007, generator: &g)
        var pulses = SeededGenerator(seed: 9)
        for k in 0..<10_007 where k % 3 != 0 {
            for _ in 0..<(1 + k % 4) { array.applyPulses(at: k, count: 1, up: k % 2 == 0, generator: &pulses) }
        }
        let all = array.weights
        #expect((0..<10_007).allSatisfy { all[$0].bitPattern == array.weight(at: $0).bitPattern })
        #expect((0..<10_007).allSatisfy { ($0 % 3 == 0) == (array.writes[$0] == 0) })
        let tables = Ziggurat.tablePointers
        let slow = (0..<10_007).filter { k in
            let n = array.writes[k]
            guard n > 0 else { return false }
            let key = SplitMix64.mix(array.noiseSeed ^ SplitMix64.mix(UInt64(k) << 32 | UInt64(n)))
            return Int32(truncatingIfNeeded: key >> 32).magnitude >= tables.k[Int(key & 127)]
        }
        #expect(slow.count > 20, "\(slow.count) draws in the slow region")
    }

    // The refresh read (`readWeights(into:)`, which keeps the offsets and recomputes only the
    // devices written since) equals the per-device read bit for bit: after pulses on every
    // device, after pulses on a few, after `setWeights` (a new key, counts restarted), and
    // through the reference wrapper of the ReRamSB preset device.
    @Test func refreshReadKeepsOffsetsOnlyWhileValid() throws {
        let noisy = WriteNoiseDevice(base: IdealPulsedDevice(dwMin: 0.01), writeNoiseStd: 2, applyWriteNoiseOnSet: false)
        var g = SeededGenerator(seed: 18)
        var array = try noisy.makeArray(rows: 1, columns: 2_003, generator: &g)
        var pulses = SeededGenerator(seed: 19)
        func refreshEqualsPerDevice<A: PulsedDeviceArray>(_ array: inout A, _ label: String) {
            var out = [Float](repeating: .nan, count: array.rows * array.columns)
            out.withUnsafeMutableBufferPointer { array.readWeights(into: $0) }
            let count = out.count
            #expect((0..<count).allSatisfy { out[$0].bitPattern == array.weight(at: $0).bitPattern }, "\(label)")
        }
        for k in 0..<2_003 { array.applyPulses(at: k, count: 1, up: k % 2 == 0, generator: &pulses) }
        refreshEqualsPerDevice(&array, "all written")
        for k in stride(from: 0, to: 2_003, by: 97) { array.applyPulses(at: k, count: 2, up: true, generator: &pulses) }
        refreshEqualsPerDevice(&array, "a few written since")
        array.setWeights([Float](repeating: 0.1, count: 2_003))
        refreshEqualsPerDevice(&array, "after setWeights")
        array.applyPulses(at: 5, count: 1, up: true, generator: &pulses)
        refreshEqualsPerDevice(&array, "one written after setWeights")
        let reram = try #require(DeviceRegistry.entry(named: "reram_sb")?.configuration() as? WriteNoiseDevice<SoftBoundsReferenceDevice>)
        var devices = try reram.makeArray(rows: 7, columns: 9, generator: &g)
        for k in 0..<63 where k % 2 == 0 { devices.applyPulses(at: k, count: 3, up: k % 4 == 0, generator: &pulses) }
        refreshEqualsPerDevice(&devices, "ReRamSB, half written")
        devices.applyPulses(at: 1, count: 1, up: true, generator: &pulses)
        refreshEqualsPerDevice(&devices, "ReRamSB, one more")
    }

    // A crossbar with write noise: reads see the apparent weights; the exported state has the
    // hidden ones (`persistent_weights`).
    @Test func crossbarReadsTheApparentWeights() throws {
        var g = SeededGenerator(seed: 4)
        var tile = try CrossbarArray(outputs: 3, inputs: 4, device: WriteNoiseDevice(base: IdealPulsedDevice(dwMin: 0.01), writeNoiseStd: 5),
                                     forwardIO: .perfect, backwardIO: .perfect, generator: &g)
        tile.setWeights(Tensor.zeros([3, 4]))
        let hidden = try #require(tile.sampledParameters["persistent_weights"])
        #expect(hidden.allSatisfy { $0 == 0 } && tile.weights.scalars.contains { $0 != 0 })
        let y = tile.forward(Tensor(shape: [1, 4], scalars: [1, 0, 0, 0]))
        #expect(abs(y.scalars[0] - tile.weights.scalars[0]) < 1e-6)
    }

    // `subtract_symmetry_point` (aihwkit SoftBoundsReferenceRPUDevice::populate): every
    // device's symmetry point is at weight 0 (exactly, with reference_std 0), so alternating
    // up/down pulses (zero-shifting) drive the weights to 0 instead of to g*.
    @Test func subtractedSymmetryPointIsAtZero() throws {
        var p = AihwkitDevicePresets.reramSB.pulsed
        p.dwMinStd = 0
        let device = SoftBoundsReferenceDevice(pulsed: p, subtractSymmetryPoint: true)
        var g = SeededGenerator(seed: 5)
        var array = try device.makeArray(rows: 10, columns: 10, generator: &g)
        #expect(array.weights.allSatisfy { $0 == 0 })
        #expect(array.symmetryPoints.allSatisfy { abs($0) < 1e-6 })
        let raw = array.base.symmetryPoints
        #expect(raw.contains { abs($0) > 0.01 }, "the devices' own symmetry points are spread (up_down_dtod 0.01, bounds dtod)")
        var pulses = SeededGenerator(seed: 6)
        array.setWeights([Float](repeating: 0.1, count: 100))
        array.zeroShift(pairs: 6000, generator: &pulses)
        let distance = array.weights.map { abs($0) }
        #expect(distance.max()! < 0.02 && distance.reduce(0, +) / 100 < 0.003, "max \(distance.max()!), mean \(distance.reduce(0, +) / 100)")
        // Without subtraction the same devices settle at their own symmetry points.
        var g2 = SeededGenerator(seed: 5)
        var plain = try SoftBoundsReferenceDevice(pulsed: p).makeArray(rows: 10, columns: 10, generator: &g2)
        plain.zeroShift(pairs: 6000, generator: &pulses)
        let offsets = zip(plain.weights, raw).map { abs($0 - $1) }
        #expect(offsets.reduce(0, +) / 100 < 0.003, "\(offsets.reduce(0, +) / 100)")
    }

    // reference_mean and reference_std: w = g − r with r = mean + std·ξ; set/read round trip.
    @Test func referenceIsSubtracted() throws {
        var g = SeededGenerator(seed: 7)
        var p = SoftBoundsReferenceDevice.aihwkitPulsedDefaults
        p.wMaxDtod = 0; p.wMinDtod = 0              // bounds ±0.6 hold every reference (no clipping)
        var array = try SoftBoundsReferenceDevice(pulsed: p, referenceMean: 0.1, referenceStd: 0.05).makeArray(rows: 20, columns: 50, generator: &g)
        let r = try #require(array.sampledParameters["reference"])
        let mean = r.reduce(0, +) / 1000
        let std = (r.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 999).squareRoot()
        #expect(abs(mean - 0.1) < 4 * 0.05 / 31.6 && abs(std - 0.05) < 0.005, "\(mean) \(std)")
        #expect(zip(array.weights, zip(array.base.weights, r)).allSatisfy { $0 == $1.0 - $1.1 })
        array.setWeights([Float](repeating: 0, count: 1000))
        #expect(array.weights.allSatisfy { abs($0) < 1e-6 })
        #expect(throws: DeviceParameterError.self) { var g = SeededGenerator(seed: 1); _ = try SoftBoundsReferenceDevice(referenceStd: -1).makeArray(rows: 1, columns: 1, generator: &g) }
    }
}
