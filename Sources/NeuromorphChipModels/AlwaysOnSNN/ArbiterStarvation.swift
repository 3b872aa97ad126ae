/// Requests generated in one layer per frame (Chundi et al. 2021, Eq. 1):
///
/// ```
/// N_req,i = N_spk,i · N_nn,i / TH_i
/// ```
public struct LayerSpikeLoad: Sendable, Hashable {
    /// Incoming spikes per neuron per frame, `N_spk,i`.
    public let incomingSpikesPerNeuron: Double
    /// Neurons in the core, `N_nn,i`.
    public let neurons: Int
    /// Firing threshold `TH_i` (integer potential units, ≥ 1).
    public let threshold: Double

    public init(incomingSpikesPerNeuron: Double, neurons: Int, threshold: Double) throws {
        let m = "LayerSpikeLoad"
        try Check.nonNegative(incomingSpikesPerNeuron, "incomingSpikesPerNeuron", in: m)
        try Check.positive(neurons, "neurons", in: m)
        try Check.positive(threshold, "threshold", in: m)
        self.incomingSpikesPerNeuron = incomingSpikesPerNeuron
        self.neurons = neurons
        self.threshold = threshold
    }

    /// `N_req = N_spk · N_nn / TH` (Eq. 1).
    public var requestsPerFrame: Double {
        incomingSpikesPerNeuron * Double(neurons) / threshold
    }
}

/// Requests one layer's fixed-priority arbiter can serve per frame (Chundi et al.
/// 2021, Eq. 2):
///
/// ```
/// N_serve,i = f_clk,a · T_frame / N_cyc,a
/// starvation  ⇔  N_req,i > N_serve,i
/// ```
///
/// `N_cyc,a` is not given in the paper; the preset uses 3 (St0–St2 of the spike
/// generator, digest §3.3 [INFERRED]).
public struct ArbiterDesign: Sendable, Hashable {
    /// Arbiter (synapse-block) clock `f_clk,a` in Hz.
    public let clockHz: Double
    /// Frame length `T_frame` in s.
    public let frameSeconds: Double
    /// Clock cycles per served request `N_cyc,a`.
    public let cyclesPerRequest: Double

    public init(clockHz: Double, frameSeconds: Double, cyclesPerRequest: Double) throws {
        let m = "ArbiterDesign"
        try Check.positive(clockHz, "clockHz", in: m)
        try Check.positive(frameSeconds, "frameSeconds", in: m)
        try Check.positive(cyclesPerRequest, "cyclesPerRequest", in: m)
        self.init(unchecked: clockHz, frameSeconds, cyclesPerRequest)
    }

    private init(unchecked clockHz: Double, _ frameSeconds: Double, _ cyclesPerRequest: Double) {
        self.clockHz = clockHz
        self.frameSeconds = frameSeconds
        self.cyclesPerRequest = cyclesPerRequest
    }

    /// Synapse block at 0.52 V (17 kHz), KWS frame (80 ms), `N_cyc,a = 3` [INFERRED].
    public static let keywordSpotting = ArbiterDesign(unchecked: 17e3, 0.080, 3)

    /// Arbiter clock cycles in one frame, `f_clk,a · T_frame` (1,360 for the preset).
    public var cyclesPerFrame: Double { clockHz * frameSeconds }

    /// `N_serve = f_clk,a · T_frame / N_cyc,a` (Eq. 2).
    public var requestsServedPerFrame: Double { cyclesPerFrame / cyclesPerRequest }

    /// Whether the layer starves: `N_req > N_serve`.
    public func isStarved(_ load: LayerSpikeLoad) -> Bool {
        load.requestsPerFrame > requestsServedPerFrame
    }

    /// Requests that cannot be served in a frame, `max(0, N_req − N_serve)`.
    public func unservedRequests(_ load: LayerSpikeLoad) -> Double {
        max(0, load.requestsPerFrame - requestsServedPerFrame)
    }

    /// Smallest threshold that avoids starvation: `TH ≥ N_spk · N_nn / N_serve`.
    public func minimumThreshold(incomingSpikesPerNeuron: Double, neurons: Int) throws -> Double {
        let load = try LayerSpikeLoad(incomingSpikesPerNeuron: incomingSpikesPerNeuron,
                                      neurons: neurons, threshold: 1)
        return load.requestsPerFrame / requestsServedPerFrame
    }

    /// Smallest arbiter clock that serves a load: `f ≥ N_req · N_cyc,a / T_frame`.
    public func minimumClockHz(for load: LayerSpikeLoad) -> Double {
        load.requestsPerFrame * cyclesPerRequest / frameSeconds
    }
}
