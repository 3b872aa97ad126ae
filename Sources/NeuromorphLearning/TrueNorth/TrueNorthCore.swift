/// One TrueNorth neurosynaptic core (Merolla et al. 2014; Appuswamy et al. 2016 §2; BM §3;
/// learning-rules note §1.4): up to 256 axons (input lines) × 256 neurons, a binary
/// crossbar C, one of 4 types g_a per axon, and per neuron a table S_r of 4 signed integer
/// strengths, so the effective weight matrix is
/// ```
/// W = C ∘ S(g):   W[a, r] = C[a, r] · S_r(g_a)
/// ```
/// Neurons are integer integrate-and-fire units updated once per tick (the deterministic
/// subset of Cassidy et al. 2013's neuron: linear leak, positive threshold, reset to a fixed
/// potential; no stochastic modes and no negative-threshold floor):
/// ```
/// V_r ← V_r + Σ_a s_a W[a, r] + λ_r
/// spike_r = V_r ≥ α_r;   if spike_r: V_r ← R_r
/// ```
/// Ranges [I, from the TrueNorth literature]: strengths and leaks are 9-bit signed
/// (−256...255), thresholds 1...2¹⁸−1, types 0...3.
public struct TrueNorthCore: Sendable, Equatable, Codable {
    public static let axonCapacity = 256
    public static let neuronCapacity = 256
    public static let axonTypeCount = 4
    /// 9-bit signed strengths and leaks.
    public static let strengthRange = -256...255
    public static let thresholdRange = 1...((1 << 18) - 1)

    public let axonCount: Int
    public let neuronCount: Int
    /// C in axon-major order: `connectivity[a · neuronCount + r]`.
    public let connectivity: [Bool]
    /// g_a ∈ 0...3.
    public let axonTypes: [Int]
    /// S_r(t) at `strengths[r · 4 + t]`.
    public let strengths: [Int]
    /// α_r.
    public let thresholds: [Int]
    /// λ_r, added every tick.
    public let leaks: [Int]
    /// R_r, the potential after a spike.
    public let resetPotentials: [Int]

    /// A core from its parameters; every array is checked for size and range.
    ///
    /// - Throws: `LearningRuleParameterError` naming the field for more than 256 axons or
    ///   neurons, arrays of the wrong length, a type outside 0...3, a strength or leak outside
    ///   the 9-bit range, or a threshold outside 1...2¹⁸−1.
    public init(axonCount: Int, neuronCount: Int, connectivity: [Bool], axonTypes: [Int], strengths: [Int],
                thresholds: [Int], leaks: [Int]? = nil, resetPotentials: [Int]? = nil) throws {
        func fail(_ field: String, _ value: String, _ expected: String) -> LearningRuleParameterError {
            LearningRuleParameterError(type: "TrueNorthCore", field: field, value: value, expected: expected)
        }
        guard (1...Self.axonCapacity).contains(axonCount) else {
            throw fail("axonCount", "\(axonCount)", "1...\(Self.axonCapacity)")
        }
        guard (1...Self.neuronCapacity).contains(neuronCount) else {
            throw fail("neuronCount", "\(neuronCount)", "1...\(Self.neuronCapacity)")
        }
        guard connectivity.count == axonCount * neuronCount else {
            throw fail("connectivity", "\(connectivity.count) entries", "axonCount·neuronCount = \(axonCount * neuronCount)")
        }
        guard axonTypes.count == axonCount else { throw fail("axonTypes", "\(axonTypes.count) entries", "\(axonCount)") }
        if let bad = axonTypes.first(where: { !(0..<Self.axonTypeCount).contains($0) }) {
            throw fail("axonTypes", "\(bad)", "a type 0...3")
        }
        guard strengths.count == 4 * neuronCount else {
            throw fail("strengths", "\(strengths.count) entries", "4 per neuron = \(4 * neuronCount)")
        }
        if let bad = strengths.first(where: { !Self.strengthRange.contains($0) }) {
            throw fail("strengths", "\(bad)", "a 9-bit signed integer -256...255")
        }
        guard thresholds.count == neuronCount else { throw fail("thresholds", "\(thresholds.count) entries", "\(neuronCount)") }
        if let bad = thresholds.first(where: { !Self.thresholdRange.contains($0) }) {
            throw fail("thresholds", "\(bad)", "an integer 1...\(Self.thresholdRange.upperBound)")
        }
        let leaks = leaks ?? [Int](repeating: 0, count: neuronCount)
        guard leaks.count == neuronCount else { throw fail("leaks", "\(leaks.count) entries", "\(neuronCount)") }
        if let bad = leaks.first(where: { !Self.strengthRange.contains($0) }) {
            throw fail("leaks", "\(bad)", "a 9-bit signed integer -256...255")
        }
        let resets = resetPotentials ?? [Int](repeating: 0, count: neuronCount)
        guard resets.count == neuronCount else { throw fail("resetPotentials", "\(resets.count) entries", "\(neuronCount)") }
        self.axonCount = axonCount
        self.neuronCount = neuronCount
        self.connectivity = connectivity
        self.axonTypes = axonTypes
        self.strengths = strengths
        self.thresholds = thresholds
        self.leaks = leaks
        self.resetPotentials = resets
    }

