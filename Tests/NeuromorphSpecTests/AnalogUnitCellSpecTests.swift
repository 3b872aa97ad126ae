import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore
@testable import NeuromorphNN
@testable import NeuromorphSpec

/// `hardware.analog.unit_cell`, the device registry, the `reset`/`lifetime` keys of
/// `pulsed`, and which optimizers analog layers accept.
@Suite struct AnalogUnitCellSpecTests {
    let base = minimalYAML + "\nhardware:\n  analog:\n    device: constant_step\n"

    @Test func unitCellDecodesInBothFormsAndRoundTrips() throws {
        let short = try #require(try SpecLoader.parse(base + "    unit_cell: reference_pair", format: .yaml).hardware.analog)
        #expect(short.unitCell == .referencePair(reference: nil, referenceWeight: 0))
        let long = try SpecLoader.parse(base + """
                unit_cell:
                  kind: reference_pair
                  reference_weight: 0.05
                  reference: {device: soft_bounds, pulsed: {dw_min_dtod: 0.1}}
            """, format: .yaml)
        let analog = try #require(long.hardware.analog)
        #expect(analog.unitCell == .referencePair(reference: ReferenceDeviceSpec(device: .softBounds,
                                                                               pulsed: { var p = PulsedParameterOverrides(); p.values = ["dw_min_dtod": 0.1]; return p }()),
                                                  referenceWeight: 0.05))
        #expect(try SpecLoader.parse(try SpecLoader.yaml(long), format: .yaml) == long)
        let plain = try #require(try SpecLoader.parse(base, format: .yaml).hardware.analog)
        #expect(plain.unitCell == .singleDevice)
        // The built layers carry the chosen cell.
        var g = SeededGenerator(seed: 1)
        let layer = try analog.linear(4, 3, bias: true, generator: &g)
        #expect(layer is AnalogLinear<ReferencePair<ConstantStepDeviceArray, LinearStepDeviceArray>>)
        let single = try plain.linear(4, 3, bias: true, generator: &g)
        #expect(single is AnalogLinear<SingleDevice<ConstantStepDeviceArray>>)
        let conv = try analog.conv(2, 3, kernel: 3, stride: 1, padding: 0, bias: true, generator: &g)
        #expect(conv is AnalogConv2d<ReferencePair<ConstantStepDeviceArray, LinearStepDeviceArray>>)
    }

    @Test func unitCellErrorsNameTheKey() {
        expectSpecError(base + "    unit_cell: triple", path: "hardware.analog.unit_cell",
                        mentions: ["single_device", "reference_pair"])
        expectSpecError(base + "    unit_cell: {kind: reference_pair, refrence: {}}", path: "hardware.analog.unit_cell.refrence",
                        mentions: ["reference", "reference_weight"])
        expectSpecError(base + "    unit_cell: {kind: single_device, reference: {}}", path: "hardware.analog.unit_cell.reference",
                        mentions: ["reference_pair"])
        expectSpecError(base + "    unit_cell: {kind: reference_pair, reference: {device: memristor}}",
                        path: "hardware.analog.unit_cell.reference.device", mentions: ["constant_step"])
        expectSpecError(base + "    unit_cell: {kind: reference_pair, reference: {device: ideal, pulsed: {dw_min: 0.1}}}",
                        path: "hardware.analog.unit_cell.reference.pulsed", mentions: ["ideal"])
        expectSpecError(base + "    unit_cell: {kind: reference_pair, reference: {pulsed: {dw: 0.1}}}",
                        path: "hardware.analog.unit_cell.reference.pulsed.dw", mentions: ["dw_min"])
    }

    @Test func everyRegisteredDeviceIsAChoice() throws {
        #expect(AnalogDeviceChoice.allCases.map(\.rawValue) == DeviceRegistry.names)
        #expect(DeviceRegistry.names.contains("gokmen-15-states") && AnalogDeviceChoice(rawValue: "memristor") == nil)
        for choice in AnalogDeviceChoice.allCases {
            let spec = AnalogHardwareSpec(device: choice)
            var g = SeededGenerator(seed: 2)
            #expect(try spec.linear(3, 2, bias: false, generator: &g).summary.contains("AnalogLinear"), "\(choice.rawValue)")
        }
        #expect(!AnalogDeviceChoice.ideal.hasPulsedParameters && AnalogDeviceChoice.onenAsymmetric.hasPulsedParameters)
    }

    @Test func resetAndLifetimeKeysTakeEffect() throws {
        let spec = try SpecLoader.parse(base + "    pulsed: {reset: 0.2, reset_dtod: 0, reset_std: 0, lifetime: 4}", format: .yaml)
        let analog = try #require(spec.hardware.analog)
        let device = try #require(try analog.deviceConfiguration as? ConstantStepDevice)
        #expect(device.pulsed.reset == 0.2 && device.pulsed.lifetime == 4)
        var g = SeededGenerator(seed: 3)
        var array = try CrossbarArray(outputs: 2, inputs: 3, device: device, generator: &g)
        array.reset()
        #expect(array.weights.scalars.allSatisfy { $0 == 0.2 })
        array.setWeights(Tensor.zeros([2, 3]))
        array.postUpdate()                                             // w ← (0 − 0.2)(1 − 1/4) + 0.2
        #expect(array.weights.scalars.allSatisfy { abs($0 - 0.05) < 1e-6 })
        expectSpecError(base + "    pulsed: {lifetime: 0.5}", path: "hardware.analog.pulsed.lifetime",
                        mentions: ["constant_step", "≥ 1"])
    }

    @Test func analogLayersAcceptOnlyPlainSGD() throws {
        let analog = AnalogHardwareSpec(device: .constantStep)
        try analog.validate(optimizer: "sgd", momentum: 0, path: "training.optimizer")
        for (kind, momentum, nesterov, key) in [("adam", 0.0, false, "kind"), ("sgd", 0.9, false, "momentum"),
                                                ("sgd", 0.0, true, "nesterov")] {
            do {
                try analog.validate(optimizer: kind, momentum: momentum, nesterov: nesterov, path: "training.optimizer")
                Issue.record("\(kind) momentum \(momentum) accepted")
            } catch let error as SpecError {
                #expect(error.path == "training.optimizer.\(key)")
                #expect(error.message.contains("hardware.analog") && error.message.contains("kind: sgd"))
            }
        }
        #expect(throws: SpecError.self) { try analog.validate(optimizer: "sgd", momentum: 0, weightDecay: 1e-4, path: "training.optimizer") }
    }
}
