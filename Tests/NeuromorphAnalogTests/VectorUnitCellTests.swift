import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore

/// ``VectorUnitCell`` against aihwkit 1.1's `VectorUnitCell` / C++ `VectorRPUDevice`
/// (`rpu_vector_device.cpp`: `reduceToWeights`, `initUpdateCycle`, `onSetWeights`) and
/// issue 11's "VectorUnitCell" item (docs/analog-training.md, "VectorUnitCell").
@Suite struct VectorUnitCellTests {
    static func cell(_ policy: VectorUnitCellUpdatePolicy, devices: Int = 3, first: Int = 0, gammas: [Float] = [],
                     pulse: PulseType = .float, seed: UInt64 = 1) throws -> VectorUnitCell<IdealPulsedDeviceArray> {
        var p = VectorUnitCellParameters()
        p.devices = devices
        p.updatePolicy = policy
        p.firstUpdateIndex = first
        p.gammaVec = gammas
        var update = PulsedUpdateParameters()
        update.pulseType = pulse
        var g = SeededGenerator(seed: seed)
        return try VectorUnitCellConfiguration(device: IdealPulsedDevice(), parameters: p)
            .makeCell(outputs: 4, inputs: 5, forwardIO: .perfect, backwardIO: .perfect, update: update, generator: &g)
    }

    static func batch(_ g: inout SeededGenerator) -> (x: Tensor, d: Tensor) {
        (Tensor.randomUniform([3, 5], lower: -1, upper: 1, using: &g), Tensor.randomNormal([3, 4], std: 0.2, using: &g))
    }

    /// The devices whose weights an update changed.
    static func changed(_ before: [Tensor], _ after: [Tensor]) -> [Int] {
        zip(before, after).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
    }

