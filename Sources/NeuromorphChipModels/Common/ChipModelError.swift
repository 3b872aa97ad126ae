import NeuromorphCore

/// A parameter of a chip model that is outside the range the model's equations accept.
///
/// The message names the model, the field, the offending value and the expected form,
/// e.g. `MonetaChip.clockHz = -1 is invalid: expected a finite number > 0`.
public struct ChipModelError: UserFacingError, Sendable, Equatable {
    /// The parameter type or calculator that rejected the value.
    public let model: String
    /// The field (stored property or argument) that holds the bad value.
    public let field: String
    /// The rejected value, as text.
    public let value: String
    /// The accepted form, e.g. "a finite number > 0".
    public let expected: String

    public init(model: String, field: String, value: String, expected: String) {
        self.model = model
        self.field = field
        self.value = value
        self.expected = expected
    }

    public var description: String {
        "\(model).\(field) = \(value) is invalid: expected \(expected)"
    }
}

// MARK: - Validation helpers

/// Range checks used by the parameter structs' throwing initialisers.
enum Check {
    static func positive(_ value: Double, _ field: String, in model: String) throws {
        guard value.isFinite, value > 0 else {
            throw ChipModelError(model: model, field: field, value: "\(value)",
                                 expected: "a finite number > 0")
        }
    }

    static func nonNegative(_ value: Double, _ field: String, in model: String) throws {
        guard value.isFinite, value >= 0 else {
            throw ChipModelError(model: model, field: field, value: "\(value)",
                                 expected: "a finite number >= 0")
        }
    }

    /// Accepts `0 ≤ value ≤ 1`.
    static func unitInterval(_ value: Double, _ field: String, in model: String) throws {
        guard value.isFinite, value >= 0, value <= 1 else {
            throw ChipModelError(model: model, field: field, value: "\(value)",
                                 expected: "a number in [0, 1]")
        }
    }

    /// Accepts `0 < value ≤ 1` (efficiencies and probabilities that divide).
    static func fraction(_ value: Double, _ field: String, in model: String) throws {
        guard value.isFinite, value > 0, value <= 1 else {
            throw ChipModelError(model: model, field: field, value: "\(value)",
                                 expected: "a number in (0, 1]")
        }
    }

    /// Accepts `0 < value < 1` (probabilities that enter a logarithm).
    static func openUnitInterval(_ value: Double, _ field: String, in model: String) throws {
        guard value.isFinite, value > 0, value < 1 else {
            throw ChipModelError(model: model, field: field, value: "\(value)",
                                 expected: "a number in (0, 1)")
        }
    }

    static func positive(_ value: Int, _ field: String, in model: String) throws {
        guard value > 0 else {
            throw ChipModelError(model: model, field: field, value: "\(value)",
                                 expected: "an integer > 0")
        }
    }

    static func greater(_ value: Double, than bound: Double, _ field: String,
                        in model: String) throws {
        guard value.isFinite, value > bound else {
            throw ChipModelError(model: model, field: field, value: "\(value)",
                                 expected: "a finite number > \(bound)")
        }
    }
}
