import ArgumentParser
import Foundation
import Neuromorph

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time Neuromorph's kernels and training steps (medians of repeats) and print a table.",
        discussion: """
            Without options: the published table (sgemm, W1 MLP digital and analog, the demo CNN, PCM \
            inference, a 1,024² tile, the spiking engine). --workload NAME times one workload and prints \
            `NAME MS` (what benchmarks/perf/pairs.sh pairs with the peers). --scaling prints how the cost \
            grows with tile size and batch, 1 vs 2 threads (speed-up, bit-identity) and the peak resident \
            memory of each workload (--json for scripts).
            """)

    @Option(help: "Compute threads (default: all cores).")
    var threads: Int?

    @Option(help: "Repeats per workload (the median is reported).")
    var repeats = 7

    @Flag(help: "A smoke run: one iteration per repeat, no warm-up, small matrices and tiles (numbers are not meaningful).")
    var quick = false

    @Option(help: "Time only this workload and print `NAME MS` (ms per step or batch): \(BenchWorkload.allCases.map(\.rawValue).joined(separator: ", ")).")
    var workload: BenchWorkload?

    @Option(help: "Iterations per repeat of --workload (default: the workload's own).")
    var iterations: Int?

    @Option(help: "Warm-up iterations of --workload.")
    var warmup = 2

    @Flag(help: "The scaling table: tile forward/backward/pulsed update for 256² … --max-tile² at batch 64, the demo CNN step for batch 16 … 256, 1 vs 2 threads, peak resident memory.")
    var scaling = false

    @Option(help: "Largest tile side of --scaling (a power of two from 256; 4096 needs about 1 GB and a few minutes).")
    var maxTile = 2048

    @Flag(help: "With --scaling: print JSON instead of the table.")
    var json = false

    func validate() throws {
        if repeats < 1 { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if let iterations, iterations < 1 { throw ValidationError("--iterations must be at least 1, got \(iterations)") }
        if warmup < 0 { throw ValidationError("--warmup must be 0 or more, got \(warmup)") }
        if maxTile < 256 || maxTile > 8192 || maxTile & (maxTile - 1) != 0 {
            throw ValidationError("--max-tile must be a power of two in 256...8192, got \(maxTile)")
        }
        if json && !scaling { throw ValidationError("--json needs --scaling") }
        if scaling && workload != nil { throw ValidationError("--scaling and --workload are separate runs; give one") }
    }

    func run() throws {
        if scaling {
            let report = ScalingBench.run(repeats: repeats, quick: quick, maxTile: maxTile)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(report.table)
            }
            return
        }
        ComputeThreads.set(threads ?? ProcessInfo.processInfo.activeProcessorCount)
        if let workload {
            let body = workload.make(batch: 64, quick: quick)
            let t = Timing.measure(repeats: repeats, iterations: iterations ?? workload.defaultIterations, warmup: warmup) { body() }
            print("\(workload.rawValue) \(String(format: "%.3f", t.median * 1e3))")
            return
        }
        print("neuromorph bench: threads \(ComputeThreads.count), OpenBLAS \(ComputeThreads.blasConfiguration)")
        print("median of \(repeats) repeats; run on a quiet machine\n")
        var rows: [(String, String, String)] = []
        for row in BenchWorkloads.all(repeats: repeats, scale: quick ? .quick : .full) {
            rows.append(row)
            print(row.0.padding(toLength: 56, withPad: " ", startingAt: 0) + row.1.padding(toLength: 18, withPad: " ", startingAt: 0) + row.2)
        }
    }
}

/// The workloads `neuromorph bench --workload` times one at a time, each the same model, batch
/// and optimizer as its peer in `benchmarks/perf/peer.py`.
enum BenchWorkload: String, CaseIterable, ExpressibleByArgument {
    /// The demo CNN's training step (two 3×3 conv + ReLU + 2×2 max-pool blocks, 16 and 32
    /// channels, FC 128, SGD lr 0.05 momentum 0.9), batch 64 (PyTorch peer).
    case cnn
    /// W1 digital: MLP 784-256-128-10, sigmoid, log-softmax, NLL, SGD lr 0.1, batch 64 (PyTorch peer).
    case mlp
    /// W1 on ConstantStep analog tiles with aihwkit's default periphery (aihwkit peer).
    case w1ConstantStep = "w1-constant-step"
    /// W1 on SoftBounds analog tiles (aihwkit peer).
    case w1SoftBounds = "w1-soft-bounds"
    /// The W1 MLP on PCM inference tiles, programmed and read at 1 h, forward of a batch of 1,000 (aihwkit peer).
    case pcmForward = "pcm-forward"

