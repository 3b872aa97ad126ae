import Foundation
import NeuromorphCore
import Testing
@testable import NeuromorphSpiking

/// MONETA's convolutional layer and its two data flows (Kim et al. 2022 Fig. 8, 11):
/// spiking note §2.4 (MO) rows "data flow 8A ≡ 8B (inference, cross-depth only); 100× fewer
/// TIFM reads" and "table = brute-force argmax", digest bayesian-hardware §3.3, §3.8 items 2 and 5.
@Suite struct MonetaDataflowTests {
    /// The digest's toy layer: 8×8×2 input, 3×3×4 filters, stride 2, 100 steps.
    static func toy(seed: UInt64, mvm: MonetaMVM = .integer, lateral: Bool = false) throws
        -> (MonetaConvLayer, MonetaSpikeTensor) {
        let geometry = try MonetaConvGeometry(inputRows: 8, inputColumns: 8, inputDepth: 2, filters: 4)
        let weights = MonetaConvLayer.randomWeights(geometry, range: -20...40, seed: seed, key: StreamKey("test", "w"))
        let layer = try MonetaConvLayer(geometry: geometry, neuron: MonetaLIF(a: 0.5, b: 0.1, threshold: 60),
                                        weights: weights, lateralInhibition: lateral, mvm: mvm)
        var g = SeededGenerator(seed: seed, key: StreamKey("test", "input"))
        let values = (0..<128).map { _ in g.nextUniform() }
        let input = MonetaSpikeTensor.bernoulli(values, rows: 8, columns: 8, depth: 2, steps: 100, pMax: 1, using: &g)
        return (layer, input)
    }

    /// MO §2.4 [I]: inference with cross-depth inhibition only gives bit-identical spikes and
    /// potentials in spike-cycle order (Fig. 8A) and IFM order (Fig. 8B), the latter with the
    /// bit-serial PIM product; the TIFM is streamed 100× less often in IFM order.
    @Test(arguments: [0, 1, 2] as [UInt64])
    func type1AndType2InferenceAreBitIdentical(seed: UInt64) throws {
        let (layer, input) = try Self.toy(seed: seed)
        var pim = layer
        pim.mvm = .bitSerial(.twosComplement)
        let a = try layer.infer(input, dataflow: .spikeCycleOrder)
        let b = try pim.infer(input, dataflow: .ifmOrder)
        #expect(a.spikes == b.spikes)
        #expect(a.finalPotential == b.finalPotential)
        #expect(a.counters == b.counters)
        #expect(a.spikes.total > 50, "the layer fires (\(a.spikes.total) spikes)")
        #expect(a.tifmPasses == 100 * b.tifmPasses)
        #expect(a.membraneBufferEntries == 16 * 4 && b.membraneBufferEntries == 4)
        // Cross-depth inhibition: at most one spike per IFM and step.
        for t in 0..<100 {
            for p in 0..<16 {
                let n = (0..<4).filter { a.spikes.bits[(t * 16 + p) * 4 + $0] }.count
                #expect(n <= 1)
            }
        }
    }

