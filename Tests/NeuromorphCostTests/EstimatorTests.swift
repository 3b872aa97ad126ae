import Foundation
import Testing
@testable import NeuromorphCost

/// Network-level estimates (digest §3.4, Table 7) and the spec/report interface.
@Suite("Network estimate (Table 7) and spec/report")
struct EstimatorTests {
    /// VGG-8/CIFAR-10: 615,917,568 MACs → 1.2318e9 ops; digest §3.4 infers ≈ 1.22e9 (1.177-1.223e9)
    /// from TOPS/W × energy, ±4 %.
    @Test func vgg8Operations() {
        let macs = CIMModelZoo.vgg8CIFAR10.layers.reduce(0) { $0 + $1.macs }
        #expect(macs == 615_917_568)
        #expect(abs(2 * Double(macs) - 1.22e9) / 1.22e9 < 0.04)
    }

    /// ResNet-18/ImageNet (NeuroSim layer file): 1.814 G MACs (the usual ~1.8 GMAC ResNet-18).
    @Test func resnet18Shapes() {
        let layers = CIMModelZoo.resnet18ImageNet.layers
        #expect(layers.count == 21)
        let macs = layers.reduce(0) { $0 + $1.macs }
        #expect(abs(Double(macs) - 1.814e9) / 1.814e9 < 0.01)
    }

    /// Table 7 relation (digest §3.4): post-layout TOPS/W = pre-layout / η (η = 1.22), to 2
    /// decimals for 11 of 12 entries; PCM VGG-8 is a printing error (68.69/1.22 = 56.30 ≠ 56.11).
    @Test func table7PostLayoutRelation() {
        let pre = [31.87, 18.48, 31.63, 71.25, 68.69, 73.72, 25.87, 15.93, 26.68, 56.41, 54.27, 58.07]
        let post = [26.12, 15.14, 25.93, 58.40, 56.11, 60.43, 21.20, 13.06, 21.87, 46.24, 44.48, 47.60]
        let cal = NeuroSimCalibration.luEtAl2021
        let matching = zip(pre, post).filter { abs(cal.postLayoutEfficiency(fromPreLayout: $0) - $1) <= 0.01 }
        #expect(matching.count == 11)
        #expect(abs(cal.postLayoutEfficiency(fromPreLayout: 68.69) - 56.11) > 0.1)
    }

    /// The estimator's own post-layout efficiency obeys the same relation, and ops/latency/area
    /// give TOPS/mm².
    @Test func reportIdentities() throws {
        let report = try CIMEstimateSpec.preset(named: "vgg8-rram13-22nm").estimate()
        let t = try #require(report.totals)
        #expect(abs(t.postLayoutTOPSPerWatt - t.preLayoutTOPSPerWatt / 1.22) < 1e-9)
        #expect(abs(t.operations - 2 * 615_917_568) < 1)
        #expect(abs(t.topsPerMM2 - t.operations / (t.latencyMS * 1e-3) / 1e12 / t.areaMM2) < 1e-12)
        #expect(abs(report.layers.reduce(0) { $0 + $1.latencyNS } * 1e-6 - t.latencyMS) < 1e-9)
        #expect(t.memoryUtilization > 0 && t.memoryUtilization <= 1)
    }

    /// Table 7 conclusion 2: higher Ron (FeFET 240 kΩ vs RRAM 100 kΩ vs PCM 40 kΩ) → less energy.
    @Test func higherRonLowersEnergy() throws {
        let e = try ["pcm14-22nm", "rram13-22nm", "fefet15-22nm"].map {
            try #require(CIMEstimateSpec.preset(named: "vgg8-\($0)").estimate().totals).dynamicEnergyUJ
        }
        #expect(e[0] > e[1] && e[1] > e[2])
    }

