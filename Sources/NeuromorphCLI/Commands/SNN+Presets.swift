import ArgumentParser
import Foundation
import Neuromorph

/// The paper systems `neuromorph snn --preset NAME` runs (issue 13): each prints its report
/// with the paper's values beside ours.
enum SpikingSystemPreset: String, CaseIterable, ExpressibleByArgument {
    case ubrainMNIST16 = "ubrain-mnist16"
    case ubrainDigits = "ubrain-digits"
    case ubrainBits = "ubrain-bits"
    case chundiMNIST = "chundi-mnist"
    case monetaMNIST = "moneta-mnist"
    case bcpnnTraces = "bcpnn-traces"

    /// Runs the preset; `data` is an IDX folder (mnist-5k layout) where one is needed.
    func run(data: String, images: Int?, seed: UInt64, output: String?, options: SpikingSystemOptions) throws {
        switch self {
        case .ubrainMNIST16, .ubrainDigits, .chundiMNIST:
            let sets = self == .ubrainDigits ? try SystemImages.shippedDigits()
                : try SystemImages.loadIDX(try Self.folder(data), side: 16, trainLimit: options.trainImages ?? .max)
            let name = self == .ubrainDigits ? "8×8 digits" : "\(URL(fileURLWithPath: data).lastPathComponent) 16×16"
            let report: String
            if self == .chundiMNIST, !options.firstThresholds.isEmpty {
                let configuration = options.chundi(.init())
                let rows = try ChundiSystem.thresholdSweep(train: sets.train, test: sets.test, configuration: configuration,
                                                           firstThresholds: options.firstThresholds, images: images ?? .max,
                                                           seed: seed, dataName: name)
                var text = "Chundi first-threshold sweep (\(name), L = \(configuration.inputLevels), TH2/TH3 = "
                    + "\(configuration.thresholds.dropFirst().map(String.init).joined(separator: "/")), BNN trained at TH1 = \(configuration.thresholds[0]), seed \(seed); "
                    + String(format: "arbiters N_cyc %.0f at %.0f Hz = %.0f grants/frame/core, ", configuration.cyclesPerGrant, configuration.arbiterClockHz, configuration.requestsServedPerFrame)
                    + (configuration.hiddenArbiterClockHz.map { String(format: "hidden cores %.0f Hz = %.0f, ", $0, configuration.hiddenRequestsServedPerFrame) } ?? "")
                    + "re-trigger while waiting for Ack: \(configuration.retrigger.rawValue))\n"
                text += "TH1   BNN      SNN (frame)  SNN (all served)  drops/image  grants/image by core      SOPs/image\n"
                for r in rows {
                    let grants = r.grantsPerLayerPerImage.map { String(format: "%.0f", $0) }.joined(separator: " / ")
                    text += String(format: "%-5d %5.1f %%  %8.1f %%  %12.1f %%  %11.0f  ", Int(r.configuration.thresholds[0]),
                                   100 * r.bnnAccuracy, 100 * r.snnAccuracy, 100 * r.snnUnlimitedAccuracy, r.dropsPerImage)
                        + grants.padding(toLength: 24, withPad: " ", startingAt: 0) + String(format: "  %10.0f\n", r.sopsPerImage)
                }
                report = text
            } else if self == .chundiMNIST {
                report = try ChundiSystem.experiment(train: sets.train, test: sets.test, configuration: options.chundi(.init()),
                                                     images: images ?? .max, seed: seed, dataName: name).table
            } else {
                report = try MuBrainSystem.experiment(train: sets.train, test: sets.test, configuration: options.muBrain(.init()),
                                                      images: images ?? .max, seed: seed, dataName: name).table
            }
            print(report)
            try Self.write(report, to: output, name: "\(rawValue).txt")
        case .ubrainBits:
            // μBrain accuracy against weight bits (Fig. 6: "< 4-bit weights: accuracy decreases
            // significantly"); `--data digits` uses the shipped 8×8 digits.
            let sets = data == "digits" ? try SystemImages.shippedDigits() : try SystemImages.loadIDX(try Self.folder(data), side: 16)
            var text = "μBrain accuracy against weight bits (\(data == "digits" ? "8×8 digits" : "16×16 " + data), seed \(seed))\n"
            text += "bits  ANN quantised  SNN first ISI  SNN count\n"
            var quantised: [Double] = [], firstISI: [Double] = [], count: [Double] = []
            let bits = [2, 3, 4, 5, 8]
            for b in bits {
                var configuration = MuBrainConfiguration()
                configuration.bits = b
                let r = try MuBrainSystem.experiment(train: sets.train, test: sets.test, configuration: configuration,
                                                     images: images ?? .max, seed: seed)
                quantised.append(r.quantisedAccuracy)
                firstISI.append(r.snnAccuracyFirstISI)
                count.append(r.snnAccuracyCount)
                text += String(format: "%4d  %12.1f %%  %12.1f %%  %8.1f %%\n", b, 100 * r.quantisedAccuracy,
                               100 * r.snnAccuracyFirstISI, 100 * r.snnAccuracyCount)
            }
            print(text, terminator: "")
            try Self.write(text, to: output, name: "\(rawValue).txt")
            if let output {
                let plot = SVGLinePlot(title: "μBrain accuracy vs weight bits (2, 3, 4, 5, 8)", xLabel: "weight bits", yLabel: "accuracy",
                                       series: [("ANN quantised", quantised), ("SNN first ISI", firstISI), ("SNN count", count)])
                try AtomicFile.write(plot.svg, to: URL(fileURLWithPath: output).appendingPathComponent("ubrain-bits.svg"))
            }
        case .monetaMNIST:
            var configuration = try options.moneta(MonetaExperiment.Configuration())
            configuration.seed = seed
            if let images { configuration.testImages = images }
            let r = try MonetaExperiment.run(data: try Self.folder(data), configuration: configuration)
            var text = """
            MONETA STDP conv SNN on \(URL(fileURLWithPath: data).lastPathComponent) (\(configuration.trainImages) train / \(configuration.testImages) test images, \
            \(configuration.steps) steps, training \(configuration.training.rawValue), seed \(seed))
            table competition \(Self.describe(configuration.competition))
            test accuracy \(String(format: "%.1f", r.testAccuracy * 100)) %   (paper, 4-layer net on full MNIST: 90.89 % Type 1, 90.13 % Type 2; \
            same topology trained by backprop here: 88.7 %, docs/spiking-systems.md)
            synaptic operations per image \(Int(r.synapticOperationsPerImage))
            learning throughput at the measured rate \(String(format: "%.2f", r.learningOpsPerSecond / 1e12)) TOPS   (paper 2.2)
            inference energy per image \(String(format: "%.1f", r.inferenceEnergyPerImageJ * 1e9)) nJ (53.5 fJ/op)
            active filters per layer \(r.activeFilters)
            """
            if configuration.training.backpropBlocks > 0 {
                func percent(_ a: Double?) -> String { a.map { String(format: "%.1f %%", $0 * 100) } ?? "—" }
                text += """

                readout on the backprop block alone \(percent(r.backpropBlockTestAccuracy)), on the STDP block alone \(percent(r.stdpBlockTestAccuracy))
                (paper, full MNIST: Type 3 92.55 %, Type 4 93.16 %, Type 5 92.07 %; learning TOPS for Types 4–5 on the two-chip hybrid)
                """
            }
            print(text)
            try Self.write(text, to: output, name: "\(rawValue).txt")
        case .bcpnnTraces:
            var text = "BCPNN traces, memristor cell against the float reference (Wang et al. Table 2 metrics)\n"
            for pattern in BCPNNExperiment.Pattern.allCases {
                let r = try BCPNNExperiment.traces(pattern: pattern, seed: seed)
                text += "\n\(pattern.rawValue): w from \(String(format: "%.3f", r.minimumWeight)) to \(String(format: "%.3f", r.maximumWeight)), final \(String(format: "%.3f", r.finalWeight))\n"
                for (name, m) in zip(BCPNNTraceValues.names, r.metrics) {
                    text += "  \(name.padding(toLength: 7, withPad: " ", startingAt: 0)) mean |Δ| \(String(format: "%.2e", m.meanAbsolute))  max |Δ| \(String(format: "%.2e", m.maxAbsolute))  corr \(String(format: "%.4f", m.correlation))\n"
                }
                if let output {
                    let plot = SVGLinePlot(title: "BCPNN \(pattern.rawValue): w_ij over time", xLabel: "step (ms)", yLabel: "w_ij",
                                           series: [("reference", r.series(5)), ("memristor", r.series(5, memristor: true))])
                    try AtomicFile.write(plot.svg, to: URL(fileURLWithPath: output).appendingPathComponent("bcpnn-\(pattern.rawValue).svg"))
                }
            }
            print(text, terminator: "")
            try Self.write(text, to: output, name: "\(rawValue).txt")
        }
    }

