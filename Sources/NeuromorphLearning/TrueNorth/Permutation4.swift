/// A permutation of the four TrueNorth axon types {0, 1, 2, 3}: an element of the symmetric
/// group S₄ (Appuswamy et al. 2016, BM §3; learning-rules note §1.4).
///
/// `images[t]` is π(t). Composition follows function composition: `(σ ∘ ρ)(t) = σ(ρ(t))`.
public struct Permutation4: Sendable, Hashable, Codable, CustomStringConvertible {
    /// π(0), π(1), π(2), π(3).
    public let images: [Int]

    /// A permutation from its images; throws unless `images` is a rearrangement of 0, 1, 2, 3.
    public init(_ images: [Int]) throws {
        guard images.count == 4, images.sorted() == [0, 1, 2, 3] else {
            throw LearningRuleParameterError(type: "Permutation4", field: "images", value: "\(images)",
                                             expected: "a rearrangement of [0, 1, 2, 3]")
        }
        self.images = images
    }

    private init(unchecked images: [Int]) { self.images = images }

    /// The identity.
    public static let identity = Permutation4(unchecked: [0, 1, 2, 3])

    /// All 24 elements of S₄ in lexicographic order of their images.
    public static let all: [Permutation4] = {
        var result: [Permutation4] = []
        for a in 0..<4 { for b in 0..<4 where b != a { for c in 0..<4 where c != a && c != b {
            result.append(Permutation4(unchecked: [a, b, c, 6 - a - b - c]))
        } } }
        return result
    }()

    /// π(t).
    @inlinable public func callAsFunction(_ t: Int) -> Int { images[t] }

    /// `self ∘ other`: t ↦ self(other(t)).
    public func composed(with other: Permutation4) -> Permutation4 {
        Permutation4(unchecked: other.images.map { images[$0] })
    }

    /// π⁻¹.
    public var inverse: Permutation4 {
        var result = [0, 0, 0, 0]
        for t in 0..<4 { result[images[t]] = t }
        return Permutation4(unchecked: result)
    }

    /// πⁿ for any integer n (negative powers are powers of the inverse).
    public func power(_ n: Int) -> Permutation4 {
        let base = n < 0 ? inverse : self
        var result = Permutation4.identity
        for _ in 0..<abs(n) { result = base.composed(with: result) }
        return result
    }

    /// Whether σ ∘ ρ = ρ ∘ σ.
    public func commutes(with other: Permutation4) -> Bool { composed(with: other) == other.composed(with: self) }

    /// The order (smallest n ≥ 1 with πⁿ = id).
    public var order: Int {
        var n = 1
        var p = self
        while p != .identity { p = composed(with: p); n += 1 }
        return n
    }

    /// All ordered pairs (σ, ρ) of commuting permutations. There are |S₄| × (number of
    /// conjugacy classes) = 24 × 5 = 120 of them (learning-rules note §2.4).
    public static let commutingPairs: [(sigma: Permutation4, rho: Permutation4)] = {
        var pairs: [(sigma: Permutation4, rho: Permutation4)] = []
        for s in all { for r in all where s.commutes(with: r) { pairs.append((s, r)) } }
        return pairs
    }()

    public var description: String { "(" + images.map(String.init).joined(separator: " ") + ")" }
}
