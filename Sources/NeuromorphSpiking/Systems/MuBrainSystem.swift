import Foundation
import NeuromorphChipModels
import NeuromorphCore
import NeuromorphNN

/// How μBrain's input channels spike (digest UB §2.5; spiking note §1.6, §2.1 erratum).
public enum MuBrainInputCoding: String, Sendable, Codable, CaseIterable, Hashable {
    /// Poisson events at `r(x) = r_min + (r_max − r_min)·x` ([100, 655] kHz as ratios), frame
    /// length chosen so the expected total is the spike budget; events past the budget dropped.
    case poisson
    /// The same rates as evenly spaced events: channel i sends `⌊budget · r_i / Σ r⌋` spikes.
    case periodic
}

/// Where each channel's periodic train starts inside its period (``MuBrainInputCoding/periodic``;
/// not in the paper [ours]).
public enum MuBrainInputPhase: String, Sendable, Codable, CaseIterable, Hashable {
    /// Every channel spikes at t = 0 and then every `T/n_i`: channels with equal counts stay
    /// in lock step for the whole frame, so stimuli arrive in synchronous volleys.
    case aligned
    /// Channel i spikes at `(k + ½)·T/n_i`, the midpoint rule: its count up to time t is
    /// `round(n_i·t/T)`, the closest a regular train can follow its rate, so no volley of every
    /// channel at t = 0; channels with equal counts still spike together.
    case centered
    /// Channel i starts at `φ_i·T/n_i`, φ_i uniform in [0, 1) from the seeded stream
    /// (seed, "mubrain", "phase", sample): the same rates, no volleys.
    case random
}

/// Which per-layer arbiter orders latched spikes (digest UB §2.3: round robin, linear priority
/// or seeded random).
public enum MuBrainArbiterKind: String, Sendable, Codable, CaseIterable, Hashable {
    case roundRobin, fixedPriority, random
}

/// μBrain's first layer of 256 neurons (its RFC layer, lateral connections unused for MNIST)
/// simulated as relays in front of the trained 256-64-10 network (digest UB §2.4–2.5: "Pixel
/// grayscale values are mapped into firing rates for the first layer of 256 neurons").
///
/// ```
/// stimulus i → relay neuron i only, one synapse:   v_i += s·w;  v_i ≥ θ → spike, v_i −= θ
/// relay spikes after n stimuli on channel i:        ⌊n·s·w / θ⌋          (s·w ≤ θ, no leak)
/// ```
///
/// The relay neurons are ``IntegerIF`` with the chip's θ (``MuBrainConfiguration/threshold``,
/// 64) behind their own arbiter; each relay spike drives the hidden layer as a stimulus did
/// without the relay layer. The paper does not give the first layer's input weight [ours]:
/// w = 7, s = 8 (56, the largest single-synapse step μBrain can program that still passes at
/// most one spike per stimulus) is the default; w·s = 64 passes every stimulus as exactly one
/// spike. A grant reads one synapse (one SOP).
public struct MuBrainRelayLayer: Sendable, Codable, Hashable {
    /// The relay synapse's 4-bit weight code, 1…7.
    public var weight: Int32
    /// The relay layer's global weight scale (μBrain: ×1 or ×8), 1…64.
    public var scale: Int32

    public init(weight: Int32 = 7, scale: Int32 = 8) {
        self.weight = weight
        self.scale = scale
    }

    /// Relay spikes after `stimuli` events on one channel, `⌊n·s·w/θ⌋` (pure; valid for
    /// s·w ≤ θ, which ``MuBrainConfiguration/validate()`` enforces).
    public func spikes(afterStimuli stimuli: Int, threshold: Int32) -> Int {
        stimuli * Int(weight * scale) / Int(threshold)
    }
}

/// The μBrain MNIST system's settings (digest UB §2.5; spiking note §4.1). Defaults are the
/// paper's where it states them (256-64-10, no bias, θ = 64, 4-bit weights, [100, 655] kHz,
/// 6,400 input spikes, first-ISI readout); the rest are ours and documented.
public struct MuBrainConfiguration: Sendable, Codable, Hashable {
    /// Hidden neurons (64).
    public var hidden: Int = 64
    /// Weight bits B: weights in `−(2^(B−1)−1) … 2^(B−1)−1` (μBrain: 4 → −7…7).
    public var bits: Int = 4
    /// IntegerIF threshold θ at 4-bit weights (64).
    public var threshold: Int32 = 64
    /// Scale θ with the weight range for B ≠ 4 [ours], `θ_B = round(θ·(2^(B−1)−1)/7)` (9, 27,
    /// 64, 137, 1161 for B = 2, 3, 4, 5, 8), so every B has the 4-bit chip's rate gain and a
    /// bit sweep measures weight precision alone. With `false`, θ stays 64 and B changes the
    /// gain too (B = 8: weights up to 127 > θ; B = 2: too few spikes to decide).
    public var thresholdFollowsBits: Bool = true

