import NeuromorphAnalog

/// Inference time lists (`neuromorph infer --times 1s,1h,1d`).
enum FuzzInferenceTimes {
    static func run(_ bytes: [UInt8]) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        _ = try? InferenceTime.parseGrid(text)
    }
}
