import NeuromorphCore

/// The integer neuron model of one event-driven layer.
public enum EventNeuron: Sendable, Hashable {
    /// μBrain's IF: wrap-around reset, zero clamp (``IntegerIF``).
    case integerIF(IntegerIFParameters)
    /// Chundi's signed IF: reset to zero, request/acknowledge (``SignedIF``).
    case signedIF(SignedIFParameters)
}

/// How the sources of an ``EventLayer`` reach its neurons.
public enum EventConnectivity: String, Sendable, Codable, Hashable {
    /// Every source fans out to every neuron (one row of `outputs` weights per source).
    case dense
    /// Source i drives neuron i only, through one weight (NEST's `one_to_one` rule): a
    /// grant reads one synapse and counts one SOP.
    case oneToOne
}

/// One layer of an ``EventDrivenNetwork``: an arbiter in front, the weight memory (one
/// fan-out row per source, as μBrain's per-spike weight read and Chundi's SRAM row per
/// request; or one synapse per source for ``EventConnectivity/oneToOne``), and a population
/// of integer neurons.
public struct EventLayer: Sendable {
    /// Sources (neurons of the previous layer, or input channels).
    public let inputs: Int
    /// Neurons of this layer.
    public let outputs: Int
    /// Weights by source: `weightsBySource[s · outputs + i]` is `w_is` (dense), or
    /// `weightsBySource[s]` is `w_ss` (one-to-one).
    public let weightsBySource: [Int32]
    /// Dense or one-to-one.
    public let connectivity: EventConnectivity
    /// The neuron model.
    public var neuron: EventNeuron
    /// The arbiter's timing.
    public var timing: ArbiterTiming

    /// A layer from a weight matrix `weights[target][source]` (shape `[outputs][inputs]`, as
    /// `Linear.weight`); throws ``SpikingParameterError`` for empty or ragged matrices.
    public init(weights: [[Int32]], neuron: EventNeuron, timing: ArbiterTiming = .muBrain) throws {
        guard let first = weights.first, !first.isEmpty else {
            throw SpikingParameterError(type: "EventLayer", field: "weights", value: "empty",
                                        expected: "a non-empty [outputs][inputs] matrix")
        }
        guard weights.allSatisfy({ $0.count == first.count }) else {
            throw SpikingParameterError(type: "EventLayer", field: "weights", value: "ragged rows",
                                        expected: "every row with \(first.count) entries")
        }
        let n = weights.count, m = first.count
        var bySource = [Int32](repeating: 0, count: n * m)
        for i in 0..<n { for s in 0..<m { bySource[s * n + i] = weights[i][s] } }
        self.init(unchecked: m, n, bySource, neuron, timing)
    }

    /// A layer from weights already laid out by source (`[inputs · outputs]`).
    public init(inputs: Int, outputs: Int, weightsBySource: [Int32], neuron: EventNeuron,
                timing: ArbiterTiming = .muBrain) throws {
        guard inputs > 0, outputs > 0, weightsBySource.count == inputs * outputs else {
            throw SpikingParameterError(type: "EventLayer", field: "weightsBySource",
                                        value: "\(weightsBySource.count) weights for \(inputs)x\(outputs)",
                                        expected: "inputs · outputs weights with inputs, outputs > 0")
        }
        self.init(unchecked: inputs, outputs, weightsBySource, neuron, timing)
    }

    /// A one-to-one layer (NEST `one_to_one`): source i drives neuron i through `weights[i]`;
    /// throws ``SpikingParameterError`` for no weights.
    public init(oneToOne weights: [Int32], neuron: EventNeuron, timing: ArbiterTiming = .muBrain) throws {
        guard !weights.isEmpty else {
            throw SpikingParameterError(type: "EventLayer", field: "oneToOne", value: "[]", expected: "one weight per source")
        }
        self.init(unchecked: weights.count, weights.count, weights, neuron, timing, connectivity: .oneToOne)
    }

    /// Throws ``SpikingParameterError`` naming the first weight (`weights[target][source]`)
    /// outside `format`'s code range (e.g. ``QFormat/muBrainWeight``: −7…7).
    public func checkWeights(fit format: QFormat, field: String = "weights") throws {
        for s in 0..<inputs {
            for (k, i) in targets(of: s).enumerated() where !format.contains(code: Int64(weightsBySource[rowStart(of: s) + k])) {
                throw SpikingParameterError(type: "EventLayer", field: "\(field)[\(i)][\(s)]",
                                            value: "\(weightsBySource[rowStart(of: s) + k])",
                                            expected: "an integer in \(format.codeRange.lowerBound)...\(format.codeRange.upperBound) (\(format))")
            }
        }
    }