    /// The threshold used at `bits`.
    public var effectiveThreshold: Int32 {
        guard thresholdFollowsBits, bits != 4 else { return threshold }
        return Swift.max(2, Int32((Double(threshold) * Double((1 << (bits - 1)) - 1) / 7).rounded()))
    }
    /// Per-layer quantisation range [ours]: `nil` maps the largest |w| to the top code
    /// (note §1.8); `p` maps the p-th percentile of |w| to it and clips the few larger weights,
    /// so more weights get large codes and the layer's rate gain grows without larger steps.
    public var weightClipPercentile: Double? = nil
    /// Input coding and rates. Periodic by default (the issue allows "Poisson or periodic"):
    /// over 3 seeds its first-ISI accuracy is 1.4 points below the 4-bit ANN, Poisson's 3.6
    /// (docs/spiking-systems.md, round 3); the input noise is what the first ISI cannot average.
    public var coding: MuBrainInputCoding = .periodic
    /// Phases of the periodic trains (``MuBrainInputPhase``; ignored for Poisson input). Random
    /// by default since round 6: with aligned trains the channels of equal count (every
    /// background pixel) spike in lock step all frame, and the first ISI lost 2.9 / −0.4 / 2.1
    /// points to the 4-bit ANN on seeds 1–3; random phases lose 0.5 / 0.8 / 0.2
    /// (docs/spiking-systems.md, round 6). CLI: `--input-phase`.
    public var phase: MuBrainInputPhase = .random
    public var encoder: PoissonEncoder = .muBrainGrayscale
    /// Input spikes per image (6,400: spiking note §2.1 erratum).
    public var spikeBudget: Int = 6_400
    /// Input frame [I]: the rates are ratios (spiking note §2.1 erratum), scaled so the budget
    /// arrives in this time; 4.2 ms is the paper's time per classification (42 s for 10,000).
    /// `nil` keeps the absolute kHz rates (then 6,400 spikes arrive in ≈ 0.1–0.4 ms, faster
    /// than the 100 ns arbiter can serve them: a backlog forms and round robin equalises the
    /// channels' rates).
    public var frameSeconds: Double? = 4.2e-3
    public var arbiter: MuBrainArbiterKind = .roundRobin
    /// Integer weight scale s per layer (μBrain's global ×1/×8 option, any integer here): the
    /// neuron adds `s · w`. ×1 for both layers measured best (docs/spiking-systems.md).
    public var weightScales: [Int32] = [1, 1]
    /// The chip's 256-neuron first layer as relays in front of the network (`nil`: the
    /// stimuli drive the hidden layer directly, as in rounds 1–3). Off by default: Table 2
    /// counts 74 neurons (64 + 10) for MNIST, while the text feeds the stimuli into "the first
    /// layer of 256 neurons" (docs/spiking-systems.md, round 4).
    public var relayLayer: MuBrainRelayLayer? = nil
    /// ANN training (SGD with momentum, as the conversion tests).
    public var epochs: Int = 20
    public var learningRate: Float = 0.05
    public var momentum: Float = 0.9
    public var batchSize: Int = 32

    public init() {}

