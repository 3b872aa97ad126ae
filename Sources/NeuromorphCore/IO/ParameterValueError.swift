/// A model parameter outside the range its equations accept: the shared error of the spiking
/// engine (`SpikingParameterError`) and the learning rules (`LearningRuleParameterError`).
///
/// The message names the type, the field, the rejected value and the expected form, e.g.
/// `QFormat.bits = 40 is invalid: expected an integer in 1...32`, so the spec key or flag that
/// carried the value can be found from it.
public struct ParameterValueError: UserFacingError, Sendable, Equatable {
    /// The type or function that rejected the value.
    public let type: String
    /// The field or argument holding the bad value.
    public let field: String
    /// The rejected value, as text.
    public let value: String
    /// The accepted form.
    public let expected: String

    public init(type: String, field: String, value: String, expected: String) {
        self.type = type
        self.field = field
        self.value = value
        self.expected = expected
    }

    public var description: String { "\(type).\(field) = \(value) is invalid: expected \(expected)" }
}
