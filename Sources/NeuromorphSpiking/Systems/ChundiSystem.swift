import Foundation
import NeuromorphChipModels
import NeuromorphCore

/// The settings of Chundi et al.'s always-on SNN on MNIST (digest CH §3.2–3.5; spiking note
/// §2.3, §4.2). Paper values: 256-128-128-128-10, ±1 weights, no bias, 8-bit activations,
/// TH (1, 32, 16, 14), T_frame 0.5 s, fixed-priority arbiters; N_cyc = 3 and the drop policy
/// are inferred; training details and the input scaling are ours.
public struct ChundiConfiguration: Sendable, Codable, Hashable {
    /// Hidden layer sizes (128, 128, 128).
    public var hidden: [Int] = [128, 128, 128]
    /// Hidden thresholds TH1…TH3 (the input neurons' TH = 1 is the relay: input spikes go
    /// straight to the input core's arbiter).
    public var thresholds: [Int32] = [32, 16, 14]
    /// Activation bits: a hidden count saturates at 2^bits − 1 in the BNN (8).
    public var activationBits: Int = 8
    /// Input spikes per frame at pixel value 1 [ours]: 63 (6-bit input counts, the chip's
    /// "at most 63 spikes per frame", CH §3.2). 8-bit inputs (255) send ≈ 8,700 spikes per
    /// MNIST image into an input core that serves 2,833 per frame: two thirds are dropped
    /// (measured, docs/spiking-systems.md). L = 24 gives ≈ 132k SOPs per inference against the
    /// paper's implied 130k (195 nJ / 1.5 pJ): a **consistency check**, not a reproduction, since
    /// L = 24 was chosen from that count (≈ 5.48k SOPs per unit of L); the default stays 63.
    /// CLI: `neuromorph snn --preset chundi-mnist --input-levels L`.
    public var inputLevels: Int = 63
    /// Frame length (0.5 s for MNIST).
    public var frameSeconds: Double = 0.5
    /// Arbiter: N_cyc cycles at f_clk,a per grant (3 at 17 kHz).
    public var cyclesPerGrant: Double = 3
    public var arbiterClockHz: Double = 17_000
    /// The hidden cores' synapse-block clock, if it differs from the input core's
    /// (``arbiterClockHz``). The paper picks "the neuron threshold and the synapse block clock
    /// frequency for each of the hidden layers" on the starvation boundary of Eqs. 1–2 (CH §3.3,
    /// Fig. 7A); the MNIST clocks are not given (17 kHz is the synapse clock at 0.52 V).
    /// CLI: `--hidden-arbiter-clock`.
    public var hiddenArbiterClockHz: Double? = nil
    /// What a neuron (input relay or hidden) does when it crosses TH again while its request
    /// still waits for Ack. The paper's neurons have one Req line and the designers chose
    /// TH and the clocks "so that spikes are not missed while the neurons are waiting for
    /// acknowledgment from the arbiter" (CH §3.3 [T]): a spike is missed (``RetriggerPolicy/drop``)
    /// when they are not, which is what Fig. 7B counts as dropped requests below TH1 ≈ 5.
    /// ``RetriggerPolicy/queue`` [ours] keeps every crossing and drops only what still waits
    /// at the frame end. CLI: `--retrigger drop|queue`.
    public var retrigger: RetriggerPolicy = .queue
    /// BNN training: Adam on latent weights in [−1, 1], straight-through sign.
    public var epochs: Int = 15
    public var learningRate: Float = 0.005
    public var batchSize: Int = 32

    public init() {}