    /// Throws ``ConversionError`` naming the first field out of range.
    public func validate() throws {
        guard hidden >= 1 else { throw ConversionError(location: "hidden", "\(hidden) must be >= 1") }
        guard (2...16).contains(bits) else { throw ConversionError(location: "bits", "\(bits) must be in 2...16") }
        guard threshold >= 2 else { throw ConversionError(location: "threshold", "\(threshold) must be >= 2") }
        guard spikeBudget >= 1 else { throw ConversionError(location: "spikeBudget", "\(spikeBudget) must be >= 1") }
        if let p = weightClipPercentile, !(p > 0 && p <= 100) {
            throw ConversionError(location: "weightClipPercentile", "\(p) must be in (0, 100]")
        }
        if let f = frameSeconds, !(f > 0 && f.isFinite) { throw ConversionError(location: "frameSeconds", "\(f) must be > 0 s") }
        guard weightScales.count == 2, weightScales.allSatisfy({ $0 >= 1 && $0 <= 64 }) else {
            throw ConversionError(location: "weightScales", "\(weightScales): two scales in 1...64 (hidden, output)")
        }
        if let r = relayLayer {
            guard (1...7).contains(r.weight) else {
                throw ConversionError(location: "relayLayer.weight", "\(r.weight) must be a 4-bit weight code in 1...7")
            }
            guard (1...64).contains(r.scale) else { throw ConversionError(location: "relayLayer.scale", "\(r.scale) must be in 1...64") }
            guard r.weight * r.scale <= threshold else {
                throw ConversionError(location: "relayLayer", "weight·scale = \(r.weight * r.scale) must be ≤ θ = \(threshold) (a relay passes at most one spike per stimulus)")
            }
        }
        guard epochs >= 0, batchSize >= 1, learningRate > 0 else {
            throw ConversionError(location: "epochs, batchSize, learningRate", "must be positive")
        }
    }
}

/// One μBrain classification.
public struct MuBrainClassification: Sendable, Hashable {
    /// Shortest first ISI (μBrain's readout); `nil` when no output neuron spiked twice.
    public var firstISIClass: Int?
    /// Most output spikes; `nil` when none spiked.
    public var countClass: Int?
    /// Output neurons sharing the shortest first ISI (0 when undecided; ≥ 2 = a tie, broken
    /// by the earlier second spike, then the lower index).
    public var firstISIWinners: Int
    public var counters: EventCounters
    /// Time of the last event, ns.
    public var durationNs: Int64
    /// Spikes emitted per chip layer, input side first: (relay,) hidden, output. They sum to
    /// `counters.emittedSpikes`.
    public var layerSpikes: [Int]
    /// Input stimuli + emitted spikes (the paper's "spikes per classification", stimuli counted [I]).
    public var spikes: Int { counters.inputSpikes + counters.emittedSpikes }
}

/// μBrain (Stuijt et al. 2021; digest UB §2; spiking note §2.1, §4.1) running MNIST 16×16:
/// a bias-free ReLU ANN 256-64-10 trained in float, quantised to B-bit weights, and run on the
/// event-driven simulator with μBrain's ``IntegerIF`` (θ = 64, wrap, zero clamp) and one
/// arbiter per layer serving latched spikes 100 ns apart.
///
/// ```
/// u_i        = r(x_i) / r_max                              (the ANN sees the input rates)
/// q_l        = (2^(B−1)−1) / max|W_l|                        (full B-bit range, spiking note §1.8)
/// w_int      = round(W_l · q_l)                              ([−1, 1]·max|W| → [−7, 7] at B = 4)
/// neuron     v += s_l · w_int on each granted event; v ≥ θ → spike, v −= θ; v < 0 → 0
/// rates      n_l ≈ max(0, s_l · W_int,l · n_{l−1}) / θ        (reset by subtraction)
/// ```
/// `s_l` is μBrain's global weight scale (the chip offers ×1 and ×8); it sets the layer's rate
/// gain. The quantised ANN is `argmax W_int,2 · relu(W_int,1 · u)` (no bias, so the per-layer
/// scales do not change its class).
public struct MuBrainSystem: Sendable {
    public let configuration: MuBrainConfiguration
    /// The trained float network (input = rate fractions u).
    public let ann: DenseReLUNetwork
    /// Integer weights per layer, `[o · inputs + i]`.
    public let integerWeights: [[Int32]]
    /// Weight scale s_l per layer.
    public let weightScales: [Int32]
    /// The chip network.
    public let network: EventDrivenNetwork

    /// Trains the ANN on `train` (rate fractions) and converts it.
    public init(training train: SystemImages, configuration: MuBrainConfiguration, seed: UInt64) throws {
        try configuration.validate()
        let inputs = train.side * train.side
        var g = SeededGenerator(seed: seed, key: StreamKey("mubrain", "init"))
        var model = Sequential([Linear(inputs, configuration.hidden, bias: false, generator: &g), Activation(.relu),
                                Linear(configuration.hidden, train.classCount, bias: false, generator: &g), LogSoftmax()])
        var optimizer = SGD(learningRate: configuration.learningRate, momentum: configuration.momentum)
        let u = train.rows.map { Self.rateFractions($0, configuration.encoder) }
        _ = try Trainer.fit(&model, optimizer: &optimizer, loss: NLLLoss(),
                            train: LabeledTensors(inputs: Tensor(rows: u), labels: train.labels),
                            configuration: TrainingConfiguration(epochs: configuration.epochs, batchSize: configuration.batchSize,
                                                                 seed: seed, showProgress: false))
        try self.init(ann: try DenseReLUNetwork(model), configuration: configuration)
    }

