import Foundation
import NeuromorphCore
import NeuromorphData
import NeuromorphNN

/// The result of `neuromorph compare`: one trained network, every substrate of the spec's
/// `substrates:` list, written as `comparison.json`, `comparison.csv` and `report.html`.
public struct SubstrateComparison: Sendable, Codable, Equatable {
    public var name: String
    public var dataSource: String
    public var trainSamples: Int
    public var testSamples: Int
    /// The digital model (`Linear(784 → 256) → …`).
    public var model: String
    /// Multiply-accumulates and parameters per inference (the model's ``Workload``).
    public var macs: Int
    public var parameters: Int
    /// The checkpoint every substrate started from.
    public var checkpoint: String
    public var rows: [ComparisonRow]
    public var versions: [String: String]

    public init(name: String, dataSource: String, trainSamples: Int, testSamples: Int, model: String, macs: Int,
                parameters: Int, checkpoint: String, rows: [ComparisonRow], versions: [String: String] = [:]) {
        self.name = name
        self.dataSource = dataSource
        self.trainSamples = trainSamples
        self.testSamples = testSamples
        self.model = model
        self.macs = macs
        self.parameters = parameters
        self.checkpoint = checkpoint
        self.rows = rows
        self.versions = versions
    }

    /// The rows on the accuracy-vs-energy Pareto front (see ``ParetoFront``), by index.
    public var paretoIndices: [Int] {
        let points = rows.enumerated().compactMap { i, row -> (Int, ParetoFront.Point)? in
            guard let e = row.energyPerInferenceJ, let a = row.accuracy else { return nil }
            return (i, ParetoFront.Point(cost: e, value: a))
        }
        return ParetoFront.indices(of: points.map(\.1)).map { points[$0].0 }
    }
}

// MARK: - Running

extension SubstrateComparison {
    /// Trains the spec's model once (digital, as `neuromorph train`, into `output/train`) or
    /// loads it from `checkpoint`, then evaluates it on every entry of `spec.substrates`
    /// (each writes what it has into `output/substrates/<index>-<kind>`), and writes
    /// `comparison.json`, `comparison.csv` and `report.html` into `output`.
    ///
    /// - Throws: `SpecError` at `substrates` when the list is missing or empty; any error of
    ///   training, data loading or a substrate.
    public static func run(_ spec: ExperimentSpec, output: URL, checkpoint: URL? = nil,
                           log: @escaping @Sendable (String) -> Void = { print($0) }) throws -> SubstrateComparison {
        guard let entries = spec.substrates, !entries.isEmpty else {
            throw SpecError(path: "substrates", "missing or empty; expected a list such as [{kind: digital}, {kind: digital, precision: int8}, "
                + "{kind: analog, analog: {device: constant_step}}, {kind: pcm}, {kind: spiking}] (kinds: \(SubstrateRegistry.kinds.joined(separator: ", ")))")
        }
        try ResultsFolder.prepare(output)
        var digital = spec
        digital.hardware = HardwareSpec()
        digital.substrates = nil
        let trained: URL
        if let checkpoint {
            trained = checkpoint
            log("compare: loading the trained model from \(checkpoint.path)")
        } else {
            log("compare: training \(spec.name) once (digital float32)")
            _ = try ExperimentRunner.run(digital, output: output.appendingPathComponent("train"), log: { log("  \($0)") })
            trained = output.appendingPathComponent("train").appendingPathComponent("checkpoint")
        }
        let data = try ExperimentRunner.loadData(spec.data, seed: spec.training.seed)
        var (model, _) = try ModelBuilder.build(spec.model, dataShape: data.train.featureShape, seed: spec.training.seed,
                                                analog: nil, inputFields: data.inputFields)
        try Checkpoint.load(into: &model, from: trained)
        let workload = try digital.workload()
        var rows: [ComparisonRow] = []
        for (index, entry) in entries.enumerated() {
            let folder = output.appendingPathComponent("substrates").appendingPathComponent("\(index)-\(entry.kind)")
            let context = SubstrateContext(spec: digital, checkpoint: trained, folder: folder, log: log)
            log("compare: substrates[\(index)] \(entry.substrate.label)")
            let result = try entry.substrate.evaluate(model: model, data: data, workload: workload, context: context)
            rows += result.rows
        }
        let comparison = SubstrateComparison(
            name: spec.name, dataSource: data.source, trainSamples: data.train.count, testSamples: data.test.count,
            model: model.summary, macs: workload.macs, parameters: workload.parameterCount, checkpoint: trained.path, rows: rows,
            versions: ["neuromorph": ExperimentRunner.version])
        try comparison.write(to: output, specText: try? SpecLoader.yaml(spec))
        return comparison
    }

    /// Writes `comparison.json`, `comparison.csv`, `report.html` and (given the spec's text)
    /// `spec.yaml` atomically; ``ComparisonReport/init(folder:)`` rebuilds the page from them.
    public func write(to folder: URL, specText: String? = nil) throws {
        try ResultsFolder.writing(folder) {
            if let specText { try AtomicFile.write(specText, to: folder.appendingPathComponent("spec.yaml")) }
            try AtomicFile.write(try SpecLoader.json(self), to: folder.appendingPathComponent("comparison.json"))
            try AtomicFile.write(csv(), to: folder.appendingPathComponent("comparison.csv"))
            try AtomicFile.write(ComparisonReport(comparison: self, specText: specText).html(),
                                 to: folder.appendingPathComponent("report.html"))
        }
    }
}

// MARK: - Pareto front

/// The Pareto front of (cost, value) points: lower cost and higher value are better; a point
/// is on the front when no other point has cost ≤ and value ≥ with one of them strict.
/// Equal points are all on the front.
public enum ParetoFront {
    public struct Point: Sendable, Equatable {
        public var cost: Double
        public var value: Double
        public init(cost: Double, value: Double) {
            self.cost = cost
            self.value = value
        }
    }

    /// Indices of the points on the front, by increasing cost.
    public static func indices(of points: [Point]) -> [Int] {
        points.indices.filter { i in
            !points.indices.contains { j in
                j != i && points[j].cost <= points[i].cost && points[j].value >= points[i].value
                    && (points[j].cost < points[i].cost || points[j].value > points[i].value)
            }
        }.sorted { (points[$0].cost, $0) < (points[$1].cost, $1) }
    }
}
