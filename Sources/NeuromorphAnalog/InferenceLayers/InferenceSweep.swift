import Foundation
import NeuromorphCore
import NeuromorphNN

/// Accuracy over time after programming (Spoon et al. 2021 §2.3 and Figs. 5–8; digest §2.6,
/// §2.9 `InferenceSweep`): program the model once per repeat, then evaluate it at every
/// inference time, and report mean ± standard error over the repeats.
///
/// ```
/// for r in 0..<repeats:                        (repeat r: its own programming seed)
///     M_r = program(model, noiseModel)         (programming noise, ν per device, ref₀ per tile)
///     for t in times:
///         read(M_r, t)                         (drift, fresh read noise, α(t) per tile)
///         for c in compensation: a[c][t][r] = accuracy(M_r with α if c, data)
/// mean = Σ_r a / N       SE = sqrt( Σ_r (a − mean)² / (N − 1) ) / √N
/// ```
/// The paper re-evaluates each model 25 times per time point (5 for QQP) at 1 s, 1 h,
/// 1 day, 1 week and 1 month. Here the compensated and uncompensated accuracies of a repeat
/// come from the same programmed devices and the same read, so their difference is paired.
/// Every analog layer of the model must be an ``AnalogInferenceLinear``; other layers stay digital.
public struct InferenceSweep<Model: InferenceNoiseModel>: Sendable {
    /// The device model every repeat is programmed with.
    public var noiseModel: Model
    /// The inference times (seconds after programming).
    public var times: [InferenceTime]
    /// Programmings (paper: 25).
    public var repeats: Int
    /// The drift-compensation settings evaluated at every time (default: on only).
    public var compensation: [Bool]
    /// The seed of all programming, read and periphery draws.
    public var seed: UInt64
    /// Evaluation batch size.
    public var batchSize: Int
    /// When programmed layers redraw read noise (default: once per time).
    public var readNoise: AnalogInferenceLinear.ReadNoiseRedraw

    public init(noiseModel: Model, times: [InferenceTime] = InferenceTime.paperGrid, repeats: Int = 25,
                compensation: [Bool] = [true], seed: UInt64 = 0, batchSize: Int = 1000,
                readNoise: AnalogInferenceLinear.ReadNoiseRedraw = .perTime) {
        precondition(!times.isEmpty && repeats > 0 && !compensation.isEmpty && batchSize > 0,
                     "InferenceSweep: times, repeats, compensation and batch size must be non-empty / positive")
        self.noiseModel = noiseModel
        self.times = times
        self.repeats = repeats
        self.compensation = compensation
        self.seed = seed
        self.batchSize = batchSize
        self.readNoise = readNoise
    }

    /// Runs the sweep on a copy of `model` per repeat; `progress` gets one line per repeat.
    public func run<M: Layer>(_ model: M, on data: LabeledTensors,
                              progress: (String) -> Void = { _ in }) -> InferenceSweepResult {
        precondition(data.count > 0, "InferenceSweep: empty data set")
        var prepared = model
        var layerCount = 0
        AnalogInference.forEachLayer(&prepared) { _, layer in
            layer.unprogram()
            layer.readNoise = readNoise
            layerCount += 1
        }
        precondition(layerCount > 0, "InferenceSweep: the model has no AnalogInferenceLinear layer (convert it first)")
        var reference = prepared
        let referenceAccuracy = Self.accuracy(&reference, data, batchSize: batchSize)
        var accuracies = [[[Float]]](repeating: [[Float]](repeating: [], count: times.count), count: compensation.count)
        for r in 0..<repeats {
            var m = prepared
            var seeds = SeededGenerator(seed: seed, key: StreamKey("sweep", "repeat.\(r)"))
            AnalogInference.program(&m, noiseModel: noiseModel, seed: seeds.next())
            for (k, time) in times.enumerated() {
                AnalogInference.read(&m, at: time)
                for (c, compensated) in compensation.enumerated() {
                    AnalogInference.setDriftCompensation(&m, compensated)
                    accuracies[c][k].append(Self.accuracy(&m, data, batchSize: batchSize))
                }
            }
            progress("repeat \(r + 1)/\(repeats): "
                     + times.indices.map { "\(times[$0]) \(Self.percent(accuracies[0][$0][r]))" }.joined(separator: ", "))
        }
        let series = compensation.enumerated().map { c, compensated in
            InferenceSweepResult.Series(driftCompensation: compensated, points: times.enumerated().map { k, time in
                InferenceSweepResult.Point(time: time, accuracies: accuracies[c][k])
            })
        }
        return InferenceSweepResult(noiseModel: "\(noiseModel)", repeats: repeats, seed: seed, samples: data.count,
                                    referenceAccuracy: referenceAccuracy, series: series)
    }

