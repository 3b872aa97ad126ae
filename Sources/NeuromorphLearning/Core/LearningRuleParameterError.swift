import NeuromorphCore

/// A learning-rule parameter outside its domain (a negative nudging strength, a density outside
/// (0, 1], a kernel that is not symmetric, …): the one error type of `NeuromorphLearning`.
///
/// The message names the type, the field, the rejected value and the accepted form, so a spec
/// key or a command-line flag that carried the value can be found from it.
public typealias LearningRuleParameterError = ParameterValueError
