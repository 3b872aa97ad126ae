import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore

/// ``OneSidedUnitCell`` against aihwkit 1.1's `OneSidedUnitCell` / C++ `OneSidedRPUDevice`
/// (`rpu_onesided_device.cpp`: `doSparseUpdate`, `refreshCriterion`, `refreshWeights`,
/// `onSetWeights`) and issue 11 item 1, "One-sided cell with refresh"
/// (docs/analog-training.md, "OneSidedUnitCell").
@Suite struct OneSidedUnitCellTests {
    typealias Cell = OneSidedUnitCell<IdealPulsedDeviceArray>

    /// One step of the resume tests: forward, update and finish a batch of 4 seeded samples
    /// on a 70×6 cell; returns the forward output.
    static func trainingStep<Devices>(_ cell: inout OneSidedUnitCell<Devices>, _ data: inout SeededGenerator) -> Tensor {
        let x = Tensor.randomUniform([4, 6], lower: -1, upper: 1, using: &data), d = Tensor.randomNormal([4, 70], std: 0.5, using: &data)
        let y = cell.forward(x)
        cell.update(x: x, d: d, rates: LearningRates(sgd: 0.5))
        cell.finishBatch()
        return y
    }

    static func cell(_ parameters: OneSidedUnitCellParameters = OneSidedUnitCellParameters(),
                     device: IdealPulsedDevice = IdealPulsedDevice(), pulse: PulseType = .float,
                     rows: Int = 4, columns: Int = 5, seed: UInt64 = 1) throws -> Cell {
        var update = PulsedUpdateParameters()
        update.pulseType = pulse
        var g = SeededGenerator(seed: seed)
        return try OneSidedUnitCellConfiguration(device: device, parameters: parameters)
            .makeCell(outputs: rows, inputs: columns, forwardIO: .perfect, backwardIO: .perfect, update: update, generator: &g)
    }

    /// A bounded ideal device `[0, 1]` with `dw_min` 0.01 (a one-sided conductance).
    static var conductance: IdealPulsedDevice {
        var d = IdealPulsedDevice()
        d.dwMin = 0.01; d.wMin = 0; d.wMax = 1
        return d
    }

    static func plus(_ cell: Cell) -> Tensor { cell.arrays[Cell.plus].weights }
    static func minus(_ cell: Cell) -> Tensor { cell.arrays[Cell.minus].weights }