    /// The neurons source `s` reaches.
    @inline(__always)
    func targets(of s: Int) -> Range<Int> { connectivity == .dense ? 0..<outputs : s..<(s + 1) }

    /// Where source `s`'s weights start in ``weightsBySource``.
    @inline(__always)
    func rowStart(of s: Int) -> Int { connectivity == .dense ? s * outputs : s }

    init(unchecked inputs: Int, _ outputs: Int, _ bySource: [Int32], _ neuron: EventNeuron, _ timing: ArbiterTiming,
         connectivity: EventConnectivity = .dense) {
        self.inputs = inputs
        self.outputs = outputs
        weightsBySource = bySource
        self.neuron = neuron
        self.timing = timing
        self.connectivity = connectivity
    }
}

/// Options of one event-driven run.
public struct EventRunOptions: Sendable, Hashable {
    /// Frame end in ns: later events are not processed and requests still waiting are
    /// dropped (Chundi's drop policy at frame end). `nil` runs until no event is left.
    public var frameNs: Int64?
    /// Record every arbiter grant (layer, source, time).
    public var recordGrants: Bool
    /// Record the spikes of every layer (otherwise only the last layer's).
    public var recordAllLayers: Bool
    /// What an input channel does with a stimulus that arrives while its previous request
    /// still waits at the first arbiter: ``RetriggerPolicy/queue`` (default) latches it
    /// behind the pending one; ``RetriggerPolicy/drop`` misses it and counts a drop, as a
    /// TH = 1 relay neuron with one request line (Chundi's input neuron, digest CH §3.2–3.3;
    /// the paper chose "the thresholds ... and the clock frequencies ... so that spikes are
    /// not missed while the neurons are waiting for acknowledgment from the arbiter").
    public var inputRetrigger: RetriggerPolicy

    public init(frameNs: Int64? = nil, recordGrants: Bool = false, recordAllLayers: Bool = false,
                inputRetrigger: RetriggerPolicy = .queue) {
        self.frameNs = frameNs
        self.recordGrants = recordGrants
        self.recordAllLayers = recordAllLayers
        self.inputRetrigger = inputRetrigger
    }
}

/// One arbiter grant: which source's fan-out row layer `layer` received, and when.
public struct ArbiterGrant: Sendable, Hashable {
    public var layer: Int
    public var source: Int
    public var sign: Int8
    public var timeNs: Int64
}

/// What an event-driven run produced.
public struct EventRunResult: Sendable, Hashable {
    /// Spikes per layer (address = neuron index); empty for hidden layers unless
    /// ``EventRunOptions/recordAllLayers``.
    public var layerSpikes: [[AEREvent]]
    /// Potentials of every layer at the end.
    public var finalPotentials: [[Int32]]
    /// Every event counted (inputs, spikes, SOPs, updates, row reads, grants, drops).
    public var counters: EventCounters
    /// Grants in order, if recorded.
    public var grants: [ArbiterGrant]
    /// Time of the last processed event, ns.
    public var lastEventNs: Int64
    /// Spikes emitted by each layer (input side first), counted whether or not recorded;
    /// they sum to `counters.emittedSpikes`.
    public var layerEmittedSpikes: [Int]

    /// The last layer's spikes.
    public var outputSpikes: [AEREvent] { layerSpikes.last ?? [] }
}

/// An event-driven, layered feed-forward network of integer neurons with one arbiter per
/// layer, simulated with a priority queue in integer nanoseconds (μBrain, Chundi; spiking
/// note §1.4).
///
/// ```
/// input event (t, a, ±1)   → request a to arbiter 0
/// request s to arbiter l   → latch; if the arbiter is idle, grant at t + latency
/// grant of arbiter l at t  → pick s (Arbiter), read row W_l[:, s], deliver ±w to every neuron
///                            of layer l (one SOP each); each spike i requests arbiter l+1
///                            at t + request latency; next grant at t + interval while requests wait
/// ```
///
/// Events are ordered by ``EventKey`` (time, layer, arbiter rank, sequence); input events
/// come before queued events of the same time, and requests before grants, so spikes that
/// arrive together are latched together. Counted: input spikes, emitted spikes, SOPs
/// (= neuron updates), weight-row reads (one per grant), grants, drops (requests left at
/// frame end, ``RetriggerPolicy/drop`` losses of neurons, and of input channels under
/// ``EventRunOptions/inputRetrigger``). A run is sequential and deterministic;
/// ``run(batch:arbiter:options:)`` runs samples in parallel, each with its own arbiter
/// streams, so results are identical for any thread count.
///
/// A negative input event (`sign = −1`) of channel `a` is latched on its own request line,
/// ranked after all positive lines, and delivers `−w`.
public struct EventDrivenNetwork: Sendable {
    /// The layers, input side first.
    public let layers: [EventLayer]

