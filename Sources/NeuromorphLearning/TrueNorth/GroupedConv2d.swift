import NeuromorphCore
import NeuromorphNN

/// A grouped, strided, unpadded 2-D convolution with a per-feature scale (PyTorch's
/// `nn.Conv2d(groups:)` semantics; Appuswamy et al. 2016 §3: "features of each layer are
/// split into equal groups; neurons of a group connect only to the input features of that
/// group", fan-in ≤ 256 per neuron so that one TrueNorth core holds it):
/// ```
/// v[n][o] = Σ_{c ∈ group(o)} K[o][c] ⋆ x[n][c]        (one NeuromorphNN Conv2d per group)
/// y[n][o] = α_o · v[n][o] + β_o
/// ```
/// α_o is fixed at 1 while the kernels are real. ``freezeSymmetric(_:scales:)`` replaces a
/// feature's kernel by a trinary symmetric K_o and sets α_o to its least-squares scale; from
/// then on the kernel is frozen and the optimizer trains α and β (the per-feature gain and
/// shift that batch normalization gives the paper's networks). The sums v are then exact
/// integers for binary inputs, which is what makes the core conversion exact.
public struct GroupedConv2d: Layer {
    /// One bias-free convolution per group, `inChannels/groups → outChannels/groups`.
    public var groups: [Conv2d]
    /// β, one per output feature.
    public var bias: Parameter
    /// α, one per output feature (fixed at 1 for real kernels, trained once frozen).
    public var scale: Parameter
    /// α as an array.
    public var scales: [Float] { scale.value.scalars }
    /// The symmetric kernel of every feature once frozen.
    public private(set) var symmetricKernels: [SymmetricKernel]?
    public let inChannels: Int
    public let outChannels: Int
    public let groupCount: Int
    public let kernelSize: Int
    public let stride: Int
    private var cachedSums = Tensor.zeros([0])

