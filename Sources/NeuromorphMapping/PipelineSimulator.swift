/// Timing of one layer in a pipeline run (first image of the batch).
public struct LayerPipelineStats: Sendable, Codable, Hashable {
    public var layer: String
    /// Output pixels of one image.
    public var outputs: Int
    /// Timestep of the first and last output pixel (finished, after partial sums).
    public var firstTimestep: Int
    public var lastTimestep: Int
    /// Timesteps between the first and last output in which the layer finished nothing.
    public var stallTimesteps: Int
    /// `outputs / (last − first + 1)`: the average slope of the Fig. 10 curve.
    public var averageSlope: Double
    /// Most output pixels finished in one timestep.
    public var peakOutputsPerTimestep: Int
    /// Fig. 10 curve: pixels computed up to and including timestep t, for t = 0 ..< latency.
    public var pixelsComputed: [Int]
}

/// Result of a pipeline simulation.
public struct PipelineRun: Sendable, Codable, Hashable {
    /// Images streamed back to back.
    public var images: Int
    /// Input pixels entering the first core per timestep.
    public var inputPixelsPerTimestep: Int
    /// Timesteps from the first input pixel of image 0 to its classification, inclusive.
    public var latencyTimesteps: Int
    /// Timesteps from the first input pixel of image 0 to the classification of the last image.
    public var batchTimesteps: Int
    /// Per-layer timing of image 0, in network order.
    public var layers: [LayerPipelineStats]
    /// Most activation bits one core sends in one timestep (to compare with Eq. 7).
    public var peakLinkBitsPerTimestep: Int

    /// Images per second for the simulated batch: `images / (batchTimesteps · T)`.
    public func throughput(timestepSeconds: Double) -> Double {
        Double(images) / (Double(batchTimesteps) * timestepSeconds)
    }
}

/// Timestep-level simulator of the layer-pipelined dataflow over a mapped core graph
/// (Dazzi et al. 2021 §2.4 and §3.1.3–3.1.4, Fig. 10).
///
/// Model, per image, per layer, per replica group (one or more cores that finish the same
/// output pixels):
/// ```
/// ready(block) = max over its outputs o of arrival(last input of o's window)   (Algorithm 1)
///                and arrival(residual pixel o)
/// t(block)     = max(ready(block), t(previous block of this group) + 1)        (one MVM / timestep)
/// done(o)      = t(block) + partialSumHop   if the layer is row-split (Eq. 5), else t(block)
/// arrival(o)   = done(o) + linkDelay                                          (Fig. 2)
/// ```
/// Blocks are the layer's replica block tiled over the output map in stream (column-major)
/// order; the image enters at `inputPixelsPerTimestep`. A fully-connected layer waits for its
/// whole input. Images follow each other without gaps; a core continues with the next image's
/// pixels as soon as they are ready. Links never stall (the paper's fabric, §3.1.3), and the
/// Input Memory never overflows (every core consumes at least as fast as it is fed on average).
public struct PipelineSimulator: Sendable {
    public let mapping: IMCNetworkMapping
    /// Pixels of the image streamed into the first layer per timestep (defaults to the first
    /// layer's replicas: 1 in the regular dataflow, 4 in the ResNet-32 speed-up).
    public var inputPixelsPerTimestep: Int

    public init(mapping: IMCNetworkMapping, inputPixelsPerTimestep: Int? = nil) {
        self.mapping = mapping
        self.inputPixelsPerTimestep = inputPixelsPerTimestep ?? mapping.layers.first?.replication.replicas ?? 1
    }