    var defaultIterations: Int {
        switch self {
        case .cnn, .w1ConstantStep, .w1SoftBounds: 10
        case .mlp: 100
        case .pcmForward: 5
        }
    }

    /// Builds the workload (seeded) and returns one iteration of it.
    func make(batch: Int, quick: Bool = false) -> () -> Void {
        var generator = SeededGenerator(seed: 0)
        let x = Tensor.randomUniform([batch, 784], using: &generator)
        let labels = (0..<batch).map { _ in generator.nextInt(below: 10) }
        switch self {
        case .cnn:
            var model = BenchModels.cnn(generator: &generator)
            var optimizer = SGD(learningRate: 0.05, momentum: 0.9)
            return { _ = Trainer.step(&model, optimizer: &optimizer, loss: SoftmaxCrossEntropy(), inputs: x, labels: labels) }
        case .mlp:
            var model = BenchModels.mlp(generator: &generator)
            var optimizer = SGD(learningRate: 0.1)
            return { _ = Trainer.step(&model, optimizer: &optimizer, loss: NLLLoss(), inputs: x, labels: labels) }
        case .w1ConstantStep, .w1SoftBounds:
            var g = SeededGenerator(seed: 1)
            var model = self == .w1ConstantStep ? BenchModels.analogMLP(ConstantStepDevice(), generator: &g)
                                                : BenchModels.analogMLP(SoftBoundsDevice(), generator: &g)
            var optimizer = SGD(learningRate: 0.1)
            return { _ = Trainer.step(&model, optimizer: &optimizer, loss: NLLLoss(), inputs: x, labels: labels) }
        case .pcmForward:
            var g = SeededGenerator(seed: 3)
            var model = BenchModels.pcmMLP(batch: quick ? 16 : 1000, generator: &g)
            let xb = model.inputs
            return { _ = model.model.forward(xb, mode: .inference) }
        }
    }
}

/// The benchmarked models, built in one place so the table, `--workload` and `--scaling` agree.
enum BenchModels {
    /// The demo CNN (examples/fashion-cnn.yaml) on `[N, 784]` inputs.
    static func cnn(generator: inout SeededGenerator) -> Sequential {
        Sequential([Reshape([1, 28, 28]),
                    Conv2d(1, 16, kernelSize: 3, padding: 1, generator: &generator), Activation(.relu), Pool2d(.max, window: 2),
                    Conv2d(16, 32, kernelSize: 3, padding: 1, generator: &generator), Activation(.relu), Pool2d(.max, window: 2),
                    Flatten(), Linear(32 * 7 * 7, 128, generator: &generator), Activation(.relu),
                    Linear(128, 10, generator: &generator)])
    }

    /// W1: MLP 784-256-128-10, sigmoid hidden, log-softmax output.
    static func mlp(generator: inout SeededGenerator) -> Sequential {
        Sequential([Linear(784, 256, generator: &generator), Activation(.sigmoid),
                    Linear(256, 128, generator: &generator), Activation(.sigmoid),
                    Linear(128, 10, generator: &generator), LogSoftmax()])
    }

    /// W1 on analog tiles (aihwkit's `AnalogLinear` + `AnalogSGD`), aihwkit's default periphery.
    static func analogMLP<D: PulsedDeviceConfiguration>(_ device: D, io: IOParameters = .forwardDefault,
                                                       backward: IOParameters = .backwardDefault,
                                                       update: PulsedUpdateParameters = PulsedUpdateParameters(),
                                                       generator g: inout SeededGenerator) -> Sequential {
        // The configurations here are aihwkit's defaults, which always validate.
        guard let model = try? Sequential([
            AnalogLinear(784, 256, device: device, forwardIO: io, backwardIO: backward, update: update, generator: &g),
            Activation(.sigmoid),
            AnalogLinear(256, 128, device: device, forwardIO: io, backwardIO: backward, update: update, generator: &g),
            Activation(.sigmoid),
            AnalogLinear(128, 10, device: device, forwardIO: io, backwardIO: backward, update: update, generator: &g),
            LogSoftmax()]) else { preconditionFailure("bench: aihwkit's default analog configuration did not validate") }
        return model
    }

