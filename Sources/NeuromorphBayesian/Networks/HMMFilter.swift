/// The discrete hidden-Markov filter of Thakur 2016's spiking SMC hardware (digest
/// bayesian-hardware §1.3(g)):
///
/// ```
/// P(X_t | Y_{1:t−1}) = Σ_{x'} P(X_t | x') P(x' | Y_{1:t−1})                       (Eq. 9)
/// P(X_t | Y_{1:t}) = P(Y_t | X_t) P(X_t | Y_{1:t−1}) / Σ_x P(Y_t | x) P(x | Y_{1:t−1})   (Eq. 10–11)
/// ```
public struct HMMFilter: Sendable, Equatable {
    /// `transition[i][j]` = P(X_t = j | X_{t−1} = i).
    public let transition: [[Double]]
    /// `emission[i][y]` = P(Y = y | X = i).
    public let emission: [[Double]]
    public let initial: [Double]

    public init(transition: [[Double]], emission: [[Double]], initial: [Double]) throws {
        let n = initial.count
        guard n > 0, transition.count == n, transition.allSatisfy({ $0.count == n && Swift.abs($0.reduce(0, +) - 1) < 1e-9 }) else {
            throw BayesianError(field: "transition", value: "\(transition)", expected: "an \(n)×\(n) row-stochastic matrix")
        }
        guard emission.count == n, let symbols = emission.first?.count, emission.allSatisfy({ $0.count == symbols }) else {
            throw BayesianError(field: "emission", value: "\(emission)", expected: "\(n) rows of equal length")
        }
        self.transition = transition
        self.emission = emission
        self.initial = initial
    }

    /// The filtered posterior after each observation (Eq. 9–11).
    public func filter(_ observations: [Int]) -> [[Double]] {
        var belief = initial
        var history: [[Double]] = []
        for (t, y) in observations.enumerated() {
            let predicted = t == 0 ? belief : belief.indices.map { j in belief.indices.reduce(0) { $0 + transition[$1][j] * belief[$1] } }
            let unnormalized = predicted.indices.map { emission[$0][y] * predicted[$0] }
            let total = unnormalized.reduce(0, +)
            belief = unnormalized.map { $0 / total }
            history.append(belief)
        }
        return history
    }

    /// The same posterior by summing the joint over every hidden path (exponential; tests).
    public func enumeratedPosterior(_ observations: [Int]) -> [Double] {
        let n = initial.count, length = observations.count
        var posterior = [Double](repeating: 0, count: n)
        var path = [Int](repeating: 0, count: length)
        func visit(_ t: Int, _ probability: Double) {
            if t == length {
                posterior[path[length - 1]] += probability
                return
            }
            for x in 0..<n {
                path[t] = x
                let prior = t == 0 ? initial[x] : transition[path[t - 1]][x]
                visit(t + 1, probability * prior * emission[x][observations[t]])
            }
        }
        visit(0, 1)
        let total = posterior.reduce(0, +)
        return posterior.map { $0 / total }
    }
}