    public func validate() throws {
        guard !hidden.isEmpty, hidden.allSatisfy({ $0 >= 1 }) else { throw ConversionError(location: "hidden", "sizes must be >= 1") }
        guard thresholds.count == hidden.count, thresholds.allSatisfy({ $0 >= 1 }) else {
            throw ConversionError(location: "thresholds", "\(thresholds): one threshold >= 1 per hidden layer (\(hidden.count))")
        }
        guard (1...16).contains(activationBits) else { throw ConversionError(location: "activationBits", "\(activationBits) must be in 1...16") }
        guard inputLevels >= 1 else { throw ConversionError(location: "inputLevels", "\(inputLevels) must be >= 1") }
        guard frameSeconds > 0, frameSeconds.isFinite else { throw ConversionError(location: "frameSeconds", "\(frameSeconds) must be > 0") }
        guard cyclesPerGrant > 0, arbiterClockHz > 0 else { throw ConversionError(location: "cyclesPerGrant, arbiterClockHz", "both must be > 0") }
        if let f = hiddenArbiterClockHz, !(f > 0 && f.isFinite) {
            throw ConversionError(location: "hiddenArbiterClockHz", "\(f) must be a frequency > 0 Hz")
        }
        guard epochs >= 0, batchSize >= 1, learningRate > 0 else { throw ConversionError(location: "epochs, batchSize, learningRate", "must be positive") }
    }

    /// Requests one arbiter serves per frame, `f·T/N_cyc` (Chundi Eq. 2), input core.
    public var requestsServedPerFrame: Double { arbiterClockHz * frameSeconds / cyclesPerGrant }
    /// The same for each hidden core.
    public var hiddenRequestsServedPerFrame: Double { (hiddenArbiterClockHz ?? arbiterClockHz) * frameSeconds / cyclesPerGrant }
}

/// A binary-weight network trained with a straight-through estimator (Courbariaux et al. 2016
/// form; Chundi trains "a BNN with binary weights, no bias and a k-bit ReLU", method not given,
/// digest CH §3.2). The forward pass is the chip's rate arithmetic in spike counts:
///
/// ```
/// w_b     = sign(w) (0 → +1),   w ∈ [−1, 1] latent
/// a_0     = round(x · L)                                   (input spikes per frame)
/// z_l     = W_b,l · a_{l−1}
/// a_l     = min(2^k − 1, ⌊max(0, z_l) / TH_l⌋)             (hidden spike counts)
/// logits  = z_L                                            (output potentials, argmax)
/// ```
/// Backward (STE): `∂a_l/∂z_l = 1/TH_l` where `0 < z_l < TH_l·2^k`, else 0; `∂L/∂w = ∂L/∂w_b`
/// where `|w| ≤ 1`; loss = softmax cross-entropy of `τ·z_L` with τ fixed from the first batch
/// (τ = 1/std z_L; a training-only temperature that leaves the argmax alone); Adam; latent
/// weights clipped to [−1, 1] after each step.
public struct BinaryNetwork: Sendable, Hashable {
    /// Layer sizes, input first.
    public var sizes: [Int]
    /// Latent weights `[o · inputs + i]` per layer.
    public var latent: [[Float]]
    public var thresholds: [Int32]
    public var activationBits: Int
    public var inputLevels: Int
    /// The training temperature τ.
    public var temperature: Float

    /// ±1 weights.
    public var binaryWeights: [[Int32]] { latent.map { $0.map { $0 < 0 ? -1 : 1 } } }

    /// Input counts `round(x·L)`, x clipped to [0, 1].
    public func inputCounts(_ x: [Float]) -> [Float] {
        x.map { (Swift.min(Swift.max($0, 0), 1) * Float(inputLevels)).rounded() }
    }

    /// Per-layer outputs: hidden counts then the output potentials (exact integers).
    public func forward(_ x: [Float]) -> [[Float]] {
        forward(counts: inputCounts(x), weights: latent.map { $0.map { $0 < 0 ? -1 : 1 } }).activations
    }

    /// The class (argmax of the output potentials, ties → lower index).
    public func predict(_ x: [Float]) -> Int {
        let z = forward(x).last ?? []
        return z.indices.max { z[$0] < z[$1] || (z[$0] == z[$1] && $0 > $1) } ?? 0
    }

