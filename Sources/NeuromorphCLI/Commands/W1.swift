import ArgumentParser
import Foundation
import Neuromorph

/// `neuromorph w1 --preset NAME`: aihwkit's W1 workload (MLP 784-256-128-10, sigmoid,
/// log-softmax, NLL, batch 64, SGD lr 0.1 on analog layers; `benchmarks/peers/aihwkit_mlp.py`)
/// timed with an aihwkit algorithm preset, for side-by-side runs.
struct W1: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time aihwkit's W1 MLP training step with an aihwkit analog preset (see `neuromorph presets --analog`).")

    @Option(help: "An aihwkit algorithm preset, e.g. TikiTakaEcRamPreset.")
    var preset: String

    @Option(help: "Timed steps (after 2 warm-up steps).")
    var steps = 20

    @Option(help: "Compute threads.")
    var threads = 1

    func validate() throws {
        if steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
        if threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func run() throws {
        ComputeThreads.set(threads)
        try reportingErrors {
            let text = "{\"preset\": \"\(preset.replacingOccurrences(of: "\"", with: ""))\"}"
            let analog: AnalogHardwareSpec
            do {
                analog = try JSONDecoder().decode(AnalogHardwareSpec.self, from: Data(text.utf8))
            } catch let error as DecodingError {
                throw SpecLoader.describe(error, file: "--preset")
            } catch var error as SpecError {
                error.file = "--preset"
                throw error
            }
            var g = SeededGenerator(seed: 1)
            var model = Sequential([try analog.linear(784, 256, bias: true, generator: &g), Activation(.sigmoid),
                                    try analog.linear(256, 128, bias: true, generator: &g), Activation(.sigmoid),
                                    try analog.linear(128, 10, bias: true, generator: &g), LogSoftmax()])
            let x = Tensor.randomUniform([64, 784], using: &g)
            let labels = (0..<64).map { _ in g.nextInt(below: 10) }
            var sgd = SGD(learningRate: 0.1)
            for _ in 0..<2 { Trainer.step(&model, optimizer: &sgd, loss: NLLLoss(), inputs: x, labels: labels) }
            let clock = ContinuousClock()
            let start = clock.now
            for _ in 0..<steps { Trainer.step(&model, optimizer: &sgd, loss: NLLLoss(), inputs: x, labels: labels) }
            let elapsed = clock.now - start
            let seconds = (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18) / Double(steps)
            print(String(format: "neuromorph %@ %9.2f ms/step", preset, seconds * 1000))
        }
    }
}