    /// The effective integer weight W[a, r] = C[a, r] · S_r(g_a).
    public func weight(axon a: Int, neuron r: Int) -> Int {
        connectivity[a * neuronCount + r] ? strengths[r * 4 + axonTypes[a]] : 0
    }

    /// Σ_a s_a W[a, r] for every neuron: the synaptic input of one tick.
    public func synapticInput(_ spikes: [Bool]) -> [Int] {
        precondition(spikes.count == axonCount, "TrueNorthCore: \(spikes.count) input spikes for \(axonCount) axons")
        var sums = [Int](repeating: 0, count: neuronCount)
        sums.withUnsafeMutableBufferPointer { out in
            connectivity.withUnsafeBufferPointer { c in
                strengths.withUnsafeBufferPointer { s in
                    for a in 0..<axonCount where spikes[a] {
                        let type = axonTypes[a], row = a * neuronCount
                        for r in 0..<neuronCount where c[row + r] { out[r] += s[r * 4 + type] }
                    }
                }
            }
        }
        return sums
    }

    /// One tick, a pure step function: integrates the input spikes into `potentials`,
    /// adds the leak, fires where V ≥ α and resets the neurons that fired.
    public func tick(_ potentials: inout [Int], input spikes: [Bool]) -> [Bool] {
        precondition(potentials.count == neuronCount, "TrueNorthCore.tick: \(potentials.count) potentials for \(neuronCount) neurons")
        let input = synapticInput(spikes)
        var fired = [Bool](repeating: false, count: neuronCount)
        for r in 0..<neuronCount {
            potentials[r] += input[r] + leaks[r]
            if potentials[r] >= thresholds[r] {
                fired[r] = true
                potentials[r] = resetPotentials[r]
            }
        }
        return fired
    }

    /// The neuron configuration (α, λ) that fires on the first tick from V = 0 exactly when
    /// the synaptic input Σ ≥ θ, for any integer θ: α = max(θ, 1), λ = α − θ. A θ at or
    /// below `minimumInput` (the most negative reachable Σ) behaves like `minimumInput`.
    ///
    /// - Throws: `LearningRuleParameterError` when λ would leave the 9-bit range.
    public static func thresholdAndLeak(firingAt theta: Int, minimumInput: Int) throws -> (threshold: Int, leak: Int) {
        let effective = Swift.max(theta, minimumInput)
        let threshold = Swift.min(Swift.max(effective, 1), thresholdRange.upperBound)
        let leak = threshold - effective
        guard strengthRange.contains(leak) else {
            throw LearningRuleParameterError(type: "TrueNorthCore", field: "leaks", value: "\(leak) (threshold θ = \(theta))",
                                             expected: "a 9-bit signed integer -256...255")
        }
        return (threshold, leak)
    }
}
