import Foundation
import NeuromorphCore
import NeuromorphNN
import Yams

extension ExperimentSpec {
    /// The digital model of this spec and its `Workload` for one sample of the data set
    /// (``DataSpec/sampleShape()``, found without loading the data; a ratings data set is read
    /// for its user and item counts). Analog hardware is
    /// ignored: the workload is the same network on any substrate.
    ///
    /// - Throws: `SpecError` for a model that does not build, `DataError` for an IDX folder
    ///   without a readable train-images header, `WorkloadError` for a layer that cannot
    ///   describe its work.
    public func workload() throws -> Workload {
        let shape = try data.sampleShape()
        // Index-encoded categorical inputs (ratings): the field sizes come from the data.
        let fields = data.dataset == .movielens ? try ExperimentRunner.loadData(data, seed: training.seed).inputFields : nil
        let (model, _) = try ModelBuilder.build(model, dataShape: shape, seed: training.seed, analog: nil, inputFields: fields)
        return try model.describeWorkload(inputShape: shape, name: name)
    }
}

extension SpecLoader {
    /// Whether the YAML or JSON file at `url` is an experiment spec (its top level has both
    /// `model` and `data` keys) rather than another configuration (a CIM estimate spec, an
    /// IMC network list).
    ///
    /// - Throws: `SpecError` naming the file when it cannot be read or parsed.
    public static func isExperimentSpec(_ url: URL) throws -> Bool {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw SpecError(file: url.path, path: "", "cannot read the file (\(error.localizedDescription))")
        }
        let top: Any?
        do { top = try Yams.load(yaml: text) } catch {
            throw SpecError(file: url.path, path: "", "not valid YAML or JSON: \(error)")
        }
        guard let keys = (top as? [String: Any]).map({ Set($0.keys) }) else { return false }
        return keys.contains("model") && keys.contains("data")
    }
}