    /// - Throws: `LearningRuleParameterError` unless both channel counts are positive
    ///   multiples of `groups`, the kernel size and stride are positive and the fan-in
    ///   `(inChannels/groups)·k²` is at most 256 (one core's axons).
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, groups: Int = 1,
                generator: inout SeededGenerator) throws {
        func fail(_ field: String, _ value: String, _ expected: String) -> LearningRuleParameterError {
            LearningRuleParameterError(type: "GroupedConv2d", field: field, value: value, expected: expected)
        }
        guard groups >= 1 else { throw fail("groups", "\(groups)", "1 or more") }
        guard inChannels >= 1, inChannels % groups == 0 else {
            throw fail("inChannels", "\(inChannels)", "a positive multiple of groups = \(groups)")
        }
        guard outChannels >= 1, outChannels % groups == 0 else {
            throw fail("outChannels", "\(outChannels)", "a positive multiple of groups = \(groups)")
        }
        guard kernelSize >= 1 else { throw fail("kernelSize", "\(kernelSize)", "1 or more") }
        guard stride >= 1 else { throw fail("stride", "\(stride)", "1 or more") }
        let fanIn = inChannels / groups * kernelSize * kernelSize
        guard fanIn <= TrueNorthCore.axonCapacity else {
            throw fail("groups", "\(groups) (fan-in \(fanIn))", "a fan-in (inChannels/groups)·k² of at most 256")
        }
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.groupCount = groups
        self.kernelSize = kernelSize
        self.stride = stride
        self.groups = (0..<groups).map { _ in
            Conv2d(inChannels / groups, outChannels / groups, kernelSize: kernelSize, stride: stride, bias: false,
                   generator: &generator)
        }
        let bound = 1 / Float(fanIn).squareRoot()
        bias = Parameter(name: "bias", value: .randomUniform([outChannels], lower: -bound, upper: bound, using: &generator),
                         decays: false)
        scale = Parameter(name: "scale", value: .ones([outChannels]), decays: false)
    }

    public var groupInChannels: Int { inChannels / groupCount }
    public var groupOutChannels: Int { outChannels / groupCount }
    /// Whether the kernels are frozen (symmetric, or plain trinary from ``projectToTrinary()``).
    public private(set) var isFrozen = false

    public var summary: String {
        "GroupedConv2d(\(inChannels) → \(outChannels), \(kernelSize)×\(kernelSize), stride \(stride), groups \(groupCount)"
            + (symmetricKernels != nil ? ", symmetric)" : isFrozen ? ", trinary)" : ")")
    }

    /// Feature o's kernel in (channel, row, column) order.
    public func kernel(_ o: Int) -> [Float] {
        let g = o / groupOutChannels, local = o % groupOutChannels
        let width = groupInChannels * kernelSize * kernelSize
        return Array(groups[g].weight.value.scalars[(local * width)..<((local + 1) * width)])
    }

    /// Projects every group's kernels onto the nearest symmetric trinary kernels (one (σ, ρ, b)
    /// per group, one (f, α) per feature; ``SymmetricProjection/nearestGroup(_:channels:size:exhaustiveBases:seed:)``),
    /// stores K as the weights and α as the scales, and freezes the kernels. Groups of up to 4
    /// input channels search every base vector; wider ones use the EM search with `restarts`.
    ///
    /// With `masked` every feature also gets its connectivity mask (``SymmetricKernel/mask``):
    /// still one axon type vector per group, so still one axon per input on a core.
    ///
    /// - Returns: the relative residual `Σ_o ‖W_o − α_o K_o‖² / Σ_o ‖W_o‖²` of the projection.
    ///
    /// With `refine` the layer keeps its real kernels as shadow weights and goes on training
    /// them straight through the projection (``SymmetricRefinement``): the group's (σ, ρ, b)
    /// stay fixed, each step re-derives f_o (and M_o) from the shadow weights.
    ///
    /// With `clusters` k > 1 every group's features split into k signature clusters, each
    /// with its own (σ, ρ, b) (``SymmetricProjection/nearestClusters(_:channels:size:clusters:exhaustiveBases:restarts:seed:masked:)``;
    /// on cores every cluster takes its own copy of the group's inputs).
    ///
    /// - Throws: `LearningRuleParameterError` when `clusters` does not divide the features of a
    ///   group, or with `refine` and `clusters` > 1 (the refinement keeps one type vector per group).
    @discardableResult
    public mutating func projectToSymmetric(seed: UInt64, restarts: Int = 2, masked: Bool = false,
                                            refine: Bool = false, clusters: Int = 1) throws -> Float {
        if refine && clusters != 1 {
            throw LearningRuleParameterError(type: "GroupedConv2d", field: "clusters", value: "\(clusters) with straight-through refinement",
                                             expected: "1 (the refinement keeps one (σ, ρ, b) per group)")
        }
        let real = groups.map(\.weight)
        var kernels: [SymmetricKernel] = []
        var newScales: [Float] = []
        var residual: Float = 0, norm: Float = 0
        for g in 0..<groupCount {
            let features = (0..<groupOutChannels).map { kernel(g * groupOutChannels + $0) }
            defer {
                for (o, w) in features.enumerated() {
                    let k = kernels[g * groupOutChannels + o].values, a = newScales[g * groupOutChannels + o]
                    for (x, y) in zip(w, k) { residual += (x - a * Float(y)) * (x - a * Float(y)); norm += x * x }
                }
            }
            // Up to 4 channels (256 base vectors) the bases are searched exhaustively.
            let projected = try SymmetricProjection.nearestClusters(features, channels: groupInChannels, size: kernelSize,
                                                                    clusters: clusters, exhaustiveBases: groupInChannels <= 4,
                                                                    restarts: restarts, seed: seed &+ UInt64(g),
                                                                    masked: masked).projected
            kernels += projected.map(\.kernel)
            newScales += projected.map(\.scale)
        }
        try freezeSymmetric(kernels, scales: newScales, clusters: clusters)
        if refine {
            refinement = SymmetricRefinement(shadow: real, kernels: kernels, projectionScales: newScales.map(Double.init),
                                             masked: masked)
        }
        return norm > 0 ? residual / norm : 0
    }

    /// The diagnostic without the shared type vector: every feature gets its own nearest
    /// symmetric trinary kernel (its own σ, ρ, b), so the features of a group could no longer
    /// share one core's axons; such layers are not compiled into cores here.
    ///
    /// - Returns: the relative residual as in ``projectToSymmetric(seed:restarts:)``.
    @discardableResult
    public mutating func projectToSymmetricPerFeature(seed: UInt64, restarts: Int = 2) throws -> Float {
        var residual: Float = 0, norm: Float = 0
        var newScales: [Float] = []
        for g in 0..<groupCount {
            var values: [Float] = []
            for local in 0..<groupOutChannels {
                let w = kernel(g * groupOutChannels + local)
                let p = try SymmetricProjection.nearestGroup([w], channels: groupInChannels, size: kernelSize,
                                                             exhaustiveBases: groupInChannels <= 4, restarts: restarts,
                                                             seed: seed &+ UInt64(g * groupOutChannels + local))[0]
                let k = p.kernel.values.map(Float.init)
                for (x, y) in zip(w, k) { residual += (x - p.scale * y) * (x - p.scale * y); norm += x * x }
                values += k
                newScales.append(p.scale)
            }
            groups[g].weight.value = Tensor(shape: groups[g].weight.value.shape, scalars: values)
        }
        scale.value = Tensor(newScales)
        isFrozen = true
        return norm > 0 ? residual / norm : 0
    }

    /// The diagnostic without the symmetry constraint: every kernel becomes its nearest trinary
    /// kernel `α·K`, K ∈ {−1, 0, 1} free (the least-squares optimum keeps the m largest |w| with
    /// their signs, m maximizing (Σ_top-m |w|)²/m, α = mean of those |w|), and is frozen. Such
    /// kernels need the two-axon unconstrained mapping; they are not compiled into cores here.
    ///
    /// - Returns: the relative residual as in ``projectToSymmetric(seed:restarts:)``.
    @discardableResult
    public mutating func projectToTrinary() -> Float {
        var residual: Float = 0, norm: Float = 0
        var newScales: [Float] = []
        for g in 0..<groupCount {
            var values: [Float] = []
            for local in 0..<groupOutChannels {
                let w = kernel(g * groupOutChannels + local)
                let order = w.indices.sorted { abs(w[$0]) > abs(w[$1]) }
                var best = 0, bestGain: Float = 0, sum: Float = 0
                for (m, i) in order.enumerated() {
                    sum += abs(w[i])
                    let gain = sum * sum / Float(m + 1)
                    if gain > bestGain { bestGain = gain; best = m + 1 }
                }
                let kept = Set(order.prefix(best))
                let alpha = best > 0 ? order.prefix(best).reduce(Float(0)) { $0 + abs(w[$1]) } / Float(best) : 0
                let k = w.indices.map { kept.contains($0) ? (w[$0] > 0 ? Float(1) : -1) : 0 }
                for (x, y) in zip(w, k) { residual += (x - alpha * y) * (x - alpha * y); norm += x * x }
                values += k
                newScales.append(alpha)
            }
            groups[g].weight.value = Tensor(shape: groups[g].weight.value.shape, scalars: values)
        }
        scale.value = Tensor(newScales)
        isFrozen = true
        return norm > 0 ? residual / norm : 0
    }

    /// Replaces the kernels by `kernels` (one per feature, `groupInChannels` bases each,
    /// features of a group sharing σ, ρ and the bases, or among at most `clusters` signatures)
    /// with scales α, and freezes them.
    public mutating func freezeSymmetric(_ kernels: [SymmetricKernel], scales newScales: [Float], clusters: Int = 1) throws {
        guard kernels.count == outChannels, newScales.count == outChannels,
              kernels.allSatisfy({ $0.size == kernelSize && $0.channels == groupInChannels && $0.isTrinary }) else {
            throw LearningRuleParameterError(type: "GroupedConv2d", field: "symmetricKernels", value: "\(kernels.count) kernels",
                                             expected: "\(outChannels) trinary \(kernelSize)×\(kernelSize) kernels of \(groupInChannels) channels")
        }
        for g in 0..<groupCount {
            var signatures: [SymmetricKernel] = []
            for k in kernels[(g * groupOutChannels)..<((g + 1) * groupOutChannels)] where !signatures.contains(where: { $0.sameSignature(as: k) }) {
                signatures.append(k)
            }
            if signatures.count > Swift.max(clusters, 1) {
                throw LearningRuleParameterError(type: "GroupedConv2d", field: "symmetricKernels", value: "group \(g): \(signatures.count) signatures",
                                                 expected: "at most \(Swift.max(clusters, 1)) (σ, ρ, bases) shared by the features of a group (one type vector per core)")
            }
            let values = kernels[(g * groupOutChannels)..<((g + 1) * groupOutChannels)].flatMap { $0.values.map(Float.init) }
            groups[g].weight.value = Tensor(shape: groups[g].weight.value.shape, scalars: values)
        }
        scale.value = Tensor(newScales)
        symmetricKernels = kernels
        isFrozen = true
        refinement = nil
    }

    /// The straight-through state of a refined symmetric layer (nil: the kernels stay as
    /// projected, the paper's schedule).
    public private(set) var refinement: SymmetricRefinement?

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        precondition(input.rank == 4 && input.shape[1] == inChannels, "GroupedConv2d: input must be [N, \(inChannels), H, W]")
        let batch = input.shape[0]
        let parts = (0..<groupCount).map { g in
            groups[g].forward(ChannelBlocks.slice(input, start: g * groupInChannels, count: groupInChannels), mode: mode)
        }
        var output = ChannelBlocks.concatenate(parts)
        if mode == .training { cachedSums = output }
        let pixels = output.shape[2] * output.shape[3]
        let channels = outChannels
        output.scalars.withUnsafeMutableBufferPointer { y in
            for n in 0..<batch { for o in 0..<channels {
                let base = (n * channels + o) * pixels, a = scale.value.scalars[o], b = bias.value.scalars[o]
                for p in 0..<pixels { y[base + p] = TrueNorthAffine.apply(y[base + p], scale: a, bias: b) }
            } }
        }
        return output
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        backward(outputGradient, needsInputGradient: true)
    }

    public mutating func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        let batch = outputGradient.shape[0], pixels = outputGradient.shape[2] * outputGradient.shape[3]
        precondition(cachedSums.count == outputGradient.count, "GroupedConv2d.backward: call forward(mode: .training) first")
        var biasGradient = [Float](repeating: 0, count: outChannels)
        var scaleGradient = [Float](repeating: 0, count: outChannels)
        var scaled = outputGradient
        let alphas = scale.value.scalars
        scaled.scalars.withUnsafeMutableBufferPointer { g in
            cachedSums.scalars.withUnsafeBufferPointer { v in
                for n in 0..<batch { for o in 0..<outChannels {
                    let base = (n * outChannels + o) * pixels
                    var sum: Float = 0, weighted: Float = 0
                    for p in 0..<pixels { sum += g[base + p]; weighted += g[base + p] * v[base + p]; g[base + p] *= alphas[o] }
                    biasGradient[o] += sum
                    scaleGradient[o] += weighted
                } }
            }
        }
        bias.gradient = Tensor(biasGradient)
        scale.gradient = Tensor(scaleGradient)
        let parts = (0..<groupCount).map { g in
            groups[g].backward(ChannelBlocks.slice(scaled, start: g * groupOutChannels, count: groupOutChannels),
                               needsInputGradient: needsInputGradient)
        }
        return needsInputGradient ? ChannelBlocks.concatenate(parts) : Tensor.zeros([0])
    }

    /// Updates the kernels while real, the scales once frozen, and the biases always. A
    /// refined symmetric layer updates its shadow weights with the kernel gradient ∂L/∂K
    /// (straight through the projection) and re-derives its kernels from them.
    public mutating func update<O: Optimizer>(with optimizer: inout O, slot: inout Int) {
        for g in groups.indices {
            if !isFrozen {
                optimizer.update(&groups[g].weight, slot: slot)
            } else if var state = refinement {
                refinement = nil   // keep the shadow buffers uniquely referenced while they change
                state.shadow[g].gradient = groups[g].weight.gradient
                optimizer.update(&state.shadow[g], slot: slot)
                refinement = state
                refitGroup(g)
            }
            slot += 1
        }
        if isFrozen { optimizer.update(&scale, slot: slot) }
        slot += 1
        optimizer.update(&bias, slot: slot)
        slot += 1
    }

    /// Re-derives group g's kernels from its shadow weights with the group's (σ, ρ, b) fixed:
    /// the nearest `f_o` (and mask `M_o`) given the axon types, as in the projection
    /// (``SymmetricProjection/bestMaskedStrengths(_:types:initialScale:)`` or
    /// ``SymmetricProjection/bestStrengths(sums:counts:)``).
    mutating func refitGroup(_ g: Int) {
        guard var state = refinement, var kernels = symmetricKernels else { return }
        let width = groupInChannels * kernelSize * kernelSize
        let shadow = state.shadow[g].value.scalars
        var values = [Float](repeating: 0, count: groupOutChannels * width)
        let first = kernels[g * groupOutChannels]
        let types = state.types[g]
        for local in 0..<groupOutChannels {
            let o = g * groupOutChannels + local
            let w = shadow[(local * width)..<((local + 1) * width)].map(Double.init)
            let strengths: [Int], mask: [Bool]?
            if state.masked {
                let r = SymmetricProjection.bestMaskedStrengths(w, types: types, initialScale: state.projectionScales[o])
                strengths = r.f
                mask = r.mask
                if r.scale > 0 { state.projectionScales[o] = r.scale }
            } else {
                var sums = [0.0, 0, 0, 0], counts = [0.0, 0, 0, 0]
                for (e, x) in w.enumerated() { sums[types[e]] += x; counts[types[e]] += 1 }
                strengths = SymmetricProjection.bestStrengths(sums: sums, counts: counts).f
                mask = nil
            }
            // σ, ρ, the bases and the size are those of a valid kernel; f is trinary and the mask
            // has one entry per kernel value, so the initializer cannot throw here.
            guard let kernel = try? SymmetricKernel(sigma: first.sigma, rho: first.rho, strengths: strengths,
                                                    bases: first.bases, size: kernelSize, mask: mask) else { continue }
            kernels[o] = kernel
            for (e, v) in kernel.values.enumerated() { values[local * width + e] = Float(v) }
        }
        groups[g].weight.value = Tensor(shape: groups[g].weight.value.shape, scalars: values)
        symmetricKernels = kernels
        refinement = state
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        for g in groups.indices { try body(&groups[g].weight) }
        try body(&scale)
        try body(&bias)
    }
}