    /// Converts a trained bias-free network (input = rate fractions u).
    public init(ann: DenseReLUNetwork, configuration: MuBrainConfiguration) throws {
        try configuration.validate()
        guard ann.layers.count == 2 else { throw ConversionError(location: "ann", "needs 2 layers (256-64-10), has \(ann.layers.count)") }
        if ann.layers.contains(where: { $0.bias != nil }) { throw ConversionError(location: "ann", "μBrain's network has no biases") }
        self.configuration = configuration
        self.ann = ann
        let top = Float((1 << (configuration.bits - 1)) - 1)
        let weights = ann.layers.map { layer in
            var maxW = layer.maximumMagnitude
            if let p = configuration.weightClipPercentile {
                let sorted = layer.weight.map { abs($0) }.sorted()
                maxW = sorted[Swift.min(sorted.count - 1, Swift.max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))]
            }
            let q = maxW > 0 ? top / maxW : 1
            return layer.weight.map { Int32(Swift.min(Swift.max(($0 * q).rounded(.toNearestOrEven), -top), top)) }
        }
        let scales = configuration.weightScales
        integerWeights = weights
        weightScales = scales
        var layers: [EventLayer] = []
        if let relay = configuration.relayLayer {
            let neuron = try IntegerIFParameters(threshold: configuration.threshold, scale: relay.scale)
            layers.append(try EventLayer(oneToOne: [Int32](repeating: relay.weight, count: ann.layers[0].inputs),
                                         neuron: .integerIF(neuron), timing: .muBrain))
        }
        for (l, layer) in ann.layers.enumerated() {
            let rows = (0..<layer.outputs).map { o in Array(weights[l][(o * layer.inputs)..<((o + 1) * layer.inputs)]) }
            layers.append(try EventLayer(weights: rows, neuron: .integerIF(try IntegerIFParameters(threshold: configuration.effectiveThreshold, scale: scales[l])),
                                         timing: .muBrain))
        }
        network = try EventDrivenNetwork(layers: layers)
    }

    // MARK: - Pieces

    /// `u_i = r(x_i) / r_max`.
    public static func rateFractions(_ x: [Float], _ encoder: PoissonEncoder) -> [Float] {
        let top = encoder.maximumRateHz > 0 ? encoder.maximumRateHz : 1
        return x.map { Float(encoder.rate($0) / top) }
    }

    /// The float ANN's class.
    public func annClass(_ x: [Float]) -> Int { ann.predict(Self.rateFractions(x, configuration.encoder)) }

    /// The quantised ANN's class: `argmax W_int,2 · relu(W_int,1 · u)` (ties → lower index).
    public func quantisedClass(_ x: [Float]) -> Int {
        var a = Self.rateFractions(x, configuration.encoder).map(Double.init)
        for (l, layer) in ann.layers.enumerated() {
            let w = integerWeights[l]
            var z = [Double](repeating: 0, count: layer.outputs)
            for o in 0..<layer.outputs {
                var s = 0.0
                for i in 0..<layer.inputs { s += Double(w[o * layer.inputs + i]) * a[i] }
                z[o] = l == ann.layers.count - 1 ? s : Swift.max(0, s)
            }
            a = z
        }
        return a.indices.max { a[$0] < a[$1] || (a[$0] == a[$1] && $0 > $1) } ?? 0
    }

    /// The input events of one image: at most `spikeBudget` of them.
    public func encode(_ x: [Float], sample: Int, seed: UInt64) throws -> [AEREvent] {
        let budget = configuration.spikeBudget
        let u = Self.rateFractions(x, configuration.encoder)
        // Frame at the absolute rates, and the stretch to the configured frame.
        let natural = try configuration.encoder.frameNs(values: x, expectedSpikes: Double(budget))
        let frame = configuration.frameSeconds.map { Int64(($0 * 1e9).rounded()) } ?? natural
        switch configuration.coding {
        case .poisson:
            var g = SeededGenerator(seed: seed, key: StreamKey("mubrain", "input", "\(sample)"))
            var events = configuration.encoder.encode(x, frameNs: natural, using: &g)
            if events.count > budget { events.removeLast(events.count - budget) }
            if frame != natural {
                let stretch = Double(frame) / Double(natural)
                for k in events.indices { events[k].timeNs = Int64((Double(events[k].timeNs) * stretch).rounded(.down)) }
            }
            return events
        case .periodic:
            let total = u.reduce(0, +)
            guard total > 0 else { return [] }
            let counts = u.map { Int((Float(budget) * $0 / total).rounded(.down)) }
            let length = Swift.max(1, frame)
            switch configuration.phase {
            case .aligned:
                return try PeriodicEncoder.encode(counts: counts, frameNs: length)
            case .centered:
                return try AERStream.merge(counts.map { n in
                    (0..<n).map { k in Int64(((Double(k) + 0.5) * Double(length) / Double(n)).rounded(.down)) }
                })
            case .random:
                var g = SeededGenerator(seed: seed, key: StreamKey("mubrain", "phase", "\(sample)"))
                let trains = counts.map { n -> [Int64] in
                    let phase = g.nextUniformDouble()   // one draw per channel, spiking or not
                    guard n > 0 else { return [] }
                    let period = Double(length) / Double(n)
                    return (0..<n).map { k in Int64(((Double(k) + phase) * period).rounded(.down)) }
                }
                return try AERStream.merge(trains)
            }
        }
    }

    /// Classifies one image on the event-driven chip model.
    public func classify(_ x: [Float], sample: Int = 0, seed: UInt64 = 0) throws -> MuBrainClassification {
        let input = try encode(x, sample: sample, seed: seed)
        let result: EventRunResult
        switch configuration.arbiter {
        case .roundRobin: result = try network.run(input, arbiter: RoundRobinArbiter(), sample: sample)
        case .fixedPriority: result = try network.run(input, arbiter: FixedPriorityArbiter(), sample: sample)
        case .random: result = try network.run(input, arbiter: RandomArbiter(seed: seed), sample: sample)
        }
        let outputs = network.layers[network.layers.count - 1].outputs
        let times = AERStream.split(result.outputSpikes, channels: outputs)
        let isis = Readout.firstInterSpikeIntervals(times).compactMap { $0 }
        let shortest = isis.min()
        return MuBrainClassification(firstISIClass: Readout.firstISIArgmin(times),
                                     countClass: Readout.spikeCountArgmax(times.map(\.count)),
                                     firstISIWinners: shortest.map { m in isis.filter { $0 == m }.count } ?? 0,
                                     counters: result.counters, durationNs: result.lastEventNs,
                                     layerSpikes: result.layerEmittedSpikes)
    }

    // MARK: - Experiment

    /// Trains, converts and classifies `images` test images (in parallel over
    /// ``ComputeThreads``; identical for any thread count) and reports accuracies, spikes,
    /// SOPs and energy beside the paper (digest UB §2.5: 91.7 % SNN, 92 % ANN, 11,500 spikes,
    /// 308 nJ).
    public static func experiment(train: SystemImages, test: SystemImages, configuration: MuBrainConfiguration = .init(),
                                  images: Int = .max, seed: UInt64 = 1, dataName: String = "") throws -> MuBrainReport {
        let clock = ContinuousClock.now
        let system = try MuBrainSystem(training: train, configuration: configuration, seed: seed)
        let trained = ContinuousClock.now
        return try system.evaluate(test, images: images, seed: seed, dataName: dataName,
                                   trainingSeconds: Self.seconds(trained - clock))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Evaluates the converted system on test images.
    public func evaluate(_ test: SystemImages, images: Int = .max, seed: UInt64 = 1, dataName: String = "",
                         trainingSeconds: Double = 0) throws -> MuBrainReport {
        let n = Swift.min(images, test.count)
        guard n >= 1 else { throw ConversionError(location: "images", "no test images") }
        _ = try encode(test.rows[0], sample: 0, seed: seed)   // surfaces a bad setting as an error before the parallel run
        let start = ContinuousClock.now
        var results = [MuBrainClassification?](repeating: nil, count: n)
        results.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            ComputeThreads.forEachChunk(n) { k in base[k] = try? classify(test.rows[k], sample: k, seed: seed) }
        }
        let simulated = ContinuousClock.now
        var annRight = 0, quantRight = 0, isiRight = 0, countRight = 0, agree = 0, silent = 0, tied = 0, tiedWrong = 0
        var counters = EventCounters(), maxInput = 0
        var layerSpikes = [Int](repeating: 0, count: network.layers.count)
        for k in 0..<n {
            guard let r = results[k] else { throw ConversionError(location: "images[\(k)]", "classification failed") }
            let y = test.labels[k], x = test.rows[k]
            let q = quantisedClass(x)
            if annClass(x) == y { annRight += 1 }
            if q == y { quantRight += 1 }
            if r.firstISIClass == y { isiRight += 1 }
            if r.countClass == y { countRight += 1 }
            if r.firstISIClass == q { agree += 1 }
            if r.firstISIClass == nil { silent += 1 }
            if r.firstISIWinners >= 2 {
                tied += 1
                if r.firstISIClass != y { tiedWrong += 1 }
            }
            counters += r.counters
            for l in layerSpikes.indices { layerSpikes[l] += r.layerSpikes[l] }
            maxInput = Swift.max(maxInput, r.counters.inputSpikes)
        }
        let perImage = 1 / Double(n)
        let spikes = Double(counters.inputSpikes + counters.emittedSpikes) * perImage
        let allIn = try EnergyTable.muBrainAllIn.report(counters, durationSeconds: 0)
        var chipOnly = counters
        chipOnly.inputSpikes = 0
        let chipSpikesEnergy = try EnergyTable.muBrainAllIn.report(chipOnly, durationSeconds: 0)
        let split = try EnergyTable.muBrain.report(counters, durationSeconds: MuBrainEnergy.mnist.secondsPerClassification * Double(n))
        return MuBrainReport(
            data: dataName, configuration: configuration, seed: seed, images: n, weightScales: weightScales,
            annAccuracy: Double(annRight) * perImage, quantisedAccuracy: Double(quantRight) * perImage,
            snnAccuracyFirstISI: Double(isiRight) * perImage, snnAccuracyCount: Double(countRight) * perImage,
            agreementWithQuantised: Double(agree) * perImage, undecided: silent, tied: tied, tiedWrong: tiedWrong,
            inputSpikesPerImage: Double(counters.inputSpikes) * perImage, maximumInputSpikes: maxInput,
            emittedSpikesPerImage: Double(counters.emittedSpikes) * perImage, spikesPerImage: spikes,
            layerSpikesPerImage: layerSpikes.map { Double($0) * perImage },
            sopsPerImage: Double(counters.synapticOperations) * perImage, counters: counters,
            energyAllInJ: allIn.totalJ * perImage, energyChipSpikesJ: chipSpikesEnergy.totalJ * perImage,
            energySplitJ: split.totalJ * perImage,
            trainingSeconds: trainingSeconds, simulationSeconds: Self.seconds(simulated - start))
    }
}

