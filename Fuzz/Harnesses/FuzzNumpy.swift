import Foundation
import NeuromorphCore

/// NumPy `.npy` arrays (checkpoint parameters, `--initial-weights`); a decoded array is
/// written back and must read back equal.
enum FuzzNumpy {
    static func run(_ bytes: [UInt8]) {
        guard let tensor = try? NumpyArray.decode(Data(bytes), file: "fuzz.npy") else { return }
        let again = try? NumpyArray.decode(NumpyArray.encode(tensor), file: "fuzz.npy")
        precondition(again?.shape == tensor.shape, "npy round trip changed the shape \(tensor.shape)")
    }
}
