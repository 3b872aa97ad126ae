import Foundation
import Testing
@testable import NeuromorphMapping

/// Pipeline latency, throughput and Fig. 10 curves, Dazzi et al. 2021 §3.1.3–3.1.4; digest §1.8, §1.14.
@Suite struct PipelineSimulatorTests {
    static let regular = try! IMCMapper.map(model: "resnet32-cifar10", crossbar: .dazzi256, speedup: false, batch: 100)
    static let speedup = try! IMCMapper.map(model: "resnet32-cifar10", crossbar: .dazzi256, speedup: true, batch: 100)

    // §3.1.3: "the overall latency for a single classification is 1,628 cycles" (±5 %).
    @Test func latencyRegular1628() {
        let l = Double(Self.regular.latencyTimesteps)
        #expect(abs(l - 1628) / 1628 <= 0.05, "latency \(l)")
        // The exact value docs/cost-mapping.md documents for the default hardware, pinned so
        // a change to the simulator shows up here and in the docs, not only outside the band.
        #expect(Self.regular.latencyTimesteps == 1661)
        // 1,628 × 100 ns = 162.8 µs (the text's 161.8 µs is an erratum, digest §1.10 #1).
        #expect(abs(Self.regular.latencySeconds - l * 100e-9) < 1e-15)
    }

    // §3.1.4: speed-up latency 526 cycles (±10 %), speed-up factor 3.1 (accepted 2.9–3.3).
    @Test func latencySpeedup526() {
        let s = Double(Self.speedup.latencyTimesteps)
        #expect(abs(s - 526) / 526 <= 0.10, "latency \(s)")
        #expect(Self.speedup.latencyTimesteps == 548)   // docs/cost-mapping.md, pinned exactly
        let ratio = Double(Self.regular.latencyTimesteps) / s
        #expect(ratio >= 2.9 && ratio <= 3.3, "ratio \(ratio)")
    }

    // §3.1.3–3.1.4: 9,650 and 38,600 images/s for a batch of 100 at 100 ns (±1.5 %).
    @Test func throughputBatch100() {
        #expect(abs(Self.regular.throughputImagesPerSecond - 9650) / 9650 <= 0.015, "\(Self.regular.throughputImagesPerSecond)")
        #expect(abs(Self.speedup.throughputImagesPerSecond - 38600) / 38600 <= 0.015, "\(Self.speedup.throughputImagesPerSecond)")
    }

    // Fig. 10A: slope 1 for non-strided early layers; layer 12 (stride 2) average slope 1/4;
    // layer 13 at slope 1/4 until layer 12 completes (±10 %, digest A1-17).
    @Test func fig10Slopes() throws {
        let r = Self.regular
        let byName = Dictionary(uniqueKeysWithValues: r.layers.map { ($0.name, $0) })
        for l in 1...11 { #expect(byName["\(l)"]!.averageSlope == 1, "layer \(l)") }
        #expect(abs(byName["12"]!.averageSlope - 0.25) <= 0.025)
        #expect(byName["12"]!.stallTimesteps > 0)
        let c13 = r.curves.first { $0.layer == "13" }!.pixelsComputed
        let end12 = byName["12"]!.lastTimestep, start13 = byName["13"]!.firstTimestep
        let slope13 = Double(c13[end12]) / Double(end12 - start13 + 1)
        #expect(abs(slope13 - 0.25) <= 0.025, "layer 13 slope \(slope13)")
        // After layer 12 completes layer 13 runs at slope 1.
        #expect(byName["13"]!.lastTimestep - end12 <= 256 - c13[end12] + 2)
    }

    // Fig. 10B: with the speed-up the first group computes 4 pixels per timestep.
    @Test func fig10BSpeedupSlopes() {
        let byName = Dictionary(uniqueKeysWithValues: Self.speedup.layers.map { ($0.name, $0) })
        for l in 1...11 { #expect(abs(byName["\(l)"]!.averageSlope - 4) <= 0.08, "layer \(l)") }
        #expect(byName["31"]!.averageSlope == 1)
    }

    // Curves are monotone, end at the layer's output count, and the CSV has one row per timestep.
    @Test func curvesAndCSV() {
        let r = Self.regular
        for (curve, layer) in zip(r.curves, r.layers) {
            #expect(zip(curve.pixelsComputed, curve.pixelsComputed.dropFirst()).allSatisfy { $0 <= $1 })
            #expect(curve.pixelsComputed.last == layer.outputHeight * layer.outputWidth)
        }
        let csv = r.curvesCSV().split(separator: "\n")
        #expect(csv.count == r.latencyTimesteps + 1)
        #expect(csv[0].split(separator: ",").count == 35)
        #expect(csv[0].hasPrefix("timestep,1,2,"))
        let table = r.table()
        #expect(table.contains("cores 43 on a 6x8 grid"))
        #expect(table.split(separator: "\n").count >= 36)
    }

    // The report round-trips through JSON (the CLI may print it as JSON).
    @Test func reportIsCodable() throws {
        let small = try IMCMapper.map(model: "resnet32", crossbar: .dazzi256, speedup: false, batch: 1)
        let data = try JSONEncoder().encode(small)
        let back = try JSONDecoder().decode(IMCMappingReport.self, from: data)
        #expect(back == small)
    }

    // Throughput follows the steady-state period of layer 1: (L + (B−1)·H·W/r) timesteps.
    @Test func batchPeriodIsSetByFirstLayer() throws {
        let m = try IMCNetworkMapping(network: IMCModelZoo.resNet32CIFAR10())
        let sim = PipelineSimulator(mapping: m)
        let one = try sim.run(images: 1), ten = try sim.run(images: 10)
        #expect(ten.batchTimesteps == one.latencyTimesteps + 9 * 1024)
    }
}
