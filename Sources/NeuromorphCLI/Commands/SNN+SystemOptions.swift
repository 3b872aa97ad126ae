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

    // MARK: Chundi

    @Option(help: "chundi-mnist: input scale L, input spikes per frame at pixel value 1 (round(x·L) per pixel; default 63).")
    var inputLevels: Int?

    @Option(parsing: .upToNextOption,
            help: "chundi-mnist: sweep the first hidden threshold TH1 over these values (one BNN trained at TH1 = 32, TH2/TH3 kept), e.g. --first-thresholds 2 4 8 16 32 64.")
    var firstThresholds: [Int32] = []

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
        return c
    }
}

extension MonetaExperiment.Training: ExpressibleByArgument {}
