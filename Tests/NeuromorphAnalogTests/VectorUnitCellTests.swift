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

    /// A cell of `device` under policy `all` with stochastic pulses (two row blocks).
    static func sharedCell<C: PulsedDeviceConfiguration>(_ device: C, devices: Int = 3, desiredBL: Int = 31,
                                                         seed: UInt64 = 21) throws -> VectorUnitCell<C.DeviceArray> {
        var p = VectorUnitCellParameters()
        p.devices = devices
        var update = PulsedUpdateParameters()
        update.desiredBL = desiredBL
        var g = SeededGenerator(seed: seed)
        return try VectorUnitCellConfiguration(device: device, parameters: p)
            .makeCell(outputs: 70, inputs: 6, forwardIO: .perfect, backwardIO: .perfect, update: update, generator: &g)
    }

    static func train<D: PulsedDeviceArray>(_ cell: inout VectorUnitCell<D>, batches: Int = 6, seed: UInt64 = 22) {
        var data = SeededGenerator(seed: seed)
        for _ in 0..<batches {
            cell.update(x: Tensor.randomUniform([4, 6], lower: -1, upper: 1, using: &data),
                        d: Tensor.randomNormal([4, 70], std: 0.3, using: &data), rates: LearningRates(sgd: 0.1))
        }
    }

    // aihwkit VectorRPUDevice::doSparseUpdate / doDenseUpdate under ALL hand the same
    // coincidences to every device of a cross-point: the pulse counts are equal device by
    // device across the cell's devices (one- and multi-word trains), while the devices, with
    // their own variations and cycle-to-cycle noise, end at different weights.
    @Test(arguments: [31, 100])
    func allPolicySharesOnePulseTrainPerCrossPoint(desiredBL: Int) throws {
        var cell = try Self.sharedCell(ConstantStepDevice(), desiredBL: desiredBL)
        Self.train(&cell)
        let counts = cell.arrays.map(\.pulseCounts)
        #expect(counts[0].reduce(0) { $0 + Int($1) } > 1_000, "too few pulses to compare")
        for k in 1..<counts.count { #expect(counts[k] == counts[0], "device \(k), desired_bl \(desiredBL)") }
        #expect(cell.arrays[0].weights != cell.arrays[1].weights && cell.arrays[1].weights != cell.arrays[2].weights)
    }

    // Identical noise-free devices under ALL stay identical weight by weight (equal
    // coincidences); a single_* policy still pulses one device with its own trains.
    @Test func identicalNoiseFreeDevicesStayIdentical() throws {
        var cell = try Self.sharedCell(ConstantStepDevice(pulsed: .noiseFree))
        Self.train(&cell)
        #expect(cell.arrays[0].weights.scalars.contains { $0 != 0 })
        #expect(cell.arrays.allSatisfy { $0.weights == cell.arrays[0].weights })
        #expect(zip(cell.weights.scalars, cell.arrays[0].weights.scalars).allSatisfy { abs($0 - $1) < 1e-6 })   // Σ (1/3) G
    }

    // The shared trains keep the expected step: E[n_ij]·dw_min = η|d_i x_j| (unclipped). One
    // (x, d) applied 200 times to unbounded ideal devices (dw_min 0.001, η = 0.05,
    // η·max|x|·max|d|/dw_min = 10 < desired_bl): each device's change is −200·η·d_i x_j within
    // 5 standard errors (n_ij is binomial, variance ≤ mean), the same on every device.
    @Test func sharedTrainsKeepTheExpectedStep() throws {
        var device = IdealPulsedDevice()
        device.dwMin = 0.001
        var cell = try Self.sharedCell(device, devices: 2)
        let xs: [Float] = [1, -0.5, 0.25, -0.75, 0.6, 0]
        let x = Tensor(rows: [xs])
        let ds = (0..<70).map { Float(($0 % 9) - 4) * 0.05 }       // −0.2 … 0.2
        let d = Tensor(rows: [ds])
        let n = 200
        for _ in 0..<n { cell.update(x: x, d: d, rates: LearningRates(sgd: 0.05)) }
        for array in cell.arrays {
            for i in 0..<70 {
                for j in 0..<6 {
                    let expected = -Float(n) * 0.05 * ds[i] * xs[j]
                    let mean = Float(n) * 0.05 * abs(ds[i] * xs[j]) / 0.001       // pulses
                    let se = 0.001 * mean.squareRoot()
                    let got = array.weights.scalars[i * 6 + j]
                    #expect(abs(got - expected) <= 5 * se + 1e-5, "(\(i), \(j)): \(got) vs \(expected) ± \(se)")
                }
            }
        }
        #expect(cell.arrays[0].pulseCounts == cell.arrays[1].pulseCounts)
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


/// The shared-train update of ``VectorUnitCell`` under `all` gives the same numbers for one
/// and two threads (row blocks in parallel, each with its own streams).
@Suite(.exclusiveComputeThreads, .serialized) struct VectorUnitCellThreadTests {
    @Test func sharedTrainsAreTheSameForOneAndTwoThreads() throws {
        func run(threads: Int) throws -> [Tensor] {
            ComputeThreads.set(threads)
            defer { ComputeThreads.set(1) }
            var cell = try VectorUnitCellTests.sharedCell(ConstantStepDevice())
            VectorUnitCellTests.train(&cell)
            return cell.arrays.map(\.weights)
        }
        #expect(try run(threads: 1) == run(threads: 2))
    }
}
