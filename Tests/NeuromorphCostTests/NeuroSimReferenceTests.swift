import Foundation
import Testing
import NeuromorphCore
@testable import NeuromorphCost

/// NeuroSim V1.3 side by side (issue 16). The reference numbers are NeuroSim V1.3's own output
/// (Lu et al. 2021, Front. Artif. Intell. 4:659060; DNN_NeuroSim_V1.3, CC BY-NC 4.0), produced by
/// `benchmarks/neurosim/run.sh` and committed as numbers only under
/// `benchmarks/neurosim/reference/<config>_<density>.csv`.
@Suite("NeuroSim V1.3 reference")
struct NeuroSimReferenceTests {
    static let referenceFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../benchmarks/neurosim/reference")

    /// `scope,metric` → value of one committed reference CSV.
    static func reference(_ file: String) throws -> [String: Double] {
        let text = try String(contentsOf: referenceFolder.appendingPathComponent(file), encoding: .utf8)
        var out: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("scope,") {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            if f.count >= 3, let v = Double(f[2]) { out["\(f[0]),\(f[1])"] = v }
        }
        return out
    }

    /// Overall bit density of a trace label (write_traces.py: below 0.5 the sign bit is 0).
    static func overallDensity(_ label: Double) -> Double { label >= 0.5 ? label : label * 7 / 8 }

    // MARK: Operation count and vector convention

    /// NeuroSim's operation count for VGG-8: 2 · Σ H·W·C·K²·N = 1,231,835,136 (its main.cpp
    /// convention, printed TOPS × latency in every reference CSV). Computed.
    @Test func operationCountEqualsNeuroSims() throws {
        let layers = CIMModelZoo.vgg8CIFAR10.layers
        #expect(NeuroSimNetworkCSV.operations(layers) == 1_231_835_136)
        let t = try #require(try CIMEstimateSpec.neuroSimVGG8("rram22").estimate().totals)
        #expect(t.operations == 1_231_835_136)
        // The reference's TOPS × latency reproduces it to the printed 6 digits.
        let ref = try Self.reference("rram22_d050.csv")
        let printed = try #require(ref["chip,operations_from_tops"])
        #expect(abs(printed / 1_231_835_136 - 1) < 1e-5)
    }

    /// NeuroSim simulates ((H − K + 1)/s)² vectors (900 for a 3 × 3 kernel on 32 × 32) while
    /// counting H·W operations; `.samePadding` reads H·W vectors instead.
    @Test func vectorConventions() {
        let conv1 = CIMModelZoo.vgg8CIFAR10.layers[0]
        #expect(NeuroSimChipModel.vectors(conv1, .neuroSim) == 900)
        #expect(NeuroSimChipModel.vectors(conv1, .samePadding) == 1024)
        let fc = CIMModelZoo.vgg8CIFAR10.layers[6]
        #expect(NeuroSimChipModel.vectors(fc, .neuroSim) == 1)
    }

    // MARK: Floorplan

    /// Tile/PE sizing and weight copies reproduce NeuroSim's printed floorplan for every layer
    /// (PE 512 × 512, tile 1024 × 1024, novel tiles of 9 PEs) and whole-chip utilization
    /// 96.8584 % (rram22), 98.7347 % (sram22). Computed from the rule in ``NeuroSimFloorplan``.
    @Test func floorplanMatchesNeuroSim() throws {
        for (file, param) in [("rram22_d050.csv", NeuroSimParam()), ("sram22_d050.csv", NeuroSimParam(memcelltype: .SRAM))] {
            let ref = try Self.reference(file)
            let plan = NeuroSimFloorplan(layers: CIMModelZoo.vgg8CIFAR10.layers, param: param)
            #expect(Double(plan.peSize) == ref["floorplan,pe_size"])
            #expect(Double(plan.tileSize) == ref["floorplan,tile_size"])
            for (i, l) in plan.layers.enumerated() {
                #expect(Double(l.tiles) == ref["floorplan,tiles_layer\(i + 1)"], "\(file) layer \(i + 1) tiles")
                #expect(Double(l.copies) == ref["floorplan,speedup_layer\(i + 1)"], "\(file) layer \(i + 1) speed-up")
                #expect(abs(l.utilization - (ref["floorplan,utilization_layer\(i + 1)"] ?? -1)) < 1e-5)
            }
            #expect(abs(100 * plan.utilization - (ref["floorplan,memory_utilization_pct"] ?? -1)) < 1e-3)
        }
    }

