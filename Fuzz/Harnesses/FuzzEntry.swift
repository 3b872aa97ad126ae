// libFuzzer entry point for every Neuromorph reader of user files. One binary holds all
// harnesses; `NEUROMORPH_FUZZ_TARGET` picks one (Fuzz/run.sh sets it). A harness feeds the
// bytes to one reader: a thrown error is the expected outcome for a bad file, a trap (force
// unwrap, precondition, integer overflow) or a memory error is a bug.
import Foundation

/// The harnesses by target name (also the folder names under Fuzz/corpus/).
let fuzzTargets: [String: ([UInt8]) -> Void] = [
    "spec-yaml": FuzzSpec.yaml,
    "spec-json": FuzzSpec.json,
    "cost-spec": FuzzCostSpec.run,
    "mapping-json": FuzzMappingJSON.run,
    "idx": FuzzIDX.raw,
    "idx-gzip": FuzzIDX.gzip,
    "npy": FuzzNumpy.run,
    "checkpoint-manifest": FuzzCheckpoint.manifest,
    "state": FuzzCheckpoint.states,
    "movielens": FuzzMovieLens.run,
    "csv": FuzzCSV.run,
    "inference-times": FuzzInferenceTimes.run,
    "onnx": FuzzONNX.run,
]

nonisolated(unsafe) var selectedTarget: (([UInt8]) -> Void)?

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    if selectedTarget == nil {
        let name = ProcessInfo.processInfo.environment["NEUROMORPH_FUZZ_TARGET"] ?? ""
        guard let target = fuzzTargets[name] else {
            FileHandle.standardError.write(Data(
                "NEUROMORPH_FUZZ_TARGET='\(name)': expected one of \(fuzzTargets.keys.sorted().joined(separator: ", "))\n".utf8))
            exit(2)
        }
        selectedTarget = target
    }
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    selectedTarget!(bytes)
    return 0
}