    func forward(counts: [Float], weights: [[Float]]) -> (pre: [[Float]], activations: [[Float]]) {
        var a = counts
        var pres: [[Float]] = [], acts: [[Float]] = []
        let cap = Float((1 << activationBits) - 1)
        for l in 0..<(sizes.count - 1) {
            let n = sizes[l], m = sizes[l + 1]
            var z = [Float](repeating: 0, count: m)
            weights[l].withUnsafeBufferPointer { w in
                for o in 0..<m {
                    var s: Float = 0
                    let row = w.baseAddress! + o * n
                    for i in 0..<n { s += row[i] * a[i] }
                    z[o] = s
                }
            }
            pres.append(z)
            if l < sizes.count - 2 {
                let th = Float(thresholds[l])
                a = z.map { Swift.min(cap, (Swift.max(0, $0) / th).rounded(.down)) }
            } else {
                a = z
            }
            acts.append(a)
        }
        return (pres, acts)
    }

    /// Trains a BNN on `train` (see the type's equations); deterministic for a seed.
    public static func train(_ train: SystemImages, configuration c: ChundiConfiguration, seed: UInt64) throws -> BinaryNetwork {
        try c.validate()
        let sizes = [train.side * train.side] + c.hidden + [train.classCount]
        var g = SeededGenerator(seed: seed, key: StreamKey("chundi", "bnn-init"))
        var latent: [[Float]] = []
        for l in 0..<(sizes.count - 1) {
            latent.append((0..<(sizes[l] * sizes[l + 1])).map { _ in 0.1 * (2 * g.nextUniform() - 1) })
        }
        var net = BinaryNetwork(sizes: sizes, latent: latent, thresholds: c.thresholds, activationBits: c.activationBits,
                                inputLevels: c.inputLevels, temperature: 1)
        let counts = train.rows.map { net.inputCounts($0) }
        // τ from the first batch at initialisation.
        do {
            let w = net.latent.map { $0.map { $0 < 0 ? Float(-1) : 1 } }
            var values: [Float] = []
            for k in 0..<Swift.min(train.count, 256) { values += net.forward(counts: counts[k], weights: w).activations.last! }
            let mean = values.reduce(0, +) / Float(values.count)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(values.count)
            net.temperature = variance > 0 ? 1 / variance.squareRoot() : 1
        }
        var m = latent.map { [Float](repeating: 0, count: $0.count) }
        var v = m
        var step: Float = 0
        let beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8
        let cap = Float((1 << c.activationBits) - 1)
        var order = Array(0..<train.count)
        var shuffle = SeededGenerator(seed: seed, key: StreamKey("chundi", "bnn-shuffle"))
        for epoch in 0..<c.epochs {
            for k in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(k, shuffle.nextInt(below: k + 1)) }
            let lr = c.learningRate * (c.epochs > 1 ? Float(0.5 * (1 + cos(Double.pi * Double(epoch) / Double(c.epochs)))) : 1)
            for start in stride(from: 0, to: order.count, by: c.batchSize) {
                let batch = order[start..<Swift.min(order.count, start + c.batchSize)]
                let w = net.latent.map { $0.map { $0 < 0 ? Float(-1) : 1 } }
                var grad = latent.map { [Float](repeating: 0, count: $0.count) }
                for k in batch {
                    let input = counts[k]
                    let (pre, acts) = net.forward(counts: input, weights: w)
                    let logits = acts.last!.map { $0 * net.temperature }
                    let top = logits.max() ?? 0
                    let e = logits.map { Float(Foundation.exp(Double($0 - top))) }
                    let sum = e.reduce(0, +)
                    var delta = e.indices.map { net.temperature * (e[$0] / sum - ($0 == train.labels[k] ? 1 : 0)) / Float(batch.count) }
                    for l in stride(from: sizes.count - 2, through: 0, by: -1) {
                        let n = sizes[l], mOut = sizes[l + 1]
                        let below = l == 0 ? input : acts[l - 1]
                        grad[l].withUnsafeMutableBufferPointer { gl in
                            for o in 0..<mOut where delta[o] != 0 {
                                let d = delta[o], row = gl.baseAddress! + o * n
                                for i in 0..<n { row[i] += d * below[i] }
                            }
                        }
                        guard l > 0 else { break }
                        var back = [Float](repeating: 0, count: n)
                        w[l].withUnsafeBufferPointer { wl in
                            for o in 0..<mOut where delta[o] != 0 {
                                let d = delta[o], row = wl.baseAddress! + o * n
                                for i in 0..<n { back[i] += d * row[i] }
                            }
                        }
                        let th = Float(net.thresholds[l - 1])
                        for i in 0..<n {
                            let z = pre[l - 1][i]
                            back[i] = z > 0 && z < th * (cap + 1) ? back[i] / th : 0
                        }
                        delta = back
                    }
                }
                step += 1
                let c1 = 1 - Float(Foundation.pow(Double(beta1), Double(step)))
                let c2 = 1 - Float(Foundation.pow(Double(beta2), Double(step)))
                for l in net.latent.indices {
                    for j in net.latent[l].indices {
                        let gj = abs(net.latent[l][j]) <= 1 ? grad[l][j] : 0
                        m[l][j] = beta1 * m[l][j] + (1 - beta1) * gj
                        v[l][j] = beta2 * v[l][j] + (1 - beta2) * gj * gj
                        let update = lr * (m[l][j] / c1) / ((v[l][j] / c2).squareRoot() + eps)
                        net.latent[l][j] = Swift.min(1, Swift.max(-1, net.latent[l][j] - update))
                    }
                }
            }
        }
        return net
    }
}

