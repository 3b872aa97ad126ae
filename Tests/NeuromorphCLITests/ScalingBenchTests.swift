import Foundation
import Testing

/// `neuromorph bench --scaling --quick --json` and `bench --workload`: the shape of the
/// scaling report and its bit-identity flag (1 vs 2 threads), never its timings.
@Suite("neuromorph bench --scaling and --workload")
struct ScalingBenchTests {
    @Test("--scaling --quick --json: tile and CNN rows, tiles bit-identical on 1 and 2 threads, the flag and peak memory present")
    func scalingJSON() throws {
        let run = try neuromorph("bench", "--scaling", "--quick", "--json", "--repeats", "1")
        #expect(run.status == 0, "\(run)")
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let report = try #require(object, "\(run.stdout)")
        for key in ["date", "machine", "blas", "repeats", "bit_identical", "rows"] {
            #expect(report[key] != nil, "missing \(key)")
        }
        let rows = try #require(report["rows"] as? [[String: Any]])
        // Quick: tiles 32² and 64² (forward, backward, update each), CNN batches 4 and 8.
        #expect(rows.count == 8, "\(rows)")
        let workloads = rows.compactMap { $0["workload"] as? String }
        #expect(workloads.filter { $0.hasPrefix("tile ") }.count == 6)
        #expect(workloads.filter { $0 == "cnn train step" }.count == 2)
        var flags: [Bool] = []
        for row in rows {
            for key in ["size", "batch", "ms_1_thread", "ms_2_threads", "speedup", "bit_identical", "peak_resident_mib"] {
                #expect(row[key] != nil, "row \(row) lacks \(key)")
            }
            let identical = try #require(row["bit_identical"] as? Bool, "\(row)")
            flags.append(identical)
            // The tile rows: Neuromorph's pulsed update and periphery split their work by
            // problem size, not thread count, and these products are below OpenBLAS's
            // threading threshold, so 1 and 2 threads must agree bit for bit. (The CNN rows
            // run OpenBLAS GEMMs large enough to be threaded, whose summation order may change
            // with the thread count; their flag is reported, not asserted.)
            if (row["workload"] as? String ?? "").hasPrefix("tile ") { #expect(identical, "\(row)") }
            #expect((row["peak_resident_mib"] as? Double ?? 0) > 0, "\(row)")
        }
        // The top-level flag is the conjunction of the rows'.
        #expect(report["bit_identical"] as? Bool == flags.allSatisfy { $0 })
    }

    @Test("--workload prints one `NAME MS` line; --json without --scaling is a usage error")
    func workload() throws {
        let run = try neuromorph("bench", "--workload", "cnn", "--quick", "--repeats", "1", "--iterations", "1",
                                 "--warmup", "0", "--threads", "1")
        #expect(run.status == 0, "\(run)")
        let fields = run.stdout.split(separator: " ").map(String.init)
        #expect(fields.count == 2 && fields[0] == "cnn" && Double(fields[1].trimmingCharacters(in: .whitespacesAndNewlines)) != nil,
                "\(run)")
        let json = try neuromorph("bench", "--json")
        #expect(json.status == 64 && json.stderr.contains("--json needs --scaling"), "\(json)")
        let tile = try neuromorph("bench", "--scaling", "--max-tile", "300")
        #expect(tile.status == 64 && tile.stderr.contains("--max-tile"), "\(tile)")
    }
}