    /// Table 7: ResNet-18 needs more area and has lower TOPS/mm² than VGG-8 on the same design.
    @Test func resnetLargerThanVGG() throws {
        let v = try #require(CIMEstimateSpec.preset(named: "vgg8-sram-22nm").estimate().totals)
        let r = try #require(CIMEstimateSpec.preset(named: "resnet18-sram-22nm").estimate().totals)
        #expect(r.topsPerMM2 < v.topsPerMM2)
        #expect(r.latencyMS > v.latencyMS)
    }

    /// Zero-skip at 50 % input sparsity: 10 instead of 19 row groups → latency × 10/19.
    @Test func zeroSkipShortensLatency() throws {
        var spec = CIMEstimateSpec.luEtAl2021ValidationMacro
        spec.layers = [.fc("fc", 128, 16)]
        let dense = try #require(spec.estimate().totals)
        spec.inputSparsity = 0.5
        let sparse = try #require(spec.estimate().totals)
        #expect(abs(sparse.latencyMS / dense.latencyMS - 10.0 / 19.0) < 1e-12)
    }

    /// One 128 × 16 8-bit FC layer on the validation macro: 8 input bits × 19 groups × 8 columns cycles.
    @Test func singleLayerCycles() throws {
        var spec = CIMEstimateSpec.luEtAl2021ValidationMacro
        spec.layers = [.fc("fc", 128, 16)]
        let report = try spec.estimate()
        #expect(report.layers[0].cycles == 8 * 19 * 8)
        #expect(report.layers[0].mapping.subArrays == 1)
        #expect(abs(report.layers[0].latencyNS - Double(8 * 19 * 8) * 9.464) < 1e-6)
    }

    // MARK: Spec / report interface

    @Test func specRoundTripsThroughJSON() throws {
        let spec = try CIMEstimateSpec.preset(named: "resnet18-fefet15-22nm")
        let data = try JSONEncoder().encode(spec)
        #expect(try JSONDecoder().decode(CIMEstimateSpec.self, from: data) == spec)
        let report = try spec.estimate()
        #expect(try JSONDecoder().decode(CIMEstimateReport.self, from: JSONEncoder().encode(report)) == report)
    }

    @Test func everyPresetEstimates() throws {
        #expect(CIMEstimateSpec.presetNames.count == 17)  // 13 + the four NeuroSim V1.3 configurations (issue 16)
        for name in CIMEstimateSpec.presetNames {
            let report = try CIMEstimateSpec.preset(named: name).estimate()
            #expect(report.macro.totalAreaUM2 > 0, "\(name)")
        }
    }

    @Test func tableAndCSV() throws {
        let report = try CIMEstimateSpec.preset(named: "vgg8-sram-7nm").estimate()
        let table = report.table()
        #expect(table.contains("Level shifter") == false)  // SRAM: no level shifter
        #expect(table.contains("conv6") && table.contains("TOPS_per_W_post_layout"))
        let csv = report.csv().split(separator: "\n")
        #expect(csv.first?.hasPrefix("section,name,") == true)
        let columns = csv.first!.split(separator: ",", omittingEmptySubsequences: false).count
        #expect(csv.allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == columns })
        #expect(csv.contains { $0.hasPrefix("layer,fc2,") })
        let macroOnly = try CIMEstimateSpec.luEtAl2021ValidationMacro.estimate()
        #expect(macroOnly.totals == nil && macroOnly.table().contains("43560.1"))
    }
}

// MARK: - Errors

@Suite("Typed errors for bad parameters")
struct ErrorTests {
    func expectError(_ body: () throws -> Void, mentions text: String) {
        do {
            try body()
            Issue.record("expected an error mentioning \(text)")
        } catch let error as CIMEstimateError {
            #expect(error.description.contains(text), "\(error)")
        } catch {
            Issue.record("unexpected error type \(error)")
        }
    }

    @Test func negativeCellArea() {
        var spec = CIMEstimateSpec.luEtAl2021ValidationMacro
        spec.macro.cell.areaF2 = -75
        expectError({ _ = try spec.estimate() }, mentions: "macro.cell.areaF2 = -75.0: expected a finite number > 0")
    }

