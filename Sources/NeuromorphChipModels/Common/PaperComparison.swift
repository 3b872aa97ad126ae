import Foundation

/// One headline number: the paper's value next to the value the calculator computes.
///
/// `paper` is what the paper prints (its rounding, in its unit); `model` is computed
/// from the model's parameters by the equations, in the same unit.
///
/// ``kind`` says how much a match means: only ``Kind/computed`` rows test the model against the
/// paper; an ``Kind/input`` row echoes a number the model was given, and a
/// ``Kind/consistencyCheck`` row recomputes a paper value from inputs that were fitted or
/// inferred from that very value (so it checks arithmetic, not physics).
public struct PaperComparison: Sendable, Equatable {
    /// How a compared value relates to the paper value it is compared with.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Computed by the model from inputs independent of the compared paper value.
        case computed
        /// Recomputed from inputs fitted to, or inferred from, the compared value itself.
        case consistencyCheck = "consistency check"
        /// A model input echoed back (the paper value is a preset parameter).
        case input
    }

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
    /// Whether `model` is computed independently, a consistency check or an echoed input.
    public let kind: Kind

    public init(quantity: String, unit: String, paper: Double, model: Double,
                source: String, note: String = "", kind: Kind = .computed) {
        self.kind = kind
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