    /// Throws ``SpikingParameterError`` for no layers or mismatched sizes.
    public init(layers: [EventLayer]) throws {
        guard !layers.isEmpty else {
            throw SpikingParameterError(type: "EventDrivenNetwork", field: "layers", value: "[]",
                                        expected: "at least one layer")
        }
        for l in 1..<layers.count where layers[l].inputs != layers[l - 1].outputs {
            throw SpikingParameterError(type: "EventDrivenNetwork", field: "layers[\(l)].inputs",
                                        value: "\(layers[l].inputs)",
                                        expected: "the previous layer's outputs (\(layers[l - 1].outputs))")
        }
        self.layers = layers
    }

    /// Input channels.
    public var inputCount: Int { layers[0].inputs }

    /// Checks an input stream: addresses in range, signs ±1, times ≥ 0.
    public func validate(_ input: [AEREvent]) throws {
        for (k, e) in input.enumerated() {
            guard e.address >= 0 && Int(e.address) < inputCount else {
                throw SpikingParameterError(type: "EventDrivenNetwork.run", field: "input[\(k)].address",
                                            value: "\(e.address)", expected: "an address in 0..<\(inputCount)")
            }
            guard e.sign == 1 || e.sign == -1 else {
                throw SpikingParameterError(type: "EventDrivenNetwork.run", field: "input[\(k)].sign",
                                            value: "\(e.sign)", expected: "+1 or -1")
            }
            guard e.timeNs >= 0 else {
                throw SpikingParameterError(type: "EventDrivenNetwork.run", field: "input[\(k)].timeNs",
                                            value: "\(e.timeNs)", expected: "a time >= 0 ns")
            }
        }
    }

    /// Runs one sample; `input` need not be sorted.
    public func run<A: Arbiter>(_ input: [AEREvent], arbiter: A, sample: Int = 0,
                                options: EventRunOptions = EventRunOptions()) throws -> EventRunResult {
        try validate(input)
        return runValidated(input, arbiter: arbiter, sample: sample, options: options)
    }

