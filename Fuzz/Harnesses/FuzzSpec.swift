import NeuromorphSpec

/// Experiment specs (`SpecLoader.parse`), YAML and JSON; a spec that parses is also validated
/// into its workload description, which walks every layer's shape rule.
enum FuzzSpec {
    static func yaml(_ bytes: [UInt8]) { run(bytes, .yaml) }
    static func json(_ bytes: [UInt8]) { run(bytes, .json) }

    static func run(_ bytes: [UInt8], _ format: SpecLoader.Format) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        guard let spec = try? SpecLoader.parse(text, format: format, file: "fuzz") else { return }
        _ = try? SpecLoader.yaml(spec)
    }
}
