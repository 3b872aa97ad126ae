import NeuromorphCore

/// Projection of trained real kernels onto the nearest trinary symmetric kernels
/// (Appuswamy et al. 2016, §4: "replaced by Sym(f*, ρ*, σ*, b*)", sped up by an EM search;
/// learning-rules note §1.4, [I] least-squares scale).
///
/// A real kernel W is replaced by α·K with K symmetric trinary and the least-squares scale
/// `α = ⟨W, K⟩ / ⟨K, K⟩`, minimizing ‖W − αK‖², i.e. maximizing `⟨W, K⟩² / ⟨K, K⟩`.
public enum SymmetricProjection {
    /// The result for one feature: its symmetric kernel and its scale α ≥ 0.
    public struct Projected: Sendable, Equatable {
        public var kernel: SymmetricKernel
        public var scale: Float
        /// α·K in (channel, row, column) order.
        public var values: [Float] { kernel.values.map { Float($0) * scale } }
    }

    /// The best trinary f and scale for entries grouped by type: `sums[t] = Σ W` and
    /// `counts[t]` = number of entries of type t. Maximizes (Σ_t f_t s_t)² / Σ_t f_t² n_t
    /// over the 81 trinary f, with Σ f s ≥ 0 so that α ≥ 0.
    static func bestStrengths(sums: [Double], counts: [Double]) -> (f: [Int], scale: Double, gain: Double) {
        var best: [Int] = [0, 0, 0, 0], bestGain = 0.0, bestScale = 0.0
        for f in SymmetricKernel.trinaryStrengthFunctions {
            var dot = 0.0, norm = 0.0
            for t in 0..<4 where f[t] != 0 { dot += Double(f[t]) * sums[t]; norm += counts[t] }
            guard norm > 0, dot > 0 else { continue }
            let gain = dot * dot / norm
            if gain > bestGain + 1e-12 { best = f; bestGain = gain; bestScale = dot / norm }
        }
        return (best, bestScale, bestGain)
    }

    /// The nearest single-channel trinary symmetric kernel to `kernel` (row-major
    /// `size × size`), by exhaustive search over the 120 commuting pairs and 81 strength
    /// functions (the base type b = 0; other bases give no new 2-D kernels).
    public static func nearest(_ kernel: [Float], size: Int) throws -> Projected {
        try nearestGroup([kernel], channels: 1, size: size, exhaustiveBases: true)[0]
    }

