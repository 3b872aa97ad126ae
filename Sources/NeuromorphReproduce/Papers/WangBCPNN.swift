import NeuromorphCore
import NeuromorphSpiking

/// Mapping the BCPNN learning rule to a memristor model (Wang et al. 2021): the trace rule's
/// fixed points and rate statistics, and the VTEAM step rate of the Table 1 pulses.
/// Digest `bayesian-hardware_bcpnn-memristor_moneta.md` §2.7 (derived facts) and §2.10
/// (acceptance tests); the closed forms are the digest's [CHECKED] arithmetic.
enum WangBCPNNResults: PaperResultGroup {
    static let paper = Paper(key: "wang2021", citation: "Wang et al. 2021, BCPNN learning rule on a memristor model",
                             digest: "bayesian-hardware_bcpnn-memristor_moneta.md")

    /// `steps` steps of all-ones input, then `silent` steps of silence, on the reference cell.
    static func cell(ones steps: Int, silent: Int) -> BCPNNTraces {
        var cell = BCPNNTraces()
        for _ in 0..<steps { cell.step(pre: true, post: true) }
        for _ in 0..<silent { cell.step(pre: false, post: false) }
        return cell
    }

    /// Time-mean of P_ij over `steps` Bernoulli(0.05) steps after a 5,000-step transient.
    static func meanCoactivation(steps: Int, seed: UInt64, identical: Bool) -> Double {
        var g = SeededGenerator(seed: seed, key: StreamKey("reproduce", "bcpnn", "bernoulli"))
        var cell = BCPNNTraces()
        var sum = 0.0
        for t in 0..<(5_000 + steps) {
            let a = g.nextUniformDouble() < 0.05
            let b = identical ? a : g.nextUniformDouble() < 0.05
            cell.step(pre: a, post: b)
            if t >= 5_000 { sum += cell.p_ij }
        }
        return sum / Double(steps)
    }

    static var results: [PaperResult] {
        [
            result("all-ones-weight", "§2.10 item 1", "w after all-ones input → ln((1+ε²)/(1+ε)²), ε = 0.01",
                   paper: -0.019801, tolerance: .absolute(1e-6)) { cell(ones: 20_000, silent: 0).values.w },
            result("all-ones-bias", "§2.10 item 1", "β after all-ones input → ln(1+ε)", paper: 0.009950,
                   tolerance: .absolute(1e-6)) { cell(ones: 20_000, silent: 0).values.beta },
            result("silence-bias", "§2.10 item 1", "β after long silence → ln ε (the weight decays to 0)",
                   paper: -4.605170, tolerance: .absolute(1e-6)) { cell(ones: 20_000, silent: 20_000).values.beta },
            result("independent-coactivation", "§2.7 item 3", "⟨P_ij⟩ of independent p = 0.05 trains → p² (6·10⁵ steps)",
                   paper: 0.0025, tolerance: .relative(0.03), quick: false) {
                meanCoactivation(steps: 600_000, seed: 1, identical: false)
            },
            result("identical-coactivation", "§2.7 item 3",
                   "⟨P_ij⟩ of identical p = 0.05 trains → p² + p(1−p)k_z/(2−k_z) (6·10⁵ steps)",
                   paper: 0.004762, tolerance: .relative(0.03), quick: false) {
                meanCoactivation(steps: 600_000, seed: 2, identical: true)
            },
            result("vteam-step-rate", "§2.7 item 1",
                   "VTEAM state step of a +193.2 mV, 1 ms Table 1 pulse vs 2/11 (the rate the voltages were chosen for)",
                   paper: 2.0 / 11, tolerance: .absolute(5e-5), kind: .consistency) {
                VTEAMMemristor.wang2021.stepRate(MemristorPulse(voltage: 0.1932, duration: 1e-3))
            },
            result("vteam-step-rate-negative", "§2.7 item 1", "VTEAM state step of a −149.9 mV, 1 ms pulse vs 2/11",
                   paper: 2.0 / 11, tolerance: .absolute(5e-5), kind: .consistency) {
                VTEAMMemristor.wang2021.stepRate(MemristorPulse(voltage: -0.1499, duration: 1e-3))
            },
        ]
    }
}