    @Test func adcTooSmallForRows() {
        var spec = CIMEstimateSpec.luEtAl2021ValidationMacro
        spec.macro.rowsOnAtOnce = 8  // partial sums up to 8 need 4 bits
        expectError({ _ = try spec.estimate() }, mentions: "macro.adc.bits = 3")
        spec.macro.adcRangePolicy = .quantizing
        #expect(throws: Never.self) { _ = try spec.estimate() }
    }

    @Test func badGeometry() {
        var spec = CIMEstimateSpec.luEtAl2021ValidationMacro
        spec.macro.columnsPerADC = 7
        expectError({ _ = try spec.estimate() }, mentions: "macro.columnsPerADC")
        spec = .luEtAl2021ValidationMacro
        spec.macro.rowsOnAtOnce = 0
        expectError({ _ = try spec.estimate() }, mentions: "macro.rowsOnAtOnce = 0")
        spec = .luEtAl2021ValidationMacro
        spec.calibration.gamma = 1.5
        expectError({ _ = try spec.estimate() }, mentions: "calibration.gamma")
        spec = .luEtAl2021ValidationMacro
        spec.weightBits = 3
        expectError({ _ = try spec.estimate() }, mentions: "weightBits = 3")
    }

    @Test func unmappableLayer() {
        var spec = CIMEstimateSpec.luEtAl2021ValidationMacro
        spec.layers = [.conv("big", 4, 4, 3, k: 7, n: 8)]
        expectError({ _ = try spec.estimate() }, mentions: "\"big\" cannot be mapped")
        spec.layers = [.fc("wide", 100_000, 100_000)]
        spec.architecture.maxTilesPerLayer = 10
        expectError({ _ = try spec.estimate() }, mentions: "maxTilesPerLayer = 10")
        spec.layers = [.fc("zero", 0, 10)]
        expectError({ _ = try spec.estimate() }, mentions: "layers[0].inputChannels = 0")
    }

    @Test func unknownNames() {
        expectError({ _ = try CIMEstimateSpec.preset(named: "nope") }, mentions: "preset = \"nope\"")
        expectError({ _ = try TechnologyNode.named("28") }, mentions: "technology.node")
        var spec = CIMEstimateSpec.luEtAl2021ValidationMacro
        spec.modelZoo = "alexnet"
        expectError({ _ = try spec.estimate() }, mentions: "vgg8-cifar10")
    }
}

// MARK: - Technology

@Suite("Technology node and gates (Table 1)")
struct TechnologyTests {
    /// Table 1 bulk columns obey width 7.6 F and height 28 F (within rounding, 1 nm).
    @Test(arguments: [130, 90, 65, 45, 32, 22])
    func bulkCellRule(nm: Int) throws {
        let node = try TechnologyNode.table1(nm)
        #expect(abs(node.standardCellWidthNM - 7.6 * Double(nm)) < 1)
        #expect(abs(node.standardCellHeightNM - 28 * Double(nm)) < 1)
    }

    /// 40 nm: A_INV = 0.34048 µm²; DFF 4.086 µm², adder bit 4.597 µm² (digest §3.3 inferred values).
    @Test func gateAreas40nm() {
        let gates = CMOSGateLibrary(node: .tsmc40)
        #expect(abs(gates.area(.inverter) - 0.34048) < 1e-5)
        #expect(abs(gates.area(.dff) - 4.085) < 0.002)
        #expect(abs(gates.area(.fullAdderBit) - 4.597) < 0.002)
        #expect(abs(gates.area(.inverter, heightMultiplier: 1.84) - 0.6264) < 0.0002)
    }

    /// FinFET 7 nm: Table 1 fin geometry is carried through.
    @Test func finFET7nm() throws {
        let node = try TechnologyNode.table1(7)
        #expect(node.kind == .finFET && node.finPitchNM == 30 && node.finHeightNM == 52 && node.nmosWidth == 2)
        #expect(abs(node.inverterAreaUM2 - 0.078 * 0.25) < 1e-12)
    }
}
