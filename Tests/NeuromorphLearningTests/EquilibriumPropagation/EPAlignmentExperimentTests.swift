import Foundation
import NeuromorphData
import Testing
@testable import NeuromorphLearning

/// Diagnostic for the deep-MLP "symmetric vs one-sided at β = 1" row (docs/learning-rules-ep.md,
/// not reproduced there): per-layer cosines of both EP estimates against BPTT while a
/// network is trained. Opt-in, never part of the suite's run (minutes in a debug build):
///
/// ```
/// NEUROMORPH_EXPERIMENTS=ep-deep-mlp swift test --skip-build --filter EPAlignmentExperimentTests
/// ```
/// (`EP_SEEDS=1,2,3`, `EP_EPOCHS=2` change the seeds and the epochs trained; `EP_SCHEDULE_EPOCHS=5`
/// builds the settings for a 5-epoch run, as `--epochs 5` does, for presets with a cosine schedule.)
/// The same measurement on the `mnist-conv` preset did not finish one measurement point in 9
/// minutes of a debug build, so it has no entry here.
///
/// Each run trains the preset with one estimator exactly as `neuromorph ep --preset P
/// --estimator E --train-limit 1000 --test-limit 500 --seed S` does (Float, same streams, so the
/// printed test accuracies equal the CLI's), and before the first epoch and after each epoch
/// copies the weights into a Double network and measures on a fixed probe (the first 200
/// training examples, in batches of the preset's size): the free-phase residual after T steps,
/// the one-sided estimate at +β and at −β and the symmetric one (their mean) at the preset's β
/// and K, two controls at β = 10⁻³ (one-sided and symmetric, which should match BPTT-K, Eq. 6,
/// when the free phase has converged; the symmetric one cancels what is left of the free
/// relaxation, which the one-sided one divides by β), and two references, BPTT
/// through the last K steps (what EP(β→0, K) equals, Eq. 6) and through all T steps (the
/// gradient of the loss after T steps). Lines are CSV:
/// `EPALIGN,preset,trained_by,seed,epoch,test_acc,residual,estimator,reference,total_cos,cos_1..cos_N,ratio_1..ratio_N`
/// and, per measurement, `EPPHASE,preset,trained_by,seed,epoch,residual_+β,residual_−β,shift_+β,shift_−β`
/// (the nudged phases' one-step residual after K steps and the mean |s^{±β} − s_*| of the last
/// state layer: the output for a squared-error net, the last pooled layer for a conv net), and
/// `EPPHASELAYERS,preset,trained_by,seed,epoch,` the same residual per state layer, +β then −β.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["NEUROMORPH_EXPERIMENTS"] != nil), .serialized)
struct EPAlignmentExperimentTests {
    static let environment = ProcessInfo.processInfo.environment
    static let selection = environment["NEUROMORPH_EXPERIMENTS"] ?? ""
    static let seeds = (environment["EP_SEEDS"] ?? "1").split(separator: ",").compactMap { UInt64($0) }
    static let epochs = Int(environment["EP_EPOCHS"] ?? "") ?? 2
    /// The run length the settings (and a cosine schedule's T_max) are built for; only `epochs` are trained.
    static let scheduleEpochs = Int(environment["EP_SCHEDULE_EPOCHS"] ?? "") ?? epochs
    static let mnist5k = URL(fileURLWithPath: "/work/shared/data/mnist-5k")

    static func toDouble(_ p: EPParameters<Float>) -> EPParameters<Double> {
        EPParameters(tensors: p.tensors.map { $0.map { Double($0) } })
    }

    /// Mean gradient over the probe batches.
    static func mean(_ grads: [EPParameters<Double>]) -> EPParameters<Double> {
        var sum = EPParameters.zeros(like: grads[0])
        for g in grads { sum.add(g) }
        return sum.scaled(1 / Double(grads.count))
    }

