import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore

/// Program-and-verify writes of a target matrix (aihwkit issue #450: 42.9 min for 150×150).
@Suite struct AnalogProgrammingTests {
    @Test func programAndVerifyReachesTheTargetOnANoisyDevice() throws {
        var g = SeededGenerator(seed: 1)
        var tile = try CrossbarArray(outputs: 150, inputs: 150, device: ConstantStepDevice(), generator: &g)
        // Targets inside every device's sampled bounds (w_max 0.6 with 30 % dtod).
        let target = Tensor.randomUniform([150, 150], lower: -0.25, upper: 0.25, using: &g)
        let report = tile.programWeights(target, tolerance: 0.005)
        #expect(report.convergedFraction > 0.99, "\(report)")
        #expect(report.rmsError < 0.01)     // a few devices have sampled bounds inside ±0.25
        #expect(report.pulses > 150 * 150)      // real pulsed writes, not a direct set
        #expect(tile.pulseCounts.reduce(0) { $0 + Int($1) } == report.pulses)
    }

    @Test func devicesBeyondTheirBoundsStopAtTheBound() throws {
        var g = SeededGenerator(seed: 2)
        var tile = try CrossbarArray(outputs: 4, inputs: 4, device: ConstantStepDevice(), generator: &g)
        let report = tile.programWeights(Tensor(repeating: 5, shape: [4, 4]), maxIterations: 5)
        #expect(report.convergedFraction == 0)
        #expect(tile.weights.scalars.allSatisfy { $0 < 1.2 })      // clipped at the sampled w_max
        #expect(report.iterations == 5)
    }
}