/// One classification on the chip model.
public struct ChundiClassification: Sendable, Hashable {
    /// Argmax of the output potentials at the frame end (with the arbiters' drops).
    public var frameClass: Int?
    /// Argmax when every request is served (no frame end: the arbiter-free reference).
    public var unlimitedClass: Int?
    /// Counters of the framed run.
    public var counters: EventCounters
    /// Grants per layer in the framed run.
    public var grantsPerLayer: [Int]
}

/// Chundi et al.'s always-on SNN (Front. Neurosci. 2021; digest CH §3; spiking note §2.3, §4.2):
/// a trained ``BinaryNetwork`` copied to the chip: ``SignedIF`` hidden neurons (9-bit V, reset
/// to zero at TH), integrating outputs, periodic rate-coded inputs over one frame, one
/// fixed-priority arbiter per core with N_cyc cycles at f_clk,a per grant (each grant sends the
/// row's 128 ±1 spikes at once) and requests left at frame end dropped.
public struct ChundiSystem: Sendable {
    public let configuration: ChundiConfiguration
    public let bnn: BinaryNetwork
    public let exported: BinaryConvertedNetwork
    /// The chip: ``ChundiConfiguration/retrigger`` in every hidden layer.
    public let network: EventDrivenNetwork
    /// The arbiter-free reference: the same network with queued re-triggers and no frame end,
    /// so every request is served.
    public let reference: EventDrivenNetwork