    static func measure(_ preset: EPPreset, _ estimator: EPEstimator, seed: UInt64) throws {
        let settings = preset.settings(estimator: estimator, epochs: scheduleEpochs, beta: nil, seed: seed)
        var (train, test) = try IDXImageFolder.load(mnist5k, classCount: 10)
        train = train.prefix(1000)
        test = test.prefix(500)
        var trainer = try EPTrainer<Float>(settings: settings)
        let trainSet = EPDataset<Float>(train), testSet = EPDataset<Float>(test)
        let probe = EPDataset<Double>(train.prefix(200))
        let batches = stride(from: 0, to: probe.count, by: settings.batchSize).map {
            probe.batch($0..<min($0 + settings.batchSize, probe.count))
        }
        let (t, k, beta) = (settings.freeSteps, settings.nudgedSteps, settings.beta)
        for epoch in 0...epochs {
            if epoch > 0 { _ = try trainer.trainEpoch(trainSet, epoch: epoch - 1) }
            let accuracy = trainer.accuracy(testSet)
            var net = try EPNetwork<Double>(architecture: settings.architecture, seed: seed)
            net.parameters = toDouble(trainer.network.parameters)
            var one = [EPParameters<Double>](), oneSmall = [EPParameters<Double>](), symSmall = [EPParameters<Double>](), oneMinus = [EPParameters<Double>](), sym = [EPParameters<Double>](),
                bpttK = [EPParameters<Double>](), bpttT = [EPParameters<Double>]()
            var residual = 0.0
            // Nudged phases: the residual of one more step after K steps, and the mean |s^{±β} − s_*|
            // of the output state layer (index 0: +β, 1: −β).
            var nudgedResidual = [0.0, 0.0], outputShift = [0.0, 0.0]
            var layerResidual = [[Double]](repeating: [Double](repeating: 0, count: net.stateLayerCount), count: 2)
            let last = net.stateLayerCount - 1
            for batch in batches {
                let ctx = net.context(batch)
                let free = net.freePhase(batch, steps: t)
                residual = max(residual, net.step(free, ctx, beta: 0).maxDifference(free))
                for (j, b) in [beta, -beta].enumerated() {
                    let nudged = net.relax(free, ctx, beta: b, steps: k)
                    let next = net.step(nudged, ctx, beta: b)
                    nudgedResidual[j] = max(nudgedResidual[j], next.maxDifference(nudged))
                    for l in 0..<net.stateLayerCount {
                        let r = zip(next.layers[l], nudged.layers[l]).map { abs($0 - $1) }.max() ?? 0
                        layerResidual[j][l] = max(layerResidual[j][l], r)
                    }
                    let d = zip(nudged.layers[last], free.layers[last]).map { abs($0 - $1) }
                    outputShift[j] += d.reduce(0, +) / Double(d.count) / Double(batches.count)
                }
                one.append(try net.estimate(batch, estimator: .oneSided, beta: beta, freeSteps: 0, nudgedSteps: k, free: free).gradient)
                oneSmall.append(try net.estimate(batch, estimator: .oneSided, beta: 1e-3, freeSteps: 0, nudgedSteps: k, free: free).gradient)
                symSmall.append(try net.estimate(batch, estimator: .symmetric, beta: 1e-3, freeSteps: 0, nudgedSteps: k, free: free).gradient)
                oneMinus.append(try net.estimate(batch, estimator: .oneSided, beta: -beta, freeSteps: 0, nudgedSteps: k, free: free).gradient)
                sym.append(try net.estimate(batch, estimator: .symmetric, beta: beta, freeSteps: 0, nudgedSteps: k, free: free).gradient)
                bpttK.append(net.bpttGradient(batch, freeSteps: t, truncation: k).gradient)
                bpttT.append(net.bpttGradient(batch, freeSteps: t, truncation: t).gradient)
            }
            print("EPPHASE," + [preset.rawValue, estimator.rawValue, "\(seed)", "\(epoch)",
                                String(format: "%.2e", nudgedResidual[0]), String(format: "%.2e", nudgedResidual[1]),
                                String(format: "%.4f", outputShift[0]), String(format: "%.4f", outputShift[1])].joined(separator: ","))
            print("EPPHASELAYERS," + [preset.rawValue, estimator.rawValue, "\(seed)", "\(epoch)"].joined(separator: ",") + ","
                  + (layerResidual[0] + layerResidual[1]).map { String(format: "%.2e", $0) }.joined(separator: ","))
            for (name, estimate) in [("one-sided", mean(one)), ("one-sided-1e-3", mean(oneSmall)), ("symmetric-1e-3", mean(symSmall)), ("one-sided-minus", mean(oneMinus)), ("symmetric", mean(sym))] {
                for (reference, truth) in [("bptt-K", mean(bpttK)), ("bptt-T", mean(bpttT))] {
                    let a = net.alignment(of: estimate, with: truth)
                    let fields = [preset.rawValue, estimator.rawValue, "\(seed)", "\(epoch)", String(format: "%.1f", 100 * accuracy),
                                  String(format: "%.2e", residual), name, reference, String(format: "%.4f", a.totalCosine)]
                        + a.weightCosines.map { String(format: "%.4f", $0) } + a.weightNormRatios.map { String(format: "%.3f", $0) }
                    print("EPALIGN," + fields.joined(separator: ","))
                    #expect(a.totalCosine.isFinite)
                }
            }
        }
    }

    @Test(.enabled(if: selection.contains("ep-deep-mlp")))
    func deepMLP() throws {
        for seed in Self.seeds {
            for estimator in [EPEstimator.symmetric, .oneSided] { try Self.measure(.mnistDeepMLP, estimator, seed: seed) }
        }
    }

}
