import Testing
@testable import NeuromorphLearning

@Suite("Learning-rule parameter errors")
struct LearningRuleParameterErrorTests {
    @Test("the message names the type, the field, the value and the expected form")
    func messageNamesEverything() {
        let error = LearningRuleParameterError(type: "EquilibriumPropagation", field: "beta", value: "-1",
                                               expected: "a positive number")
        #expect(error.description == "EquilibriumPropagation.beta = -1 is invalid: expected a positive number")
    }
}
