import Foundation

// MARK: - NeuroSim network CSV importer

/// Reads NeuroSim's network description (`NetWork_*.csv` of DNN_NeuroSim V1.3): one row per
/// weight layer, eight integers
/// ```
/// IFM height, IFM width, IFM channels C, kernel height, kernel width, OFM channels N, pooling after (0/1), stride
/// ```
/// (Lu et al. 2021, "NeuroSim settings"). A 1 × 1 IFM with a 1 × 1 kernel is a fully-connected
/// layer. Layers are named `layer1`, `layer2`, … as NeuroSim prints them. Square kernels only
/// (NeuroSim's VGG/ResNet/DenseNet files have no others).
public enum NeuroSimNetworkCSV {
    /// One parsed row: the layer and its pooling flag.
    public struct Row: Sendable, Equatable {
        public var layer: NetworkLayer
        public var poolingAfter: Bool
    }

    /// Parses CSV text; `file` names the source in error messages.
    public static func parse(_ text: String, file: String = "NetWork.csv") throws -> [Row] {
        var rows: [Row] = []
        for (n, raw) in text.split(whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            let field = "\(file) line \(n + 1)"
            guard fields.count == 8 else {
                throw CIMEstimateError.invalidParameter(field: field, value: line,
                                                        expected: "8 comma-separated integers: H,W,C,K,K,N,pool,stride")
            }
            var v: [Int] = []
            for (i, f) in fields.enumerated() {
                guard let x = Int(f), x >= (i == 6 ? 0 : 1) else {
                    throw CIMEstimateError.invalidParameter(field: "\(field) column \(i + 1)", value: f,
                                                            expected: i == 6 ? "0 or 1" : "an integer >= 1")
                }
                v.append(x)
            }
            guard v[3] == v[4] else {
                throw CIMEstimateError.invalidParameter(field: "\(field) columns 4-5", value: "\(v[3])x\(v[4])",
                                                        expected: "a square kernel")
            }
            guard v[6] <= 1 else {
                throw CIMEstimateError.invalidParameter(field: "\(field) column 7", value: "\(v[6])", expected: "0 or 1")
            }
            let layer = NetworkLayer(name: "layer\(rows.count + 1)", inputHeight: v[0], inputWidth: v[1],
                                     inputChannels: v[2], kernelSize: v[3], outputChannels: v[5], stride: v[7])
            try layer.validate(field: field)
            rows.append(Row(layer: layer, poolingAfter: v[6] == 1))
        }
        guard !rows.isEmpty else {
            throw CIMEstimateError.invalidParameter(field: file, value: "no rows", expected: "at least one layer row")
        }
        return rows
    }

    /// Reads and parses a file.
    public static func load(_ url: URL) throws -> [Row] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw CIMEstimateError.invalidParameter(field: "network CSV", value: url.path, expected: "a readable UTF-8 file")
        }
        return try parse(text, file: url.lastPathComponent)
    }

    /// NeuroSim's operation count: 2 · Σ H·W·C·K·K·N over the rows (its `main.cpp` convention,
    /// independent of how many vectors it simulates; 1,231,835,136 for VGG-8).
    public static func operations(_ layers: [NetworkLayer]) -> Double {
        2 * layers.reduce(0) { $0 + Double($1.inputHeight * $1.inputWidth * $1.weightRows * $1.outputChannels) }
    }
}
