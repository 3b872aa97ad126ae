import ArgumentParser
import Neuromorph

/// The settings of the paper systems that `neuromorph snn --preset NAME` exposes as flags
/// (issue 13). Each flag belongs to one system; giving it with another preset is a usage
/// error naming the flag and the preset it needs.
struct SpikingSystemOptions: ParsableArguments {
    // MARK: Data

    @Option(help: "ubrain-mnist16, chundi-mnist, moneta-mnist: use the first N training images (default: all; MONETA 300).")
    var trainImages: Int?

    // MARK: MONETA

    @Option(help: "moneta-mnist: the paper's network type: type1 (STDP, spike-cycle order), type2 (PIM-friendly STDP, filter-update table; default), type3 (two backprop blocks), type4 (hybrid: backprop block + type1 STDP block), type5 (hybrid: backprop block + type2 STDP block), or untrained.")
    var training: MonetaExperiment.Training?

    @Flag(help: "moneta-mnist, type2/type5: an IFM enters the filter-update table only for its depth winner argmax(peak V − θ) (ours; off = the paper's table).")
    var tableCompetition = false

    @Option(help: "moneta-mnist, with --table-competition: homeostasis θ⁺, added to a filter's offset θ after each training image that updated it, in V_mem units (V_th = 200); 0 = none (default 0).")
    var thetaPlus: Float?

    @Option(help: "moneta-mnist, with --table-competition: decay of the offsets θ per training image, in [0, 1] (default 0.99).")
    var thetaDecay: Float?

    // MARK: μBrain

    @Flag(help: "ubrain-mnist16/-digits: simulate the chip's first layer of 256 neurons as relays (IntegerIF, θ = 64; stimulus i drives neuron i only).")
    var relayFirstLayer = false

    @Option(help: "ubrain, with --relay-first-layer: the relay synapse's 4-bit weight code, 1…7 (default 7).")
    var relayWeight: Int32?

    @Option(help: "ubrain, with --relay-first-layer: the relay layer's global weight scale, 1…64 (μBrain: 1 or 8; default 8). weight·scale ≤ 64.")
    var relayScale: Int32?

    @Option(help: "ubrain-mnist16/-digits: input coding, periodic (default) or poisson.")
    var coding: MuBrainInputCoding?

    @Option(help: "ubrain, periodic coding: phases of the channels' trains, random (default: a seeded phase per channel and image), aligned (every channel spikes at t = 0; the default before round 6) or centered (spikes at (k + ½)·T/n).")
    var inputPhase: MuBrainInputPhase?

    @Option(parsing: .upToNextOption, help: "ubrain: integer weight scales of the hidden and output layer, each 1…64 (μBrain: 1 or 8; default 1 1).")
    var weightScales: [Int32] = []

    @Option(help: "ubrain: quantisation range: the p-th percentile of |w| (0 < p ≤ 100) maps to the top weight code and larger weights clip (default: the largest |w|).")
    var weightClipPercentile: Double?

    // MARK: Chundi

    @Option(help: "chundi-mnist: input scale L, input spikes per frame at pixel value 1 (round(x·L) per pixel; default 63).")
    var inputLevels: Int?

    @Option(parsing: .upToNextOption,
            help: "chundi-mnist: sweep the first hidden threshold TH1 over these values (one BNN trained at TH1 = 32, TH2/TH3 kept), e.g. --first-thresholds 2 4 8 16 32 64.")
    var firstThresholds: [Int32] = []

    @Option(parsing: .upToNextOption, help: "chundi-mnist: hidden thresholds TH1 TH2 TH3 (default 32 16 14; Fig. 7B's sweep: 24 16 8). With --first-thresholds the BNN is trained at these.")
    var hiddenThresholds: [Int32] = []

    @Option(help: "chundi-mnist: the arbiters' clock f_clk,a in Hz (default 17000; N_cyc = 3 cycles per grant, Eq. 2: f·T_frame/N_cyc grants per core per frame).")
    var arbiterClock: Double?

