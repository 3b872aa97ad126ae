import Foundation

/// One headline number: the paper's value next to the value the calculator computes.
///
/// `paper` is what the paper prints (its rounding, in its unit); `model` is computed
/// from the model's parameters by the equations, in the same unit.
public struct PaperComparison: Sendable, Equatable {
    /// What is compared, e.g. "peak throughput".
    public let quantity: String
    /// Display unit shared by `paper` and `model`, e.g. "TOPS".
    public let unit: String
    /// The value printed in the paper.
    public let paper: Double
    /// The value computed by Neuromorph.
    public let model: Double
    /// Where the paper value comes from (paper equation/table, digest section).
    public let source: String
    /// Erratum or reading notes; empty when the match is plain.
    public let note: String

    public init(quantity: String, unit: String, paper: Double, model: Double,
                source: String, note: String = "") {
        self.quantity = quantity
        self.unit = unit
        self.paper = paper
        self.model = model
        self.source = source
        self.note = note
    }

    /// `|model − paper| / |paper|` (absolute error when the paper value is 0).
    public var relativeError: Double {
        paper == 0 ? abs(model) : abs(model - paper) / abs(paper)
    }
}