    /// Copies `bnn`'s ±1 weights to the chip with `configuration`'s thresholds (which may
    /// differ from the training thresholds: the TH1 sweep).
    public init(bnn: BinaryNetwork, configuration: ChundiConfiguration) throws {
        try configuration.validate()
        guard configuration.thresholds.count == bnn.sizes.count - 2 else {
            throw ConversionError(location: "thresholds", "\(configuration.thresholds.count) for \(bnn.sizes.count - 2) hidden layers")
        }
        self.configuration = configuration
        self.bnn = bnn
        let layers = (0..<(bnn.sizes.count - 1)).map { l in
            DenseLayerWeights(inputs: bnn.sizes[l], outputs: bnn.sizes[l + 1], weight: bnn.binaryWeights[l].map(Float.init), bias: nil)
        }
        exported = try BinaryConvertedNetwork(try DenseReLUNetwork(layers: layers), thresholds: configuration.thresholds + [1],
                                              inputLevels: configuration.inputLevels)
        let timing = try ArbiterTiming.clocked(cyclesPerGrant: configuration.cyclesPerGrant, clockHz: configuration.arbiterClockHz)
        let hidden = try ArbiterTiming.clocked(cyclesPerGrant: configuration.cyclesPerGrant,
                                               clockHz: configuration.hiddenArbiterClockHz ?? configuration.arbiterClockHz)
        // Layer l's arbiter serves the requests of the core before it: layer 0 the input core's,
        // layers 1… the hidden cores'.
        func clocked(_ n: EventDrivenNetwork) throws -> EventDrivenNetwork {
            var layers = n.layers
            for l in 1..<layers.count { layers[l].timing = hidden }
            return try EventDrivenNetwork(layers: layers)
        }
        network = try clocked(exported.eventNetwork(timing: timing, retrigger: configuration.retrigger))
        reference = configuration.retrigger == .queue ? network : try clocked(exported.eventNetwork(timing: timing, retrigger: .queue))
    }

    public var frameNs: Int64 { Int64((configuration.frameSeconds * 1e9).rounded()) }

    /// The BNN evaluated with the chip's thresholds (the rate arithmetic, 8-bit saturation).
    public func bnnClass(_ x: [Float]) -> Int {
        var copy = bnn
        copy.thresholds = configuration.thresholds
        return copy.predict(x)
    }

    /// One image on the chip model, framed (drops: frame end, and missed re-triggers of input
    /// and hidden neurons under ``RetriggerPolicy/drop``) and unlimited (every request served).
    public func classify(_ x: [Float]) throws -> ChundiClassification {
        let input = try exported.eventInput(x, frameNs: frameNs)
        let framed = try network.run(input, arbiter: FixedPriorityArbiter(),
                                     options: EventRunOptions(frameNs: frameNs, recordGrants: true, inputRetrigger: configuration.retrigger))
        let unlimited = try reference.run(input, arbiter: FixedPriorityArbiter())
        var grants = [Int](repeating: 0, count: network.layers.count)
        for g in framed.grants { grants[g.layer] += 1 }
        return ChundiClassification(frameClass: Readout.membraneArgmax(framed.finalPotentials.last ?? []),
                                    unlimitedClass: Readout.membraneArgmax(unlimited.finalPotentials.last ?? []),
                                    counters: framed.counters, grantsPerLayer: grants)
    }

    /// Trains the BNN and evaluates the chip (digest CH §3.5: 97.6 % on MNIST; 130k SOPs/inference
    /// implied by 195 nJ at 1.5 pJ/SOP).
    public static func experiment(train: SystemImages, test: SystemImages, configuration: ChundiConfiguration = .init(),
                                  images: Int = .max, seed: UInt64 = 1, dataName: String = "") throws -> ChundiReport {
        let clock = ContinuousClock.now
        let bnn = try BinaryNetwork.train(train, configuration: configuration, seed: seed)
        let trained = MuBrainSystem.seconds(ContinuousClock.now - clock)
        return try ChundiSystem(bnn: bnn, configuration: configuration)
            .evaluate(test, images: images, seed: seed, dataName: dataName, trainingSeconds: trained)
    }

