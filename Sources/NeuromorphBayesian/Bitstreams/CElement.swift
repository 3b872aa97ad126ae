/// The Muller C-element as a Bayesian fuser (Friedman 2016; digest bayesian-hardware
/// §1.3(i)): the output copies the inputs when they agree and holds otherwise. For
/// independent Bernoulli input streams,
///
/// ```
/// P(Z) = P(X)P(Y) / (P(X)P(Y) + (1−P(X))(1−P(Y)))          (Eq. 15)
/// S = 2R(1−R)   switching rate of an uncorrelated stream    (Eq. 16)
/// ```
/// which is Bayes' rule (Eq. 14) with X = P*(E1) and Y = P(V).
public struct CElement: Sendable, Equatable {
    /// The held output.
    public private(set) var output: Bool

    public init(initial: Bool = false) { output = initial }

    /// One clock: copy when `x == y`, else hold.
    public mutating func step(_ x: Bool, _ y: Bool) -> Bool {
        if x == y { output = x }
        return output
    }

    /// The output stream for two input streams.
    public static func fuse(_ x: [Bool], _ y: [Bool], initial: Bool = false) -> [Bool] {
        var element = CElement(initial: initial)
        return zip(x, y).map { element.step($0, $1) }
    }

    /// Eq. 15.
    public static func posterior(_ px: Double, _ py: Double) -> Double {
        px * py / (px * py + (1 - px) * (1 - py))
    }

    /// Eq. 16: the switching rate of an uncorrelated stream of mean R.
    public static func switchingRate(_ r: Double) -> Double { 2 * r * (1 - r) }
}
