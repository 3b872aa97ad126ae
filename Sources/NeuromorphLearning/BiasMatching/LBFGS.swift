import Foundation

/// Full-batch limited-memory BFGS (Nocedal 1980; Nocedal & Wright 2006, Alg. 7.4 two-loop
/// recursion) with an optional box `l ≤ x ≤ u`, the optimizer of AutoRec and of the
/// sparseRec AutoRec of Muller et al. 2020 (§4.2; spec §1.2).
///
/// The bounded variant is a *projected* L-BFGS, not Zhu et al.'s L-BFGS-B (no generalized
/// Cauchy point or subspace minimization): each iteration
/// 1. fixes the active set `A = {i : x_i = l_i, g_i > 0} ∪ {i : x_i = u_i, g_i < 0}`,
/// 2. takes the two-loop direction `d = −H g` on the free variables (`d_i = 0` on `A`;
///    steepest descent on the free variables when that is not a descent direction),
/// 3. backtracks `x(α) = P(x + α d)` until the Armijo condition
///    `f(x(α)) ≤ f(x) + c₁ gᵀ(x(α) − x)` holds (`c₁ = 1e-4`, α halved),
/// 4. stores the pair `(s, y)` only when `sᵀy > ε ‖s‖ ‖y‖` (keeps `H` positive definite).
///
/// Stops when the projected gradient's max-norm is below `gradientTolerance`, the relative
/// decrease of `f` is below `functionTolerance`, or after `maxIterations`.
public struct LBFGS: Sendable, Equatable {
    /// Stored `(s, y)` pairs (SciPy's `maxcor`, default 10).
    public var memory = 10
    public var maxIterations = 200
    /// On `‖P(x − g) − x‖∞` (SciPy's `pgtol`).
    public var gradientTolerance = 1e-6
    /// On `(f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1)` (SciPy's `ftol`).
    public var functionTolerance = 1e-12
    /// Halvings per line search before giving up.
    public var maxBacktracks = 40

    public init(memory: Int = 10, maxIterations: Int = 200, gradientTolerance: Double = 1e-6,
                functionTolerance: Double = 1e-12) {
        self.memory = memory
        self.maxIterations = maxIterations
        self.gradientTolerance = gradientTolerance
        self.functionTolerance = functionTolerance
    }

    /// Why a run stopped.
    public enum Stop: String, Sendable, Codable {
        case gradientTolerance = "gradient_tolerance"
        case functionTolerance = "function_tolerance"
        case maxIterations = "max_iterations"
        case lineSearchFailed = "line_search_failed"
    }

    public struct Result: Sendable {
        public var x: [Double]
        public var value: Double
        public var iterations: Int
        /// Function evaluations (each also computes the gradient).
        public var evaluations: Int
        public var stop: Stop
        /// `f` after each iteration (index 0: the start).
        public var history: [Double]
    }

    /// Minimizes `f` from `x0` (projected into the box first). `f` returns the value and the
    /// gradient; `lower`/`upper` are per-variable bounds (`−∞`/`+∞` for free variables) or nil.
    /// `onIteration(k, f)` is called after every iteration.
    public func minimize(_ x0: [Double], lower: [Double]? = nil, upper: [Double]? = nil,
                         onIteration: (Int, Double) -> Void = { _, _ in },
                         _ f: ([Double]) -> (value: Double, gradient: [Double])) -> Result {
        let n = x0.count
        precondition(lower.map { $0.count == n } ?? true && upper.map { $0.count == n } ?? true, "LBFGS: bound sizes")
        let lo = lower ?? [Double](repeating: -.infinity, count: n)
        let hi = upper ?? [Double](repeating: .infinity, count: n)
        func project(_ x: inout [Double]) {
            for i in 0..<n { x[i] = Swift.min(Swift.max(x[i], lo[i]), hi[i]) }
        }
        var x = x0
        project(&x)
        var (fx, g) = f(x)
        var evaluations = 1
        var history = [fx]
        var s: [[Double]] = [], y: [[Double]] = [], rho: [Double] = []
        var stop = Stop.maxIterations
        var iteration = 0
        while iteration < maxIterations {
            // Projected-gradient test and active set.
            var active = [Bool](repeating: false, count: n)
            var pgNorm = 0.0
            for i in 0..<n {
                let step = Swift.min(Swift.max(x[i] - g[i], lo[i]), hi[i]) - x[i]
                pgNorm = Swift.max(pgNorm, Swift.abs(step))
                active[i] = (x[i] <= lo[i] && g[i] > 0) || (x[i] >= hi[i] && g[i] < 0)
            }
            if pgNorm < gradientTolerance { stop = .gradientTolerance; break }
            // Two-loop recursion on the free gradient.
            var q = (0..<n).map { active[$0] ? 0 : g[$0] }
            var alpha = [Double](repeating: 0, count: s.count)
            for k in stride(from: s.count - 1, through: 0, by: -1) {
                alpha[k] = rho[k] * Self.dot(s[k], q)
                for i in 0..<n { q[i] -= alpha[k] * y[k][i] }
            }
            if let last = s.indices.last {
                let gamma = Self.dot(s[last], y[last]) / Swift.max(Self.dot(y[last], y[last]), .leastNormalMagnitude)
                for i in 0..<n { q[i] *= gamma }
            }
            for k in 0..<s.count {
                let beta = rho[k] * Self.dot(y[k], q)
                for i in 0..<n { q[i] += s[k][i] * (alpha[k] - beta) }
            }
            var d = (0..<n).map { active[$0] ? 0 : -q[$0] }
            if Self.dot(d, g) >= 0 || s.isEmpty {
                // Not a descent direction (or the first step): scaled steepest descent on the free set.
                s.removeAll(); y.removeAll(); rho.removeAll()
                let norm = Swift.max(Self.dot(g, g).squareRoot(), .leastNormalMagnitude)
                d = (0..<n).map { active[$0] ? 0 : -g[$0] / Swift.max(norm, 1) }
            }
            // Backtracking projected line search (Armijo).
            var step = 1.0
            var accepted: (x: [Double], f: Double, g: [Double])?
            for _ in 0..<maxBacktracks {
                var trial = x
                for i in 0..<n { trial[i] += step * d[i] }
                project(&trial)
                var decrease = 0.0
                for i in 0..<n { decrease += g[i] * (trial[i] - x[i]) }
                let (ft, gt) = f(trial)
                evaluations += 1
                if ft.isFinite && ft <= fx + 1e-4 * decrease { accepted = (trial, ft, gt); break }
                step *= 0.5
            }
            guard let (xNew, fNew, gNew) = accepted else { stop = .lineSearchFailed; break }
            let sk = (0..<n).map { xNew[$0] - x[$0] }, yk = (0..<n).map { gNew[$0] - g[$0] }
            let sy = Self.dot(sk, yk)
            if sy > 1e-10 * Self.dot(sk, sk).squareRoot() * Self.dot(yk, yk).squareRoot() {
                s.append(sk); y.append(yk); rho.append(1 / sy)
                if s.count > memory { s.removeFirst(); y.removeFirst(); rho.removeFirst() }
            }
            let relative = (fx - fNew) / Swift.max(Swift.abs(fx), Swift.abs(fNew), 1)
            (x, fx, g) = (xNew, fNew, gNew)
            iteration += 1
            history.append(fx)
            onIteration(iteration, fx)
            if relative < functionTolerance { stop = .functionTolerance; break }
        }
        return Result(x: x, value: fx, iterations: iteration, evaluations: evaluations, stop: stop, history: history)
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }
}
