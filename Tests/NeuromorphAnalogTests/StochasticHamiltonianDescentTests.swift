import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore

/// Stochastic Hamiltonian Descent on the Onen toy (digest `ttv2_gradient-decomposition_shd.md`
/// §3.6, note `analog-training.md` §2.2 C5–C8): a 1-parameter regression `y = w0·x + 0.5ξ`,
/// `w0 = 0.4`, `x ~ N(0, 1)`, η = 0.01, expected-value pulses, perfect periphery.
@Suite struct StochasticHamiltonianDescentTests {
    typealias Support = CellTestSupport
    static let w0: Float = 0.4

    /// SHD on a 1×1 cell: `A_main` of `fast`, ideal `C_main`, η_A = η_C = `eta`, τ = 1.
    static func shdCell<F: PulsedDeviceConfiguration>(fast: F, eta: Float = 0.01, zeroShiftPairs: Int = 0)
        throws -> StochasticHamiltonianDescent<F.DeviceArray, IdealPulsedDeviceArray> {
        var p = StochasticHamiltonianDescentParameters()
        p.fastLR = eta
        p.transferLR = eta
        p.scaleTransferLR = false
        p.transferForward = .perfect
        p.transferUpdate = Support.expectedUpdate
        p.zeroShiftPairs = zeroShiftPairs
        return try Support.makeCell(StochasticHamiltonianDescentConfiguration(fast: fast, slow: IdealPulsedDevice(), parameters: p),
                                    outputs: 1, inputs: 1, update: Support.expectedUpdate)
    }

    /// Runs the toy through `cell.update` (d = ∂L/∂y = C x − y); returns the trajectory of
    /// (weight, A) where A is `fastWeights` for SHD and 0 otherwise.
    static func runToy<C: UnitCell>(_ cell: inout C, steps: Int, seed: UInt64, noise: Float = 0.5,
                                    fast: (C) -> Float = { _ in 0 }) -> (c: [Float], a: [Float]) {
        var g = SeededGenerator(seed: seed)
        var c: [Float] = [], a: [Float] = []
        c.reserveCapacity(steps); a.reserveCapacity(steps)
        let rates = LearningRates(sgd: 0.01)
        for _ in 0..<steps {
            let x = g.nextNormal()
            let y = w0 * x + noise * g.nextNormal()
            let d = cell.weights.scalars[0] * x - y
            cell.update(x: Tensor(shape: [1, 1], scalars: [x]), d: Tensor(shape: [1, 1], scalars: [d]), rates: rates)
            c.append(cell.weights.scalars[0])
            a.append(fast(cell))
        }
        return (c, a)
    }

    static func mean(_ v: ArraySlice<Float>) -> Double { v.reduce(0.0) { $0 + Double($1) } / Double(v.count) }

    // C5 [C] (digest §3.6 item 1): asymmetric-device SGD is biased toward the symmetry point,
    // 0.2530 in the digest's run (tolerance 0.25 ± 0.01 per the note). 6·10⁴ steps, mean over
    // the second half (standard error ≈ 0.003).
    @Test func c5SGDOnTheAsymmetricDeviceIsBiased() throws {
        var cell = try Support.makeCell(SingleDeviceConfiguration(device: AsymmetricSoftBoundsDevice.onenToy), outputs: 1, inputs: 1,
                                        update: Support.expectedUpdate)
        cell.program(Tensor.zeros([1, 1]))
        let run = Self.runToy(&cell, steps: 60_000, seed: 51)
        let w = Self.mean(run.c[30_000...])
        #expect(abs(w - 0.253) < 0.01, "asymmetric SGD: \(w)")
    }

    // C6 [C] (digest §3.6 item 2): SHD on the same device converges to the optimum: mean
    // C = 0.3976 and mean A = 0.0000 in the digest; |C − 0.4| < 0.01 and |A| < 0.005.
    @Test func c6SHDReachesTheOptimumWhereSGDIsBiased() throws {
        var cell = try Self.shdCell(fast: AsymmetricSoftBoundsDevice.onenToy)
        cell.program(Tensor.zeros([1, 1]))
        let run = Self.runToy(&cell, steps: 60_000, seed: 52) { $0.fastWeights.scalars[0] }
        let c = Self.mean(run.c[30_000...]), a = Self.mean(run.a[30_000...])
        let std = (run.c[30_000...].reduce(0.0) { $0 + pow(Double($1) - c, 2) } / 30_000).squareRoot()
        #expect(abs(c - 0.4) < 0.01, "SHD mean C: \(c)")
        #expect(abs(a) < 0.005, "SHD mean A: \(a)")
        #expect(std > 0.01 && std < 0.15, "stationary std(C) \(std) (digest ≈ 0.05)")
        // The energy H = (C − C0)² + A² falls from its start (C = 0: 0.16) by an order of magnitude.
        let end = cell.snapshot(optimum: Tensor(shape: [1, 1], scalars: [0.4]))
        #expect(end.energy < 0.016 && end.c == cell.weights.scalars && end.a == cell.fastWeights.scalars)
    }