    /// The W1 MLP converted to PCM inference tiles (aihwkit `InferenceRPUConfig`), input
    /// ranges calibrated on a batch, programmed (seed 1) and read at 1 h with global drift
    /// compensation; returns the model and the batch.
    static func pcmMLP(batch: Int, generator g: inout SeededGenerator) -> (model: Sequential, inputs: Tensor) {
        let digital = mlp(generator: &g)
        var model = AnalogInference.convert(digital)
        let xb = Tensor.randomUniform([batch, 784], using: &g)
        AnalogInference.calibrateInputRanges(&model, inputs: xb)
        AnalogInference.program(&model, noiseModel: PCMNoiseModel.paper, seed: 1)
        AnalogInference.read(&model, at: InferenceTime(seconds: 3600))
        return (model, xb)
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
        let mlpStep = BenchWorkload.mlp.make(batch: 64)
        let step = Timing.measure(repeats: repeats, iterations: scale.iterations(200), warmup: scale.warmup(20)) { mlpStep() }
        rows.append(("W1 digital train step (784-256-128-10, batch 64)", String(format: "%.3f ms/step", step.median * 1e3),
                     String(format: "%.1f s/epoch of 60k", step.median * 60_000 / 64)))
        var model = BenchModels.mlp(generator: &generator)
        let xb = Tensor.randomUniform([scale.inferenceBatch, 784], using: &generator)
        let inference = Timing.measure(repeats: repeats, iterations: scale.iterations(10), warmup: scale.warmup(2)) { _ = model.forward(xb, mode: .inference) }
        rows.append(("W1 digital forward, batch \(scale.inferenceBatch)", String(format: "%.3f ms/batch", inference.median * 1e3), ""))

        // The demo CNN: one training step on a batch of 64 Fashion-MNIST-sized images.
        let cnnStep = BenchWorkload.cnn.make(batch: 64)
        let cnn = Timing.measure(repeats: repeats, iterations: scale.iterations(10), warmup: scale.warmup(2)) { cnnStep() }
        rows.append(("demo CNN train step (2 conv+pool, FC 128, batch 64)", String(format: "%.2f ms/step", cnn.median * 1e3),
                     String(format: "%.1f s/epoch of 60k", cnn.median * 60_000 / 64)))
        rows += analog(repeats: repeats, scale: scale)
        rows += spiking(repeats: repeats, scale: scale)
        return rows
    }