    /// Top-1 accuracy of `model` on `data` in inference mode.
    static func accuracy<M: Layer>(_ model: inout M, _ data: LabeledTensors, batchSize: Int) -> Float {
        var correct = 0
        var start = 0
        while start < data.count {
            let end = Swift.min(start + batchSize, data.count)
            let output = model.forward(data.inputs.gatherRows(start..<end), mode: .inference)
            correct += zip(output.argmaxRows(), data.labels[start..<end]).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
            start = end
        }
        return Float(correct) / Float(data.count)
    }

    static func percent(_ a: Float) -> String { String(format: "%.2f%%", 100 * Double(a)) }
}

/// The result of an ``InferenceSweep``: per drift-compensation setting and time, the accuracy
/// of every repeat with its mean and standard error.
public struct InferenceSweepResult: Sendable, Codable, Equatable {
    /// One time point.
    public struct Point: Sendable, Codable, Equatable {
        public var time: InferenceTime
        /// Accuracy of every repeat (fraction in [0, 1]).
        public var accuracies: [Float]
        /// Mean accuracy over the repeats.
        public var mean: Double
        /// Standard error of the mean, `s / √N` (0 for one repeat).
        public var standardError: Double

        public init(time: InferenceTime, accuracies: [Float]) {
            self.time = time
            self.accuracies = accuracies
            let n = Double(accuracies.count)
            mean = accuracies.reduce(0.0) { $0 + Double($1) } / Swift.max(n, 1)
            let m = mean
            let variance = n > 1 ? accuracies.reduce(0.0) { $0 + (Double($1) - m) * (Double($1) - m) } / (n - 1) : 0
            standardError = n > 1 ? (variance / n).squareRoot() : 0
        }
    }

    /// The curve of one drift-compensation setting.
    public struct Series: Sendable, Codable, Equatable {
        public var driftCompensation: Bool
        public var points: [Point]
        public var label: String { driftCompensation ? "compensated" : "uncompensated" }
    }

    /// The device model (its description).
    public var noiseModel: String
    public var repeats: Int
    public var seed: UInt64
    /// Evaluation samples.
    public var samples: Int
    /// Accuracy of the model before programming (digital weights through the periphery).
    public var referenceAccuracy: Float
    public var series: [Series]

    /// The series with the given compensation setting.
    public func series(compensated: Bool) -> Series? { series.first { $0.driftCompensation == compensated } }