    /// Runs many samples, in parallel over `ComputeThreads`; sample `k` uses arbiters
    /// `arbiter.derived(layer:sample: k)`, so results do not depend on the thread count.
    public func run<A: Arbiter>(batch: [[AEREvent]], arbiter: A,
                                options: EventRunOptions = EventRunOptions()) throws -> [EventRunResult] {
        for input in batch { try validate(input) }
        guard !batch.isEmpty else { return [] }
        var results = [EventRunResult?](repeating: nil, count: batch.count)
        results.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            ComputeThreads.forEachChunk(batch.count) { k in
                base[k] = runValidated(batch[k], arbiter: arbiter, sample: k, options: options)
            }
        }
        return results.map { $0! }
    }

    private enum Payload: Sendable {
        case request(Int32)
        case grant
    }

    func runValidated<A: Arbiter>(_ unsortedInput: [AEREvent], arbiter: A, sample: Int,
                                  options: EventRunOptions) -> EventRunResult {
        var input = unsortedInput
        if !zip(input, input.dropFirst()).allSatisfy({ !AEREvent.precedes($1, $0) }) {
            input.sort(by: AEREvent.precedes)
        }
        let layerCount = layers.count
        let inputs = inputCount
        var potentials = layers.map { [Int32](repeating: 0, count: $0.outputs) }
        var neuronPending = layers.map { [Int32](repeating: 0, count: $0.outputs) }
        var pending = (0..<layerCount).map { PendingRequests(capacity: $0 == 0 ? 2 * inputs : layers[$0].inputs) }
        var arbiters = (0..<layerCount).map { arbiter.derived(layer: $0, sample: sample) }
        var busy = [Bool](repeating: false, count: layerCount)
        var queue = EventQueue<Payload>()
        var counters = EventCounters()
        var spikes = [[AEREvent]](repeating: [], count: layerCount)
        var layerEmitted = [Int](repeating: 0, count: layerCount)
        var grants: [ArbiterGrant] = []
        var scratch: [Int32] = []
        var lastTime: Int64 = 0
        let frame = options.frameNs ?? Int64.max

        func addRequest(_ l: Int, _ source: Int, _ t: Int64) {
            pending[l].add(source)
            if !busy[l] {
                busy[l] = true
                queue.push(timeNs: t + layers[l].timing.grantLatencyNs, layer: Int32(l), rank: Int32.max, .grant)
            }
        }

        func grant(_ l: Int, _ t: Int64) {
            let s = arbiters[l].select(from: pending[l])
            pending[l].remove(s)
            counters.arbiterGrants += 1
            counters.weightReads += 1
            if l > 0, case .signedIF = layers[l - 1].neuron {
                neuronPending[l - 1][s] = SignedIF.acknowledge(pending: neuronPending[l - 1][s])
            }
            let negative = l == 0 && s >= inputs
            let row = negative ? s - inputs : s
            if options.recordGrants {
                grants.append(ArbiterGrant(layer: l, source: row, sign: negative ? -1 : 1, timeNs: t))
            }
            deliver(l, row: row, sign: negative ? -1 : 1, t)
            if pending[l].total > 0 {
                queue.push(timeNs: t + layers[l].timing.grantIntervalNs, layer: Int32(l), rank: Int32.max, .grant)
            } else {
                busy[l] = false
            }
        }

        func deliver(_ l: Int, row: Int, sign: Int32, _ t: Int64) {
            let layer = layers[l]
            let targets = layer.targets(of: row)
            let first = targets.lowerBound, n = targets.count
            let isLast = l == layerCount - 1
            counters.synapticOperations += n
            counters.neuronUpdates += n
            scratch.removeAll(keepingCapacity: true)
            switch layer.neuron {
            case .integerIF(let p):
                let scale = p.scale &* sign
                let fire = p.comparison == .greater ? p.threshold &+ 1 : p.threshold
                let theta = p.threshold
                potentials[l].withUnsafeMutableBufferPointer { all in
                    layer.weightsBySource.withUnsafeBufferPointer { w in
                        let row = w.baseAddress! + layer.rowStart(of: row)
                        let v = all.baseAddress! + first
                        for k in 0..<n {
                            var x = v[k] &+ scale &* row[k]
                            if x >= fire {
                                x &-= theta
                                scratch.append(Int32(first + k))
                            }
                            if x < 0 { x = 0 }
                            v[k] = x
                        }
                    }
                }
            case .signedIF(let p):
                let base = layer.rowStart(of: row)
                for k in 0..<n {
                    let i = first + k
                    let r = SignedIF.receive(potential: potentials[l][i], pending: isLast ? 0 : neuronPending[l][i],
                                             input: sign &* layer.weightsBySource[base + k], parameters: p)
                    potentials[l][i] = r.potential
                    switch r.outcome {
                    case .none: break
                    case .request:
                        if !isLast { neuronPending[l][i] = r.pending }
                        scratch.append(Int32(i))
                    case .dropped:
                        counters.arbiterDrops += 1
                    }
                }
            }
            guard !scratch.isEmpty else { return }
            counters.emittedSpikes += scratch.count
            layerEmitted[l] += scratch.count
            if isLast || options.recordAllLayers {
                for i in scratch { spikes[l].append(AEREvent(address: i, timeNs: t)) }
            }
            guard !isLast else { return }
            let latency = layers[l + 1].timing.requestLatencyNs
            for i in scratch {
                if latency == 0 {
                    addRequest(l + 1, Int(i), t)
                } else {
                    queue.push(timeNs: t + latency, layer: Int32(l + 1), rank: i, .request(i))
                }
            }
        }

        var next = 0
        while true {
            let takeInput: Bool
            if next < input.count {
                if let top = queue.minimumKey {
                    takeInput = input[next].timeNs <= top.timeNs   // inputs first at equal times
                } else {
                    takeInput = true
                }
            } else if !queue.isEmpty {
                takeInput = false
            } else {
                break
            }
            if takeInput {
                let e = input[next]
                guard e.timeNs <= frame else { break }
                next += 1
                lastTime = e.timeNs
                counters.inputSpikes += 1
                let source = e.sign > 0 ? Int(e.address) : inputs + Int(e.address)
                if options.inputRetrigger == .drop && pending[0].count(of: source) > 0 {
                    counters.arbiterDrops += 1
                } else {
                    addRequest(0, source, e.timeNs)
                }
            } else {
                guard let top = queue.minimumKey, top.timeNs <= frame, let event = queue.pop() else { break }
                lastTime = event.key.timeNs
                switch event.payload {
                case .request(let s): addRequest(Int(event.key.layer), Int(s), event.key.timeNs)
                case .grant: grant(Int(event.key.layer), event.key.timeNs)
                }
            }
        }
        if options.frameNs != nil {
            for l in 0..<layerCount { counters.arbiterDrops += pending[l].removeAll() }
            while let event = queue.pop() {
                if case .request = event.payload { counters.arbiterDrops += 1 }
            }
        }
        return EventRunResult(layerSpikes: spikes, finalPotentials: potentials, counters: counters,
                              grants: grants, lastEventNs: lastTime, layerEmittedSpikes: layerEmitted)
    }
}
