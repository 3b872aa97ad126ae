import ArgumentParser
import Foundation
import Neuromorph

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time Neuromorph's kernels and training steps (medians of repeats) and print a table.")

    @Option(help: "Compute threads (default: all cores).")
    var threads: Int?

    @Option(help: "Repeats per workload (the median is reported).")
    var repeats = 7

    @Flag(help: "A smoke run: one iteration per repeat, no warm-up, small matrices and tiles (numbers are not meaningful).")
    var quick = false

    func validate() throws {
        if repeats < 1 { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func run() throws {
        ComputeThreads.set(threads ?? ProcessInfo.processInfo.activeProcessorCount)
        print("neuromorph bench: threads \(ComputeThreads.count), OpenBLAS \(ComputeThreads.blasConfiguration)")
        print("median of \(repeats) repeats; run on a quiet machine\n")
        var rows: [(String, String, String)] = []
        for row in BenchWorkloads.all(repeats: repeats, scale: quick ? .quick : .full) {
            rows.append(row)
            print(row.0.padding(toLength: 56, withPad: " ", startingAt: 0) + row.1.padding(toLength: 18, withPad: " ", startingAt: 0) + row.2)
        }
    }
}

/// How much work each `neuromorph bench` workload does.
struct BenchScale {
    /// Iterations per timed repeat are multiplied by this (at least 1 remains).
    var iterationScale: Double
    /// Warm-up iterations are multiplied by this.
    var warmupScale: Double
    /// Side of the square sgemm.
    var gemmSize: Int
    /// Side of the square analog tile timed on its own.
    var tileSize: Int
    /// Batch of the inference forward passes.
    var inferenceBatch: Int

    /// The published table: 512×512 sgemm, 1,024×1,024 tile, batch 1,000.
    static let full = BenchScale(iterationScale: 1, warmupScale: 1, gemmSize: 512, tileSize: 1024, inferenceBatch: 1000)
    /// Smoke tests: one iteration, no warm-up, small sizes.
    static let quick = BenchScale(iterationScale: 0, warmupScale: 0, gemmSize: 64, tileSize: 64, inferenceBatch: 16)

    func iterations(_ n: Int) -> Int { max(1, Int(Double(n) * iterationScale)) }
    func warmup(_ n: Int) -> Int { Int(Double(n) * warmupScale) }
}

/// The workloads `neuromorph bench` times.
enum BenchWorkloads {
    static func all(repeats: Int, scale: BenchScale = .full) -> [(String, String, String)] {
        var rows: [(String, String, String)] = []
        var generator = SeededGenerator(seed: 0)

        // sgemm n×n: Tensor.gemm vs OpenBLAS called directly.
        let n = scale.gemmSize
        let a = Tensor.randomNormal([n, n], using: &generator), b = Tensor.randomNormal([n, n], using: &generator)
        var c = Tensor.zeros([n, n])
        let flops = 2 * Double(n * n * n)
        let ours = Timing.measure(repeats: repeats, iterations: scale.iterations(20), warmup: scale.warmup(2)) { Tensor.gemm(a, .none, b, .none, into: &c) }
        var raw = [Float](repeating: 0, count: n * n)
        let direct = a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                raw.withUnsafeMutableBufferPointer { pc in
                    Timing.measure(repeats: repeats, iterations: scale.iterations(20), warmup: scale.warmup(2)) { RawBLAS.sgemm(pa.baseAddress!, pb.baseAddress!, pc.baseAddress!, n: n) }
                }
            }
        }
        rows.append(("sgemm \(n)×\(n) (Tensor.gemm)", String(format: "%.1f GFLOP/s", flops / ours.median / 1e9),
                     String(format: "%.3f ms", ours.median * 1e3)))
        rows.append(("sgemm \(n)×\(n) (OpenBLAS cblas_sgemm directly)", String(format: "%.1f GFLOP/s", flops / direct.median / 1e9),
                     String(format: "ratio ours/direct %.2f", ours.median / direct.median)))

        // W1: MLP 784-256-128-10, sigmoid, log-softmax, NLL, SGD lr 0.1, batch 64.
        var model = Sequential([Linear(784, 256, generator: &generator), Activation(.sigmoid),
                                Linear(256, 128, generator: &generator), Activation(.sigmoid),
                                Linear(128, 10, generator: &generator), LogSoftmax()])
        let x = Tensor.randomUniform([64, 784], using: &generator)
        let labels = (0..<64).map { _ in generator.nextInt(below: 10) }
        var sgd = SGD(learningRate: 0.1)
        let step = Timing.measure(repeats: repeats, iterations: scale.iterations(200), warmup: scale.warmup(20)) {
            Trainer.step(&model, optimizer: &sgd, loss: NLLLoss(), inputs: x, labels: labels)
        }
        rows.append(("W1 digital train step (784-256-128-10, batch 64)", String(format: "%.3f ms/step", step.median * 1e3),
                     String(format: "%.1f s/epoch of 60k", step.median * 60_000 / 64)))
        let xb = Tensor.randomUniform([scale.inferenceBatch, 784], using: &generator)
        let inference = Timing.measure(repeats: repeats, iterations: scale.iterations(10), warmup: scale.warmup(2)) { _ = model.forward(xb, mode: .inference) }
        rows.append(("W1 digital forward, batch \(scale.inferenceBatch)", String(format: "%.3f ms/batch", inference.median * 1e3), ""))

        // The demo CNN: one training step on a batch of 64 Fashion-MNIST-sized images.
        var cnn = Sequential([Reshape([1, 28, 28]),
                              Conv2d(1, 16, kernelSize: 3, padding: 1, generator: &generator), Activation(.relu), Pool2d(.max, window: 2),
                              Conv2d(16, 32, kernelSize: 3, padding: 1, generator: &generator), Activation(.relu), Pool2d(.max, window: 2),
                              Flatten(), Linear(32 * 7 * 7, 128, generator: &generator), Activation(.relu),
                              Linear(128, 10, generator: &generator)])
        var momentum = SGD(learningRate: 0.05, momentum: 0.9)
        let cnnStep = Timing.measure(repeats: repeats, iterations: scale.iterations(10), warmup: scale.warmup(2)) {
            Trainer.step(&cnn, optimizer: &momentum, loss: SoftmaxCrossEntropy(), inputs: x, labels: labels)
        }
        rows.append(("demo CNN train step (2 conv+pool, FC 128, batch 64)", String(format: "%.2f ms/step", cnnStep.median * 1e3),
                     String(format: "%.1f s/epoch of 60k", cnnStep.median * 60_000 / 64)))
        rows += analog(repeats: repeats, scale: scale, x: x, labels: labels, generator: &generator)
        rows += spiking(repeats: repeats, scale: scale)
        return rows
    }

    /// W1 on analog tiles (aihwkit's `AnalogLinear` + `AnalogSGD` workload in
    /// `shared/peers/aihwkit_mlp.py`) and a 1,024×1,024 tile's forward/backward/update.
    static func analog(repeats: Int, scale: BenchScale, x: Tensor, labels: [Int], generator: inout SeededGenerator) -> [(String, String, String)] {
        var rows: [(String, String, String)] = []
        func w1<D: PulsedDeviceConfiguration>(_ device: D, _ name: String, io: IOParameters = .forwardDefault,
                                             backward: IOParameters = .backwardDefault,
                                             update: PulsedUpdateParameters = PulsedUpdateParameters()) {
            var g = SeededGenerator(seed: 1)
            guard var model = try? Sequential([
                AnalogLinear(784, 256, device: device, forwardIO: io, backwardIO: backward, update: update, generator: &g),
                Activation(.sigmoid),
                AnalogLinear(256, 128, device: device, forwardIO: io, backwardIO: backward, update: update, generator: &g),
                Activation(.sigmoid),
                AnalogLinear(128, 10, device: device, forwardIO: io, backwardIO: backward, update: update, generator: &g),
                LogSoftmax()]) else { return }
            var sgd = SGD(learningRate: 0.1)
            let t = Timing.measure(repeats: repeats, iterations: scale.iterations(20), warmup: scale.warmup(3)) {
                Trainer.step(&model, optimizer: &sgd, loss: NLLLoss(), inputs: x, labels: labels)
            }
            rows.append(("W1 analog train step, \(name)", String(format: "%.3f ms/step", t.median * 1e3),
                         String(format: "%.1f s/epoch of 60k", t.median * 60_000 / 64)))
        }
        var floatUpdate = PulsedUpdateParameters()
        floatUpdate.pulseType = .float
        w1(IdealPulsedDevice(), "floating-point tile", io: .perfect, backward: .perfect, update: floatUpdate)
        w1(SoftBoundsDevice(), "SoftBounds SGD")
        w1(ConstantStepDevice(), "ConstantStep SGD")

        // W1 inference forward on PCM inference tiles, batch 1,000 (aihwkit InferenceRPUConfig
        // in shared/peers/aihwkit_mlp.py, last line): programmed, drift-compensated read at 1 h.
        do {
            var g = SeededGenerator(seed: 3)
            var digital = Sequential([Linear(784, 256, generator: &g), Activation(.sigmoid), Linear(256, 128, generator: &g),
                                      Activation(.sigmoid), Linear(128, 10, generator: &g), LogSoftmax()])
            _ = digital.parameterCount()
            var model = AnalogInference.convert(digital)
            let xb = Tensor.randomUniform([scale.inferenceBatch, 784], using: &g)
            AnalogInference.calibrateInputRanges(&model, inputs: xb)
            AnalogInference.program(&model, noiseModel: PCMNoiseModel.paper, seed: 1)
            AnalogInference.read(&model, at: InferenceTime(seconds: 3600))
            let t = Timing.measure(repeats: repeats, iterations: scale.iterations(5), warmup: scale.warmup(2)) { _ = model.forward(xb, mode: .inference) }
            rows.append(("W1 PCM inference forward, batch \(scale.inferenceBatch)", String(format: "%.3f ms/batch", t.median * 1e3), ""))
        }

        // One 1,024×1,024 tile (scale.tileSize), batch 64: forward, backward and pulsed update separately.
        var g = SeededGenerator(seed: 2)
        let side = scale.tileSize
        guard var tile = try? CrossbarArray(outputs: side, inputs: side, device: ConstantStepDevice(), generator: &g) else { return rows }
        tile.setWeights(Tensor.randomUniform([side, side], lower: -0.3, upper: 0.3, using: &g))
        let xb = Tensor.randomUniform([64, side], using: &g), db = Tensor.randomNormal([64, side], std: 0.01, using: &g)
        let forward = Timing.measure(repeats: repeats, iterations: scale.iterations(5), warmup: scale.warmup(2)) { _ = tile.forward(xb) }
        let backward = Timing.measure(repeats: repeats, iterations: scale.iterations(5), warmup: scale.warmup(2)) { _ = tile.backward(db) }
        let update = Timing.measure(repeats: repeats, iterations: scale.iterations(5), warmup: scale.warmup(2)) { tile.update(x: xb, d: db, learningRate: 0.01) }
        let macs = 64.0 * Double(side * side)
        rows.append(("\(side)×\(side) tile forward, batch 64", String(format: "%.3f ms", forward.median * 1e3),
                     String(format: "%.1f GMAC/s", macs / forward.median / 1e9)))
        rows.append(("\(side)×\(side) tile backward, batch 64", String(format: "%.3f ms", backward.median * 1e3),
                     String(format: "%.1f GMAC/s", macs / backward.median / 1e9)))
        rows.append(("\(side)×\(side) tile pulsed update, batch 64 (lr 0.01)", String(format: "%.3f ms", update.median * 1e3),
                     String(format: "%.2f M device updates/s", macs / update.median / 1e6)))
        return rows
    }

    /// The spiking engine: Brette 2007 COBA (W1) in seconds per biological second, Euler and
    /// RKF45, on the compute threads set; and the event-driven μBrain network's SOP/s.
    static func spiking(repeats: Int, scale: BenchScale) -> [(String, String, String)] {
        let duration = scale.iterationScale == 0 ? 20.0 : 1000.0
        var rows: [(String, String, String)] = []
        // The note's rows are single-threaded; restore the thread count afterwards.
        let threads = ComputeThreads.count
        ComputeThreads.set(1)
        defer { ComputeThreads.set(threads) }
        for (integrator, runs) in [(LIFCondExp.Integrator.euler, repeats), (.rkf45, min(repeats, 3))] {
            var seconds: [Double] = []
            var spikes = 0
            for _ in 0..<runs {
                guard let result = try? Brette2007COBA(integrator: integrator).run(duration: duration) else { continue }
                seconds.append(result.seconds)
                spikes = result.spikes
            }
            guard !seconds.isEmpty else { continue }
            let median = seconds.sorted()[seconds.count / 2] / (duration / 1000)
            rows.append(("COBA W1 4,000 iaf_cond_exp, \(integrator.rawValue), 1 thread", String(format: "%.3f s/bio-s", median),
                         String(format: "%d spikes in %.0f ms", spikes, duration)))
        }
        if let result = try? EventDrivenBenchmark.muBrain(images: scale.iterationScale == 0 ? 2 : 50, repeats: min(repeats, 3)) {
            rows.append(("event-driven integer IF, μBrain 256-64-10, 1 thread", String(format: "%.2e SOP/s", result.synapticOperationsPerSecond),
                         "\(result.images) images"))
        }
        return rows
    }
}