    /// Evaluates on test images in parallel (``ComputeThreads``; identical for any thread count).
    public func evaluate(_ test: SystemImages, images: Int = .max, seed: UInt64 = 1, dataName: String = "",
                         trainingSeconds: Double = 0) throws -> ChundiReport {
        let n = Swift.min(images, test.count)
        guard n >= 1 else { throw ConversionError(location: "images", "no test images") }
        _ = try exported.eventInput(test.rows[0], frameNs: frameNs)
        let start = ContinuousClock.now
        var results = [ChundiClassification?](repeating: nil, count: n)
        results.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            ComputeThreads.forEachChunk(n) { k in base[k] = try? classify(test.rows[k]) }
        }
        let seconds = MuBrainSystem.seconds(ContinuousClock.now - start)
        var bnnRight = 0, frameRight = 0, unlimitedRight = 0, agree = 0, agreeUnlimited = 0
        var counters = EventCounters(), grants = [Int](repeating: 0, count: network.layers.count)
        var rate = 0.0
        for k in 0..<n {
            guard let r = results[k] else { throw ConversionError(location: "images[\(k)]", "classification failed") }
            let y = test.labels[k], b = bnnClass(test.rows[k])
            if b == y { bnnRight += 1 }
            if r.frameClass == y { frameRight += 1 }
            if r.unlimitedClass == y { unlimitedRight += 1 }
            if r.frameClass == b { agree += 1 }
            if r.unlimitedClass == b { agreeUnlimited += 1 }
            counters += r.counters
            for l in grants.indices { grants[l] += r.grantsPerLayer[l] }
            rate += Double(r.counters.inputSpikes) / Double(test.side * test.side * configuration.inputLevels)
        }
        let per = 1 / Double(n)
        let energy = try EnergyTable.chundi.report(counters, durationSeconds: configuration.frameSeconds * Double(n))
        let meanRate = rate * per
        let power = try AlwaysOnPowerModel.paper.power(inputRate: Swift.min(1, meanRate))
        return ChundiReport(
            data: dataName, configuration: configuration, seed: seed, images: n,
            bnnAccuracy: Double(bnnRight) * per, snnAccuracy: Double(frameRight) * per,
            snnUnlimitedAccuracy: Double(unlimitedRight) * per, agreementWithBNN: Double(agree) * per,
            unlimitedAgreementWithBNN: Double(agreeUnlimited) * per,
            inputSpikesPerImage: Double(counters.inputSpikes) * per, emittedSpikesPerImage: Double(counters.emittedSpikes) * per,
            grantsPerLayerPerImage: grants.map { Double($0) * per }, dropsPerImage: Double(counters.arbiterDrops) * per,
            sopsPerImage: Double(counters.synapticOperations) * per, counters: counters,
            energySOPJ: energy.totalJ * per, inputRate: meanRate, powerW: power, energyPowerJ: power * configuration.frameSeconds,
            trainingSeconds: trainingSeconds, simulationSeconds: seconds)
    }

    /// The first-threshold sweep (digest CH §3.3, Fig. 7B): one trained BNN, TH1 varied on the
    /// chip with TH2, TH3 fixed; returns one report per TH1.
    public static func thresholdSweep(train: SystemImages, test: SystemImages, configuration: ChundiConfiguration = .init(),
                                      firstThresholds: [Int32] = [2, 4, 8, 16, 32, 64], images: Int = .max,
                                      seed: UInt64 = 1, dataName: String = "") throws -> [ChundiReport] {
        let bnn = try BinaryNetwork.train(train, configuration: configuration, seed: seed)
        return try firstThresholds.map { th in
            var c = configuration
            c.thresholds[0] = th
            return try ChundiSystem(bnn: bnn, configuration: c).evaluate(test, images: images, seed: seed, dataName: dataName)
        }
    }
}

