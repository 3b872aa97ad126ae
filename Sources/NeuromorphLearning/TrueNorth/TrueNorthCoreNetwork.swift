import NeuromorphCore

/// A trained binary ``TrueNorthNetwork`` compiled into ``TrueNorthCore``s (learning-rules
/// note §1.4: "conversion of a trained network into cores whose integer simulation equals
/// the float network").
///
/// Every layer is cut by ``TrueNorthCoreMapper`` (one axon per input). In a core, axon
/// (c, a, b) gets the type `σ^a ρ^b(b_c)` of its group's shared symmetric kernel (absolute
/// input coordinates, so every tile agrees), the neuron of feature o at output (l, q) the
/// table `S(t) = f_o((σ^{ls} ρ^{qs})⁻¹(t))`, C = 1 inside the receptive field where K ≠ 0,
/// and the firing condition `Σ ≥ θ_o`, where θ_o is the smallest integer V with
/// `α_o·V + β_o ≥ 0.5` evaluated in the same Float expression as the network
/// (``TrueNorthAffine``). With signature clusters ([I]) the features of a group that share
/// (σ, ρ, b) are placed together and every cluster gets its own cores over the same inputs.
/// A trained α_o < 0 flips the inequality: the neuron then holds −f_o
/// and fires when −V ≥ θ_o. One layer is one tick from V = 0, so a spike is exactly the float
/// network's `1{α_o·v + β_o ≥ 0.5}`.
public struct TrueNorthCoreNetwork: Sendable {
    /// A core with the wiring of its axons and neurons into the layer's input and output maps.
    public struct PlacedCore: Sendable {
        public var core: TrueNorthCore
        /// Flat index (channel, row, column) in the layer input of every axon.
        public var axonSources: [Int]
        /// Flat index (feature, row, column) in the layer output of every neuron.
        public var neuronTargets: [Int]
    }

    public struct CoreLayer: Sendable {
        public var geometry: TrueNorthLayerGeometry
        public var tiling: TrueNorthTiling
        public var cores: [PlacedCore]
    }

    public var layers: [CoreLayer]
    public let classes: Int

    /// Compiles `network`, whose layers must all be frozen symmetric and whose activations
    /// must all be thresholds.
    ///
    /// - Throws: `LearningRuleParameterError` for a layer that is not yet symmetric or binary,
    ///   or a threshold that does not fit the neuron's 9-bit leak.
    public init(_ network: TrueNorthNetwork) throws {
        let shapes = try network.configuration.shapes()
        classes = network.configuration.classes
        layers = []
        for (index, conv) in network.convolutions.enumerated() {
            guard let kernels = conv.symmetricKernels, network.activations[index].mode == .threshold else {
                throw LearningRuleParameterError(type: "TrueNorthCoreNetwork", field: "layers[\(index)]", value: conv.summary,
                                                 expected: "symmetric kernels and threshold activations in every layer")
            }
            let geometry = TrueNorthLayerGeometry(inChannels: shapes[index].channels, height: shapes[index].height,
                                                  width: shapes[index].width, outChannels: conv.outChannels,
                                                  kernelSize: conv.kernelSize, stride: conv.stride, groups: conv.groupCount,
                                                  signatureClusters: network.configuration.layers[index].signatureClusters)
            let tiling = try TrueNorthCoreMapper.tiling(geometry, axonsPerInput: 1)
            let thresholds = try (0..<conv.outChannels).map { o -> NeuronSetting in
                let values = kernels[o].values
                let fanIn = values.count
                let alpha = conv.scales[o], beta = conv.bias.value.scalars[o]
                let sign = alpha >= 0 ? 1 : -1
                // Σ' = sign·V; α·V + β is non-decreasing in Σ'.
                let theta = (-fanIn...fanIn).first {
                    TrueNorthAffine.apply(Float(sign * $0), scale: alpha, bias: beta) >= BinarizingActivation.threshold
                } ?? fanIn + 1
                let setting = try TrueNorthCore.thresholdAndLeak(firingAt: theta,
                                                                 minimumInput: -values.filter { sign * $0 < 0 }.count)
                return NeuronSetting(threshold: setting.threshold, leak: setting.leak, sign: sign)
            }
            layers.append(CoreLayer(geometry: geometry, tiling: tiling,
                                cores: try Self.place(geometry, tiling, kernels: kernels, thresholds: thresholds)))
        }
    }

    /// Threshold α, leak λ and the sign applied to f of one feature's neurons.
    struct NeuronSetting {
        var threshold: Int
        var leak: Int
        var sign: Int
    }