    // C7 [C] (digest §3.6 item 3): with a symmetric A (no dissipation) and no noise SHD is an
    // undamped oscillator dA = −η_A(C − C0), dC = η_C A with period 2π/√(η_A η_C) = 628.3 steps
    // (±5 %); with the asymmetric A the amplitude decays instead.
    @Test func c7SymmetricSHDOscillatesWithThePredictedPeriod() throws {
        var symmetric = try Self.shdCell(fast: IdealPulsedDevice())
        symmetric.program(Tensor.zeros([1, 1]))
        // Noise-free and x = 1 every step: d = C − C0.
        var crossings: [Int] = []
        var previous = symmetric.weights.scalars[0] - Self.w0
        var peak: Float = 0
        for step in 0..<3000 {
            let d = symmetric.weights.scalars[0] - Self.w0
            symmetric.update(x: Tensor(shape: [1, 1], scalars: [1]), d: Tensor(shape: [1, 1], scalars: [d]), rates: LearningRates(sgd: 0.01))
            let e = symmetric.weights.scalars[0] - Self.w0
            if (e > 0) != (previous > 0) { crossings.append(step) }
            previous = e
            if step > 2000 { peak = max(peak, abs(e)) }
        }
        #expect(crossings.count >= 8)
        let period = Double(crossings[crossings.count - 1] - crossings[1]) / Double(crossings.count - 2) * 2
        let predicted = 2 * Double.pi / (0.01 * 0.01).squareRoot()
        #expect(abs(period - predicted) / predicted < 0.05, "period \(period) vs \(predicted)")
        #expect(peak > 0.3, "the amplitude (0.4 at the start) is roughly conserved: \(peak)")
        // The same run with the asymmetric A spirals in.
        var damped = try Self.shdCell(fast: AsymmetricSoftBoundsDevice.onenToy)
        damped.program(Tensor.zeros([1, 1]))
        var late: Float = 0
        for step in 0..<3000 {
            let d = damped.weights.scalars[0] - Self.w0
            damped.update(x: Tensor(shape: [1, 1], scalars: [1]), d: Tensor(shape: [1, 1], scalars: [d]), rates: LearningRates(sgd: 0.01))
            if step > 2000 { late = max(late, abs(damped.weights.scalars[0] - Self.w0)) }
        }
        #expect(late < 0.5 * peak, "damped amplitude \(late) vs undamped \(peak)")
    }

    // C8 (digest §3.6 items 4-5): zero-shifting with pulses brings A_main to its symmetry point
    // and A_ref copies it; a "lucky guess" start at the optimum holds under SHD while SGD drifts
    // toward the symmetry point.
    @Test func c8ZeroShiftAndLuckyGuess() throws {
        var shifted = AsymmetricSoftBoundsDevice.onenToy
        shifted.symmetryPoint = 0.3
        var g = SeededGenerator(seed: 53)
        var array = try CrossbarArray(outputs: 2, inputs: 2, device: shifted, generator: &g)
        array.setWeights(Tensor(shape: [2, 2], scalars: [-0.5, 0, 0.8, 0.1]))
        array.zeroShift(pairs: 4000)
        #expect(array.weights.scalars.allSatisfy { abs($0 - 0.3) < 0.01 }, "zero-shifted: \(array.weights.scalars)")
        #expect(array.pulseCounts.allSatisfy { $0 == 8000 })
        let cell = try Self.shdCell(fast: shifted, zeroShiftPairs: 100)
        #expect(cell.fastWeights.scalars == [0] && abs(cell.reference.weights.scalars[0] - 0.3) < 1e-3)

        var shd = try Self.shdCell(fast: AsymmetricSoftBoundsDevice.onenToy)
        shd.program(Tensor(shape: [1, 1], scalars: [0.4]))
        let held = Self.mean(Self.runToy(&shd, steps: 10_000, seed: 54).c[5_000...])
        var sgd = try Support.makeCell(SingleDeviceConfiguration(device: AsymmetricSoftBoundsDevice.onenToy), outputs: 1, inputs: 1,
                                       update: Support.expectedUpdate)
        sgd.program(Tensor(shape: [1, 1], scalars: [0.4]))
        let drifted = Self.mean(Self.runToy(&sgd, steps: 10_000, seed: 54).c[5_000...])
        #expect(abs(held - 0.4) < 0.03 && drifted < 0.33, "SHD \(held), SGD \(drifted)")
    }

    @Test func forwardReadsCMinusTheReference() throws {
        var p = StochasticHamiltonianDescentParameters()
        p.zeroShiftPairs = 10
        var shifted = AsymmetricSoftBoundsDevice.onenToy
        shifted.symmetryPointDtod = 0.1
        var cell = try Support.makeCell(StochasticHamiltonianDescentConfiguration(device: shifted, parameters: p), outputs: 3, inputs: 2)
        let target = Tensor(shape: [3, 2], scalars: [0.1, -0.2, 0.05, 0, 0.3, -0.1])
        cell.program(target)
        #expect(Support.maxDifference(cell.weights, target) < 1e-6)
        #expect(cell.weights == cell.slow.weights - cell.reference.weights)
        let y = cell.forward(Tensor(shape: [1, 2], scalars: [1, 2]))
        #expect(abs(y.scalars[0] - (0.1 - 0.4)) < 1e-5)
        let names = cell.internalState.map(\.name)
        #expect(names.contains("device2.weights") && names.contains("device1.weights") && names.contains("counters.update_count"))
    }
}