    /// Lateral inhibition couples IFMs: refused in IFM order; in spike-cycle order a spike on
    /// map z leaves every V(·, ·, z) at 0 after that step.
    @Test func lateralInhibition() throws {
        let (layer, input) = try Self.toy(seed: 3, lateral: true)
        #expect(throws: SpikingParameterError.self) { try layer.infer(input, dataflow: .ifmOrder) }
        var firstStepWithSpike: Int?
        for steps in 1...100 {
            let short = MonetaSpikeTensor(steps: steps, rows: 8, columns: 8, depth: 2,
                                          bits: Array(input.bits[0..<(steps * 128)]))
            let out = try layer.infer(short, dataflow: .spikeCycleOrder)
            let last = steps - 1
            let maps = (0..<4).filter { z in (0..<16).contains { out.spikes.bits[(last * 16 + $0) * 4 + z] } }
            if !maps.isEmpty {
                for z in maps { for p in 0..<16 { #expect(out.finalPotential[p * 4 + z] == 0) } }
                firstStepWithSpike = steps
                break
            }
        }
        #expect(firstStepWithSpike != nil)
    }

    /// Digest §3.8 item 5: after phase 1 the table holds, per filter, the IFM with the largest
    /// peak V_mem, compared with a separate brute-force re-simulation of every IFM.
    @Test func filterUpdateTableIsBruteForceArgmax() throws {
        let (layer, input) = try Self.toy(seed: 4)
        let table = try layer.filterUpdateTable(input)
        let g = layer.geometry, offsets = g.patchOffsets()
        var best = [(Float, Int)](repeating: (0, -1), count: 4)
        for p in 0..<g.positions {
            var v = [Float](repeating: 0, count: 4), peak = [Float](repeating: -.infinity, count: 4)
            for t in 0..<input.steps {
                for z in 0..<4 {
                    var sum = 0
                    for k in 0..<g.patchSize where offsets[p * g.patchSize + k] >= 0
                        && input.bits[t * 128 + Int(offsets[p * g.patchSize + k])] {
                        sum += Int(layer.weights[z * g.patchSize + k])
                    }
                    v[z] += Float(sum)
                    v[z] -= 0.5 + 0.1 * v[z]
                    peak[z] = max(peak[z], v[z])
                }
                let over = (0..<4).filter { v[$0] > 60 }
                if let w = over.max(by: { v[$0] < v[$1] || (v[$0] == v[$1] && $0 > $1) }) {
                    for z in 0..<4 where z != w { v[z] = 0 }
                    v[w] = 0
                }
            }
            for z in 0..<4 where peak[z] > best[z].0 { best[z] = (peak[z], p) }
        }
        for z in 0..<4 {
            #expect(table[z]?.ifm == best[z].1, "filter \(z)")
            #expect(table[z]?.maximumPotential == best[z].0)
        }
    }

    /// Both learning flows keep weights in the 8-bit range, change only what the rule
    /// allows (PIM-friendly: only filters in the table), cost 17 cycles per decision, and
    /// repeat exactly for the same LFSR seed.
    @Test func learningFlows() throws {
        let (layer, input) = try Self.toy(seed: 5)
        let rule = try MonetaSTDP(historyWindow: 5)
        var a = layer, b = layer, c = layer
        var l1 = try LFSR(seed: 7), l2 = try LFSR(seed: 7), l3 = try LFSR(seed: 7)
        let s1 = try a.trainSpikeCycleOrder(input, rule: rule, lfsr: &l1)
        let table = try layer.filterUpdateTable(input)
        let s2 = try b.trainPIMFriendly(input, rule: rule, lfsr: &l2)
        let s3 = try c.trainPIMFriendly(input, rule: rule, lfsr: &l3)
        #expect(b.weights == c.weights && s2 == s3, "deterministic")
        #expect(s1.changedWeights > 0 && s2.changedWeights > 0)
        #expect(s2.updateCycles == 17 * s2.decisions)
        for w in a.weights + b.weights { #expect(w >= -128 && w <= 127) }
        let ps = layer.geometry.patchSize
        for z in 0..<4 where table[z] == nil {
            #expect(Array(b.weights[(z * ps)..<((z + 1) * ps)]) == Array(layer.weights[(z * ps)..<((z + 1) * ps)]))
        }
        #expect(a.weights != layer.weights)
    }

    @Test func invalidShapesThrow() throws {
        #expect(throws: SpikingParameterError.self) { try MonetaConvGeometry(inputRows: 0, inputColumns: 8, inputDepth: 1, filters: 1) }
        let geometry = try MonetaConvGeometry(inputRows: 8, inputColumns: 8, inputDepth: 2, filters: 4)
        #expect(throws: SpikingParameterError.self) { try MonetaConvLayer(geometry: geometry, neuron: MonetaLIF(), weights: [1]) }
        let (layer, _) = try Self.toy(seed: 0)
        #expect(throws: SpikingParameterError.self) {
            try layer.infer(MonetaSpikeTensor(steps: 1, rows: 4, columns: 4, depth: 2), dataflow: .ifmOrder)
        }
        #expect(geometry.outputRows == 4 && geometry.positions == 16 && geometry.patchSize == 18)
    }
}