    static func describe(_ c: MonetaTableCompetition) -> String {
        guard c.winnerTakesIFM else { return "off (the paper's table)" }
        return "winner takes the IFM, θ⁺ = \(c.thetaPlus), decay \(c.thetaDecay) per image"
    }

    static func folder(_ path: String) throws -> URL {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--data \(path): no such folder; expected an IDX folder in the mnist-5k layout (train-images-idx3-ubyte[.gz], …), e.g. ../shared/data/mnist-5k")
        }
        return URL(fileURLWithPath: path)
    }

    static func write(_ text: String, to output: String?, name: String) throws {
        guard let output else { return }
        try AtomicFile.write(text, to: URL(fileURLWithPath: output).appendingPathComponent(name))
        print("wrote \(output)/\(name)")
    }
}

/// A minimal self-contained SVG line plot (no external assets).
struct SVGLinePlot {
    var title: String
    var xLabel: String
    var yLabel: String
    var series: [(name: String, values: [Double])]

    var svg: String {
        let width = 640.0, height = 360.0, left = 60.0, right = 20.0, top = 30.0, bottom = 40.0
        let all = series.flatMap(\.values).filter(\.isFinite)
        let lo = all.min() ?? 0, hi = all.max() ?? 1
        let span = hi > lo ? hi - lo : 1
        let count = Swift.max(1, (series.map(\.values.count).max() ?? 1) - 1)
        func x(_ i: Int) -> Double { left + (width - left - right) * Double(i) / Double(count) }
        func y(_ v: Double) -> Double { top + (height - top - bottom) * (1 - (v - lo) / span) }
        let colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"\(left)\" y=\"18\">\(title)</text>\n"
        out += "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - right)\" y2=\"\(height - bottom)\" stroke=\"black\"/>\n"
        out += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(height - bottom)\" stroke=\"black\"/>\n"
        out += "<text x=\"\((width) / 2)\" y=\"\(height - 8)\">\(xLabel)</text>\n"
        out += "<text x=\"4\" y=\"\(top + 10)\">\(String(format: "%.3g", hi))</text><text x=\"4\" y=\"\(height - bottom)\">\(String(format: "%.3g", lo))</text>\n"
        out += "<text x=\"4\" y=\"\((height) / 2)\">\(yLabel)</text>\n"
        for (k, s) in series.enumerated() {
            let stride = Swift.max(1, s.values.count / 1000)
            let points = Swift.stride(from: 0, to: s.values.count, by: stride).filter { s.values[$0].isFinite }
                .map { String(format: "%.1f,%.1f", x($0), y(s.values[$0])) }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(colors[k % colors.count])\" stroke-width=\"1.2\" points=\"\(points)\"/>\n"
            out += "<text x=\"\(width - 150)\" y=\"\(top + 14 * Double(k + 1))\" fill=\"\(colors[k % colors.count])\">\(s.name)</text>\n"
        }
        return out + "</svg>\n"
    }
}
