import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore
@testable import NeuromorphNN

/// The note's experiments E5 (MBGD batch-size study, round-to-nearest vs stochastic rounding)
/// and E6 (rank-10 decompositions vs MBGD), reduced to fit minutes on 2 cores (note
/// `analog-training.md` §3). Opt-in, never part of the test suite's run:
///
/// ```
/// NEUROMORPH_EXPERIMENTS=e5 swift test --filter GradientDecompositionExperimentTests
/// NEUROMORPH_EXPERIMENTS=e6 swift test --filter GradientDecompositionExperimentTests
/// NEUROMORPH_EXPERIMENTS=e7 swift test --filter GradientDecompositionExperimentTests
/// ```
///
/// E7 here is the note's E7(b) with MBGD + stochastic rounding in place of TTv2 (TTv2 is
/// another cell's work): analog SWA over the last epochs against the final iterate, and SNR
/// pruning against random pruning.
///
/// Setup (docs/gradient-decomposition.md): Fashion-MNIST from
/// `/usr/share/datasets/fashion-mnist` (MNIST is not on the machine), the central 20×20 crop
/// scaled to [0, 1] (400 inputs), 8,000 training images per epoch and 2,000 test images, MLP
/// 400-100-10 sigmoid without biases, log-softmax + NLL, both layers on Zhao's Ag:Si NeuroSim
/// device with ideal reads. One trainer step per batch of B, so each cell writes once per
/// step. Results are printed as CSV lines (`E5,…`, `E6,…`).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["NEUROMORPH_EXPERIMENTS"] != nil), .serialized)
struct GradientDecompositionExperimentTests {
    static let selection = ProcessInfo.processInfo.environment["NEUROMORPH_EXPERIMENTS"] ?? ""

