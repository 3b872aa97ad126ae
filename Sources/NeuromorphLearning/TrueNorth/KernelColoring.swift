/// Type assignment ("coloring") of an integer weight matrix onto a TrueNorth core
/// (Appuswamy et al. 2016, appendix; BM §3; learning-rules note §1.4).
///
/// A matrix W (rows = axons, columns = neurons) fits one core when there is a type vector
/// g ∈ {0..3}^rows and per-column tables S_r with `W[a, r] = S_r(g_a)` wherever
/// `W[a, r] ≠ 0` (C masks the zeros). Equivalently: within every column, rows with distinct
/// non-zero values get distinct types. That is a 4-coloring of the conflict graph whose
/// edges join rows holding distinct non-zero values in a common column.
public enum KernelColoring {
    /// A valid coloring: the type of every row and the table of every column (types a column
    /// does not use hold 0).
    public struct Solution: Sendable, Equatable {
        public var types: [Int]
        public var strengths: [[Int]]
    }

    /// The outcome of a coloring attempt.
    public enum Outcome: Sendable, Equatable {
        case colored(Solution)
        /// No conflict-free coloring: greedy stopped at `column`; exact proved that none exists
        /// (`column` is the first column with more than 4 distinct non-zero values, or −1 when
        /// the backtracking search exhausted every assignment).
        case conflict(column: Int)
        /// The exact search stopped at its step budget without an answer.
        case undecided

        public var solution: Solution? {
            if case .colored(let s) = self { return s }
            return nil
        }
    }

    /// The paper's greedy procedure: columns left to right; in each column a row already
    /// colored keeps its type (a conflict if that type already stands for another value in
    /// this column); an uncolored row takes the type of an equal value in this column, else
    /// the lowest type free in this column.
    public static func greedy(_ w: [Int], rows: Int, columns: Int) -> Outcome {
        precondition(w.count == rows * columns, "KernelColoring: \(w.count) entries for \(rows)×\(columns)")
        var types = [Int](repeating: -1, count: rows)
        for column in 0..<columns {
            var valueOfType: [Int?] = [nil, nil, nil, nil]
            // Rows colored by earlier columns first: they constrain this column.
            for row in 0..<rows where w[row * columns + column] != 0 && types[row] >= 0 {
                let value = w[row * columns + column], t = types[row]
                if let existing = valueOfType[t], existing != value { return .conflict(column: column) }
                valueOfType[t] = value
            }
            for row in 0..<rows where w[row * columns + column] != 0 && types[row] < 0 {
                let value = w[row * columns + column]
                if let t = valueOfType.firstIndex(where: { $0 == value }) {
                    types[row] = t
                } else if let t = valueOfType.firstIndex(where: { $0 == nil }) {
                    types[row] = t
                    valueOfType[t] = value
                } else {
                    return .conflict(column: column)
                }
            }
        }
        return .colored(solution(types.map { Swift.max($0, 0) }, w, rows: rows, columns: columns))
    }

    /// Exact 4-coloring of the conflict graph by backtracking (DSATUR order: the row with
    /// the most distinctly-colored neighbours next; a new type only as the lowest unused one,
    /// which removes the 4! relabelings). `stepLimit` bounds the search.
    public static func exact(_ w: [Int], rows: Int, columns: Int, stepLimit: Int = 1_000_000) -> Outcome {
        precondition(w.count == rows * columns, "KernelColoring: \(w.count) entries for \(rows)×\(columns)")
        // Conflict graph.
        var neighbours = [Set<Int>](repeating: [], count: rows)
        for column in 0..<columns {
            let nonzero = (0..<rows).filter { w[$0 * columns + column] != 0 }
            for (x, a) in nonzero.enumerated() {
                for b in nonzero[(x + 1)...] where w[a * columns + column] != w[b * columns + column] {
                    neighbours[a].insert(b)
                    neighbours[b].insert(a)
                }
            }
        }
        let adjacency = neighbours.map { Array($0) }
        // A clique of 5 (e.g. 5 distinct non-zero values in one column) can never be colored.
        for column in 0..<columns {
            let values = Set((0..<rows).map { w[$0 * columns + column] }.filter { $0 != 0 })
            if values.count > TrueNorthCore.axonTypeCount { return .conflict(column: column) }
        }
        var types = [Int](repeating: -1, count: rows)
        var steps = 0
        var exhausted = false

        func saturation(_ row: Int) -> Int {
            var seen = 0
            for n in adjacency[row] where types[n] >= 0 { seen |= 1 << types[n] }
            return seen.nonzeroBitCount
        }
        func search(_ remaining: Int, _ used: Int) -> Bool {
            if remaining == 0 { return true }
            steps += 1
            if steps > stepLimit { exhausted = true; return false }
            var best = -1, bestSat = -1, bestDegree = -1
            for row in 0..<rows where types[row] < 0 {
                let s = saturation(row)
                if s > bestSat || (s == bestSat && adjacency[row].count > bestDegree) {
                    best = row; bestSat = s; bestDegree = adjacency[row].count
                }
            }
            var blocked = 0
            for n in adjacency[best] where types[n] >= 0 { blocked |= 1 << types[n] }
            for t in 0..<Swift.min(used + 1, TrueNorthCore.axonTypeCount) where blocked & (1 << t) == 0 {
                types[best] = t
                if search(remaining - 1, Swift.max(used, t + 1)) { return true }
                if exhausted { return false }
            }
            types[best] = -1
            return false
        }
        if search(rows, 0) { return .colored(solution(types, w, rows: rows, columns: columns)) }
        return exhausted ? .undecided : .conflict(column: -1)
    }

    /// Whether `solution` represents W exactly: `S_r(g_a) = W[a, r]` wherever W ≠ 0.
    public static func represents(_ solution: Solution, _ w: [Int], rows: Int, columns: Int) -> Bool {
        guard solution.types.count == rows, solution.strengths.count == columns else { return false }
        for row in 0..<rows { for column in 0..<columns where w[row * columns + column] != 0 {
            if solution.strengths[column][solution.types[row]] != w[row * columns + column] { return false }
        } }
        return true
    }

    private static func solution(_ types: [Int], _ w: [Int], rows: Int, columns: Int) -> Solution {
        var strengths = [[Int]](repeating: [0, 0, 0, 0], count: columns)
        for row in 0..<rows { for column in 0..<columns where w[row * columns + column] != 0 {
            strengths[column][types[row]] = w[row * columns + column]
        } }
        return Solution(types: types, strengths: strengths)
    }
}

extension TrueNorthCore {
    /// A core that represents the integer matrix `w` (rows = axons, columns = neurons)
    /// through a coloring: C = (W ≠ 0), g and S from `solution`.
    public init(representing w: [Int], rows: Int, columns: Int, solution: KernelColoring.Solution,
                thresholds: [Int], leaks: [Int]? = nil) throws {
        guard KernelColoring.represents(solution, w, rows: rows, columns: columns) else {
            throw LearningRuleParameterError(type: "TrueNorthCore", field: "solution", value: "a coloring that misses W",
                                             expected: "a coloring with S_r(g_a) = W[a, r] wherever W ≠ 0")
        }
        try self.init(axonCount: rows, neuronCount: columns, connectivity: w.map { $0 != 0 }, axonTypes: solution.types,
                      strengths: solution.strengths.flatMap { $0 }, thresholds: thresholds, leaks: leaks)
    }
}