    // MARK: Importer and strict keys

    @Test func networkCSVImport() throws {
        let text = """
            32,32,3,3,3,128,0,1
            32,32,128,3,3,128,1,1
            1,1,1024,1,1,10,0,1
            """
        let rows = try NeuroSimNetworkCSV.parse(text)
        #expect(rows.count == 3)
        #expect(rows[1].poolingAfter && !rows[0].poolingAfter)
        #expect(rows[0].layer == NetworkLayer(name: "layer1", inputHeight: 32, inputWidth: 32, inputChannels: 3,
                                              kernelSize: 3, outputChannels: 128, stride: 1))
        #expect(rows[2].layer.weightRows == 1024)
        #expect(throws: CIMEstimateError.self) { try NeuroSimNetworkCSV.parse("32,32,3,3,3,128,0") }
        #expect(throws: CIMEstimateError.self) { try NeuroSimNetworkCSV.parse("32,32,3,3,5,128,0,1") }
        #expect(throws: CIMEstimateError.self) { try NeuroSimNetworkCSV.parse("32,32,3,3,3,128,2,1") }
    }

    @Test func neuroSimKeysAreStrict() throws {
        let spec = try CIMEstimateSpec.neuroSimVGG8("sram32", density: 0.2)
        let data = try JSONEncoder().encode(spec)
        #expect(try JSONDecoder().decode(CIMEstimateSpec.self, from: data) == spec)
        var object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        var ns = try #require(object["neuroSim"] as? [String: Any])
        ns["levelOutputs"] = 32  // misspelled Param.cpp key
        object["neuroSim"] = ns
        #expect(throws: SpecError.self) {
            try JSONDecoder().decode(CIMEstimateSpec.self, from: JSONSerialization.data(withJSONObject: object))
        }
        // Missing keys take Param.cpp defaults; a density may be one number.
        let minimal = #"{"memcelltype": "SRAM", "technode": 32, "inputBitDensity": 0.3}"#
        let param = try JSONDecoder().decode(NeuroSimParam.self, from: Data(minimal.utf8))
        #expect(param.memcelltype == .SRAM && param.technode == 32 && param.inputBitDensity == [0.3])
        #expect(param.cellAreaF2 == 280 && param.effectiveCellBit == 1 && param.adcBits == 5)
        var bad = spec
        bad.neuroSim?.pipeline = true
        #expect(throws: CIMEstimateError.self) { try bad.estimate() }
        bad = spec
        bad.neuroSim?.inputBitDensity = [0.1, 0.2]
        #expect(throws: CIMEstimateError.self) { try bad.estimate() }
        // Settings the constants were not fitted at are refused, not silently ignored.
        bad = spec
        bad.neuroSim?.levelOutput = 16
        #expect(throws: CIMEstimateError.self) { try bad.estimate() }
        var rram = try CIMEstimateSpec.neuroSimVGG8("rram22")
        rram.neuroSim?.resistanceOn = 100e3
        rram.neuroSim?.resistanceOff = 1e6
        #expect(throws: CIMEstimateError.self) { try rram.estimate() }
    }

    // MARK: Headline metrics vs the committed reference

    /// One comparison: the issue's tolerance and the bound this model achieves (asserted).
    struct Bound {
        var metric: String
        var target: Double
        var achieved: Double
        /// A metric measured outside the issue's tolerance, recorded as a miss (the docs say so).
        var miss = false
    }

    /// Neuromorph / NeuroSim for the headline metrics of one reference file.
    static func ratios(config: String, label: Double, file: String) throws -> [String: Double] {
        let ref = try reference(file)
        let t = try #require(try CIMEstimateSpec.neuroSimVGG8(config, density: overallDensity(label)).estimate().totals)
        func r(_ mine: Double, _ key: String, _ scale: Double) throws -> Double { mine / (try #require(ref[key]) * scale) }
        return [
            "area": try r(t.areaMM2, "chip,area_um2", 1e-6),
            "dynamicEnergy": try r(t.dynamicEnergyUJ, "chip,dynamic_energy_pj", 1e-6),
            "latency": try r(t.latencyMS, "chip,latency_ns", 1e-6),
            "topsPerWatt": try r(t.postLayoutTOPSPerWatt, "chip,tops_per_w", 1),
            "clock": try r(t.clockPeriodNS, "chip,clock_ns", 1),
            "leakage": try r(t.leakagePowerMW, "chip,leakage_power_uw", 1e-3),
        ]
    }

    /// Issue 16 targets: area, dynamic energy, latency, TOPS/W within 15 %; clock within 10 %;
    /// leakage within 25 %. `achieved` is the bound this model meets (asserted, so the test fails
    /// if the model drifts); where `achieved` > `target` the metric is outside the issue's
    /// tolerance and docs/cost-neurosim.md says so.
    static let bounds: [String: [Bound]] = [
        // Consistency checks: the constants were fitted to these two runs (fit.py), so the chip
        // totals come back to < 0.1 %.
        "rram22_d050.csv": fitted,
        "sram22_d017.csv": fitted,
        // Density prediction (ADC active-row term; the periphery's density slope was fitted from
        // this pair): dynamic energy +2.4 %, TOPS/W −2.3 %; area, latency, clock, leakage unchanged.
        "rram22_d017.csv": [Bound(metric: "area", target: 0.15, achieved: 1e-3),
                            Bound(metric: "dynamicEnergy", target: 0.15, achieved: 0.03),
                            Bound(metric: "latency", target: 0.15, achieved: 1e-3),
                            Bound(metric: "topsPerWatt", target: 0.15, achieved: 0.03),
                            Bound(metric: "clock", target: 0.10, achieved: 1e-3),
                            Bound(metric: "leakage", target: 0.25, achieved: 1e-3)],
        // SRAM density prediction (fitted at 0.17, predicted at 0.5 by the ADC's active-row term):
        // dynamic energy −3.3 %, TOPS/W +3.0 %.
        "sram22_d050.csv": [Bound(metric: "area", target: 0.15, achieved: 1e-3),
                            Bound(metric: "dynamicEnergy", target: 0.15, achieved: 0.04),
                            Bound(metric: "latency", target: 0.15, achieved: 1e-3),
                            Bound(metric: "topsPerWatt", target: 0.15, achieved: 0.04),
                            Bound(metric: "clock", target: 0.10, achieved: 1e-3),
                            Bound(metric: "leakage", target: 0.25, achieved: 1e-3)],
        // Node predictions, 22 → 32 nm: PTM LP device data (NeuroSimNodeScaling: τ_gate ×1.781,
        // leakage ×1.662) and Table 1 (area, energy) applied to the 22 nm fits. Before the device
        // data (Table 1 gate-length scaling, printed in the docs before NeuroSim's 32 nm runs
        // existed) latency was −16.2 %, clock −11.8 %, leakage +33.5 %: misses, now hits.
        // RRAM: area −1.8 %, energy +8.7 % / +2.8 %, TOPS/W −7.9 % / −2.7 %, latency −1.9 % (+0.7 %
        // before the global-buffer and adder-tree terms), clock +1.9 %, leakage +4.8 %.
        "rram32_d050.csv": node32(area: 0.02, dynamicEnergy: 0.09, topsPerWatt: 0.08, latency: 0.02, clock: 0.02, leakage: 0.05),
        "rram32_d017.csv": node32(area: 0.02, dynamicEnergy: 0.03, topsPerWatt: 0.03, latency: 0.02, clock: 0.02, leakage: 0.05),
        // SRAM: area −0.7 %, energy −6.1 % / −5.4 %, TOPS/W +5.2 % / +4.4 %, latency −4.1 % (−3.4 %
        // before), clock +1.4 %, leakage +5.5 % (before the device data: latency −33.9 %, clock
        // −30.0 %, leakage +34.3 %).
        "sram32_d050.csv": node32(area: 0.01, dynamicEnergy: 0.07, topsPerWatt: 0.06, latency: 0.05, clock: 0.02, leakage: 0.06),
        "sram32_d017.csv": node32(area: 0.01, dynamicEnergy: 0.06, topsPerWatt: 0.05, latency: 0.05, clock: 0.02, leakage: 0.06),
    ]
    /// The 32 nm bounds (node predictions): every headline metric inside the issue's target.
    static func node32(area: Double, dynamicEnergy: Double, topsPerWatt: Double, latency: Double, clock: Double,
                       leakage: Double) -> [Bound] {
        [Bound(metric: "area", target: 0.15, achieved: area),
         Bound(metric: "dynamicEnergy", target: 0.15, achieved: dynamicEnergy),
         Bound(metric: "latency", target: 0.15, achieved: latency),
         Bound(metric: "topsPerWatt", target: 0.15, achieved: topsPerWatt),
         Bound(metric: "clock", target: 0.10, achieved: clock),
         Bound(metric: "leakage", target: 0.25, achieved: leakage)]
    }
    static let fitted = ["area", "dynamicEnergy", "latency", "topsPerWatt", "clock", "leakage"].map {
        Bound(metric: $0, target: $0 == "clock" ? 0.10 : $0 == "leakage" ? 0.25 : 0.15, achieved: 1e-3)
    }

    /// Every recorded achieved bound is inside the issue's target unless it is recorded as a
    /// miss, and a recorded miss really is outside it (a reference outside the target must be
    /// recorded with its own bound, as a miss, and in the docs).
    @Test func achievedBoundsWithinTarget() {
        for (file, list) in Self.bounds {
            for b in list { #expect((b.achieved <= b.target) != b.miss, "\(file) \(b.metric)") }
        }
    }

    @Test(arguments: [("rram22", 0.5, "rram22_d050.csv"), ("rram22", 0.17, "rram22_d017.csv"),
                      ("sram22", 0.17, "sram22_d017.csv"), ("sram22", 0.5, "sram22_d050.csv"),
                      ("rram32", 0.5, "rram32_d050.csv"), ("rram32", 0.17, "rram32_d017.csv"),
                      ("sram32", 0.5, "sram32_d050.csv"), ("sram32", 0.17, "sram32_d017.csv")])
    func headlineMetrics(config: String, label: Double, file: String) throws {
        let ratios = try Self.ratios(config: config, label: label, file: file)
        let bounds = try #require(Self.bounds[file], "no bounds recorded for \(file)")
        for b in bounds {
            let ratio = try #require(ratios[b.metric])
            #expect(abs(ratio - 1) <= b.achieved, "\(file) \(b.metric): ratio \(ratio), achieved bound \(b.achieved)")
        }
    }

    // MARK: Per-layer latency and energy vs the committed reference

    /// Per-layer bounds of one reference file (issue 16: every layer's latency and dynamic energy
    /// within 25 %). `latency`: max |ratio − 1| over the 8 layers; `energy`: over layers 1–7;
    /// `energyLayer8`: the FC layer 8 (10 outputs, one vector), a miss where it is above 0.25.
    struct LayerBounds {
        var latency: Double
        var energy: Double
        var energyLayer8: Double
        var layer8Miss = false
    }

    /// Measured with the global-buffer bus share, the tile buffers per row/output and the adder
    /// trees (NeuroSimGlobalBuffer, NeuroSimChipModel). Before them the late layers missed:
    /// latency rram22 layer 8 −55 %; sram22 layers 6–8 −29 %, −36 %, −67 %; rram32 layer 7 −22 %,
    /// layer 8 −54 %; sram32 layer 4 −19 %, layers 6–8 −32 %, −47 %, −67 %. Now every layer of every
    /// run is within 8 %, except sram32 layer 7 (−20.8 %: its chip-level adder tree and H-tree grow
    /// faster than τ_gate and the clock from 22 to 32 nm). Layer-8 energy (−15…−29 %) is the
    /// remaining miss on SRAM: its H-tree energy (the tile's distance on the chip, not modelled)
    /// and ADC energy on 80 of 128 columns (docs/cost-neurosim.md).
    static let layerBounds: [String: LayerBounds] = [
        // 22 nm, fitted configurations (the per-layer spread is not fitted: one constant set per
        // component for all 8 layers): worst latency layer 5 +5.0 % / layer 8 −5.3 %.
        "rram22_d050.csv": LayerBounds(latency: 0.06, energy: 0.06, energyLayer8: 0.21),
        "sram22_d017.csv": LayerBounds(latency: 0.06, energy: 0.04, energyLayer8: 0.28, layer8Miss: true),
        // 22 nm density predictions.
        "rram22_d017.csv": LayerBounds(latency: 0.06, energy: 0.08, energyLayer8: 0.16),
        "sram22_d050.csv": LayerBounds(latency: 0.06, energy: 0.05, energyLayer8: 0.28, layer8Miss: true),
        // 32 nm node predictions: worst latency rram32 layer 7 −6.5 %, sram32 layer 7 −20.8 %
        // (others within 7.6 %).
        "rram32_d050.csv": LayerBounds(latency: 0.07, energy: 0.10, energyLayer8: 0.23),
        "rram32_d017.csv": LayerBounds(latency: 0.07, energy: 0.04, energyLayer8: 0.19),
        "sram32_d050.csv": LayerBounds(latency: 0.21, energy: 0.08, energyLayer8: 0.29, layer8Miss: true),
        "sram32_d017.csv": LayerBounds(latency: 0.21, energy: 0.07, energyLayer8: 0.29, layer8Miss: true),
    ]

    /// A recorded per-layer bound is inside the issue's 25 % unless it is recorded as a miss, and a
    /// recorded miss is outside it.
    @Test func layerBoundsWithinTarget() {
        for (file, b) in Self.layerBounds {
            #expect(b.latency <= 0.25 && b.energy <= 0.25, "\(file)")
            #expect((b.energyLayer8 <= 0.25) != b.layer8Miss, "\(file) layer 8 energy")
        }
    }

    @Test(arguments: [("rram22", 0.5, "rram22_d050.csv"), ("rram22", 0.17, "rram22_d017.csv"),
                      ("sram22", 0.17, "sram22_d017.csv"), ("sram22", 0.5, "sram22_d050.csv"),
                      ("rram32", 0.5, "rram32_d050.csv"), ("rram32", 0.17, "rram32_d017.csv"),
                      ("sram32", 0.5, "sram32_d050.csv"), ("sram32", 0.17, "sram32_d017.csv")])
    func perLayerMetrics(config: String, label: Double, file: String) throws {
        let ref = try Self.reference(file)
        let bounds = try #require(Self.layerBounds[file], "no per-layer bounds recorded for \(file)")
        let layers = try CIMEstimateSpec.neuroSimVGG8(config, density: Self.overallDensity(label)).estimate().layers
        #expect(layers.count == 8)
        for (i, l) in layers.enumerated() {
            let latency = l.latencyNS / (try #require(ref["layer\(i + 1),latency_ns"]))
            let energy = l.dynamicEnergyPJ / (try #require(ref["layer\(i + 1),dynamic_energy_pj"]))
            #expect(abs(latency - 1) <= bounds.latency, "\(file) layer \(i + 1) latency ratio \(latency)")
            let energyBound = i == 7 ? bounds.energyLayer8 : bounds.energy
            #expect(abs(energy - 1) <= energyBound, "\(file) layer \(i + 1) energy ratio \(energy)")
        }
    }

    /// The global buffer is structural: VGG-8 needs 64 cores of 128 × 128 bits (8 bits × 32·32·128
    /// inputs), its bus is 12,096 bits halved to 1,512 (RRAM and SRAM), so 12 cores work at once; the
    /// FC layer 8 on 1 of 92 SRAM tiles reads 8,192 bits and writes 80: (64 + 0.625) / 12 × 92 =
    /// 495.5 cycles. NeuroSim's layer-8 buffer latency is 762.4 cycles, the rest is its tile buffers.
    @Test func globalBufferCycles() throws {
        let layers = CIMModelZoo.vgg8CIFAR10.layers
        let param = try #require(try CIMEstimateSpec.neuroSimVGG8("sram22").neuroSim)
        let plan = NeuroSimFloorplan(layers: layers, param: param)
        let gb = NeuroSimGlobalBuffer(layers: layers, plan: plan, param: param)
        #expect(gb.cores == 64 && gb.busWidth == 1512 && gb.parallelCores == 12 && gb.chipTiles == 92)
        let fc = gb.cycles(layers[7], plan.layers[7], vectors: 1, bits: 8, pooled: false)
        #expect(abs(fc - (64 + 0.625) / 12 * 92) < 1e-9)
        // The same bits on a layer owning every tile would take 1/92 of that; a novel layer reads
        // C·K (not C·K·K) new inputs per vector.
        let conv6 = gb.cycles(layers[5], plan.layers[5], vectors: 36, bits: 8, pooled: true)
        #expect(abs(conv6 - 36 * (512 * 3 * 8 + 512 * 8 / 4) / 128 / 12 * 12) < 1e-9)
    }
}
