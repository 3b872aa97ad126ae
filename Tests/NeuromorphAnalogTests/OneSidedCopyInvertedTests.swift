import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore

/// ``OneSidedUnitCell`` with `copy_inverted` (aihwkit 1.1 `OneSidedUnitCell.copy_inverted`,
/// C++ `OneSidedRPUDevice::populate` → `copyInvertDeviceParameter`; docs/analog-training.md,
/// "OneSidedUnitCell"): g⁺ (device 1) is g⁻'s sampled devices seen through `w ↦ −w`.
@Suite struct OneSidedCopyInvertedTests {
    static func parameters(refreshEvery: Int = 0) -> OneSidedUnitCellParameters {
        var p = OneSidedUnitCellParameters()
        p.copyInverted = true
        p.refreshEvery = refreshEvery
        return p
    }

    /// The cell's `[g⁻, g⁺]` arrays built with `copy_inverted`.
    static func arrays<C: PulsedDeviceConfiguration>(_ device: C, rows: Int = 5, columns: Int = 4,
                                                     seed: UInt64 = 11) throws -> [CrossbarArray<C.DeviceArray>] {
        var g = SeededGenerator(seed: seed)
        return try OneSidedUnitCellConfiguration(device: device, parameters: parameters())
            .makeCell(outputs: rows, inputs: columns, forwardIO: .perfect, backwardIO: .perfect,
                      update: PulsedUpdateParameters(), generator: &g).arrays
    }

    /// How each sampled parameter of the mirrored device follows from device 0's:
    /// `(name, source name, negated)`.
    static let mirrorRules: [String: (source: String, negated: Bool)] = [
        "dw_min_up": ("dw_min_down", false), "dw_min_down": ("dw_min_up", false),
        "w_max": ("w_min", true), "w_min": ("w_max", true),
        "slope_up": ("slope_down", false), "slope_down": ("slope_up", false),
        "gamma_up": ("gamma_down", false), "gamma_down": ("gamma_up", false),
        "curve_a_ltp": ("curve_a_ltd", true), "curve_a_ltd": ("curve_a_ltp", true),
        "symmetry_center": ("symmetry_center", true), "reset_bias": ("reset_bias", true),
        "reference": ("reference", true), "persistent_weights": ("persistent_weights", true),
        "decay_scale": ("decay_scale", false), "diffusion_rate": ("diffusion_rate", false),
    ]

    // Every device kind a spec can name: device 1's sampled parameters are device 0's swapped
    // and mirrored, exactly, device by device (dw_min_up′ = dw_min_down, w_max′ = −w_min, …),
    // and its weights are device 0's negated. Every exported parameter has a rule, so a new
    // model parameter without one fails here.
    @Test(arguments: DeviceRegistry.names)
    func mirroredParametersAreDeviceZerosSwapped(kind: String) throws {
        let entry = try #require(DeviceRegistry.entry(named: kind))
        func check<C: PulsedDeviceConfiguration>(_ device: C) throws {
            let arrays = try Self.arrays(device)
            let source = arrays[0].sampledParameters, mirror = arrays[1].sampledParameters
            #expect(Set(source.keys) == Set(mirror.keys), "\(kind)")
            for (name, values) in mirror {
                guard let rule = Self.mirrorRules[name] else {
                    Issue.record("\(kind): no mirror rule for \(name)")
                    continue
                }
                let expected = try #require(source[rule.source], "\(kind): \(rule.source)")
                #expect(values == (rule.negated ? expected.map { 0 - $0 } : expected), "\(kind).\(name)")
            }
            if source["persistent_weights"] == nil {     // write noise: the read-visible weights differ
                #expect(zip(arrays[1].weights.scalars, arrays[0].weights.scalars).allSatisfy { abs($0 + $1) <= 1e-6 }, "\(kind)")
            }
            // The mirror is g⁻'s devices, not g⁺'s own draws (which differ under device variation).
            if let steps = source["dw_min_up"], Set(steps).count > 1 {
                var g = SeededGenerator(seed: 11)
                var plain = OneSidedUnitCellParameters.init()
                plain.copyInverted = false
                let own = try OneSidedUnitCellConfiguration(device: device, parameters: plain)
                    .makeCell(outputs: 5, inputs: 4, forwardIO: .perfect, backwardIO: .perfect,
                              update: PulsedUpdateParameters(), generator: &g).arrays
                #expect(own[0].sampledParameters == source, "\(kind): device 0 is drawn as without copy_inverted")
                #expect(own[1].sampledParameters["dw_min_down"] != mirror["dw_min_up"], "\(kind)")
            }
        }
        func open<C: PulsedDeviceConfiguration>(_ device: C) throws { try check(device) }
        try open(entry.configuration())
    }

