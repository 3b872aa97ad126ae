import Foundation
import Testing
import Yams
@testable import NeuromorphCore
@testable import NeuromorphSpec
@testable import NeuromorphSpiking

/// The `spiking` section of a spec: a valid network builds and runs; a bad one is rejected
/// with the key path (issue 12, item 10).
@Suite struct SpikingSpecTests {
    static let valid = """
    name: tiny
    spiking:
      dt: 0.1
      duration: 20
      populations:
        - {name: input, size: 2, model: spike_generator, spike_steps: [[5, 50], [10]]}
        - {name: out, size: 2, model: iaf_cond_exp, preset: pynn, integrator: euler, params: {t_ref: 2}}
      projections:
        - {pre: input, post: out, connector: {rule: one_to_one}, weight: 400, delay: 0.2,
           synapse: {model: stdp_synapse, mu_plus: 0, mu_minus: 0, Wmax: 1000, timing: immediate}}
    """

    static func decode(_ text: String) throws -> SpikingSpecFile { try YAMLDecoder().decode(SpikingSpecFile.self, from: text) }

    @Test func aValidSpecBuildsAndRuns() throws {
        let file = try Self.decode(Self.valid)
        let (network, ids, projections) = try file.spiking.network()
        let simulator = try Simulator(network, dt: file.spiking.dt, seed: file.spiking.seed)
        simulator.run(duration: file.spiking.duration)
        #expect(simulator.spikes(of: ids[0]).count == 3)
        // 400 nS onto a PyNN cell fires it within a few steps.
        #expect(simulator.spikes(of: ids[1]).count >= 2)
        #expect(simulator.synapses(of: projections[0]).delays == [2, 2])
        // Post after pre: additive potentiation raised both weights.
        #expect(simulator.synapses(of: projections[0]).weights.allSatisfy { $0 > 400 })
    }

    static let errors: [(String, String, String)] = [
        ("pre: input, post: out", "pre: nowhere, post: out", "spiking.projections[0].pre"),
        ("delay: 0.2", "delay: -0.1", "spiking.projections[0].delay"),
        ("delay: 0.2", "delay: 0.15", "spiking.projections[0].delay"),
        ("model: iaf_cond_exp", "model: iaf_psc_magic", "spiking.populations[1].model"),
        ("params: {t_ref: 2}", "params: {t_ref: 2, V_thresh: 1}", "spiking.populations[1].params.V_thresh"),
        ("params: {t_ref: 2}", "params: {C_m: -1}", "spiking.populations[1].params.C_m"),
        ("integrator: euler", "integrator: rk4", "spiking.populations[1].integrator"),
        ("rule: one_to_one", "rule: one_to_many", "spiking.projections[0].connector.rule"),
        ("timing: immediate", "timing: later", "spiking.projections[0].synapse.timing"),
        ("model: stdp_synapse", "model: stdp_synapse, tau: 3", "spiking.projections[0].synapse"),
        ("duration: 20", "duration: 0", "spiking.duration"),
        ("size: 2, model: spike", "size: -2, model: spike", "spiking.populations[0].size"),
        ("weight: 400,", "weight: 400, weight_format: {bits: 4, signed: true},", "spiking.projections[0].weight"),
        ("weight: 400,", "weight: 400, weight_format: {bits: 40},", "spiking.projections[0].weight_format.bits"),
        ("dt: 0.1", "dt: 0.1\n  energy: loihi", "spiking.energy"),
    ]

    @Test(arguments: errors)
    func badSpecsNameTheKeyPath(_ original: String, _ replacement: String, _ path: String) {
        let text = Self.valid.replacingOccurrences(of: original, with: replacement)
        #expect(text != Self.valid)
        do {
            _ = try Self.decode(text)
            Issue.record("accepted: \(replacement)")
        } catch {
            let message = "\(SpecLoader.describe(error as? DecodingError ?? DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "\(error)", underlyingError: error)), file: "x.yaml"))"
            #expect(message.contains(path), "\(message)")
        }
    }

    @Test func stdpOnAnInhibitoryProjectionIsRejectedWhenBuilt() throws {
        let text = Self.valid.replacingOccurrences(of: "weight: 400", with: "weight: -400")
        let file = try Self.decode(text)
        let (network, _, _) = try file.spiking.network()
        #expect(throws: SpikingParameterError.self) { _ = try Simulator(network, dt: 0.1, seed: 1) }
    }
}