    @Option(help: "chundi-mnist: the hidden cores' arbiter clock in Hz (default: --arbiter-clock); the input core keeps --arbiter-clock.")
    var hiddenArbiterClock: Double?

    @Option(help: "chundi-mnist: a neuron that crosses TH again while its request waits for Ack: queue (default: kept, dropped only at frame end) or drop (the spike is missed, as the chip's single Req line).")
    var retrigger: RetriggerPolicy?

    /// Throws a `ValidationError` naming a flag that does not belong to `preset` or is out of range.
    func validate(for preset: SpikingSystemPreset?) throws {
        func need(_ flag: String, _ allowed: [SpikingSystemPreset]) throws {
            guard let preset, allowed.contains(preset) else {
                throw ValidationError("\(flag) applies to --preset \(allowed.map(\.rawValue).joined(separator: " or ")) only")
            }
        }
        if let trainImages {
            try need("--train-images", [.ubrainMNIST16, .chundiMNIST, .monetaMNIST])
            guard trainImages >= 1 else { throw ValidationError("--train-images must be at least 1, got \(trainImages)") }
        }
        if training != nil { try need("--training", [.monetaMNIST]) }
        if tableCompetition { try need("--table-competition", [.monetaMNIST]) }
        if thetaPlus != nil { try need("--theta-plus", [.monetaMNIST]) }
        if thetaDecay != nil { try need("--theta-decay", [.monetaMNIST]) }
        let ubrain: [SpikingSystemPreset] = [.ubrainMNIST16, .ubrainDigits]
        if relayFirstLayer { try need("--relay-first-layer", ubrain) }
        if relayWeight != nil || relayScale != nil {
            try need(relayWeight != nil ? "--relay-weight" : "--relay-scale", ubrain)
            guard relayFirstLayer else {
                throw ValidationError("\(relayWeight != nil ? "--relay-weight" : "--relay-scale") needs --relay-first-layer")
            }
        }
        if inputLevels != nil { try need("--input-levels", [.chundiMNIST]) }
        if coding != nil { try need("--coding", ubrain) }
        if let inputPhase {
            try need("--input-phase", ubrain)
            if coding == .poisson { throw ValidationError("--input-phase applies to --coding periodic only") }
        }
        if !weightScales.isEmpty {
            try need("--weight-scales", ubrain)
            guard weightScales.count == 2, weightScales.allSatisfy({ (1...64).contains($0) }) else {
                throw ValidationError("--weight-scales needs two integers in 1...64 (hidden, output), got \(weightScales.map(String.init).joined(separator: " "))")
            }
        }
        if let weightClipPercentile {
            try need("--weight-clip-percentile", ubrain)
            guard weightClipPercentile > 0, weightClipPercentile <= 100 else {
                throw ValidationError("--weight-clip-percentile must be in (0, 100], got \(weightClipPercentile)")
            }
        }
        if retrigger != nil { try need("--retrigger", [.chundiMNIST]) }
        if let hiddenArbiterClock {
            try need("--hidden-arbiter-clock", [.chundiMNIST])
            guard hiddenArbiterClock > 0, hiddenArbiterClock.isFinite else { throw ValidationError("--hidden-arbiter-clock must be a frequency > 0 Hz, got \(hiddenArbiterClock)") }
        }
        if let arbiterClock {
            try need("--arbiter-clock", [.chundiMNIST])
            guard arbiterClock > 0, arbiterClock.isFinite else { throw ValidationError("--arbiter-clock must be a frequency > 0 Hz, got \(arbiterClock)") }
        }
        if !hiddenThresholds.isEmpty {
            try need("--hidden-thresholds", [.chundiMNIST])
            guard hiddenThresholds.count == 3, hiddenThresholds.allSatisfy({ $0 >= 1 }) else {
                throw ValidationError("--hidden-thresholds needs three integers ≥ 1 (TH1 TH2 TH3), got \(hiddenThresholds.map(String.init).joined(separator: " "))")
            }
        }
        if !firstThresholds.isEmpty {
            try need("--first-thresholds", [.chundiMNIST])
            if let bad = firstThresholds.first(where: { $0 < 1 }) {
                throw ValidationError("--first-thresholds must be integers ≥ 1, got \(bad)")
            }
        }
        if let thetaPlus {
            guard thetaPlus >= 0, thetaPlus.isFinite else { throw ValidationError("--theta-plus must be a finite V_mem offset ≥ 0, got \(thetaPlus)") }
            guard thetaPlus == 0 || tableCompetition else { throw ValidationError("--theta-plus needs --table-competition (the offsets rank filters against each other)") }
        }
        if thetaDecay != nil, !tableCompetition { throw ValidationError("--theta-decay needs --table-competition") }
        if let thetaDecay, !(thetaDecay >= 0 && thetaDecay <= 1) {
            throw ValidationError("--theta-decay must be in [0, 1] (per training image), got \(thetaDecay)")
        }
        if tableCompetition, let training, training.stdpLearning != .pimFriendly {
            throw ValidationError("--table-competition needs --training type2 or type5 (the filter-update table is PIM-friendly STDP's), got \(training.rawValue)")
        }
        if let relayWeight, !(1...7).contains(relayWeight) {
            throw ValidationError("--relay-weight must be a 4-bit weight code in 1...7, got \(relayWeight)")
        }
        if let relayScale, !(1...64).contains(relayScale) {
            throw ValidationError("--relay-scale must be in 1...64, got \(relayScale)")
        }
        if let inputLevels, inputLevels < 1 {
            throw ValidationError("--input-levels must be at least 1 (input spikes per frame at pixel value 1), got \(inputLevels)")
        }
    }