    static func idx(_ name: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", "/usr/share/datasets/fashion-mnist/\(name)"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }

    /// `count` images (central 20×20 crop, [0, 1]) and labels from an IDX pair.
    static func load(images: String, labels: String, count: Int) throws -> (Tensor, [Int]) {
        let pixels = [UInt8](try idx(images)), classes = [UInt8](try idx(labels))
        var x = [Float](repeating: 0, count: count * 400)
        for s in 0..<count {
            for r in 0..<20 { for c in 0..<20 { x[s * 400 + r * 20 + c] = Float(pixels[16 + s * 784 + (r + 4) * 28 + c + 4]) / 255 } }
        }
        return (Tensor(shape: [count, 400], scalars: x), (0..<count).map { Int(classes[8 + $0]) })
    }

    static let data: (train: Tensor, trainLabels: [Int], test: Tensor, testLabels: [Int])? = {
        guard let (train, trainLabels) = try? load(images: "train-images-idx3-ubyte.gz", labels: "train-labels-idx1-ubyte.gz", count: 8000),
              let (test, testLabels) = try? load(images: "t10k-images-idx3-ubyte.gz", labels: "t10k-labels-idx1-ubyte.gz", count: 2000)
        else { return nil }
        return (train, trainLabels, test, testLabels)
    }()

    /// Test accuracy (%) after `epochs` epochs of the MLP whose layers are `cell` cells.
    static func run<Configuration: UnitCellConfiguration>(_ cell: Configuration, batch: Int, learningRate: Float, epochs: Int,
                                                          seed: UInt64) throws -> (accuracy: Double, seconds: Double) {
        guard let data else { throw ExtractionError(field: "data", "Fashion-MNIST not found under /usr/share/datasets") }
        let start = Date()
        var g = SeededGenerator(seed: seed)
        var model = Sequential([
            try AnalogLinear(400, 100, bias: false, cell: cell, forwardIO: .perfect, backwardIO: .perfect, generator: &g),
            Activation(.sigmoid),
            try AnalogLinear(100, 10, bias: false, cell: cell, forwardIO: .perfect, backwardIO: .perfect, generator: &g),
            LogSoftmax()])
        var sgd = SGD(learningRate: learningRate)
        var shuffle = SeededGenerator(seed: seed, key: "training/shuffle")
        for _ in 0..<epochs {
            let order = shuffle.permutation(8000)
            var s = 0
            while s + batch <= 8000 || (s < 8000 && batch > 8000) {
                let indices = Array(order[s..<Swift.min(s + batch, 8000)])
                Trainer.step(&model, optimizer: &sgd, loss: NLLLoss(), inputs: data.train.gatherRows(indices),
                             labels: indices.map { data.trainLabels[$0] })
                s += batch
            }
        }
        let predicted = model.forward(data.test, mode: .inference).argmaxRows()
        let correct = zip(predicted, data.testLabels).filter { $0 == $1 }.count
        return (100 * Double(correct) / 2000, Date().timeIntervalSince(start))
    }

    /// E5: accuracy against batch size for round-to-nearest and stochastic rounding.
    @Test func e5BatchSizeStudy() throws {
        guard Self.selection.contains("e5") else { return }
        let epochs = Int(ProcessInfo.processInfo.environment["E5_EPOCHS"] ?? "") ?? 10
        let batches = (ProcessInfo.processInfo.environment["E5_BATCHES"] ?? "16,128,1024,4096").split(separator: ",").compactMap { Int($0) }
        let rates = (ProcessInfo.processInfo.environment["E5_RATES"] ?? "0.1,1,10").split(separator: ",").compactMap { Float($0) }
        print("E5,batch,rounding,learning_rate,epochs,test_accuracy,seconds")
        for batch in batches {
            for rounding in PulseRounding.allCases {
                for lr in rates {
                    let cell = MiniBatchAccumulationConfiguration(device: NeuroSimDevice.zhaoAgSi, batchSize: batch, rounding: rounding)
                    let (accuracy, seconds) = try Self.run(cell, batch: batch, learningRate: lr, epochs: epochs, seed: 1)
                    print("E5,\(batch),\(rounding.rawValue),\(lr),\(epochs),\(accuracy),\(String(format: "%.1f", seconds))")
                }
            }
        }
    }

    /// E6: rank-10 SBPCA and NMF with rank-sum and rank-seq against MBGD at one batch size.
    @Test func e6RankTenDecompositions() throws {
        guard Self.selection.contains("e6") else { return }
        let epochs = Int(ProcessInfo.processInfo.environment["E6_EPOCHS"] ?? "") ?? 10
        let batch = Int(ProcessInfo.processInfo.environment["E6_BATCH"] ?? "") ?? 128
        let lr = Float(ProcessInfo.processInfo.environment["E6_RATE"] ?? "") ?? 1
        let rank = Int(ProcessInfo.processInfo.environment["E6_RANK"] ?? "") ?? 10
        print("E6,method,transfer,rank,batch,learning_rate,epochs,test_accuracy,seconds")
        let mbgd = try Self.run(MiniBatchAccumulationConfiguration(device: NeuroSimDevice.zhaoAgSi, batchSize: batch),
                                batch: batch, learningRate: lr, epochs: epochs, seed: 1)
        print("E6,MBGD,-,-,\(batch),\(lr),\(epochs),\(mbgd.accuracy),\(String(format: "%.1f", mbgd.seconds))")
        for transfer in [LowRankTransfer.rankSum, .rankSeq] {
            let sbpca = try Self.run(LowRankGradientConfiguration(device: NeuroSimDevice.zhaoAgSi,
                                                                  method: StreamingBatchPCAConfiguration(rank: rank, blockSize: 32),
                                                                  transfer: transfer, batchSize: batch),
                                     batch: batch, learningRate: lr, epochs: epochs, seed: 1)
            print("E6,SBPCA,\(transfer.rawValue),\(rank),\(batch),\(lr),\(epochs),\(sbpca.accuracy),\(String(format: "%.1f", sbpca.seconds))")
            let nmf = try Self.run(LowRankGradientConfiguration(device: NeuroSimDevice.zhaoAgSi,
                                                                method: NonnegativeGradientFactorizationConfiguration(rank: rank),
                                                                transfer: transfer, batchSize: batch),
                                   batch: batch, learningRate: lr, epochs: epochs, seed: 1)
            print("E6,NMF,\(transfer.rawValue),\(rank),\(batch),\(lr),\(epochs),\(nmf.accuracy),\(String(format: "%.1f", nmf.seconds))")
        }
    }

    /// Digital test accuracy (%) of the MLP with weights `w1` `[100, 400]`, `w2` `[10, 100]`.
    static func accuracy(_ w1: Tensor, _ w2: Tensor) -> Double {
        guard let data else { return 0 }
        let hidden = Tensor.matmul(data.test, .none, w1, .transposed).map { 1 / (1 + exp(-$0)) }
        let predicted = Tensor.matmul(hidden, .none, w2, .transposed).argmaxRows()
        return 100 * Double(zip(predicted, data.testLabels).filter { $0 == $1 }.count) / 2000
    }

    /// E7 (MBGD variant): SWA over the last `E7_WINDOW` epochs with about 20K products per
    /// layer, the iterates' mean, and SNR pruning vs random pruning of the mean weights.
    @Test func e7AveragingAndPruning() throws {
        guard Self.selection.contains("e7"), let data = Self.data else { return }
        let environment = ProcessInfo.processInfo.environment
        let epochs = Int(environment["E7_EPOCHS"] ?? "") ?? 15, window = Int(environment["E7_WINDOW"] ?? "") ?? 5
        let batch = Int(environment["E7_BATCH"] ?? "") ?? 128, lr = Float(environment["E7_RATE"] ?? "") ?? 1
        typealias Cell = MiniBatchAccumulation<NeuroSimDeviceArray>
        let cell = MiniBatchAccumulationConfiguration(device: NeuroSimDevice.zhaoAgSi, batchSize: batch)
        var g = SeededGenerator(seed: 1)
        var model = Sequential([
            try AnalogLinear(400, 100, bias: false, cell: cell, forwardIO: .perfect, backwardIO: .perfect, generator: &g),
            Activation(.sigmoid),
            try AnalogLinear(100, 10, bias: false, cell: cell, forwardIO: .perfect, backwardIO: .perfect, generator: &g),
            LogSoftmax()])
        var sgd = SGD(learningRate: lr)
        var shuffle = SeededGenerator(seed: 1, key: "training/shuffle")
        let stepsPerEpoch = 8000 / batch
        let perRecord = max(1, 20_000 / (window * stepsPerEpoch))
        var swa = [AnalogSWA(inputs: 400, outputs: 100, productsPerRecord: perRecord, generator: SeededGenerator(seed: 2)),
                   AnalogSWA(inputs: 100, outputs: 10, productsPerRecord: perRecord, generator: SeededGenerator(seed: 3))]
        var iterates = [IterateStatistics(shape: [100, 400]), IterateStatistics(shape: [10, 100])]
        for epoch in 0..<epochs {
            let order = shuffle.permutation(8000)
            for step in 0..<stepsPerEpoch {
                let indices = Array(order[(step * batch)..<((step + 1) * batch)])
                Trainer.step(&model, optimizer: &sgd, loss: NLLLoss(), inputs: data.train.gatherRows(indices),
                             labels: indices.map { data.trainLabels[$0] })
                guard epoch >= epochs - window else { continue }
                for (k, index) in [0, 2].enumerated() {
                    var layer = model.layers[index] as! AnalogLinear<Cell>
                    swa[k].record { layer.forward($0, mode: .inference) }
                    iterates[k].add(layer.weights)
                }
            }
        }
        let final = [(model.layers[0] as! AnalogLinear<Cell>).weights, (model.layers[2] as! AnalogLinear<Cell>).weights]
        let averaged = try swa.map { try $0.averagedWeights() }
        print("E7,quantity,value")
        print("E7,final_iterate_accuracy,\(Self.accuracy(final[0], final[1]))")
        print("E7,swa_extracted_accuracy,\(Self.accuracy(averaged[0], averaged[1])),products_per_layer,\(swa[0].averager.count)")
        print("E7,iterate_mean_accuracy,\(Self.accuracy(iterates[0].meanWeights, iterates[1].meanWeights)),iterates,\(iterates[0].count)")
        for threshold in [1.0, 2.0, 3.0] {
            let pruned = iterates.map { $0.prunedBySignalToNoise(threshold: threshold) }
            let removed = Double(pruned[0].weights.count) * pruned[0].removedFraction + Double(pruned[1].weights.count) * pruned[1].removedFraction
            var randomAccuracies: [Double] = []
            for seed in 0..<5 {
                var r = SeededGenerator(seed: 50 + UInt64(seed))
                randomAccuracies.append(Self.accuracy(iterates[0].prunedAtRandom(fraction: pruned[0].removedFraction, generator: &r),
                                                      iterates[1].prunedAtRandom(fraction: pruned[1].removedFraction, generator: &r)))
            }
            let mean = randomAccuracies.reduce(0, +) / 5
            let std = (randomAccuracies.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 4).squareRoot()
            print("E7,snr_prune_\(Int(threshold)),removed_percent,\(String(format: "%.1f", 100 * removed / 41000)),snr_accuracy,\(Self.accuracy(pruned[0].weights, pruned[1].weights)),random_accuracy_mean,\(String(format: "%.2f", mean)),random_std,\(String(format: "%.2f", std))")
        }
    }
}