/// Straight-through refinement of a layer's symmetric kernels ([I], a deviation from
/// Appuswamy et al. 2016 §4, which freeze a projected layer; measured in
/// docs/learning-rules-truenorth.md). The layer keeps its real kernels W as shadow weights.
/// The forward pass uses the symmetric kernel K(W) nearest to W with the group's σ, ρ and bases
/// fixed at the projection's (so one axon type vector per core, compiled as before); the
/// backward pass treats the projection as the identity (the straight-through estimator of
/// BinaryConnect / Esser et al. 2016):
/// ```
/// K_o = M_o ∘ f_o(types)   with (f_o, M_o) = argmin ‖W_o − α M∘f(types)‖²   (types fixed)
/// W ← W − η · ∂L/∂K        (Adam on W; ∂L/∂K from the integer-kernel convolution)
/// ```
public struct SymmetricRefinement: Sendable {
    /// The real shadow kernels, one parameter per group (the conv weights' shapes).
    public var shadow: [Parameter]
    /// The axon type of every kernel entry of a group, (channel, row, column) order.
    public let types: [[Int]]
    /// The least-squares scale of each feature's last fit (the masked fit's starting α).
    public var projectionScales: [Double]
    public let masked: Bool

    init(shadow: [Parameter], kernels: [SymmetricKernel], projectionScales: [Double], masked: Bool) {
        self.shadow = shadow.map { Parameter(name: "shadow-" + $0.name, value: $0.value, decays: $0.decays) }
        let perGroup = kernels.count / Swift.max(shadow.count, 1)
        self.types = (0..<shadow.count).map { g in
            let k = kernels[g * perGroup]
            var types: [Int] = []
            for c in 0..<k.channels { for i in 0..<k.size { for j in 0..<k.size {
                types.append(k.axonType(row: i, column: j, channel: c))
            } } }
            return types
        }
        self.projectionScales = projectionScales
        self.masked = masked
    }
}

/// The per-feature affine map of ``GroupedConv2d``, `α·v + β`, in one place so that the
/// float network and the core thresholds evaluate the identical Float expression.
public enum TrueNorthAffine {
    @inline(__always)
    public static func apply(_ v: Float, scale: Float, bias: Float) -> Float { scale * v + bias }
}
