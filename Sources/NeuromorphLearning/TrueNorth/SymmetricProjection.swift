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
    ///
    /// With `masked` every feature also gets a connectivity mask (``SymmetricKernel/mask``,
    /// the crossbar C of `W = C ∘ S(g)`): its kernel is `α_o · M_o ∘ f_o(types)` with
    /// f_o ∈ {−1, +1}⁴, fitted by alternating the signs and mask given α
    /// (``bestMaskedStrengths(_:types:)``) with α given them.
    public static func nearestGroup(_ kernels: [[Float]], channels: Int, size: Int, exhaustiveBases: Bool = false,
                                    restarts: Int = 2, seed: UInt64 = 0, masked: Bool = false) throws -> [Projected] {
        let area = size * size
        guard !kernels.isEmpty, channels >= 1, size >= 1, kernels.allSatisfy({ $0.count == channels * area }) else {
            throw LearningRuleParameterError(type: "SymmetricProjection", field: "kernels",
                                             value: "\(kernels.count) kernels of \(kernels.map(\.count)) values",
                                             expected: "kernels of channels·size·size = \(channels * area) values")
        }
        let features = kernels.count
        let w = kernels.map { $0.map(Double.init) }
        var bestLoss = Double.infinity
        var best: (pair: Int, bases: [Int], f: [[Int]], scales: [Double], masks: [[Bool]]?) = (0, [], [], [], nil)
        let freeScales = w.map { freeTrinaryScale($0) }

        // Residual ‖W − αK‖² = ‖W‖² − Σ_o gain_o for the optimal f, α (and masks).
        func fit(_ typesOf: [[Int]], _ bases: [Int]) -> (f: [[Int]], scales: [Double], gain: Double, masks: [[Bool]]?) {
            if masked {
                let types = (0..<channels).flatMap { typesOf[bases[$0]] }
                var fs: [[Int]] = [], scales: [Double] = [], masks: [[Bool]] = [], total = 0.0
                for o in 0..<features {
                    let r = bestMaskedStrengths(w[o], types: types, initialScale: freeScales[o])
                    fs.append(r.f); scales.append(r.scale); masks.append(r.mask); total += r.gain
                }
                return (fs, scales, total, masks)
            }
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
            return (fs, scales, total, nil)
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
                                        let x = w[o][c * area + p]
                                        let d = x - a * Double(f[typesOf[b][p]])
                                        // A masked entry is 0 or α·f(t), whichever is closer.
                                        err += masked ? Swift.min(d * d, x * x) : d * d
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
                    best = (index, bases, current.f, current.scales, current.masks)
                }
            }
        }
        let pair = Permutation4.commutingPairs[best.pair]
        return try (0..<features).map { o in
            Projected(kernel: try SymmetricKernel(sigma: pair.sigma, rho: pair.rho, strengths: best.f[o], bases: best.bases,
                                                  size: size, mask: best.masks?[o]),
                      scale: Float(best.scales[o]))
        }
    }

    /// Signature clusters ([I], docs/learning-rules-truenorth.md "Signature clusters"): the
    /// features of one group split into `clusters` equal clusters, each with its own (σ, ρ, b)
    /// and so its own axon type vector; on TrueNorth every cluster gets its own cores, which
    /// receive copies of the group's inputs (k× the cores of one signature, still one axon
    /// per input). A balanced k-means over signatures:
    /// ```
    /// start: one signature for all (nearestGroup); features ranked by their relative gain
    ///        under it and cut into k equal clusters
    /// repeat ≤ 4: S_j = nearestGroup(cluster j)                      (fit each signature)
    ///             gain[o][j] = ‖W_o‖² − min_{f,α(,M)} ‖W_o − α K(f; S_j)‖²
    ///             assign: greedily the largest gain[o][j] first, at most n/k per cluster
    /// ```
    /// keeping the partition with the largest total gain. `clusters = 1` is ``nearestGroup(_:channels:size:exhaustiveBases:restarts:seed:masked:)``.
    ///
    /// - Returns: every feature's projection and its cluster index.
    /// - Throws: `LearningRuleParameterError` when `clusters` does not divide the features, or
    ///   for kernels of the wrong length.
    public static func nearestClusters(_ kernels: [[Float]], channels: Int, size: Int, clusters: Int,
                                       exhaustiveBases: Bool = false, restarts: Int = 2, seed: UInt64 = 0,
                                       masked: Bool = false) throws -> (projected: [Projected], cluster: [Int]) {
        let n = kernels.count
        guard clusters >= 1, n % clusters == 0 else {
            throw LearningRuleParameterError(type: "SymmetricProjection", field: "clusters", value: "\(clusters) for \(n) features",
                                             expected: "a positive divisor of the group's feature count")
        }
        func project(_ members: [Int], _ j: Int) throws -> [Projected] {
            try nearestGroup(members.map { kernels[$0] }, channels: channels, size: size, exhaustiveBases: exhaustiveBases,
                             restarts: restarts, seed: seed &+ UInt64(j) &* 7919, masked: masked)
        }
        let shared = try project(Array(0..<n), 0)
        guard clusters > 1 else { return (shared, [Int](repeating: 0, count: n)) }
        let w = kernels.map { $0.map(Double.init) }
        let norms = w.map { $0.reduce(0) { $0 + $1 * $1 } }
        let freeScales = w.map { freeTrinaryScale($0) }
        /// ‖W_o‖² − residual of feature o's best fit to the axon types of `kernel`'s signature.
        func gain(_ o: Int, _ kernel: SymmetricKernel) -> Double {
            var types: [Int] = []
            for c in 0..<channels { for i in 0..<size { for j in 0..<size { types.append(kernel.axonType(row: i, column: j, channel: c)) } } }
            if masked { return bestMaskedStrengths(w[o], types: types, initialScale: freeScales[o]).gain }
            var sums = [0.0, 0, 0, 0], counts = [0.0, 0, 0, 0]
            for (e, x) in w[o].enumerated() { sums[types[e]] += x; counts[types[e]] += 1 }
            return bestStrengths(sums: sums, counts: counts).gain
        }
        let capacity = n / clusters
        // Start: rank by relative gain under the shared signature, cut into equal clusters.
        let relative = (0..<n).map { norms[$0] > 0 ? gain($0, shared[$0].kernel) / norms[$0] : 1 }
        var assignment = [Int](repeating: 0, count: n)
        for (rank, o) in (0..<n).sorted(by: { relative[$0] > relative[$1] }).enumerated() { assignment[o] = rank / capacity }
        var best: (gain: Double, projected: [Projected], cluster: [Int])?
        for _ in 0..<4 {
            var projected = shared
            var total = 0.0
            var signatures: [SymmetricKernel] = []
            for j in 0..<clusters {
                let members = (0..<n).filter { assignment[$0] == j }
                let fit = try project(members, j)
                for (k, o) in members.enumerated() {
                    projected[o] = fit[k]
                    let v = fit[k].values.map(Double.init)
                    total += norms[o] - zip(w[o], v).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                }
                signatures.append(fit[0].kernel)
            }
            if let previous = best, total <= previous.gain + 1e-12 { break }
            best = (total, projected, assignment)
            // Reassign: largest gains first, at most `capacity` features per cluster.
            var pairs: [(gain: Double, o: Int, j: Int)] = []
            for o in 0..<n { for j in 0..<clusters { pairs.append((gain(o, signatures[j]), o, j)) } }
            pairs.sort { $0.gain != $1.gain ? $0.gain > $1.gain : ($0.o, $0.j) < ($1.o, $1.j) }
            var next = [Int](repeating: -1, count: n), filled = [Int](repeating: 0, count: clusters)
            for p in pairs where next[p.o] < 0 && filled[p.j] < capacity { next[p.o] = p.j; filled[p.j] += 1 }
            if next == assignment { break }
            assignment = next
        }
        guard let best else { return (shared, [Int](repeating: 0, count: n)) }
        return (best.projected, best.cluster)
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

    /// The least-squares scale of the nearest free trinary kernel (keep the m largest |w|,
    /// m maximizing (Σ_top-m |w|)²/m; α = their mean |w|): the masked fit's starting α.
    static func freeTrinaryScale(_ w: [Double]) -> Double {
        let sorted = w.map(abs).sorted(by: >)
        var sum = 0.0, bestGain = 0.0, best = 0.0
        for (m, v) in sorted.enumerated() {
            sum += v
            let gain = sum * sum / Double(m + 1)
            if gain > bestGain { bestGain = gain; best = sum / Double(m + 1) }
        }
        return best
    }

    /// The masked fit of one feature given every entry's axon type: minimizes
    /// `Σ_e (w_e − α M_e f(t_e))²` over f ∈ {−1, +1}⁴, the mask M and α ≥ 0 by alternation
    /// ([I], a coordinate descent that never increases the residual): given α, each type takes
    /// the sign with the lower `Σ_e min(w_e², (w_e − α f)²)` and an entry is connected when
    /// `w_e f(t_e) > α/2`; given f and M, `α = Σ_M w_e f(t_e) / |M|`. A type with no connected
    /// entry gets f = 0. Returns f, α, M and the gain `‖w‖² − residual`.
    static func bestMaskedStrengths(_ w: [Double], types: [Int], initialScale: Double)
        -> (f: [Int], scale: Double, mask: [Bool], gain: Double) {
        let norm = w.reduce(0) { $0 + $1 * $1 }
        var alpha = initialScale
        var f = [1, 1, 1, 1], mask = [Bool](repeating: false, count: w.count)
        var residual = norm
        for _ in 0..<6 {
            guard alpha > 0 else { break }
            // Signs given α.
            var cost = [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]
            for (e, x) in w.enumerated() {
                let t = types[e]
                cost[t][0] += Swift.min(x * x, (x - alpha) * (x - alpha))
                cost[t][1] += Swift.min(x * x, (x + alpha) * (x + alpha))
            }
            for t in 0..<4 { f[t] = cost[t][1] < cost[t][0] ? -1 : 1 }
            // Mask given α and f, then α given both.
            var dot = 0.0, count = 0.0
            for (e, x) in w.enumerated() {
                let s = Double(f[types[e]])
                mask[e] = x * s > alpha / 2
                if mask[e] { dot += x * s; count += 1 }
            }
            guard count > 0 else { break }
            let next = dot / count
            var r = 0.0
            for (e, x) in w.enumerated() {
                let d = mask[e] ? x - next * Double(f[types[e]]) : x
                r += d * d
            }
            let converged = abs(next - alpha) <= 1e-12 * Swift.max(1, abs(alpha))
            alpha = next
            residual = r
            if converged { break }
        }
        guard mask.contains(true) else { return ([0, 0, 0, 0], 0, mask, 0) }
        var used = [false, false, false, false]
        for (e, m) in mask.enumerated() where m { used[types[e]] = true }
        for t in 0..<4 where !used[t] { f[t] = 0 }
        return (f, alpha, mask, norm - residual)
    }

    private static func pow4(_ n: Int) -> Double { (0..<n).reduce(1.0) { r, _ in r * 4 } }
}
