/// A symmetric convolution kernel (Appuswamy et al. 2016, Theorem 1; BM §3; learning-rules
/// note §1.4): the kernels whose block-Toeplitz convolution matrix a TrueNorth core
/// represents exactly with one axon-type vector shared by all neurons.
///
/// For commuting permutations σ, ρ ∈ S₄, a strength function f: {0..3} → ℤ and one base
/// type b_c per input channel,
/// ```
/// K[c][i][j] = f(σ^i ρ^j (b_c))        i = kernel row, j = kernel column
/// ```
/// With one channel and b = 0 this is the paper's `K_ij = f(σ^i(ρ^j(0)))`. The channel
/// bases are the [I] reading of the paper's 3-D kernels `Sym(f, ρ, σ, b) ∈ ℝ^{L×L×M}`
/// (the seed text lost the formula): an exact representation needs nothing more (see
/// ``axonType(row:column:channel:)``).
///
/// The explicit core representation [C] (note §1.4): input pixel (c, a, b) gets the axon type
/// `g(a, b) = σ^a ρ^b (b_c)` and the neuron whose receptive field starts at (l, q) the strength
/// table `S_(l,q)(t) = f((σ^l ρ^q)⁻¹(t))`; then
/// `S_(l,q)(g(a, b)) = f(σ^(a−l) ρ^(b−q)(b_c)) = K[c][a−l][b−q]` because σ and ρ commute.
///
/// An optional connectivity `mask` M (one Bool per kernel entry) gives the masked kernel
/// `K_M[c][i][j] = M[c][i][j] · f(σ^i ρ^j(b_c))`: the core's binary crossbar C of
/// `W = C ∘ S(g)` (Appuswamy et al. 2016 §3) set to the shift-invariant pattern
/// `C[(c,a,b),(l,q)] = M[c][a−l][b−q]` realises it with the same axon types and tables, and
/// the paper's coloring condition treats zero entries as free ([I]: that the paper's networks
/// use such masks is our reading; the seed text lost the details).
public struct SymmetricKernel: Sendable, Hashable, Codable {
    public let sigma: Permutation4
    public let rho: Permutation4
    /// f(0), f(1), f(2), f(3).
    public let strengths: [Int]
    /// The base type b_c of every input channel (`[0]` for a 2-D kernel).
    public let bases: [Int]
    /// The kernel is `size × size` per channel.
    public let size: Int
    /// Which entries the crossbar connects, in (channel, row, column) order; nil = all.
    public let mask: [Bool]?

    /// Throws unless σ and ρ commute, `strengths` has 4 entries, every base is a type 0...3
    /// and `size ≥ 1`.
    public init(sigma: Permutation4, rho: Permutation4, strengths: [Int], bases: [Int] = [0], size: Int, mask: [Bool]? = nil) throws {
        guard sigma.commutes(with: rho) else {
            throw LearningRuleParameterError(type: "SymmetricKernel", field: "rho", value: "\(rho) with sigma \(sigma)",
                                             expected: "a permutation that commutes with sigma")
        }
        guard strengths.count == 4 else {
            throw LearningRuleParameterError(type: "SymmetricKernel", field: "strengths", value: "\(strengths)",
                                             expected: "4 values f(0), f(1), f(2), f(3)")
        }
        guard !bases.isEmpty, bases.allSatisfy({ (0..<4).contains($0) }) else {
            throw LearningRuleParameterError(type: "SymmetricKernel", field: "bases", value: "\(bases)",
                                             expected: "one axon type 0...3 per input channel")
        }
        guard size >= 1 else {
            throw LearningRuleParameterError(type: "SymmetricKernel", field: "size", value: "\(size)", expected: "1 or more")
        }
        if let mask, mask.count != bases.count * size * size {
            throw LearningRuleParameterError(type: "SymmetricKernel", field: "mask", value: "\(mask.count) entries",
                                             expected: "channels·size·size = \(bases.count * size * size) entries")
        }
        self.mask = mask
        self.sigma = sigma
        self.rho = rho
        self.strengths = strengths
        self.bases = bases
        self.size = size
    }

    /// The number of input channels.
    public var channels: Int { bases.count }

    /// Whether `other` has the same (σ, ρ, b) and size, i.e. the same axon type for every
    /// input, so both can share one core's axons.
    public func sameSignature(as other: SymmetricKernel) -> Bool {
        sigma == other.sigma && rho == other.rho && bases == other.bases && size == other.size
    }

    /// σ^a ρ^b (t) for any non-negative a, b (powers reduced modulo 12, a multiple of every
    /// element order in S₄).
    public static func orbit(_ sigma: Permutation4, _ rho: Permutation4, _ a: Int, _ b: Int, from t: Int) -> Int {
        sigma.power(a % 12)(rho.power(b % 12)(t))
    }

    /// The axon type of input pixel (row a, column b) of channel c: `σ^a ρ^b (b_c)`.
    public func axonType(row a: Int, column b: Int, channel c: Int) -> Int {
        SymmetricKernel.orbit(sigma, rho, a, b, from: bases[c])
    }

    /// The strength table of the neuron whose receptive field starts at input (row l,
    /// column q): `S(t) = f((σ^l ρ^q)⁻¹(t))`.
    public func neuronStrengths(row l: Int, column q: Int) -> [Int] {
        let inverse = sigma.power(l % 12).composed(with: rho.power(q % 12)).inverse
        return (0..<4).map { strengths[inverse($0)] }
    }

    /// K[c][i][j] (times the mask, if any) in (channel, row, column) order, the row layout of a
    /// ``GroupedConv2d`` weight.
    public var values: [Int] {
        var result: [Int] = []
        result.reserveCapacity(channels * size * size)
        for c in 0..<channels { for i in 0..<size { for j in 0..<size {
            let connected = mask?[result.count] ?? true
            result.append(connected ? strengths[axonType(row: i, column: j, channel: c)] : 0)
        } } }
        return result
    }

    /// Whether every strength is −1, 0 or +1.
    public var isTrinary: Bool { strengths.allSatisfy { (-1...1).contains($0) } }

    /// All 3⁴ = 81 trinary strength functions f.
    public static let trinaryStrengthFunctions: [[Int]] = {
        var result: [[Int]] = []
        for a in -1...1 { for b in -1...1 { for c in -1...1 { for d in -1...1 { result.append([a, b, c, d]) } } } }
        return result
    }()

    /// The distinct single-channel trinary symmetric kernels of one size (row-major values),
    /// over all 120 commuting pairs and 81 strength functions, in first-found order.
    /// Counts [C]: 81 for 2×2 (every trinary 2×2 kernel), 405 for 3×3, 561 for 4×4
    /// (learning-rules note §2.4).
    public static func distinctTrinaryKernels(size: Int) throws -> [[Int]] {
        var seen = Set<[Int]>()
        var result: [[Int]] = []
        for pair in Permutation4.commutingPairs {
            for f in trinaryStrengthFunctions {
                let values = try SymmetricKernel(sigma: pair.sigma, rho: pair.rho, strengths: f, size: size).values
                if seen.insert(values).inserted { result.append(values) }
            }
        }
        return result
    }
}
