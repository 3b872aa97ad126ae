/// An on-chip confusion matrix, rows = true class [INFERRED] (Stuijt et al. 2021,
/// Table 1; digest §2.5).
///
/// ```
/// accuracy  = trace / total          (311 / 333 = 93.39 %)
/// recall_i  = C_ii / Σ_j C_ij
/// ```
public struct GestureConfusionMatrix: Sendable, Hashable {
    /// Class names, in row/column order.
    public let classes: [String]
    /// Counts, `counts[true][predicted]`.
    public let counts: [[Int]]

    public init(classes: [String], counts: [[Int]]) throws {
        let m = "GestureConfusionMatrix"
        guard !classes.isEmpty else {
            throw ChipModelError(model: m, field: "classes", value: "[]",
                                 expected: "at least one class")
        }
        guard counts.count == classes.count, counts.allSatisfy({ $0.count == classes.count }) else {
            throw ChipModelError(model: m, field: "counts", value: "\(counts)",
                                 expected: "a \(classes.count)x\(classes.count) matrix")
        }
        guard counts.joined().allSatisfy({ $0 >= 0 }), counts.joined().reduce(0, +) > 0 else {
            throw ChipModelError(model: m, field: "counts", value: "\(counts)",
                                 expected: "non-negative counts with a positive total")
        }
        self.classes = classes
        self.counts = counts
    }

    private init(unchecked classes: [String], _ counts: [[Int]]) {
        self.classes = classes
        self.counts = counts
    }

    /// The radar-gesture test set (333 samples).
    public static let paper = GestureConfusionMatrix(
        unchecked: ["hello", "toward", "horizontal", "background"],
        [[70, 0, 0, 5], [0, 66, 5, 4], [0, 6, 120, 0], [2, 0, 0, 55]])

    /// Number of samples.
    public var total: Int { counts.joined().reduce(0, +) }

    /// Correct predictions (trace).
    public var correct: Int { counts.indices.reduce(0) { $0 + counts[$1][$1] } }

    /// `trace / total`.
    public var accuracy: Double { Double(correct) / Double(total) }

    /// Per-class recall `C_ii / Σ_j C_ij` (0 for a class with no samples).
    public var recalls: [Double] {
        counts.indices.map { row in
            let sum = counts[row].reduce(0, +)
            return sum == 0 ? 0 : Double(counts[row][row]) / Double(sum)
        }
    }
}
