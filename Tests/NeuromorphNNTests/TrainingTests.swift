import Testing
@testable import NeuromorphCore
@testable import NeuromorphNN

/// Three well-separated Gaussian blobs in 2-D (a generated set, so the test needs no files).
func blobs(perClass: Int, seed: UInt64) -> LabeledTensors {
    var g = SeededGenerator(seed: seed)
    let centres: [(Float, Float)] = [(-2, 0), (2, 0), (0, 2.5)]
    var xs: [Float] = []
    var ys: [Int] = []
    for _ in 0..<perClass {
        for (c, centre) in centres.enumerated() {
            xs += [centre.0 + 0.5 * g.nextNormal(), centre.1 + 0.5 * g.nextNormal()]
            ys.append(c)
        }
    }
    return LabeledTensors(inputs: Tensor(shape: [ys.count, 2], scalars: xs), labels: ys)
}

func makeMLP(seed: UInt64) -> Sequential {
    var g = SeededGenerator(seed: seed)
    return Sequential([Linear(2, 16, generator: &g), Activation(.sigmoid), Linear(16, 3, generator: &g), LogSoftmax()])
}

@Suite(.exclusiveComputeThreads, .serialized) struct TrainingTests {
    @Test func mlpLearnsBlobs() throws {
        var model = makeMLP(seed: 1)
        var optimizer = SGD(learningRate: 0.5)
        let config = TrainingConfiguration(epochs: 15, batchSize: 16, seed: 3, showProgress: false)
        let history = try Trainer.fit(&model, optimizer: &optimizer, loss: NLLLoss(), train: blobs(perClass: 100, seed: 1),
                                  test: blobs(perClass: 50, seed: 2), configuration: config)
        #expect(history.count == 15)
        #expect((history.last!.test!.accuracy ?? 0) > 0.95)
        #expect(history.last!.trainLoss < history.first!.trainLoss)
    }

    @Test(arguments: ["sgd-momentum", "adam", "rmsprop"])
    func optimizersReduceLoss(name: String) throws {
        var model = makeMLP(seed: 2)
        let data = blobs(perClass: 60, seed: 4)
        let config = TrainingConfiguration(epochs: 8, batchSize: 20, schedule: .cosine(epochs: 8, minimum: 0), seed: 1,
                                           showProgress: false)
        let history: [EpochMetrics]
        switch name {
        case "adam":
            var o = Adam(learningRate: 0.02, weightDecay: 1e-4, decoupledWeightDecay: true)
            history = try Trainer.fit(&model, optimizer: &o, loss: NLLLoss(), train: data, configuration: config)
        case "rmsprop":
            var o = RMSprop(learningRate: 0.01)
            history = try Trainer.fit(&model, optimizer: &o, loss: NLLLoss(), train: data, configuration: config)
        default:
            var o = SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4, nesterov: true)
            history = try Trainer.fit(&model, optimizer: &o, loss: NLLLoss(), train: data, configuration: config)
        }
        #expect(history.last!.trainLoss < 0.5 * history.first!.trainLoss, "\(name)")
        #expect((history.last!.trainAccuracy ?? 0) > 0.9, "\(name)")
    }

    @Test func sameSeedGivesIdenticalWeightsForOneAndTwoThreads() throws {
        func train(threads: Int) throws -> [Float] {
            ComputeThreads.set(threads)
            defer { ComputeThreads.set(1) }
            var g = SeededGenerator(seed: 9)
            var model = Sequential([Reshape([1, 4, 4]), Conv2d(1, 3, kernelSize: 3, padding: 1, generator: &g),
                                    Activation(.relu), Pool2d(.max, window: 2), Flatten(),
                                    Linear(12, 3, generator: &g), Dropout(rate: 0.2, generator: g.split(stream: 1))])
            var data = blobs(perClass: 30, seed: 5)
            // Lift the 2-D blobs into 16 features so the conv net has an image to look at.
            var lifted: [Float] = []
            for i in 0..<data.count {
                for j in 0..<16 {
                    let value: Float = data.inputs.scalars[2 * i + j % 2]
                    lifted.append(value * Float(j + 1) / 8)
                }
            }
            data.inputs = Tensor(shape: [data.count, 16], scalars: lifted)
            var o = SGD(learningRate: 0.05, momentum: 0.9)
            _ = try Trainer.fit(&model, optimizer: &o, loss: SoftmaxCrossEntropy(), train: data,
                            configuration: TrainingConfiguration(epochs: 2, batchSize: 8, seed: 4, showProgress: false))
            return model.namedParameters().flatMap(\.parameter.value.scalars)
        }
        let once = try train(threads: 1)
        #expect(try once == train(threads: 1))
        #expect(try once == train(threads: 2))
    }

    @Test func earlyStoppingStopsWhenLossStalls() throws {
        var model = makeMLP(seed: 3)
        var optimizer = SGD(learningRate: 0)   // no learning: the monitored loss never improves
        let data = blobs(perClass: 10, seed: 6)
        let history = try Trainer.fit(&model, optimizer: &optimizer, loss: NLLLoss(), train: data, validation: data,
                                  configuration: TrainingConfiguration(epochs: 20, batchSize: 10, earlyStoppingPatience: 2,
                                                                       showProgress: false))
        #expect(history.count == 3)
    }

    @Test func schedules() {
        #expect(LearningRateSchedule.step(stepSize: 2, gamma: 0.5).rate(epoch: 5, base: 1) == 0.25)
        #expect(abs(LearningRateSchedule.cosine(epochs: 10, minimum: 0.1).rate(epoch: 5, base: 1.1) - 0.6) < 1e-6)
        #expect(LearningRateSchedule.cosine(epochs: 10, minimum: 0.1).rate(epoch: 10, base: 1.1) == 0.1)
    }
}