    // aihwkit reduceToWeights: W = Σ_k γ_k G_k (default γ_k = 1/n). Ideal devices with exact
    // float updates under policy ALL: every G_k = W0 − η Σ_b d_bᵀ x_b, so W = (Σγ)(W0 − η g).
    @Test(arguments: [[Float](), [0.5, 0.25, 1.0]])
    func idealDevicesSumWithGammaVec(gammas: [Float]) throws {
        var cell = try Self.cell(.all, gammas: gammas)
        let gamma = gammas.isEmpty ? [Float](repeating: 1 / 3, count: 3) : gammas
        #expect(cell.gammas == gamma)
        var g = SeededGenerator(seed: 2)
        let w0 = Tensor.randomUniform([4, 5], lower: -0.3, upper: 0.3, using: &g)
        cell.program(w0)
        var expected = w0
        for _ in 0..<4 {
            let (x, d) = Self.batch(&g)
            cell.update(x: x, d: d, rates: LearningRates(sgd: 0.1))
            cell.finishBatch()
            Tensor.gemm(d, .transposed, x, .none, alpha: -0.1, beta: 1, into: &expected)
        }
        let sum = gamma.reduce(0, +)
        for array in cell.arrays {
            #expect(zip(array.weights.scalars, expected.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
        }
        #expect(zip(cell.weights.scalars, expected.scalars).allSatisfy { abs($0 - sum * $1) < 1e-5 })
        // The reduced weight is what forward reads (perfect periphery).
        let x = Tensor.randomUniform([2, 5], using: &g)
        let y = cell.forward(x), reference = Tensor.matmul(x, .none, cell.weights, .transposed)
        #expect(zip(y.scalars, reference.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    // initUpdateCycle: SINGLE_FIXED keeps first_update_idx; SINGLE_SEQUENTIAL advances before
    // each update (first batch → first_update_idx + 1); ALL updates every device.
    @Test func fixedSequentialAndAllUpdateTheDevicesAihwkitWould() throws {
        func trace(_ policy: VectorUnitCellUpdatePolicy, first: Int) throws -> [[Int]] {
            var cell = try Self.cell(policy, first: first)
            var g = SeededGenerator(seed: 3)
            var result: [[Int]] = []
            for _ in 0..<5 {
                let before = cell.arrays.map(\.weights)
                let (x, d) = Self.batch(&g)
                cell.update(x: x, d: d, rates: LearningRates(sgd: 0.1))
                result.append(Self.changed(before, cell.arrays.map(\.weights)))
            }
            #expect(cell.updateCount == 5)
            return result
        }
        #expect(try trace(.singleFixed, first: 2) == [[2], [2], [2], [2], [2]])
        #expect(try trace(.singleSequential, first: 0) == [[1], [2], [0], [1], [2]])
        #expect(try trace(.singleSequential, first: 2) == [[0], [1], [2], [0], [1]])
        #expect(try trace(.all, first: 1) == [[0, 1, 2], [0, 1, 2], [0, 1, 2], [0, 1, 2], [0, 1, 2]])
    }

    // SINGLE_RANDOM: one device per mini-batch, k = ⌊U·n⌋ with U from the cell's stream
    // `select`; the same seed gives the same choices, all devices get picked about equally.
    @Test func singleRandomPicksOneDeviceUniformlyFromItsStream() throws {
        func choices(seed: UInt64) throws -> [Int] {
            var cell = try Self.cell(.singleRandom, devices: 4, seed: seed)
            var g = SeededGenerator(seed: 4)
            var picked: [Int] = []
            for _ in 0..<400 {
                let before = cell.arrays.map(\.weights)
                let (x, d) = Self.batch(&g)
                cell.update(x: x, d: d, rates: LearningRates(sgd: 0.01))
                let changed = Self.changed(before, cell.arrays.map(\.weights))
                #expect(changed == [cell.currentDeviceIndex])
                picked.append(cell.currentDeviceIndex)
            }
            return picked
        }
        let a = try choices(seed: 5)
        #expect(try choices(seed: 5) == a)
        #expect(try choices(seed: 6) != a)
        // The stream: `select` split from the configuration's generator.
        var select = SeededGenerator(seed: 5).split(key: "select")
        #expect(a == (0..<400).map { _ in Int(select.nextUniform() * 4) })
        // Binomial(400, 1/4): mean 100, sd 8.7; ±40 is > 4.5 sd.
        for k in 0..<4 { #expect(abs(a.filter { $0 == k }.count - 100) < 40, "device \(k)") }
    }

    // onSetWeights: counters reset; every device written except under SINGLE_FIXED, which
    // writes device k* only (ReferenceUnitCell's way of setting one device).
    @Test func programmingFollowsOnSetWeights() throws {
        var g = SeededGenerator(seed: 7)
        let target = Tensor.randomUniform([4, 5], lower: -0.2, upper: 0.2, using: &g)
        var sequential = try Self.cell(.singleSequential, first: 1)
        let (x, d) = Self.batch(&g)
        sequential.update(x: x, d: d, rates: LearningRates(sgd: 0.1))
        #expect(sequential.currentDeviceIndex == 2 && sequential.updateCount == 1)
        sequential.program(target)
        #expect(sequential.currentDeviceIndex == 1 && sequential.updateCount == 0)
        #expect(sequential.arrays.allSatisfy { $0.weights == target })

        var fixed = try Self.cell(.singleFixed, first: 1, gammas: [1, -1, 0.5])
        fixed.program(target)
        #expect(fixed.arrays[1].weights == target)
        #expect(fixed.arrays[0].weights.scalars.allSatisfy { $0 == 0 } && fixed.arrays[2].weights.scalars.allSatisfy { $0 == 0 })
        #expect(zip(fixed.weights.scalars, target.scalars).allSatisfy { abs($0 + $1) < 1e-7 })   // γ_1 = −1
    }

    // Checkpoint/resume: a Codable round trip mid-run continues bit-identically (stochastic
    // pulses, device variations, SINGLE_RANDOM choices), and the state export names every device.
    @Test func codableRoundTripContinuesBitIdentically() throws {
        var p = VectorUnitCellParameters()
        p.devices = 2
        p.updatePolicy = .singleRandom
        var g = SeededGenerator(seed: 8)
        var cell = try VectorUnitCellConfiguration(device: ConstantStepDevice(), parameters: p)
            .makeCell(outputs: 70, inputs: 6, forwardIO: .forwardDefault, backwardIO: .backwardDefault,
                      update: PulsedUpdateParameters(), generator: &g)
        var data = SeededGenerator(seed: 9)
        func step(_ cell: inout VectorUnitCell<ConstantStepDeviceArray>, _ data: inout SeededGenerator) -> Tensor {
            let x = Tensor.randomUniform([4, 6], using: &data), d = Tensor.randomNormal([4, 70], std: 0.1, using: &data)
            let y = cell.forward(x)
            cell.update(x: x, d: d, rates: LearningRates(sgd: 0.1))
            cell.finishBatch()
            return y
        }
        for _ in 0..<5 { _ = step(&cell, &data) }
        var resumed = try JSONDecoder().decode(VectorUnitCell<ConstantStepDeviceArray>.self, from: JSONEncoder().encode(cell))
        var resumedData = data
        for _ in 0..<5 {
            #expect(step(&cell, &data) == step(&resumed, &resumedData))
        }
        #expect(cell.weights == resumed.weights && cell.currentDeviceIndex == resumed.currentDeviceIndex)
        #expect(cell.arrays.map(\.pulseCounts) == resumed.arrays.map(\.pulseCounts))
        let names = cell.internalState.map(\.name)
        #expect(names.contains("device0.weights") && names.contains("device1.pulse_counts")
                && names.contains("counters.current_device_idx") && names.contains("counters.current_update_idx"))
        #expect(cell.arrays.allSatisfy { $0.pulseCounts.contains { $0 > 0 } })
    }

    // The layer checkpoint (encodedState/restoreState) resumes bit-identically for every policy.
    @Test(arguments: VectorUnitCellUpdatePolicy.allCases)
    func layerCheckpointResumesBitIdentically(policy: VectorUnitCellUpdatePolicy) throws {
        var p = VectorUnitCellParameters()
        p.devices = 3
        p.updatePolicy = policy
        try UnitCellResumeTests.resumesBitIdentically(VectorUnitCellConfiguration(device: SoftBoundsDevice(), parameters: p))
    }

    @Test func badParametersNameTheKey() {
        func key(_ edit: (inout VectorUnitCellParameters) -> Void) -> String? {
            var p = VectorUnitCellParameters()
            edit(&p)
            do { try p.validate(); return nil } catch let error as DeviceParameterError { return error.parameter } catch { return "?" }
        }
        #expect(key { $0.devices = 0 } == "n_devices")
        #expect(key { $0.firstUpdateIndex = 2 } == "first_update_idx")
        #expect(key { $0.gammaVec = [1, 1, 1] } == "gamma_vec")
        #expect(key { $0.gammaVec = [1, .nan] } == "gamma_vec")
        #expect(key { $0.gammaVec = [0.7, 0.3] } == nil)
    }
}