    /// Projects the kernels of one group (features that read the same input channels, so
    /// share one type vector on a core): one (σ, ρ, b) for the group, one (f_o, α_o) per
    /// feature. For every commuting pair it alternates (EM-style [I]) the best f_o, α_o given
    /// the bases with the best base b_c of every channel given the f's and α's, from the
    /// all-zero bases and `restarts` random starts (seeded by `seed`); with `exhaustiveBases` (small channel counts
    /// only) it tries every base vector instead.
    ///
    /// - Throws: `LearningRuleParameterError` for kernels of the wrong length.
    public static func nearestGroup(_ kernels: [[Float]], channels: Int, size: Int, exhaustiveBases: Bool = false,
                                    restarts: Int = 2, seed: UInt64 = 0) throws -> [Projected] {
        let area = size * size
        guard !kernels.isEmpty, channels >= 1, size >= 1, kernels.allSatisfy({ $0.count == channels * area }) else {
            throw LearningRuleParameterError(type: "SymmetricProjection", field: "kernels",
                                             value: "\(kernels.count) kernels of \(kernels.map(\.count)) values",
                                             expected: "kernels of channels·size·size = \(channels * area) values")
        }
        let features = kernels.count
        let w = kernels.map { $0.map(Double.init) }
        var bestLoss = Double.infinity
        var best: (pair: Int, bases: [Int], f: [[Int]], scales: [Double]) = (0, [], [], [])

        // Residual ‖W − αK‖² = ‖W‖² − Σ_o gain_o for the optimal f, α.
        func fit(_ typesOf: [[Int]], _ bases: [Int]) -> (f: [[Int]], scales: [Double], gain: Double) {
            var fs: [[Int]] = [], scales: [Double] = [], total = 0.0
            for o in 0..<features {
                var sums = [0.0, 0, 0, 0], counts = [0.0, 0, 0, 0]
                for c in 0..<channels {
                    let types = typesOf[bases[c]]
                    for p in 0..<area { sums[types[p]] += w[o][c * area + p]; counts[types[p]] += 1 }
                }
                let r = bestStrengths(sums: sums, counts: counts)
                fs.append(r.f); scales.append(r.scale); total += r.gain
            }
            return (fs, scales, total)
        }

        let baseVectors: [[Int]]
        if exhaustiveBases {
            let total = Int(pow4(channels))
            precondition(total <= 4096, "SymmetricProjection: exhaustive bases only for ≤ 6 channels")
            baseVectors = (0..<total).map { code in (0..<channels).map { (code >> (2 * $0)) & 3 } }
        } else {
            var starts = [[Int](repeating: 0, count: channels)]
            var generator = SeededGenerator(seed: seed, key: StreamKey("truenorth", "projection"))
            for _ in 0..<restarts { starts.append((0..<channels).map { _ in generator.nextInt(below: 4) }) }
            baseVectors = starts
        }
        for (index, typesOf) in distinctTypeMaps(size: size) {
            for start in baseVectors {
                var bases = start
                var current = fit(typesOf, bases)
                if !exhaustiveBases {
                    for _ in 0..<8 {
                        // M-step: every channel's base given the f's and scales.
                        var changed = false
                        for c in 0..<channels {
                            var bestBase = bases[c], bestErr = Double.infinity
                            for b in 0..<4 {
                                var err = 0.0
                                for o in 0..<features {
                                    let f = current.f[o], a = current.scales[o]
                                    for p in 0..<area {
                                        let d = w[o][c * area + p] - a * Double(f[typesOf[b][p]])
                                        err += d * d
                                    }
                                }
                                if err < bestErr - 1e-12 { bestErr = err; bestBase = b }
                            }
                            if bestBase != bases[c] { bases[c] = bestBase; changed = true }
                        }
                        guard changed else { break }
                        current = fit(typesOf, bases)
                    }
                }
                let loss = -current.gain
                if loss < bestLoss - 1e-12 {
                    bestLoss = loss
                    best = (index, bases, current.f, current.scales)
                }
            }
        }
        let pair = Permutation4.commutingPairs[best.pair]
        return try (0..<features).map { o in
            Projected(kernel: try SymmetricKernel(sigma: pair.sigma, rho: pair.rho, strengths: best.f[o], bases: best.bases,
                                                  size: size),
                      scale: Float(best.scales[o]))
        }
    }

    /// The commuting pairs whose type maps `typesOf[b][p]` (the type of kernel position
    /// p = i·size + j for base b) differ, with one representative pair index each. Two pairs
    /// give the same kernel family when one global relabeling of the types maps one's four
    /// base maps onto the other's (f and the bases are free), so only one of them is searched.
    static func distinctTypeMaps(size: Int) -> [(pair: Int, typesOf: [[Int]])] {
        var seen = Set<[[Int]]>()
        var result: [(pair: Int, typesOf: [[Int]])] = []
        for (index, pair) in Permutation4.commutingPairs.enumerated() {
            let typesOf = (0..<4).map { b in
                (0..<(size * size)).map { SymmetricKernel.orbit(pair.sigma, pair.rho, $0 / size, $0 % size, from: b) }
            }
            let key = Permutation4.all.map { pi in typesOf.map { $0.map { pi($0) } }.sorted { $0.lexicographicallyPrecedes($1) } }
                .min { a, b in a.joined().lexicographicallyPrecedes(b.joined()) }!
            if seen.insert(key).inserted { result.append((index, typesOf)) }
        }
        return result
    }

    private static func pow4(_ n: Int) -> Double { (0..<n).reduce(1.0) { r, _ in r * 4 } }
}