/// What a Chundi run measured.
public struct ChundiReport: Sendable, Hashable {
    public var data: String
    public var configuration: ChundiConfiguration
    public var seed: UInt64
    public var images: Int
    /// The BNN with the chip's thresholds.
    public var bnnAccuracy: Double
    /// The chip model with frame-end drops, and with every request served.
    public var snnAccuracy: Double
    public var snnUnlimitedAccuracy: Double
    public var agreementWithBNN: Double
    public var unlimitedAgreementWithBNN: Double
    public var inputSpikesPerImage: Double
    public var emittedSpikesPerImage: Double
    /// Grants of the input core and hidden cores per image.
    public var grantsPerLayerPerImage: [Double]
    /// Requests dropped at frame end (plus re-trigger drops) per image.
    public var dropsPerImage: Double
    public var sopsPerImage: Double
    public var counters: EventCounters
    /// 1.5 pJ × SOPs + 75 nW × T_frame per image (``EnergyTable/chundi``).
    public var energySOPJ: Double
    /// Input rate r = input spikes / (inputs · L), the power model's P(r) and P(r)·T_frame.
    public var inputRate: Double
    public var powerW: Double
    public var energyPowerJ: Double
    public var trainingSeconds: Double
    public var simulationSeconds: Double

    public static let paperAccuracy = 0.976, paperSOPs = 130_000.0, paperEnergyJ = 195e-9

    public var table: String {
        func pct(_ x: Double) -> String { String(format: "%.1f %%", 100 * x) }
        let c = configuration
        let rows: [(String, String, String)] = [
            ("data, images, seed", "\(data), \(images), \(seed)", ""),
            ("thresholds", "(1, \(c.thresholds.map(String.init).joined(separator: ", "))), \(c.activationBits)-bit, L = \(c.inputLevels)", "(1, 32, 16, 14), 8-bit"),
            ("arbiter", String(format: "fixed priority, N_cyc %.0f at %.0f Hz: %.0f grants/frame/core", c.cyclesPerGrant, c.arbiterClockHz, c.requestsServedPerFrame)
                + (c.hiddenArbiterClockHz.map { String(format: "; hidden cores %.0f Hz: %.0f", $0, c.hiddenRequestsServedPerFrame) } ?? ""), "N_cyc not given (≈3)"),
            ("re-trigger while waiting for Ack", c.retrigger == .drop ? "drop (the spike is missed)" : "queue (kept; dropped only at frame end)", "missed (\"spikes are not missed\" only by design)"),
            ("BNN accuracy", pct(bnnAccuracy), ""),
            ("SNN accuracy, frame end drops", pct(snnAccuracy), pct(Self.paperAccuracy) + " (full MNIST)"),
            ("SNN accuracy, every request served", pct(snnUnlimitedAccuracy), ""),
            ("SNN = BNN (framed / unlimited)", pct(agreementWithBNN) + " / " + pct(unlimitedAgreementWithBNN), ""),
            ("input spikes / image", String(format: "%.0f", inputSpikesPerImage), ""),
            ("grants / image by core", grantsPerLayerPerImage.map { String(format: "%.0f", $0) }.joined(separator: ", "), ""),
            ("dropped requests / image", String(format: "%.0f", dropsPerImage), ""),
            ("SOPs / inference", String(format: "%.0f", sopsPerImage), "≈ 130,000 [I] (195 nJ / 1.5 pJ; L = 24 gives it: a consistency check, L was chosen from this count)"),
            ("energy, 1.5 pJ/SOP + 75 nW × T", String(format: "%.1f nJ", energySOPJ * 1e9), "195 nJ"),
            ("input rate r, P(r), P(r)·T", String(format: "%.3f, %.1f nW, %.1f nJ", inputRate, powerW * 1e9, energyPowerJ * 1e9), "75–220 nW; 305 nW × 0.5 s = 152.5 nJ"),
            ("time", String(format: "training %.1f s, simulation %.2f s", trainingSeconds, simulationSeconds), ""),
        ]
        let w0 = rows.map(\.0.count).max() ?? 0, w1 = rows.map(\.1.count).max() ?? 0
        return rows.map { r in
            r.0.padding(toLength: w0, withPad: " ", startingAt: 0) + "  " + r.1.padding(toLength: w1, withPad: " ", startingAt: 0) + "  " + r.2
        }.joined(separator: "\n")
    }
}
