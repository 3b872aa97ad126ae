import NeuromorphCore
import PropertyBased
import Testing
@testable import NeuromorphAnalog

/// Invariants of the analog periphery and device models over random valid inputs.
@Suite("Analog properties")
struct AnalogPropertyTests {
    /// With perfect IO (aihwkit `is_perfect`: no DAC, noise, bounds or ADC) the analog
    /// mat-vec is the matrix product, forward (`X·Wᵀ`) and backward (`X·W`), to float rounding.
    @Test func perfectIOMatVecIsTheMatrixProduct() async {
        await propertyCheck(count: 100, input: Gen.int(in: 1...6), Gen.int(in: 1...40), Gen.int(in: 1...40),
                            Gen.int(in: 0...Int(UInt32.max))) { batch, outputs, inputs, seed in
            var g = SeededGenerator(seed: UInt64(seed))
            let w = Tensor.randomNormal([outputs, inputs], using: &g)
            let x = Tensor.randomNormal([batch, inputs], using: &g)
            let d = Tensor.randomNormal([batch, outputs], using: &g)
            var noise = SeededGenerator(seed: 1)
            let y = AnalogMatVec.apply(x, weights: w, transpose: .transposed, io: .perfect, generator: &noise)
            let back = AnalogMatVec.apply(d, weights: w, transpose: .none, io: .perfect, generator: &noise)
            #expect(y.shape == [batch, outputs] && back.shape == [batch, inputs])
            for b in 0..<batch {
                for o in 0..<outputs {
                    let exact = (0..<inputs).reduce(0.0) { $0 + Double(x.scalars[b * inputs + $1]) * Double(w.scalars[o * inputs + $1]) }
                    #expect(abs(Double(y.scalars[b * outputs + o]) - exact) <= 1e-5 * Double(inputs) + 1e-5 * abs(exact))
                }
                for i in 0..<inputs {
                    let exact = (0..<outputs).reduce(0.0) { $0 + Double(d.scalars[b * outputs + $1]) * Double(w.scalars[$1 * inputs + i]) }
                    #expect(abs(Double(back.scalars[b * inputs + i]) - exact) <= 1e-5 * Double(outputs) + 1e-5 * abs(exact))
                }
            }
        }
    }

    /// Random device parameters without bound variation (`wMinDtod = wMaxDtod = 0`), so every
    /// device's bounds are exactly `[wMin, wMax]`.
    static func parameters(_ v: [Float]) -> PulsedDeviceParameters {
        var p = PulsedDeviceParameters()
        p.dwMin = 0.001 + 0.2 * v[0]
        p.dwMinDtod = 0.5 * v[1]
        p.dwMinStd = 2 * v[2]
        p.upDown = 0.5 * (v[3] - 0.5)
        p.wMin = -0.05 - 1.5 * v[4]
        p.wMax = 0.05 + 1.5 * v[5]
        p.wMinDtod = 0
        p.wMaxDtod = 0
        return p
    }

    static func checkBounds<C: PulsedDeviceConfiguration>(_ device: C, _ p: PulsedDeviceParameters, pulses: [Int], seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        var array = try device.makeArray(rows: 3, columns: 4, generator: &g)
        for (k, code) in pulses.enumerated() {
            array.applyPulses(at: k % 12, count: abs(code) % 40, up: code >= 0, generator: &g)
            let w = array.weights
            #expect(w.allSatisfy { $0.isFinite && $0 >= p.wMin && $0 <= p.wMax },
                    "\(C.self) seed \(seed) after \(k + 1) pulses: \(w.filter { !($0 >= p.wMin && $0 <= p.wMax) }) outside [\(p.wMin), \(p.wMax)]")
        }
    }

    /// Device weights never leave `[wMin, wMax]` for any sampled parameters and pulse sequence.
    @Test func deviceWeightsStayWithinTheirBounds() async {
        await propertyCheck(count: 60, input: Gen.float(in: 0...1).array(of: 6), Gen.int(in: -60...60).array(of: 1...200),
                            Gen.int(in: 0...Int(UInt32.max))) { v, pulses, seed in
            let p = Self.parameters(v)
            try Self.checkBounds(ConstantStepDevice(pulsed: p), p, pulses: pulses, seed: UInt64(seed))
            try Self.checkBounds(SoftBoundsDevice(pulsed: p), p, pulses: pulses, seed: UInt64(seed))
            try Self.checkBounds(LinearStepDevice(pulsed: p), p, pulses: pulses, seed: UInt64(seed))
            try Self.checkBounds(ExpStepDevice(pulsed: p), p, pulses: pulses, seed: UInt64(seed))
            try Self.checkBounds(PowStepDevice(pulsed: p), p, pulses: pulses, seed: UInt64(seed))
        }
    }
}
