import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore

/// `CrossbarArray.updateDevices(sequence:)`, the one pass that applies a batch's transfer
/// writes to `C`: it must leave exactly the devices, pulse counts and streams that the same
/// single-sample updates leave one at a time, on one thread and on two (the parallel pass).
@Suite(.exclusiveComputeThreads, .serialized) struct SampleUpdateSequenceTests {
    typealias Array = CrossbarArray<LinearStepDeviceArray>

    static func array(bitLength: Int) throws -> Array {
        var g = SeededGenerator(seed: 21)
        var update = PulsedUpdateParameters()
        update.desiredBL = bitLength
        var pulsed = PulsedDeviceParameters()
        pulsed.dwMin = 0.01
        pulsed.noise = .additive        // the batched kernels' devices (aihwkit presets' mult_noise False)
        // 150 rows: three row blocks, so the pass has blocks to share out.
        return try Array(outputs: 150, inputs: 12, device: SoftBoundsDevice(pulsed: pulsed), forwardIO: .perfect,
                         backwardIO: .perfect, update: update, generator: &g)
    }

    /// One-column writes (x = e_t, as a transfer writes `C`), columns repeating, one with a
    /// zero rate; `dense` adds a write that reaches every column (off the sparse path).
    static func updates(count: Int, dense: Bool) -> [SingleSampleUpdate] {
        var g = SeededGenerator(seed: 8)
        return (0..<count).map { k in
            var x = Tensor.zeros([1, 12])
            if dense && k == count / 2 {
                x = Tensor.ones([1, 12])     // every column fires: more than the sparse path's 8
            } else {
                x.scalars[(k * 5) % 12] = 1
            }
            // transfer steps: −1, 0 or +1 per row
            let d = Tensor(shape: [1, 150], scalars: (0..<150).map { _ in Float(g.nextInt(below: 3) - 1) })
            return .init(x: x, d: d, learningRate: k == 3 ? 0 : 0.01)
        }
    }

    static func expectSame(_ a: Array, _ b: Array, _ context: String) {
        var a = a, b = b
        a.refreshWeights()
        b.refreshWeights()
        #expect(a.weights.scalars == b.weights.scalars, "\(context): weights differ")
        #expect(a.blockPulseCounts == b.blockPulseCounts, "\(context): pulse counts differ")
        #expect(a.blockGenerators == b.blockGenerators && a.columnGenerator == b.columnGenerator, "\(context): streams differ")
    }

    @Test(arguments: [1, 31], [false, true])
    func oneAtATimeAndInOnePassAgree(bitLength: Int, dense: Bool) throws {
        let start = try Self.array(bitLength: bitLength)
        // 40 writes × 150 rows: above the pass's parallel threshold.
        let updates = Self.updates(count: 40, dense: dense)
        var oneAtATime = start
        for u in updates { oneAtATime.updateDevices(x: u.x, d: u.d, learningRate: u.learningRate) }
        #expect(oneAtATime.blockPulseCounts != start.blockPulseCounts, "no write pulsed a device")
        let batchedDevices = start.blocks.allSatisfy { $0.acceptsTrainBatches }
        #expect(batchedDevices, "the devices do not take the sparse path")
        for threads in [1, 2] {
            ComputeThreads.set(threads)
            var onePass = start
            onePass.updateDevices(sequence: updates)
            Self.expectSame(onePass, oneAtATime, "BL \(bitLength), dense \(dense), \(threads) threads")
        }
        ComputeThreads.set(1)
    }
}
