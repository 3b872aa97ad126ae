import NeuromorphAnalog
import NeuromorphCore

/// Transformer on analog PCM (Spoon et al. 2021): the PCM statistical model's closed forms at
/// the digest's reference points and the Monte-Carlo drift at one month.
/// Digest `snn-robotics_pcm-transformer_always-on-snn.md` §2.3, acceptance tests §2.10 items 1–2.
///
/// The paper prints the fit equations and their constants (μ_ν floor 0.049, σ_ν floor 0.008,
/// Q_s cap 0.0088 at g_max): a constant read back at its clamp is a consistency check; a value
/// the equations produce elsewhere (σ_prog, the time factors, the Monte-Carlo mean) is computed
/// and compared with the digest's [CHECKED] arithmetic.
enum SpoonPCMResults: PaperResultGroup {
    static let paper = Paper(key: "spoon2021", citation: "Spoon et al. 2021, BERT on analog PCM",
                             digest: "snn-robotics_pcm-transformer_always-on-snn.md")

    static var results: [PaperResult] {
        let model = PCMNoiseModel.paper
        let month = InferenceTime.month.seconds
        return [
            result("sigma-prog-gmax", "§2.3", "σ_prog at g_T = g_max (µS)", paper: 1.05538, unit: "µS",
                   tolerance: .absolute(1e-4)) { Double(model.programmingNoiseStd(normalizedTarget: 1)) },
            result("sigma-prog-0.1", "§2.3", "σ_prog at g_T = 0.1 g_max (µS)", paper: 0.44825, unit: "µS",
                   tolerance: .absolute(1e-4)) { Double(model.programmingNoiseStd(normalizedTarget: 0.1)) },
            result("mu-nu-0.1", "§2.3", "mean drift exponent μ_ν at 0.1 g_max", paper: 0.06009,
                   tolerance: .absolute(1e-4)) { Double(PCMNoiseModel.driftExponentMean(normalizedTarget: 0.1)) },
            result("sigma-nu-0.1", "§2.3", "drift exponent spread σ_ν at 0.1 g_max", paper: 0.02288,
                   tolerance: .absolute(1e-4)) { Double(PCMNoiseModel.driftExponentStd(normalizedTarget: 0.1)) },
            result("read-noise-0.1", "§2.3", "read-noise coefficient Q_s at 0.1 g_max", paper: 0.03931,
                   tolerance: .absolute(1e-4)) { Double(PCMNoiseModel.readNoiseCoefficient(normalizedConductance: 0.1)) },
            result("mu-nu-floor", "§2.3", "μ_ν at g_max is the printed floor 0.049", paper: 0.049,
                   tolerance: .absolute(1e-6), kind: .consistency) {
                Double(PCMNoiseModel.driftExponentMean(normalizedTarget: 1))
            },
            result("sigma-nu-floor", "§2.3", "σ_ν at g_max is the printed floor 0.008", paper: 0.008,
                   tolerance: .absolute(1e-6), kind: .consistency) {
                Double(PCMNoiseModel.driftExponentStd(normalizedTarget: 1))
            },
            result("read-noise-gmax", "§2.3", "Q_s at g_max is the printed 0.0088", paper: 0.0088,
                   tolerance: .absolute(1e-5), kind: .consistency) {
                Double(PCMNoiseModel.readNoiseCoefficient(normalizedConductance: 1))
            },
            result("drift-factor-1mo", "§2.3", "(t/t_c)^(−0.049) at 1 month, t_c = 20 s", paper: 0.5617,
                   tolerance: .absolute(1e-4)) { Double(model.driftFactor(exponent: 0.049, at: month)) },
            result("drift-factor-1mo-nu0.1", "§2.3", "(t/t_c)^(−0.1) at 1 month", paper: 0.3081,
                   tolerance: .absolute(1e-4)) { Double(model.driftFactor(exponent: 0.1, at: month)) },
            result("read-noise-time-1mo", "§2.3", "read-noise time factor at 1 month", paper: 5.4108,
                   tolerance: .absolute(1e-4)) { model.readNoiseTimeFactor(month) },
            result("mc-mean-drift-1mo", "§2.10 item 2",
                   "Monte-Carlo mean drift factor at 1 month, 20,000 devices, ν ~ N(0.049, 0.008)",
                   paper: 0.5642, tolerance: .relative(0.01)) {
                let drifting = PCMNoiseModel(gamma: 0)
                var rng = SeededGenerator(seed: 2021, stream: 2)
                let devices = 20_000
                let state = drifting.program(targets: [Float](repeating: drifting.gMax, count: devices), generator: &rng)
                let g = drifting.conductances(of: state, at: month, generator: &rng)
                return g.reduce(0.0) { $0 + Double($1 / drifting.gMax) } / Double(devices)
            },
        ]
    }
}