    /// W1 on analog tiles (aihwkit's `AnalogLinear` + `AnalogSGD` workload in
    /// `benchmarks/perf/peer.py`), PCM inference, and a 1,024×1,024 tile's forward/backward/update.
    static func analog(repeats: Int, scale: BenchScale) -> [(String, String, String)] {
        var rows: [(String, String, String)] = []
        var generator = SeededGenerator(seed: 0)
        let x = Tensor.randomUniform([64, 784], using: &generator)
        let labels = (0..<64).map { _ in generator.nextInt(below: 10) }
        func w1<D: PulsedDeviceConfiguration>(_ device: D, _ name: String, io: IOParameters = .forwardDefault,
                                             backward: IOParameters = .backwardDefault,
                                             update: PulsedUpdateParameters = PulsedUpdateParameters()) {
            var g = SeededGenerator(seed: 1)
            var model = BenchModels.analogMLP(device, io: io, backward: backward, update: update, generator: &g)
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

        // W1 inference forward on PCM inference tiles, batch 1,000 (aihwkit InferenceRPUConfig):
        // programmed, drift-compensated read at 1 h.
        do {
            var g = SeededGenerator(seed: 3)
            var (model, xb) = BenchModels.pcmMLP(batch: scale.inferenceBatch, generator: &g)
            let t = Timing.measure(repeats: repeats, iterations: scale.iterations(5), warmup: scale.warmup(2)) { _ = model.forward(xb, mode: .inference) }
            rows.append(("W1 PCM inference forward, batch \(scale.inferenceBatch)", String(format: "%.3f ms/batch", t.median * 1e3), ""))
        }

        // One 1,024×1,024 tile (scale.tileSize), batch 64: forward, backward and pulsed update separately.
        let side = scale.tileSize
        var bench = TileBench(side: side, batch: 64)
        let forward = Timing.measure(repeats: repeats, iterations: scale.iterations(5), warmup: scale.warmup(2)) { bench.forward() }
        let backward = Timing.measure(repeats: repeats, iterations: scale.iterations(5), warmup: scale.warmup(2)) { bench.backward() }
        let update = Timing.measure(repeats: repeats, iterations: scale.iterations(5), warmup: scale.warmup(2)) { bench.update() }
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

/// One ConstantStep tile `side × side` (weights U(−0.3, 0.3), seeded) with a batch of inputs
/// and gradients: the tile rows of the table and of `--scaling`.
struct TileBench {
    var tile: CrossbarArray<ConstantStepDeviceArray>
    let x: Tensor
    let d: Tensor
    var lastForward = Tensor.zeros([0])
    var lastBackward = Tensor.zeros([0])

    init(side: Int, batch: Int) {
        var g = SeededGenerator(seed: 2)
        // aihwkit's default ConstantStep device and periphery always validate.
        guard var tile = try? CrossbarArray(outputs: side, inputs: side, device: ConstantStepDevice(), generator: &g) else {
            preconditionFailure("bench: aihwkit's default ConstantStep tile did not validate")
        }
        tile.setWeights(Tensor.randomUniform([side, side], lower: -0.3, upper: 0.3, using: &g))
        self.tile = tile
        x = Tensor.randomUniform([batch, side], using: &g)
        d = Tensor.randomNormal([batch, side], std: 0.01, using: &g)
    }

    mutating func forward() { lastForward = tile.forward(x) }
    mutating func backward() { lastBackward = tile.backward(d) }
    mutating func update() { tile.update(x: x, d: d, learningRate: 0.01) }
}

// MARK: - Scaling

/// `neuromorph bench --scaling`: how the cost grows with the work, on 1 and 2 threads.
///
/// Each workload runs once per thread count from the same seed; its outputs (tile forward and
/// backward products, the weights after a pulsed update, the CNN's parameters after two steps)
/// are compared bit for bit between the thread counts, then timed (median of repeats). The peak
/// resident memory is the process's high-water mark while the workload ran (reset before it
/// where the kernel allows, `ResidentMemory`).
enum ScalingBench {
    struct Row: Codable {
        /// `tile forward`, `tile backward`, `tile pulsed update` or `cnn train step`.
        var workload: String
        /// The tile side (0 for the CNN).
        var size: Int
        var batch: Int
        /// Median milliseconds per iteration on 1 and on 2 threads.
        var ms1Thread: Double
        var ms2Threads: Double
        /// `ms1Thread / ms2Threads`.
        var speedup: Double
        /// Whether 1 and 2 threads gave bit-identical outputs.
        var bitIdentical: Bool
        /// Peak resident memory while the workload ran, MiB.
        var peakResidentMiB: Double

        enum CodingKeys: String, CodingKey {
            case workload, size, batch, speedup
            case ms1Thread = "ms_1_thread", ms2Threads = "ms_2_threads", bitIdentical = "bit_identical"
            case peakResidentMiB = "peak_resident_mib"
        }
    }

    struct Report: Codable {
        var date: String
        var machine: String
        var blas: String
        var repeats: Int
        /// Whether every row was bit-identical across thread counts.
        var bitIdentical: Bool
        var rows: [Row]

        enum CodingKeys: String, CodingKey {
            case date, machine, blas, repeats, rows
            case bitIdentical = "bit_identical"
        }

        var table: String {
            var lines = ["neuromorph bench --scaling  \(date)  \(machine)", "OpenBLAS \(blas); median of \(repeats) repeats", "",
                         "workload".padding(toLength: 22, withPad: " ", startingAt: 0) + "  size  batch   1 thread  2 threads  speed-up  identical  peak RSS"]
            for r in rows {
                let size = r.size > 0 ? "\(r.size)" : "-"
                lines.append(r.workload.padding(toLength: 22, withPad: " ", startingAt: 0)
                             + String(repeating: " ", count: max(0, 6 - size.count)) + size
                             + String(format: " %6d %8.3f ms %7.3f ms %8.2fx", r.batch, r.ms1Thread, r.ms2Threads, r.speedup)
                             + (r.bitIdentical ? "        yes" : "         NO")
                             + String(format: " %6.0f MiB", r.peakResidentMiB))
            }
            lines.append("")
            lines.append(bitIdentical ? "1 and 2 threads gave bit-identical results for every workload."
                                      : "Some workloads differ between 1 and 2 threads (see the identical column).")
            return lines.joined(separator: "\n")
        }
    }

    static let threadCounts = [1, 2]

    static func run(repeats: Int, quick: Bool, maxTile: Int) -> Report {
        let previous = ComputeThreads.count
        defer { ComputeThreads.set(previous) }
        var rows: [Row] = []
        let sides = quick ? [32, 64] : Array(sequence(first: 256, next: { $0 * 2 < maxTile + 1 ? $0 * 2 : nil }))
        for side in sides { rows += tile(side: side, repeats: repeats, quick: quick) }
        for batch in quick ? [4, 8] : [16, 32, 64, 128, 256] { rows.append(cnn(batch: batch, repeats: repeats, quick: quick)) }
        let formatter = ISO8601DateFormatter()
        return Report(date: formatter.string(from: Date()), machine: machineDescription(),
                      blas: ComputeThreads.blasConfiguration, repeats: repeats,
                      bitIdentical: rows.allSatisfy(\.bitIdentical), rows: rows)
    }

    /// Forward, backward and pulsed update of one `side²` ConstantStep tile at batch 64.
    static func tile(side: Int, repeats: Int, quick: Bool) -> [Row] {
        ResidentMemory.resetPeak()
        let iterations = quick ? 1 : max(1, min(32, 4 * 1024 * 1024 / (side * side)))
        var times: [[Double]] = [[], [], []]
        var outputs: [[[Float]]] = [[], [], []]
        for threads in threadCounts {
            ComputeThreads.set(threads)
            // A fresh tile per thread count: the same seed, the same devices and streams.
            var bench = TileBench(side: side, batch: 64)
            bench.forward()
            bench.backward()
            bench.update()
            outputs[0].append(bench.lastForward.scalars)
            outputs[1].append(bench.lastBackward.scalars)
            outputs[2].append(bench.tile.weights.scalars)
            let warmup = quick ? 0 : 1
            times[0].append(Timing.measure(repeats: repeats, iterations: iterations, warmup: warmup) { bench.forward() }.median)
            times[1].append(Timing.measure(repeats: repeats, iterations: iterations, warmup: warmup) { bench.backward() }.median)
            times[2].append(Timing.measure(repeats: repeats, iterations: iterations, warmup: warmup) { bench.update() }.median)
        }
        let peak = Double(ResidentMemory.peakBytes() ?? 0) / 1_048_576
        return ["tile forward", "tile backward", "tile pulsed update"].enumerated().map { k, name in
            Row(workload: name, size: side, batch: 64, ms1Thread: times[k][0] * 1e3, ms2Threads: times[k][1] * 1e3,
                speedup: times[k][0] / times[k][1], bitIdentical: identical(outputs[k]), peakResidentMiB: peak)
        }
    }

    /// The demo CNN's training step at `batch`.
    static func cnn(batch: Int, repeats: Int, quick: Bool) -> Row {
        ResidentMemory.resetPeak()
        var times: [Double] = []
        var parameters: [[Float]] = []
        for threads in threadCounts {
            ComputeThreads.set(threads)
            var generator = SeededGenerator(seed: 0)
            var model = BenchModels.cnn(generator: &generator)
            var optimizer = SGD(learningRate: 0.05, momentum: 0.9)
            let x = Tensor.randomUniform([batch, 784], using: &generator)
            let labels = (0..<batch).map { _ in generator.nextInt(below: 10) }
            for _ in 0..<2 { _ = Trainer.step(&model, optimizer: &optimizer, loss: SoftmaxCrossEntropy(), inputs: x, labels: labels) }
            var values: [Float] = []
            model.forEachParameter { values += $0.value.scalars }
            parameters.append(values)
            let iterations = quick ? 1 : max(2, 5 * 64 / batch)
            times.append(Timing.measure(repeats: repeats, iterations: iterations, warmup: quick ? 0 : 1) {
                _ = Trainer.step(&model, optimizer: &optimizer, loss: SoftmaxCrossEntropy(), inputs: x, labels: labels)
            }.median)
        }
        let peak = Double(ResidentMemory.peakBytes() ?? 0) / 1_048_576
        return Row(workload: "cnn train step", size: 0, batch: batch, ms1Thread: times[0] * 1e3, ms2Threads: times[1] * 1e3,
                   speedup: times[0] / times[1], bitIdentical: identical(parameters), peakResidentMiB: peak)
    }

    /// Whether all runs' values are bit-for-bit equal to the first run's.
    static func identical(_ runs: [[Float]]) -> Bool {
        guard let first = runs.first else { return true }
        return runs.dropFirst().allSatisfy { run in
            run.count == first.count && zip(run, first).allSatisfy { $0.bitPattern == $1.bitPattern }
        }
    }

    /// The CPU model and core count (from /proc/cpuinfo where available).
    static func machineDescription() -> String {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let model = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces)
        return "\(model ?? "unknown CPU"), \(cores) cores"
    }
}
