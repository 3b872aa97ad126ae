import COpenBLAS
import Foundation

/// Repeated timings of a workload: the median of several repeats (each the mean of
/// `iterations` runs) is what benchmarks report, since background load inflates single runs.
public struct Timing: Sendable, Codable {
    /// Seconds per iteration of each repeat, sorted.
    public var samples: [Double]
    public var median: Double { samples[samples.count / 2] }
    public var minimum: Double { samples.first ?? 0 }

    /// Runs `body` `warmup` times, then `repeats` × `iterations` times.
    public static func measure(repeats: Int = 7, iterations: Int, warmup: Int = 2, _ body: () -> Void) -> Timing {
        for _ in 0..<warmup { body() }
        var samples: [Double] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<iterations { body() }
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(iterations))
        }
        return Timing(samples: samples.sorted())
    }
}

/// The machine's OpenBLAS called directly on raw buffers: the baseline Neuromorph's own
/// `Tensor.gemm` is compared with in `neuromorph bench`.
public enum RawBLAS {
    /// `C = A B` for square row-major `n × n` matrices.
    public static func sgemm(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, n: Int) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, a, Int32(n), b, Int32(n),
                    0, c, Int32(n))
    }
}
