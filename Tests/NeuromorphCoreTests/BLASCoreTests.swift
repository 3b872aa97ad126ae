import Foundation
import Testing
@testable import NeuromorphCore

/// The load-time OpenBLAS kernel selection (`COpenBLASCore`, ``BLASCore``).
@Suite("OpenBLAS kernel selection")
struct BLASCoreTests {
    /// The CPU flags of the first processor in /proc/cpuinfo (empty where there is none).
    static var cpuFlags: Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }

    @Test("a DYNAMIC_ARCH OpenBLAS on an AVX2 + FMA CPU never runs the SSE3 Prescott kernels unless OPENBLAS_CORETYPE asks for them")
    func notPrescottOnModernCPUs() {
        let flags = Self.cpuFlags
        let dynamic = ComputeThreads.blasConfiguration.contains("DYNAMIC_ARCH")
        guard dynamic, flags.contains("avx2"), flags.contains("fma"),
              ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil else { return }
        #expect(BLASCore.name.lowercased() != "prescott", "OpenBLAS core \(BLASCore.name), config \(ComputeThreads.blasConfiguration)")
        if flags.isSuperset(of: ["avx512f", "avx512dq", "avx512bw", "avx512vl"]), BLASCore.selectionNote != nil {
            #expect(BLASCore.name == "SkylakeX")
        }
        if let note = BLASCore.selectionNote { #expect(note.hasSuffix(BLASCore.name)) }
    }

    @Test("the configuration string names the core in use")
    func configurationNamesCore() {
        guard ComputeThreads.blasConfiguration.contains("DYNAMIC_ARCH") else { return }
        #expect(ComputeThreads.blasConfiguration.contains(BLASCore.name))
    }
}