    /// Streams `images` images through the pipeline.
    public func run(images: Int = 1) throws(IMCMappingError) -> PipelineRun {
        guard images > 0 else {
            throw .invalidField(owner: "pipeline", field: "images", value: images, expected: "a positive integer")
        }
        guard inputPixelsPerTimestep > 0 else {
            throw .invalidField(owner: "pipeline", field: "inputPixelsPerTimestep", value: inputPixelsPerTimestep,
                                expected: "a positive integer")
        }
        let net = mapping.network
        let hw = mapping.hardware
        let inputPixels = net.inputHeight * net.inputWidth
        // Last MVM timestep per (layer, group), carried from image to image.
        var lastMVM: [[Int]] = mapping.layers.map { Array(repeating: Int.min / 2, count: $0.groups.count) }
        var firstImageDone: [[Int]] = []
        var peakBits = 0
        var batchEnd = 0
        var latency = 0
        for image in 0..<images {
            var arrival: [String: [Int]] = [:]
            arrival["input"] = (0..<inputPixels).map { (image * inputPixels + $0) / inputPixelsPerTimestep }
            var imageEnd = 0
            for (li, map) in mapping.layers.enumerated() {
                let layer = map.layer
                let src = layer.inputPooling.map { window in
                    Self.pooledArrival(arrival[layer.source]!, producerHeight: net.layer(named: layer.source)?.outputHeight
                                        ?? net.inputHeight, window: window, height: layer.inputHeight, width: layer.inputWidth)
                } ?? arrival[layer.source]!
                let res = layer.residual.flatMap { arrival[$0] }
                let hop = map.rowSplits > 1 ? hw.partialSumHopTimesteps : 0
                let ho = layer.outputHeight, wo = layer.outputWidth
                var done = Array(repeating: 0, count: ho * wo)
                if layer.kind == .fullyConnected {
                    let t = max(src.max()!, lastMVM[li][0] + 1)
                    lastMVM[li][0] = t
                    done[0] = t + hop
                    if image == 0 { peakBits = max(peakBits, layer.outChannels * hw.activationBits) }
                } else {
                    let bh = map.replication.blockHeight, bw = map.replication.blockWidth
                    for by in stride(from: 0, to: wo, by: bw) {
                        for bx in stride(from: 0, to: ho, by: bh) {
                            for (gi, group) in map.groups.enumerated() {
                                var ready = Int.min
                                var members: [Int] = []
                                for r in group.replicas {
                                    let o = map.replication.offsets[r]
                                    let i = bx + o.row, j = by + o.column
                                    guard i < ho, j < wo else { continue }
                                    let need = DataflowController.lastInputIndex(
                                        row: i, column: j, inputHeight: layer.inputHeight, inputWidth: layer.inputWidth,
                                        kernel: layer.kernel, stride: layer.stride, padding: layer.padding)
                                    ready = max(ready, src[need])
                                    if let res { ready = max(ready, res[j * ho + i]) }
                                    members.append(j * ho + i)
                                }
                                guard !members.isEmpty else { continue }
                                let t = max(ready, lastMVM[li][gi] + 1)
                                lastMVM[li][gi] = t
                                for k in members { done[k] = t + hop }
                                if image == 0 {
                                    peakBits = max(peakBits, members.count * layer.outChannels * hw.activationBits)
                                }
                            }
                        }
                    }
                }
                imageEnd = max(imageEnd, done.max()!)
                arrival[layer.name] = done.map { $0 + hw.linkDelayTimesteps }
                if image == 0 { firstImageDone.append(done) }
            }
            if image == 0 { latency = imageEnd + 1 }
            batchEnd = imageEnd + 1
        }
        let stats = zip(mapping.layers, firstImageDone).map { map, done in
            Self.stats(layer: map.layer.name, done: done, horizon: latency)
        }
        return PipelineRun(images: images, inputPixelsPerTimestep: inputPixelsPerTimestep,
                           latencyTimesteps: latency, batchTimesteps: batchEnd, layers: stats,
                           peakLinkBitsPerTimestep: peakBits)
    }

    /// Arrival of each pooled pixel (column-major, `height × width`): the latest arrival of
    /// the `window × window` producer pixels it pools (the Digital Processor pools as soon as
    /// a window is complete).
    static func pooledArrival(_ producer: [Int], producerHeight: Int, window: Int, height: Int, width: Int) -> [Int] {
        var pooled = Array(repeating: Int.min, count: height * width)
        for j in 0..<width {
            for i in 0..<height {
                var latest = Int.min
                for b in 0..<window {
                    for a in 0..<window { latest = max(latest, producer[(j * window + b) * producerHeight + i * window + a]) }
                }
                pooled[j * height + i] = latest
            }
        }
        return pooled
    }

    static func stats(layer: String, done: [Int], horizon: Int) -> LayerPipelineStats {
        var perStep = Array(repeating: 0, count: horizon)
        for t in done { perStep[t] += 1 }
        let first = done.min()!, last = done.max()!
        let stalls = perStep[first...last].filter { $0 == 0 }.count
        var curve = perStep
        for t in curve.indices.dropFirst() { curve[t] += curve[t - 1] }
        return LayerPipelineStats(layer: layer, outputs: done.count, firstTimestep: first, lastTimestep: last,
                                  stallTimesteps: stalls,
                                  averageSlope: Double(done.count) / Double(last - first + 1),
                                  peakOutputsPerTimestep: perStep.max()!, pixelsComputed: curve)
    }
}
