import Foundation

/// Probability that a Poisson light pulse goes undetected (Primavera & Shainline 2021,
/// Eq. 1; digest §2.2).
///
/// ```
/// P(0) = Σ_{k≥0} (N_ph^k e^{−N_ph} / k!) (1 − η_D)^k = exp(−N_ph · η_D)      (1)
/// N_ph = −ln P(0) / η_D            (99 % detection at η_D = 0.7: 6.58, "roughly 7")
/// ```
public struct PhotonDetection: Sendable, Hashable {
    /// Detector efficiency η_D, in (0, 1] (0.7).
    public let detectorEfficiency: Double

    public init(detectorEfficiency: Double) throws {
        try Check.fraction(detectorEfficiency, "detectorEfficiency", in: "PhotonDetection")
        self.detectorEfficiency = detectorEfficiency
    }

    private init(unchecked efficiency: Double) {
        detectorEfficiency = efficiency
    }

    /// The paper's assumed detector (η_D = 70 %).
    public static let paper = PhotonDetection(unchecked: 0.7)

    /// Closed form `exp(−N_ph η_D)` (Eq. 1, right-hand side).
    public func missProbability(meanPhotons: Double) throws -> Double {
        try Check.nonNegative(meanPhotons, "meanPhotons", in: "PhotonDetection")
        return exp(-meanPhotons * detectorEfficiency)
    }

    /// The series of Eq. 1, `Σ_{k<terms} Poisson(k; N_ph) (1 − η_D)^k`, summed term by term.
    public func missProbabilitySeries(meanPhotons: Double, terms: Int = 200) throws -> Double {
        try Check.nonNegative(meanPhotons, "meanPhotons", in: "PhotonDetection")
        try Check.positive(terms, "terms", in: "PhotonDetection")
        var term = exp(-meanPhotons)  // k = 0
        var sum = term
        for k in 1..<max(terms, 1) {
            term *= meanPhotons * (1 - detectorEfficiency) / Double(k)
            sum += term
        }
        return sum
    }

    /// Mean photons per pulse for a tolerated miss probability: `−ln P(0) / η_D`.
    public func photonsForMissProbability(_ miss: Double) throws -> Double {
        try Check.openUnitInterval(miss, "missProbability", in: "PhotonDetection")
        return -log(miss) / detectorEfficiency
    }

    /// Monte-Carlo estimate of P(0): per trial, draw Poisson(N_ph) photons and detect
    /// each with probability η_D; a trial misses if no photon is detected.
    public func monteCarloMissRate(meanPhotons: Double, trials: Int,
                                   generator: inout MonteCarloRNG) throws -> Double {
        try Check.nonNegative(meanPhotons, "meanPhotons", in: "PhotonDetection")
        try Check.positive(trials, "trials", in: "PhotonDetection")
        guard meanPhotons < 500 else {
            throw ChipModelError(model: "PhotonDetection", field: "meanPhotons",
                                 value: "\(meanPhotons)", expected: "a mean < 500 photons")
        }
        var misses = 0
        for _ in 0..<trials {
            let photons = generator.nextPoisson(mean: meanPhotons)
            var detected = false
            for _ in 0..<photons where generator.nextUnitInterval() < detectorEfficiency {
                detected = true
            }
            if !detected { misses += 1 }
        }
        return Double(misses) / Double(trials)
    }
}