/// What ``MuBrainSystem/experiment(train:test:configuration:images:seed:dataName:)`` measured.
public struct MuBrainReport: Sendable, Hashable {
    public var data: String
    public var configuration: MuBrainConfiguration
    public var seed: UInt64
    public var images: Int
    public var weightScales: [Int32]
    public var annAccuracy: Double
    public var quantisedAccuracy: Double
    /// SNN accuracy with the first-ISI readout (μBrain's) and with the spike count.
    public var snnAccuracyFirstISI: Double
    public var snnAccuracyCount: Double
    /// Fraction of images where the SNN (first ISI) gives the quantised ANN's class.
    public var agreementWithQuantised: Double
    /// Images where no output neuron spiked twice (first ISI undecided, counted wrong).
    public var undecided: Int
    /// Images where two or more output neurons share the shortest first ISI, and how many of
    /// those the tie-break got wrong.
    public var tied: Int
    public var tiedWrong: Int
    public var inputSpikesPerImage: Double
    public var maximumInputSpikes: Int
    /// Spikes of chip neurons (stimuli not counted).
    public var emittedSpikesPerImage: Double
    /// Stimuli + chip spikes: the paper's 11,500 read as counting the 6,400 stimuli.
    public var spikesPerImage: Double
    /// Chip spikes per layer, input side first: (relay,) hidden, output.
    public var layerSpikesPerImage: [Double]
    public var sopsPerImage: Double
    /// Summed over all images.
    public var counters: EventCounters
    /// 26 pJ × (input + emitted spikes) per image (``EnergyTable/muBrainAllIn``).
    public var energyAllInJ: Double
    /// 26 pJ × emitted spikes per image: the reading without the stimuli.
    public var energyChipSpikesJ: Double
    /// 8.4 pJ per spike + 58.3 µW × 4.2 ms per image (``EnergyTable/muBrain``, the paper's
    /// classification time as duration).
    public var energySplitJ: Double
    public var trainingSeconds: Double
    public var simulationSeconds: Double