    /// A text table: one row per time, one `mean ± SE` column per compensation setting (percent).
    public func table() -> String {
        var lines = ["Inference sweep: \(noiseModel)",
                     "\(repeats) repeats, seed \(seed), \(samples) samples; before programming: "
                        + String(format: "%.2f%%", 100 * Double(referenceAccuracy))]
        let header = ["time"] + series.map { "accuracy (\($0.label)) [%]" }
        var rows: [[String]] = []
        for k in (series.first?.points ?? []).indices {
            rows.append([series[0].points[k].time.description] + series.map {
                String(format: "%.2f ± %.2f", 100 * $0.points[k].mean, 100 * $0.points[k].standardError)
            })
        }
        let widths = header.indices.map { c in ([header[c]] + rows.map { $0[c] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, cell in
                c == 0 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  ")
        }
        lines.append(line(header))
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        lines += rows.map(line)
        return lines.joined(separator: "\n") + "\n"
    }

    /// CSV with one row per (compensation, time):
    /// `time,seconds,drift_compensation,mean_accuracy,standard_error,repeats`.
    public func csv() -> String {
        var lines = ["time,seconds,drift_compensation,mean_accuracy,standard_error,repeats"]
        for s in series {
            for p in s.points {
                lines.append("\(p.time),\(p.time.seconds),\(s.driftCompensation),\(p.mean),\(p.standardError),\(p.accuracies.count)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// An SVG line plot of accuracy (%) against time on a log axis, one line per series with
    /// ±1 SE error bars and the pre-programming accuracy as a dashed line.
    public func svg(width: Int = 640, height: Int = 400) -> String {
        let (left, right, top, bottom) = (70.0, 20.0, 30.0, 50.0)
        let (w, h) = (Double(width) - left - right, Double(height) - top - bottom)
        let points = series.flatMap(\.points)
        let logs = points.map { Foundation.log10(Swift.max($0.time.seconds, 1e-3)) }
        let (x0, x1) = (logs.min() ?? 0, Swift.max(logs.max() ?? 1, (logs.min() ?? 0) + 1))
        let values = points.flatMap { [100 * ($0.mean - $0.standardError), 100 * ($0.mean + $0.standardError)] }
            + [100 * Double(referenceAccuracy)]
        var (y0, y1) = ((values.min() ?? 0).rounded(.down) - 1, (values.max() ?? 100).rounded(.up) + 1)
        if y1 - y0 < 2 { (y0, y1) = (y0 - 1, y1 + 1) }
        func px(_ seconds: Double) -> Double { left + (Foundation.log10(Swift.max(seconds, 1e-3)) - x0) / (x1 - x0) * w }
        func py(_ percent: Double) -> Double { top + (y1 - percent) / (y1 - y0) * h }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        let colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]
        var svg = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" font-family=\"sans-serif\" font-size=\"12\">",
                   "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
                   "<text x=\"\(f(left))\" y=\"18\">\(Self.escape(noiseModel.count > 80 ? String(noiseModel.prefix(80)) + "…" : noiseModel))</text>",
                   "<line x1=\"\(f(left))\" y1=\"\(f(top + h))\" x2=\"\(f(left + w))\" y2=\"\(f(top + h))\" stroke=\"black\"/>",
                   "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + h))\" stroke=\"black\"/>"]
        for p in series.first?.points ?? [] {
            let x = px(p.time.seconds)
            svg.append("<line x1=\"\(f(x))\" y1=\"\(f(top + h))\" x2=\"\(f(x))\" y2=\"\(f(top + h + 5))\" stroke=\"black\"/>")
            svg.append("<text x=\"\(f(x))\" y=\"\(f(top + h + 18))\" text-anchor=\"middle\">\(p.time)</text>")
        }
        for k in 0...4 {
            let v = y0 + (y1 - y0) * Double(k) / 4
            svg.append("<text x=\"\(f(left - 6))\" y=\"\(f(py(v) + 4))\" text-anchor=\"end\">\(f(v))</text>")
            svg.append("<line x1=\"\(f(left))\" y1=\"\(f(py(v)))\" x2=\"\(f(left + w))\" y2=\"\(f(py(v)))\" stroke=\"#ddd\"/>")
        }
        svg.append("<text x=\"\(f(left + w / 2))\" y=\"\(f(Double(height) - 10))\" text-anchor=\"middle\">time after programming (log)</text>")
        svg.append("<text x=\"16\" y=\"\(f(top + h / 2))\" transform=\"rotate(-90 16 \(f(top + h / 2)))\" text-anchor=\"middle\">accuracy [%]</text>")
        let ref = py(100 * Double(referenceAccuracy))
        svg.append("<line x1=\"\(f(left))\" y1=\"\(f(ref))\" x2=\"\(f(left + w))\" y2=\"\(f(ref))\" stroke=\"gray\" stroke-dasharray=\"4 3\"/>")
        for (i, s) in series.enumerated() {
            let color = colors[i % colors.count]
            let path = s.points.map { "\(f(px($0.time.seconds))),\(f(py(100 * $0.mean)))" }.joined(separator: " ")
            svg.append("<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(path)\"/>")
            for p in s.points {
                let x = px(p.time.seconds)
                svg.append("<line x1=\"\(f(x))\" y1=\"\(f(py(100 * (p.mean - p.standardError))))\" x2=\"\(f(x))\" "
                           + "y2=\"\(f(py(100 * (p.mean + p.standardError))))\" stroke=\"\(color)\"/>")
                svg.append("<circle cx=\"\(f(x))\" cy=\"\(f(py(100 * p.mean)))\" r=\"3\" fill=\"\(color)\"/>")
            }
            svg.append("<text x=\"\(f(left + w - 120))\" y=\"\(f(top + 16 + 16 * Double(i)))\" fill=\"\(color)\">\(s.label)</text>")
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }

    static func escape(_ s: String) -> String { s.xmlEscaped }
}