    private static func place(_ g: TrueNorthLayerGeometry, _ t: TrueNorthTiling, kernels: [SymmetricKernel],
                              thresholds: [NeuronSetting]) throws -> [PlacedCore] {
        var cores: [PlacedCore] = []
        let k = g.kernelSize, s = g.stride
        for group in 0..<g.groups {
            // The group's features by signature (σ, ρ, b), in order of first appearance: one
            // signature's features share a core's axon types.
            var clusters: [[Int]] = []
            for f in 0..<g.groupOutChannels {
                let kernel = kernels[group * g.groupOutChannels + f]
                if let j = clusters.firstIndex(where: { kernels[group * g.groupOutChannels + $0[0]].sameSignature(as: kernel) }) {
                    clusters[j].append(f)
                } else {
                    clusters.append([f])
                }
            }
            for cluster in clusters {
                let typeKernel = kernels[group * g.groupOutChannels + cluster[0]]
                for l0 in stride(from: 0, to: g.outHeight, by: t.tileHeight) {
                    let l1 = Swift.min(l0 + t.tileHeight, g.outHeight)
                    for q0 in stride(from: 0, to: g.outWidth, by: t.tileWidth) {
                        let q1 = Swift.min(q0 + t.tileWidth, g.outWidth)
                        let rows = (l0 * s)..<((l1 - 1) * s + k), columns = (q0 * s)..<((q1 - 1) * s + k)
                        var axonSources: [Int] = [], axonTypes: [Int] = []
                        var axonIndex: [Int: Int] = [:]
                        for c in 0..<g.groupInChannels { for a in rows { for b in columns {
                            let source = ((group * g.groupInChannels + c) * g.height + a) * g.width + b
                            axonIndex[source] = axonSources.count
                            axonSources.append(source)
                            axonTypes.append(typeKernel.axonType(row: a, column: b, channel: c))
                        } } }
                        for f0 in stride(from: 0, to: cluster.count, by: t.featuresPerCore) {
                            let f1 = Swift.min(f0 + t.featuresPerCore, cluster.count)
                            var targets: [Int] = [], strengths: [Int] = [], alphas: [Int] = [], leaks: [Int] = []
                            var wiring: [(axon: Int, neuron: Int)] = []
                            for f in cluster[f0..<f1] {
                                let o = group * g.groupOutChannels + f
                                let values = kernels[o].values
                                for l in l0..<l1 { for q in q0..<q1 {
                                    let neuron = targets.count
                                    targets.append((o * g.outHeight + l) * g.outWidth + q)
                                    strengths += kernels[o].neuronStrengths(row: l * s, column: q * s).map { $0 * thresholds[o].sign }
                                    alphas.append(thresholds[o].threshold)
                                    leaks.append(thresholds[o].leak)
                                    for c in 0..<g.groupInChannels { for i in 0..<k { for j in 0..<k
                                    where values[(c * k + i) * k + j] != 0 {
                                        let source = ((group * g.groupInChannels + c) * g.height + l * s + i) * g.width + q * s + j
                                        wiring.append((axonIndex[source]!, neuron))
                                    } } }
                                } }
                            }
                            var connectivity = [Bool](repeating: false, count: axonSources.count * targets.count)
                            for w in wiring { connectivity[w.axon * targets.count + w.neuron] = true }
                            let core = try TrueNorthCore(axonCount: axonSources.count, neuronCount: targets.count,
                                                         connectivity: connectivity, axonTypes: axonTypes, strengths: strengths,
                                                         thresholds: alphas, leaks: leaks)
                            cores.append(PlacedCore(core: core, axonSources: axonSources, neuronTargets: targets))
                        }
                    }
                }
            }
        }
        return cores
    }

    /// The number of cores of every layer.
    public var coreCounts: [Int] { layers.map(\.cores.count) }

    /// The output spikes of every layer for one input spike map (one tick per layer from V = 0).
    public func run(_ input: [Bool]) -> [[Bool]] {
        var x = input
        var outputs: [[Bool]] = []
        for layer in layers {
            let g = layer.geometry
            var y = [Bool](repeating: false, count: g.outChannels * g.outHeight * g.outWidth)
            for placed in layer.cores {
                var potentials = [Int](repeating: 0, count: placed.core.neuronCount)
                let spikes = placed.core.tick(&potentials, input: placed.axonSources.map { x[$0] })
                for (r, target) in placed.neuronTargets.enumerated() where spikes[r] { y[target] = true }
            }
            outputs.append(y)
            x = y
        }
        return outputs
    }

    /// Spike counts per class of the last layer and the predicted class (lowest on ties).
    public func classify(_ input: [Bool]) -> (counts: [Int], prediction: Int) {
        let out = run(input).last ?? []
        let last = layers[layers.count - 1].geometry
        let pixels = last.outHeight * last.outWidth, perClass = last.outChannels / classes
        let counts = (0..<classes).map { c in
            ((c * perClass * pixels)..<((c + 1) * perClass * pixels)).reduce(0) { $0 + (out[$1] ? 1 : 0) }
        }
        var best = 0
        for c in counts.indices where counts[c] > counts[best] { best = c }
        return (counts, best)
    }
}
