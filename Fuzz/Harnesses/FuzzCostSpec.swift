import Foundation
import NeuromorphCost
import Yams

/// `neuromorph estimate SPEC` files (a `CIMEstimateSpec`, YAML or JSON as the CLI reads
/// them); a spec that decodes and validates is estimated.
enum FuzzCostSpec {
    static func run(_ bytes: [UInt8]) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        let spec = (try? JSONDecoder().decode(CIMEstimateSpec.self, from: Data(bytes)))
            ?? (try? YAMLDecoder().decode(CIMEstimateSpec.self, from: text))
        guard let spec, (try? spec.validate()) != nil else { return }
        _ = try? CIMEstimator.estimate(spec)
    }
}
