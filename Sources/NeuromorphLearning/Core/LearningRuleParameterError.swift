import NeuromorphCore

/// A learning-rule parameter outside its domain (a negative nudging strength, a density outside
/// (0, 1], a kernel that is not symmetric, …): the one error type of `NeuromorphLearning`.
///
/// The message names the type, the field, the rejected value and the accepted form, so a spec
/// key or a command-line flag that carried the value can be found from it.
public struct LearningRuleParameterError: UserFacingError, Sendable, Equatable {
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
