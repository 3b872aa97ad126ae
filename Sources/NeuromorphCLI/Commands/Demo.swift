import ArgumentParser
import Foundation
import Neuromorph

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the default models (an MLP and a small CNN) on Fashion-MNIST and report accuracy and time.")

    @Option(help: "Fashion-MNIST folder.")
    var data = "/usr/share/datasets/fashion-mnist"

    @Flag(help: "Skip the analog-versus-digital comparison (aihwkit's W2 workload on a constant-step crossbar).")
    var skipAnalog = false

    @Flag(help: "A smoke run: 1 epoch (unless --epochs) on the first 256 training and test samples of each set.")
    var quick = false

    @OptionGroup var options: RunOptions

    func run() throws {
        options.applyThreads()
        var specs = [ExperimentPresets.fashionMLP, ExperimentPresets.fashionCNN]
        if !skipAnalog {
            // The same sigmoid MLP trained digitally and on analog crossbars (aihwkit's
            // AnalogLinear + AnalogSGD workload W2), side by side.
            for var spec in [ExperimentPresets.aihwkitW2, ExperimentPresets.aihwkitW2Analog(.constantStep, name: "constant-step")] {
                spec.training.epochs = 5
                specs.append(spec)
            }
        }
        let haveFashion = ["train-images-idx3-ubyte", "train-images-idx3-ubyte.gz"].contains {
            FileManager.default.fileExists(atPath: URL(fileURLWithPath: data).appendingPathComponent($0).path)
        }
        if haveFashion {
            for i in specs.indices { specs[i].data.path = data }
        } else {
            say("""
                Fashion-MNIST was not found in \(data) (install it with `apt-get install dataset-fashion-mnist`;
                `make demo` does). Falling back to the 8×8 digits shipped with Neuromorph.
                """)
            specs = specs.map(ExperimentPresets.onShippedDigits)
        }
        if quick {
            for i in specs.indices {
                specs[i].training.epochs = 1
                specs[i].data.trainLimit = 256
                specs[i].data.testLimit = 256
            }
        }
        specs = specs.map(options.applied)
        let root = options.outputFolder(for: "demo")
        say("neuromorph demo → \(root.path)  (threads \(ComputeThreads.count), OpenBLAS \(ComputeThreads.blasConfiguration))")
        var rows: [(String, String, Int, Float, Double, Double)] = []
        try reportingErrors {
            for spec in specs {
                say("\n== \(spec.name) ==")
                let results = try ExperimentRunner.run(spec, output: root.appendingPathComponent(spec.name), log: say)
                let trainSeconds = results.epochs.reduce(0) { $0 + $1.trainSeconds }
                rows.append((spec.name, results.model, results.parameters, results.finalTest.accuracy ?? 0, trainSeconds,
                             results.totalSeconds))
            }
        }
        say("\nmodel                          hardware               parameters  epochs  test accuracy  train time  wall time")
        for (row, spec) in zip(rows, specs) {
            let hardware = spec.hardware.analog.map { "analog \($0.device.rawValue)" } ?? "digital"
            say(spec.name.padding(toLength: 30, withPad: " ", startingAt: 0) + " "
                + hardware.padding(toLength: 22, withPad: " ", startingAt: 0)
                + String(format: " %10d  %6d  %11.2f %%  %8.1f s  %7.1f s", row.2, spec.training.epochs, row.3 * 100, row.4, row.5))
        }
        say("results, metrics.csv and checkpoints in \(root.path)")
    }
}
