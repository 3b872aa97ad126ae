import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore

/// The rewritten hot paths (docs/performance.md §2) against the straightforward code they
/// replace: each must give the same numbers bit for bit, with the same random draws.
@Suite struct AnalogHotPathTests {
    /// A 70 × 9 array (two row blocks) with weights spread over the devices' range.
    func array<D: PulsedDeviceConfiguration>(_ device: D, io: IOParameters, seed: UInt64 = 3)
        throws -> CrossbarArray<D.DeviceArray> {
        var g = SeededGenerator(seed: seed)
        var a = try CrossbarArray(outputs: 70, inputs: 9, device: device, forwardIO: io, backwardIO: io, generator: &g)
        a.setWeights(Tensor.randomUniform([70, 9], lower: -0.4, upper: 0.4, using: &g))
        return a
    }

    static let ios: [(String, IOParameters)] = [("perfect", .perfect), ("forward default, no BM", .transferDefault),
                                                ("backward default", .backwardDefault)]

    @Test(arguments: 0..<3)
    func deviceSliceReadEqualsTheOneHotProductBitForBit(_ ioIndex: Int) throws {
        let (name, io) = Self.ios[ioIndex]
        var full = try array(ConstantStepDevice(), io: io)
        var fast = full
        for t in [0, 4, 8] {
            let expected = full.readColumns(t..<(t + 1), io: io).scalars
            let got = fast.readDeviceSlice(t, columns: true, io: io)
            #expect(got.map(\.bitPattern) == expected.map(\.bitPattern), "\(name): column \(t)")
        }
        for t in [0, 63, 64, 69] {
            let expected = full.readRows(t..<(t + 1), io: io).scalars
            let got = fast.readDeviceSlice(t, columns: false, io: io)
            #expect(got.map(\.bitPattern) == expected.map(\.bitPattern), "\(name): row \(t)")
        }
        #expect(full.readGenerator == fast.readGenerator, "\(name): the read stream advanced differently")
    }

    @Test func deviceSliceReadFallsBackWithStochasticInputRounding() throws {
        var io = IOParameters.transferDefault
        io.inputStochasticRounding = true
        var full = try array(ConstantStepDevice(), io: io)
        var fast = full
        let expected = full.readColumns(5..<6, io: io).scalars
        #expect(fast.readDeviceSlice(5, columns: true, io: io).map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test func deferredUpdatesThenRefreshEqualRefreshedUpdates() throws {
        var g = SeededGenerator(seed: 9)
        let x = Tensor.randomUniform([4, 9], lower: -1, upper: 1, using: &g)
        let d = Tensor.randomUniform([4, 70], lower: -1, upper: 1, using: &g)
        var eager = try array(SoftBoundsDevice(), io: .forwardDefault)
        var deferred = eager
        for b in 0..<4 {
            eager.update(x: x.gatherRows([b]), d: d.gatherRows([b]), learningRate: 0.05)
            deferred.updateDevices(x: x.gatherRows([b]), d: d.gatherRows([b]), learningRate: 0.05)
            // Reads from the devices see every update even while the weight copy is stale.
            #expect(deferred.readDeviceSlice(b, columns: true, io: .perfect) == eager.readColumns(b..<(b + 1), io: .perfect).scalars)
        }
        deferred.refreshWeights()
        #expect(deferred.weights.scalars.map(\.bitPattern) == eager.weights.scalars.map(\.bitPattern))
        #expect(deferred.pulseCounts == eager.pulseCounts)
    }

    @Test func absMaxEqualsTheFloatMaximum() {
        var g = SeededGenerator(seed: 4)
        for count in [0, 1, 3, 4, 5, 17, 784] {
            let v = (0..<count).map { _ in g.nextUniform(in: -3..<3) * (g.nextBernoulli(0.1) ? 0 : 1) }
            let expected = v.reduce(Float(0)) { Swift.max($0, Swift.abs($1)) }
            let padded = v + [9]   // a larger value past the end must not be read
            let got = padded.withUnsafeBufferPointer { AnalogMatVec.absMax($0.baseAddress!, count: count) }
            #expect(got == expected, "count \(count)")
        }
        let signed: [Float] = [-0.0, -2.5, 1.0, 2.25]
        #expect(signed.withUnsafeBufferPointer { AnalogMatVec.absMax($0.baseAddress!, count: 4) } == 2.5)
    }

    /// The reference: one 64-bit draw per two columns, low half first, a branch per column.
    func referenceTrains(_ x: [Float], scale: Float, generator: inout SeededGenerator) -> [(Int32, Bool)] {
        var out: [(Int32, Bool)] = []
        var j = 0
        while j < x.count {
            let bits = generator.next()
            for half in 0..<2 where j + half < x.count {
                let u = UInt32(truncatingIfNeeded: half == 0 ? bits : bits >> 32)
                if u < UInt32(Swift.abs(x[j + half]) * scale) { out.append((Int32(j + half), x[j + half] < 0)) }
            }
            j += 2
        }
        return out
    }

    @Test(arguments: [1, 2, 7, 272, 784])
    func oneSlotColumnTrainsEqualTheBranchingLoop(_ inputs: Int) {
        var g = SeededGenerator(seed: UInt64(inputs))
        let x = (0..<inputs).map { _ in g.nextUniform(in: -1..<1) * (g.nextBernoulli(0.2) ? 0 : 1) }
        let scale: Float = 0.7 * 4_294_967_040
        var reference = SeededGenerator(seed: 11), fast = reference
        let expected = referenceTrains(x, scale: scale, generator: &reference)
        var indices = [Int32](repeating: -1, count: inputs), trains = [UInt64](repeating: 0, count: inputs)
        var negative = [Bool](repeating: false, count: inputs)
        let n = x.withUnsafeBufferPointer { xs in
            CrossbarArray<ConstantStepDeviceArray>.oneSlotColumnTrains(
                x: xs.baseAddress!, count: inputs, scale: scale, indices: &indices, trains: &trains, negative: &negative,
                generator: &fast)
        }
        #expect(n == expected.count, "inputs \(inputs)")
        #expect(Array(indices[0..<n]) == expected.map(\.0))
        #expect(Array(negative[0..<n]) == expected.map(\.1))
        #expect(trains[0..<n].allSatisfy { $0 == 1 })
        #expect(fast == reference, "the column stream must advance by ⌈inputs/2⌉ draws")
    }
}
