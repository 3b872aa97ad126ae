import NeuromorphCore
import NeuromorphLearning
import NeuromorphNN

/// Muller et al. 2020, matching inductive biases to hardware constraints (sparseRec, FM).
/// Digest `bias-matching_stochastic-synapses_truenorth-kernels.md` §1; note `learning-rules.md`
/// §2.2. All of the paper's results are figures: the two numbers it prints are checked here;
/// the qualitative claims are benchmarks (docs/learning-rules-bias-matching.md).
enum MullerBiasMatchingResults: PaperResultGroup {
    static let paper = Paper(key: "muller2020", citation: "Muller et al. 2020, matching inductive biases to hardware (sparseRec)",
                             digest: "bias-matching_stochastic-synapses_truenorth-kernels.md")

    static var results: [PaperResult] {
        [
            result("dense-baseline-weights", "§1; note §2.2 baseline1",
                   "weights of the dense 784-500-10 baseline, built by the library (paper: ≈ 400,000 parameters)",
                   paper: 400_000, tolerance: .relative(0.01)) {
                let (model, _) = try SparseRecClassifier.model(inputs: 784, classes: 10,
                                                               configuration: .init(hidden: .dense(units: 500)))
                return Double(model.namedParameters().filter { $0.parameter.decays }.reduce(0) { $0 + $1.parameter.value.count })
            },
            result("spectral-radius", "§1 Eq. 5; note §1.2",
                   "spectral radius of the generated sparse W_rec (m = 500, density 0.2) by LAPACK eigenvalues; 0.95 is the target the layer scales to",
                   paper: 0.95, tolerance: .absolute(1e-6), kind: .consistency) {
                var g = SeededGenerator(seed: 4)
                let w = try SparseRecurrentMatrix.make(units: 500, density: 0.2, spectralRadius: 0.95, generator: &g)
                return try Eigenvalues.spectralRadius(w.scalars.map(Double.init), n: 500)
            },
        ]
    }
}