    /// MONETA's experiment settings with these flags applied.
    func moneta(_ base: MonetaExperiment.Configuration) throws -> MonetaExperiment.Configuration {
        var c = base
        if let trainImages { c.trainImages = trainImages }
        if let training { c.training = training }
        if tableCompetition {
            c.competition = try MonetaTableCompetition(winnerTakesIFM: true, thetaPlus: thetaPlus ?? 0,
                                                       thetaDecay: thetaDecay ?? MonetaTableCompetition.off.thetaDecay)
        }
        return c
    }

    /// μBrain's settings with these flags applied.
    func muBrain(_ base: MuBrainConfiguration) -> MuBrainConfiguration {
        var c = base
        if let coding { c.coding = coding }
        if let inputPhase { c.phase = inputPhase }
        if !weightScales.isEmpty { c.weightScales = weightScales }
        if let weightClipPercentile { c.weightClipPercentile = weightClipPercentile }
        if relayFirstLayer {
            let standard = MuBrainRelayLayer()
            c.relayLayer = MuBrainRelayLayer(weight: relayWeight ?? standard.weight, scale: relayScale ?? standard.scale)
        }
        return c
    }

    /// Chundi's settings with these flags applied.
    func chundi(_ base: ChundiConfiguration) -> ChundiConfiguration {
        var c = base
        if let inputLevels { c.inputLevels = inputLevels }
        if let retrigger { c.retrigger = retrigger }
        if let arbiterClock { c.arbiterClockHz = arbiterClock }
        if let hiddenArbiterClock { c.hiddenArbiterClockHz = hiddenArbiterClock }
        if !hiddenThresholds.isEmpty { c.thresholds = hiddenThresholds }
        return c
    }
}

extension MonetaExperiment.Training: ExpressibleByArgument {}
extension MuBrainInputCoding: ExpressibleByArgument {}
extension MuBrainInputPhase: ExpressibleByArgument {}
extension RetriggerPolicy: ExpressibleByArgument {}