    /// The paper's values (digest UB §2.5 [T]).
    public static let paperSNNAccuracy = 0.917, paperANNAccuracy = 0.92, paperSpikes = 11_500.0, paperEnergyJ = 308e-9

    /// A text table: ours beside the paper's.
    public var table: String {
        func pct(_ x: Double) -> String { String(format: "%.1f %%", 100 * x) }
        var rows: [(String, String, String)] = [
            ("data, images, seed", "\(data), \(images), \(seed)", ""),
            ("weights", "\(configuration.bits)-bit, θ = \(configuration.effectiveThreshold), scales \(weightScales.map(String.init).joined(separator: ", "))", "4-bit, θ = 64, ×1/×8"),
            ("input", "\(configuration.coding.rawValue)\(configuration.coding == .periodic ? " (" + configuration.phase.rawValue + " phases)" : ""), budget \(configuration.spikeBudget), \(configuration.arbiter.rawValue) arbiter", "Poisson [100, 655] kHz, 6,400 stimuli"),
            ("ANN accuracy (float)", pct(annAccuracy), pct(Self.paperANNAccuracy)),
            ("ANN accuracy (quantised)", pct(quantisedAccuracy), ""),
            ("SNN accuracy, first ISI", pct(snnAccuracyFirstISI), pct(Self.paperSNNAccuracy)),
            ("SNN accuracy, spike count", pct(snnAccuracyCount), ""),
            ("SNN = quantised ANN", pct(agreementWithQuantised), ""),
            ("undecided (no output ISI)", "\(undecided)", ""),
            ("tied shortest ISI (of them wrong)", "\(tied) (\(tiedWrong))", ""),
            ("first layer", configuration.relayLayer.map { "256 relays, w·s = \($0.weight)·\($0.scale), θ = \(configuration.threshold)" }
                ?? "none (stimuli drive the hidden layer)", "256 neurons (RFC layer)"),
            ("stimuli / image (max)", String(format: "%.0f (%d)", inputSpikesPerImage, maximumInputSpikes), "6,400"),
            ("chip spikes / image by layer", layerSpikesPerImage.map { String(format: "%.0f", $0) }.joined(separator: " / ")
                + (configuration.relayLayer == nil ? " (hidden / output)" : " (relay / hidden / output)"), ""),
            ("spikes / classification, stimuli counted", String(format: "%.0f (%+.0f %%)", spikesPerImage, 100 * (spikesPerImage / Self.paperSpikes - 1)), "11,500"),
            ("spikes / classification, chip only", String(format: "%.0f (%+.0f %%)", emittedSpikesPerImage, 100 * (emittedSpikesPerImage / Self.paperSpikes - 1)),
             "11,500 (or ≈ 5,100 = 11,500 − 6,400 if stimuli counted)"),
            ("SOPs / image", String(format: "%.0f", sopsPerImage), ""),
            ("energy, 26 pJ/spike, stimuli counted", String(format: "%.1f nJ", energyAllInJ * 1e9), "308 nJ (299 nJ at 11,500 × 26 pJ)"),
            ("energy, 26 pJ/spike, chip only", String(format: "%.1f nJ", energyChipSpikesJ * 1e9), "308 nJ"),
            ("energy, 8.4 pJ/spike + 58.3 µW × 4.2 ms", String(format: "%.1f nJ", energySplitJ * 1e9), "341.9 nJ at 11,500 spikes"),
        ]
        rows.append(("simulation time", String(format: "%.2f s (%.2f ms/image), training %.1f s", simulationSeconds, 1000 * simulationSeconds / Double(images), trainingSeconds), "42 s for 10,000 on chip"))
        let w0 = rows.map(\.0.count).max() ?? 0, w1 = rows.map(\.1.count).max() ?? 0
        return rows.map { r in
            r.0.padding(toLength: w0, withPad: " ", startingAt: 0) + "  " + r.1.padding(toLength: w1, withPad: " ", startingAt: 0) + "  " + r.2
        }.joined(separator: "\n")
    }
}