    /// Kinds whose mirrored pulse is the same floating-point operations with the sign
    /// flipped; the others (interpolated tables, NeuroSim's `1 − g`) agree to rounding.
    static let exactMirror: Set<DevicesModel> = [.idealBounded, .constantStep, .constantStepAdditive, .linearStepGokmen,
                                                 .gokmen15Additive, .softBounds, .expStep, .powStep, .asymmetric]

    // The trajectory: from mirrored states, a down pulse train on device 0 and an up pulse
    // train on device 1 (same cycle-to-cycle draws) end at mirrored weights, and vice versa,
    // for every device model (with its cycle-to-cycle noise; NeuroSim's noise is added to the
    // conductance, so its sign does not mirror: run noise-free).
    @Test(arguments: DevicesModel.allCases)
    func upPulsesOnTheMirrorMoveAsDownPulsesOnDeviceZero(model: DevicesModel) throws {
        func run<C: PulsedDeviceConfiguration>(_ device: C) throws {
            let arrays = try Self.arrays(device)
            var source = arrays[0].blocks[0], mirror = arrays[1].blocks[0]
            var g = SeededGenerator(seed: 12)
            let targets = (0..<source.weights.count).map { _ in 0.4 * g.nextUniform() - 0.2 }
            source.setWeights(targets)
            mirror.setWeights(source.weights.map { 0 - $0 })
            let start = source.weights
            let tolerance: Float = Self.exactMirror.contains(model) ? 0 : 1e-5
            var moved = 0
            for down in [true, false] {
                for k in 0..<start.count {
                    let pulses = 1 + k % 3
                    var a = SeededGenerator(seed: UInt64(100 + k)), b = a
                    let before = source.weight(at: k)
                    source.applyPulses(at: k, count: pulses, up: !down, generator: &a)
                    if source.weight(at: k) != before { moved += 1 }
                    mirror.applyPulses(at: k, count: pulses, up: down, generator: &b)
                    #expect(abs(mirror.weight(at: k) + source.weight(at: k)) <= tolerance,
                            "\(model) device \(k) \(down ? "down" : "up"): \(source.weight(at: k)) vs \(mirror.weight(at: k))")
                }
            }
            #expect(moved > start.count, "\(model): the pulses moved \(moved) of \(2 * start.count) times")
        }
        if model == .neuroSim {
            var device = NeuroSimDevice.zhaoAgSi
            device.cycleStd = 0
            try run(device)
        } else {
            func open<C: PulsedDeviceConfiguration>(_ device: C) throws { try run(device) }
            try model.with { try open($0) }
        }
    }

    // In the cell: an increase of W pulses g⁺ up, a decrease pulses g⁻ up. Noise-free
    // constant steps with up_down 0.5 (dw_up = dw_min = 0.01, dw_down = 0.005): without the
    // mirror both directions of W move by dw_up; with it, the increase moves by g⁻'s *down*
    // step (g⁺ is g⁻ mirrored) and the decrease by g⁻'s up step (expected-count pulses, one
    // pulse each).
    @Test func copyInvertedGivesWTheSourceDevicesDownAndUpSteps() throws {
        var device = ConstantStepDevice(pulsed: .noiseFree)
        device.pulsed.dwMin = 0.01
        device.pulsed.upDown = 0.5                      // dw_up = 0.01, dw_down = 0.005
        var update = PulsedUpdateParameters()
        update.pulseType = .expected
        func cell(_ inverted: Bool) throws -> OneSidedUnitCell<ConstantStepDeviceArray> {
            var p = OneSidedUnitCellParameters()
            p.copyInverted = inverted
            var g = SeededGenerator(seed: 3)
            return try OneSidedUnitCellConfiguration(device: device, parameters: p)
                .makeCell(outputs: 1, inputs: 1, forwardIO: .perfect, backwardIO: .perfect, update: update, generator: &g)
        }
        for (inverted, increase, decrease) in [(false, Float(0.01), Float(0.01)), (true, 0.005, 0.01)] {
            var c = try cell(inverted)
            let w0 = c.weights.scalars[0]
            // η d x = −0.01: one expected pulse raising W.
            c.update(x: Tensor(rows: [[1]]), d: Tensor(rows: [[-0.1]]), rates: LearningRates(sgd: 0.1))
            let w1 = c.weights.scalars[0]
            #expect(abs((w1 - w0) - increase) < 1e-7, "copy_inverted \(inverted): +\(w1 - w0)")
            c.update(x: Tensor(rows: [[1]]), d: Tensor(rows: [[0.1]]), rates: LearningRates(sgd: 0.1))
            #expect(abs((w1 - c.weights.scalars[0]) - decrease) < 1e-7, "copy_inverted \(inverted): −\(w1 - c.weights.scalars[0])")
        }
    }

    // Checkpoint/resume: a Codable round trip and the layer checkpoint continue bit-identically
    // with the mirrored pair (stochastic pulses, device variations, refreshes).
    @Test func resumesBitIdentically() throws {
        try UnitCellResumeTests.resumesBitIdentically(
            OneSidedUnitCellConfiguration(device: SoftBoundsDevice(), parameters: Self.parameters(refreshEvery: 1)))
        var g = SeededGenerator(seed: 8)
        typealias C = OneSidedUnitCell<LinearStepDeviceArray>
        var cell = try OneSidedUnitCellConfiguration(device: LinearStepDevice.aihwkitDefault, parameters: Self.parameters(refreshEvery: 2))
            .makeCell(outputs: 70, inputs: 6, forwardIO: .forwardDefault, backwardIO: .backwardDefault,
                      update: PulsedUpdateParameters(), generator: &g)
        var data = SeededGenerator(seed: 9)
        let step: (inout C, inout SeededGenerator) -> Tensor = OneSidedUnitCellTests.trainingStep
        for _ in 0..<4 { _ = step(&cell, &data) }
        var resumed = try JSONDecoder().decode(C.self, from: JSONEncoder().encode(cell))
        #expect(resumed.arrays[1].sampledParameters == cell.arrays[1].sampledParameters)
        var resumedData = data
        for _ in 0..<4 { #expect(step(&cell, &data) == step(&resumed, &resumedData)) }
        #expect(cell.weights == resumed.weights && cell.arrays.map(\.pulseCounts) == resumed.arrays.map(\.pulseCounts))
        #expect(cell.arrays[1].pulseCounts.contains { $0 > 0 })
    }

    /// A device model without a mirrored copy (not an ``InvertibleDeviceArray``).
    struct OneWayDevice: PulsedDeviceConfiguration {
        var nominalStep: Float { 0.01 }
        func makeArray(rows: Int, columns: Int, generator: inout SeededGenerator) throws -> OneWayArray {
            OneWayArray(rows: rows, columns: columns, weights: [Float](repeating: 0, count: rows * columns))
        }
    }

    struct OneWayArray: PulsedDeviceArray {
        let rows: Int
        let columns: Int
        var weights: [Float]
        mutating func applyPulses(at index: Int, count: Int, up: Bool, generator: inout SeededGenerator) {
            weights[index] += up ? 0.01 * Float(count) : 0
        }
        func expectedStep(at index: Int, up: Bool) -> Float { up ? 0.01 : 0 }
        mutating func setWeights(_ targets: [Float]) { weights = targets }
        var sampledParameters: [String: [Float]] { [:] }
    }

    // A model without a mirror is refused when the cell is built, naming copy_inverted; the
    // same model builds without it.
    @Test func aModelWithoutAMirrorIsRefusedNamingTheKey() throws {
        var g = SeededGenerator(seed: 1)
        do {
            _ = try OneSidedUnitCellConfiguration(device: OneWayDevice(), parameters: Self.parameters())
                .makeCell(outputs: 2, inputs: 2, forwardIO: .perfect, backwardIO: .perfect, update: PulsedUpdateParameters(), generator: &g)
            Issue.record("copy_inverted on a model without a mirror was accepted")
        } catch let error as DeviceParameterError {
            #expect(error.parameter == "copy_inverted" && error.message.contains("mirrored copy"), "\(error)")
        }
        _ = try OneSidedUnitCellConfiguration(device: OneWayDevice(), parameters: OneSidedUnitCellParameters())
            .makeCell(outputs: 2, inputs: 2, forwardIO: .perfect, backwardIO: .perfect, update: PulsedUpdateParameters(), generator: &g)
    }
}
