import NeuromorphAnalog
import NeuromorphCore

/// Training with asymmetric crosspoint elements (Onen et al. 2022): the 1-parameter toy
/// `y = w0·x + 0.5ξ` (w0 = 0.4, x ~ N(0, 1), η = 0.01, expected-value pulses) with SGD on the
/// asymmetric soft-bounds device and with Stochastic Hamiltonian Descent. Digest
/// `ttv2_gradient-decomposition_shd.md` §3.6 items 1–3: the digest's [CHECKED] runs of
/// Figs. 1F and 2E/F.
enum OnenSHDResults: PaperResultGroup {
    static let paper = Paper(key: "onen2022", citation: "Onen et al. 2022, training with asymmetric crosspoint elements (SHD)",
                             digest: "ttv2_gradient-decomposition_shd.md")

    static let w0: Float = 0.4

    static var expectedUpdate: PulsedUpdateParameters {
        var p = PulsedUpdateParameters()
        p.pulseType = .expected
        return p
    }

    static func makeCell<C: UnitCellConfiguration>(_ configuration: C) throws -> C.Cell {
        var g = SeededGenerator(seed: 1)
        return try configuration.makeCell(outputs: 1, inputs: 1, forwardIO: .perfect, backwardIO: .perfect,
                                          update: expectedUpdate, generator: &g)
    }

    /// SHD on a 1×1 cell: A of `fast`, ideal C, η_A = η_C = 0.01, transfer every step.
    static func shdCell<F: PulsedDeviceConfiguration>(fast: F)
        throws -> StochasticHamiltonianDescent<F.DeviceArray, IdealPulsedDeviceArray> {
        var p = StochasticHamiltonianDescentParameters()
        p.fastLR = 0.01
        p.transferLR = 0.01
        p.scaleTransferLR = false
        p.transferForward = .perfect
        p.transferUpdate = expectedUpdate
        return try makeCell(StochasticHamiltonianDescentConfiguration(fast: fast, slow: IdealPulsedDevice(), parameters: p))
    }

    /// Mean weight over the second half of `steps` toy steps through `cell.update`
    /// (d = ∂L/∂y = C x − y).
    static func toyMean<C: UnitCell>(_ cell: inout C, steps: Int, seed: UInt64) -> Double {
        var g = SeededGenerator(seed: seed)
        let rates = LearningRates(sgd: 0.01)
        var sum = 0.0
        for step in 0..<steps {
            let x = g.nextNormal()
            let y = w0 * x + 0.5 * g.nextNormal()
            let d = cell.weights.scalars[0] * x - y
            cell.update(x: Tensor(shape: [1, 1], scalars: [x]), d: Tensor(shape: [1, 1], scalars: [d]), rates: rates)
            if step >= steps / 2 { sum += Double(cell.weights.scalars[0]) }
        }
        return sum / Double(steps - steps / 2)
    }

    static var results: [PaperResult] {
        [
            result("sgd-asymmetric-bias", "§3.6 item 1", "asymmetric-device SGD settles toward the symmetry point (Fig. 1F)",
                   paper: 0.25, tolerance: .absolute(0.01), quick: false) {
                var cell = try makeCell(SingleDeviceConfiguration(device: AsymmetricSoftBoundsDevice.onenToy))
                cell.program(Tensor.zeros([1, 1]))
                return toyMean(&cell, steps: 60_000, seed: 51)
            },
            result("shd-converges", "§3.6 item 2", "SHD mean C reaches the optimum w0 = 0.4 on the same device (Fig. 2F)",
                   paper: 0.4, tolerance: .absolute(0.01), quick: false) {
                var cell = try shdCell(fast: AsymmetricSoftBoundsDevice.onenToy)
                cell.program(Tensor.zeros([1, 1]))
                return toyMean(&cell, steps: 60_000, seed: 52)
            },
            result("shd-symmetric-period", "§3.6 item 3",
                   "noise-free SHD with a symmetric A oscillates with period 2π/√(η_A η_C) (Fig. 2E)",
                   paper: 2 * Double.pi / 0.01, unit: "steps", tolerance: .relative(0.05)) {
                var cell = try shdCell(fast: IdealPulsedDevice())
                cell.program(Tensor.zeros([1, 1]))
                var crossings: [Int] = []
                var previous = cell.weights.scalars[0] - w0
                for step in 0..<3_000 {
                    let d = cell.weights.scalars[0] - w0
                    cell.update(x: Tensor(shape: [1, 1], scalars: [1]), d: Tensor(shape: [1, 1], scalars: [d]),
                                rates: LearningRates(sgd: 0.01))
                    let e = cell.weights.scalars[0] - w0
                    if (e > 0) != (previous > 0) { crossings.append(step) }
                    previous = e
                }
                guard crossings.count >= 4 else { return .nan }
                return Double(crossings[crossings.count - 1] - crossings[1]) / Double(crossings.count - 2) * 2
            },
        ]
    }
}