    // W = g⁺ − g⁻ (reduceToWeights with reduce_weightening [−1, 1]); ideal unbounded devices
    // with exact float pulses follow the SGD trajectory W0 − η Σ d xᵀ, and programming splits
    // W into max(W, 0) and max(−W, 0) (onSetWeights).
    @Test func idealDevicesFollowSGDWithWEqualGPlusMinusGMinus() throws {
        var cell = try Self.cell()
        var g = SeededGenerator(seed: 2)
        let w0 = Tensor.randomUniform([4, 5], lower: -0.3, upper: 0.3, using: &g)
        cell.program(w0)
        #expect(Self.plus(cell) == w0.map { max($0, 0) } && Self.minus(cell) == w0.map { max(-$0, 0) })
        var expected = w0
        for _ in 0..<5 {
            let x = Tensor.randomUniform([3, 5], lower: -1, upper: 1, using: &g), d = Tensor.randomNormal([3, 4], std: 0.2, using: &g)
            cell.update(x: x, d: d, rates: LearningRates(sgd: 0.1))
            cell.finishBatch()
            Tensor.gemm(d, .transposed, x, .none, alpha: -0.1, beta: 1, into: &expected)
        }
        var difference = Self.plus(cell)
        difference.addScaled(Self.minus(cell), by: -1)
        #expect(cell.weights == difference)
        #expect(zip(cell.weights.scalars, expected.scalars).allSatisfy { abs($0 - $1) < 1e-5 }, "\(cell.weights) vs \(expected)")
        let x = Tensor.randomUniform([2, 5], using: &g)
        let y = cell.forward(x), reference = Tensor.matmul(x, .none, cell.weights, .transposed)
        #expect(zip(y.scalars, reference.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    // doSparseUpdate: increases of W go to g⁺, decreases to g⁻, both as up pulses. With
    // stochastic pulses on exact-step devices: a batch that only increases W (x ≥ 0, d ≤ 0)
    // pulses g⁺ only; one that only decreases W pulses g⁻ only; any batch leaves both
    // conductances non-decreasing, device by device.
    @Test(arguments: [PulseType.stochastic, .expected])
    func signsRouteToOneDeviceWithUpPulsesOnly(pulse: PulseType) throws {
        var cell = try Self.cell(device: Self.conductance, pulse: pulse, rows: 6, columns: 7)
        var g = SeededGenerator(seed: 3)
        func batch(dSign: Float?) -> (Tensor, Tensor) {
            let x = Tensor.randomUniform([4, 7], lower: dSign == nil ? -1 : 0, upper: 1, using: &g)
            guard let s = dSign else { return (x, Tensor.randomNormal([4, 6], std: 0.3, using: &g)) }
            return (x, Tensor.randomUniform([4, 6], lower: 0.05, upper: 0.5, using: &g).map { s * $0 })
        }
        // W increases (−η d xᵀ > 0): only g⁺ gets pulses.
        var (x, d) = batch(dSign: -1)
        cell.update(x: x, d: d, rates: LearningRates(sgd: 0.1))
        #expect(cell.arrays[Cell.minus].pulseCounts.allSatisfy { $0 == 0 })
        if pulse == .stochastic { #expect(cell.arrays[Cell.plus].pulseCounts.contains { $0 > 0 }) }   // expected mode counts none
        #expect(Self.minus(cell).scalars.allSatisfy { $0 == 0 } && Self.plus(cell).scalars.allSatisfy { $0 >= 0 })
        #expect(Self.plus(cell).scalars.contains { $0 > 0 })
        // W decreases: only g⁻ gets pulses, g⁺ stays as it was.
        let plusBefore = Self.plus(cell), plusPulses = cell.arrays[Cell.plus].pulseCounts
        (x, d) = batch(dSign: 1)
        cell.update(x: x, d: d, rates: LearningRates(sgd: 0.1))
        #expect(Self.plus(cell) == plusBefore && cell.arrays[Cell.plus].pulseCounts == plusPulses)
        #expect(Self.minus(cell).scalars.contains { $0 > 0 })
        // Mixed signs: every device only moves up.
        for _ in 0..<4 {
            let before = (Self.plus(cell), Self.minus(cell))
            (x, d) = batch(dSign: nil)
            cell.update(x: x, d: d, rates: LearningRates(sgd: 0.1))
            #expect(zip(Self.plus(cell).scalars, before.0.scalars).allSatisfy { $0 >= $1 })
            #expect(zip(Self.minus(cell).scalars, before.1.scalars).allSatisfy { $0 >= $1 })
        }
    }

    /// One update of a single one-hot sample on column 0 with per-row errors `d` (η = 1):
    /// moves g⁺ by max(−d, 0) and g⁻ by max(d, 0) on column 0.
    static func pulseColumn0(_ cell: inout Cell, _ d: [Float]) {
        var x = Tensor.zeros([1, cell.columns])
        x.scalars[0] = 1
        cell.update(x: x, d: Tensor(shape: [1, cell.rows], scalars: d), rates: LearningRates(sgd: 1))
    }

    // refreshCriterion and refreshWeights with a perfect read and float rewrite: after two
    // mini-batches (refresh_every 2, units_in_mbatch) the pairs (0.8, 0.3) and (0.3, 0.8) are
    // past both thresholds (0.75, 0.25 of w_max = 1) and are reset to 0 and rewritten to
    // (0.5, 0) and (0, 0.5); (0.8, 0.2), (0.7, 0.3) and the untouched pairs stay. W is kept.
    @Test func refreshTriggersAtTheThresholdsAndKeepsW() throws {
        var p = OneSidedUnitCellParameters()
        p.refreshEvery = 2
        p.refreshForward = .perfect
        p.refreshUpdate.pulseType = .float
        var cell = try Self.cell(p, device: Self.conductance)
        #expect(cell.referenceMax == 1)
        Self.pulseColumn0(&cell, [-0.8, -0.8, -0.7, -0.3])          // g⁺ column 0: 0.8, 0.8, 0.7, 0.3
        #expect(cell.refreshCount == 0 && cell.updateCount == 1)
        Self.pulseColumn0(&cell, [0.3, 0.2, 0.3, 0.8])              // g⁻ column 0: 0.3, 0.2, 0.3, 0.8; refresh due
        #expect(cell.refreshCount == 2)
        let plus = Self.plus(cell), minus = Self.minus(cell)
        let c = cell.columns
        #expect(abs(plus.scalars[0] - 0.5) < 1e-6 && minus.scalars[0] == 0)            // refreshed onto g⁺
        #expect(abs(plus.scalars[c] - 0.8) < 1e-6 && abs(minus.scalars[c] - 0.2) < 1e-6) // lower threshold not met
        #expect(abs(plus.scalars[2 * c] - 0.7) < 1e-6 && abs(minus.scalars[2 * c] - 0.3) < 1e-6) // upper not met
        #expect(plus.scalars[3 * c] == 0 && abs(minus.scalars[3 * c] - 0.5) < 1e-6)    // refreshed onto g⁻
        let expectedW: [Float] = [0.5, 0.6, 0.4, -0.5]
        for i in 0..<4 { #expect(abs(cell.weights.scalars[i * c] - expectedW[i]) < 1e-6, "row \(i)") }
        // The next refresh finds nothing to do.
        Self.pulseColumn0(&cell, [0, 0, 0, 0])
        Self.pulseColumn0(&cell, [0, 0, 0, 0])
        #expect(cell.refreshCount == 2 && cell.updateCount == 4)
    }

    // With read noise on the refresh read, the rewritten W differs from the old one by the
    // read noise of ĝ⁺ − ĝ⁻ only (out_noise σ per read, so σ√2): all within 5σ√2, not exact.
    @Test func refreshKeepsWWithinTheReadNoise() throws {
        var p = OneSidedUnitCellParameters()
        p.refreshEvery = 1
        p.refreshForward = IOParameters()                 // aihwkit IOParameters() with ideal DAC/ADC
        p.refreshForward.outputNoise = 0.01
        p.refreshForward.inputResolution = 0
        p.refreshForward.outputResolution = 0
        p.refreshUpdate.pulseType = .float
        var never = p
        never.refreshEvery = 0
        let rows = 40
        var refreshed = try Self.cell(p, device: Self.conductance, rows: rows, columns: 3)
        var kept = try Self.cell(never, device: Self.conductance, rows: rows, columns: 3)
        var g = SeededGenerator(seed: 5)
        let up = (0..<rows).map { _ in -Float.random(in: 0.8...0.95, using: &g) }
        let down = (0..<rows).map { _ in Float.random(in: 0.3...0.6, using: &g) }
        // The first update alone is below the lower threshold for g⁻ (0): no refresh yet.
        Self.pulseColumn0(&refreshed, up); Self.pulseColumn0(&kept, up)
        #expect(refreshed.refreshCount == 0)
        Self.pulseColumn0(&refreshed, down); Self.pulseColumn0(&kept, down)
        #expect(refreshed.refreshCount == rows)
        let sigma = Float(0.01) * Float(2).squareRoot()
        let errors = zip(refreshed.weights.scalars, kept.weights.scalars).map { abs($0 - $1) }
        #expect(errors.allSatisfy { $0 < 5 * sigma }, "max error \(errors.max()!)")
        #expect(errors.contains { $0 > 0 })
        #expect(Self.minus(refreshed).scalars.allSatisfy { $0 == 0 })        // every W > 0: rewritten onto g⁺
    }

    // units_in_mbatch: refresh_every counts mini-batches (vector updates ÷ B); otherwise
    // vector updates, checked at the end of each mini-batch (aihwkit finishUpdateCycle).
    @Test func refreshPeriodCountsVectorsOrMiniBatches() {
        var p = OneSidedUnitCellParameters()
        p.refreshEvery = 4
        #expect(!p.refreshDue(updateCount: 4, batch: 2) && p.refreshDue(updateCount: 8, batch: 2))
        p.unitsInMbatch = false
        #expect(p.refreshDue(updateCount: 4, batch: 2) && !p.refreshDue(updateCount: 6, batch: 2))
        p.refreshEvery = 0
        #expect(!p.refreshDue(updateCount: 8, batch: 2))
    }

    // Checkpoint/resume: a Codable round trip mid-run (stochastic pulses, noisy refresh reads,
    // device variations) continues bit-identically; the export names both devices and counters.
    @Test func codableRoundTripContinuesBitIdentically() throws {
        var p = OneSidedUnitCellParameters()
        p.refreshEvery = 2
        p.refreshUpperThres = 0.3
        p.refreshLowerThres = 0.05
        var device = ConstantStepDevice()
        device.pulsed.wMin = 0; device.pulsed.wMinDtod = 0
        var g = SeededGenerator(seed: 8)
        var cell = try OneSidedUnitCellConfiguration(device: device, parameters: p)
            .makeCell(outputs: 70, inputs: 6, forwardIO: .forwardDefault, backwardIO: .backwardDefault,
                      update: PulsedUpdateParameters(), generator: &g)
        var data = SeededGenerator(seed: 9)
        typealias C = OneSidedUnitCell<ConstantStepDeviceArray>
        let step: (inout C, inout SeededGenerator) -> Tensor = Self.trainingStep
        for _ in 0..<6 { _ = step(&cell, &data) }
        var resumed = try JSONDecoder().decode(C.self, from: JSONEncoder().encode(cell))
        var resumedData = data
        for _ in 0..<6 { #expect(step(&cell, &data) == step(&resumed, &resumedData)) }
        #expect(cell.weights == resumed.weights && cell.refreshCount == resumed.refreshCount)
        #expect(cell.refreshCount > 0, "no refresh exercised")
        #expect(cell.arrays.map(\.pulseCounts) == resumed.arrays.map(\.pulseCounts))
        let names = cell.internalState.map(\.name)
        #expect(names.contains("device0.weights") && names.contains("device1.pulse_counts")
                && names.contains("counters.refresh_counter") && names.contains("counters.current_update_idx"))
    }

    @Test func layerCheckpointResumesBitIdentically() throws {
        var p = OneSidedUnitCellParameters()
        p.refreshEvery = 1
        try UnitCellResumeTests.resumesBitIdentically(OneSidedUnitCellConfiguration(device: SoftBoundsDevice(), parameters: p))
    }

    @Test func badParametersNameTheKey() throws {
        func key(_ edit: (inout OneSidedUnitCellParameters) -> Void) -> String? {
            var p = OneSidedUnitCellParameters()
            edit(&p)
            do { try p.validate(); return nil } catch let error as DeviceParameterError { return error.parameter } catch { return "?" }
        }
        #expect(key { $0.refreshEvery = -1 } == "refresh_every")
        #expect(key { $0.refreshUpperThres = .nan } == "refresh_upper_thres")
        #expect(key { $0.refreshLowerThres = 0.8 } == "refresh_lower_thres")
        #expect(key { $0.copyInverted = true } == nil)     // modelled (OneSidedCopyInvertedTests)
        #expect(key { $0.refreshUpdate.desiredBL = 0 } == "refresh_update.desired_bl")
        #expect(key { $0.refreshForward.outputNoise = -1 } == "refresh_forward")
        #expect(key { $0.refreshEvery = 3 } == nil)
        // A refresh needs a finite w_max to normalize by: unbounded ideal devices are refused.
        var p = OneSidedUnitCellParameters()
        p.refreshEvery = 1
        #expect(throws: DeviceParameterError.self) { _ = try Self.cell(p) }
        #expect(try Self.cell(p, device: Self.conductance).referenceMax == 1)
    }
}
