import Foundation
import NeuromorphCore
import NeuromorphSpiking

// μBrain with the chip's 256-neuron first layer simulated as relays: input stimulus i drives
// first-layer neuron i through one synapse of weight w·s (θ = 64, wrap, zero clamp); the
// trained 256-64-10 network reads the first layer's spikes. Counts spikes per layer.
ComputeThreads.set(2)
let args = CommandLine.arguments
let seed = UInt64(args[1])!
let images = Int(args[2])!
let w = Int32(args[3])!, s = Int32(args[4])!
let data = try SystemImages.loadIDX(URL(fileURLWithPath: ProcessInfo.processInfo.environment["MNIST5K"] ?? "../shared/data/mnist-5k"))
let sys = try MuBrainSystem(training: data.train, configuration: MuBrainConfiguration(), seed: seed)
let n = 256
let diag = (0..<n).map { o in (0..<n).map { i in i == o ? w : Int32(0) } }
let relay = try EventLayer(weights: diag, neuron: .integerIF(try IntegerIFParameters(threshold: 64, scale: s)), timing: .muBrain)
let net = try EventDrivenNetwork(layers: [relay] + sys.network.layers)
let m = min(images, data.test.count)
var res = [(Int, Int, Int, Int, Int, Int?, Int?, Int?, Int, Int)?](repeating: nil, count: m)
res.withUnsafeMutableBufferPointer { out in
    let base = out.baseAddress!
    ComputeThreads.forEachChunk(m) { k in
        let x = data.test.rows[k]
        guard let input = try? sys.encode(x, sample: k, seed: seed),
              let r = try? net.run(input, arbiter: RoundRobinArbiter(), sample: k, options: EventRunOptions(recordAllLayers: true)),
              let b = try? sys.classify(x, sample: k, seed: seed) else { return }
        let times = AERStream.split(r.outputSpikes, channels: 10)
        base[k] = (r.counters.inputSpikes, r.layerSpikes[0].count, r.layerSpikes[1].count, r.layerSpikes[2].count,
                   r.counters.synapticOperations, Readout.firstISIArgmin(times), Readout.spikeCountArgmax(times.map(\.count)),
                   b.firstISIClass, b.counters.inputSpikes + b.counters.emittedSpikes, sys.quantisedClass(x))
    }
}
var tot = [Double](repeating: 0, count: 5), isi = 0, cnt = 0, base = 0, q = 0, baseSpikes = 0.0
for k in 0..<m {
    guard let r = res[k] else { print("failed \(k)"); exit(1) }
    let y = data.test.labels[k]
    tot[0] += Double(r.0); tot[1] += Double(r.1); tot[2] += Double(r.2); tot[3] += Double(r.3); tot[4] += Double(r.4)
    if r.5 == y { isi += 1 }; if r.6 == y { cnt += 1 }; if r.7 == y { base += 1 }; if r.9 == y { q += 1 }
    baseSpikes += Double(r.8)
}
let p = 1 / Double(m)
print(String(format: "seed %d w·s %d·%d n %d | quantised ANN %.1f %% | relay chip: first ISI %.1f %% count %.1f %% | no relay: first ISI %.1f %%, spikes %.0f", Int(seed), Int(w), Int(s), m, Double(q) * p * 100, Double(isi) * p * 100, Double(cnt) * p * 100, Double(base) * p * 100, baseSpikes * p))
print(String(format: "  per image: stimuli %.0f, first-layer %.0f, hidden %.0f, output %.0f, SOPs %.0f; all %.0f, without stimuli %.0f", tot[0] * p, tot[1] * p, tot[2] * p, tot[3] * p, tot[4] * p, (tot[0] + tot[1] + tot[2] + tot[3]) * p, (tot[1] + tot[2] + tot[3]) * p))
