import NeuromorphCore

/// An energy-based convergent network trained by Equilibrium Propagation (Laborieux et al.
/// 2021, "Scaling Equilibrium Propagation to Deep ConvNets"; learning-rules §1.1, EP digest §1.2).
///
/// The primitive function (Eq. 7, biases added [I]) is
/// ```
/// Φ(x, s) = Σ_conv s^n • (P(w_n ⋆ s^{n-1}) + b_n) + Σ_fc s^{nᵀ}(w_n s^{n-1} + b_n)  [− β ℓ(s, y)]
/// ```
/// and every state layer is updated synchronously by `s_{t+1} = σ(∂Φ/∂s (s_t))` (Eq. 8), with
/// the max-pool argmax recomputed at every step and the unpool `P⁻¹` placing values at it.
/// States start at 0 for every batch; layer 1's drive `P(w_1 ⋆ x) + b_1` is computed once per
/// batch (x is static). The network is a value: ``parameters`` is all it learns.
public struct EPNetwork<S: EPScalar>: Sendable {
    public let architecture: EPArchitecture
    public var parameters: EPParameters<S>
    let layers: [EPLayer]

    /// Number of state layers N.
    public var stateLayerCount: Int { layers.count }

    /// A network with PyTorch's default initialization, `w, b ~ U(±1/√fan_in)` [EXT], drawn
    /// from the stream `ep/weights/layer.n` (`ep/feedback/layer.n` for backward weights,
    /// `ep/readout` for the readout) of `seed`.
    public init(architecture: EPArchitecture, seed: UInt64) throws {
        try architecture.validate()
        self.architecture = architecture
        self.layers = architecture.layers
        var tensors: [[S]] = []
        func uniform(_ count: Int, bound: Double, key: StreamKey) -> [S] {
            var g = SeededGenerator(seed: seed, key: key)
            return (0..<count).map { _ in S((2 * g.nextUniformDouble() - 1) * bound) }
        }
        for (n, layer) in layers.enumerated() {
            let bound = 1 / Double(layer.fanIn).squareRoot()
            tensors.append(uniform(layer.weightCount, bound: bound, key: StreamKey("ep", "weights").child("layer", n + 1)))
            tensors.append(uniform(layer.channels, bound: bound, key: StreamKey("ep", "biases").child("layer", n + 1)))
        }
        if architecture.cost == .crossEntropy {
            let d = layers[layers.count - 1].units
            let bound = 1 / Double(d).squareRoot()
            tensors.append(uniform(architecture.classes * d, bound: bound, key: StreamKey("ep", "readout", "weight")))
            tensors.append(uniform(architecture.classes, bound: bound, key: StreamKey("ep", "readout", "bias")))
        }
        if architecture.unidirectional {
            for n in 1..<layers.count {
                let bound = 1 / Double(layers[n].fanIn).squareRoot()
                tensors.append(uniform(layers[n].weightCount, bound: bound, key: StreamKey("ep", "feedback").child("layer", n + 1)))
            }
        }
        self.parameters = EPParameters(tensors: tensors)
    }

    // MARK: - Parameter indices (0-based layer index i = n − 1)

    /// Index of `w_{i+1}` in ``parameters``.
    public func weightIndex(_ i: Int) -> Int { 2 * i }
    /// Index of `b_{i+1}`.
    public func biasIndex(_ i: Int) -> Int { 2 * i + 1 }
    /// Index of `w_out` (cross-entropy only).
    public var readoutWeightIndex: Int? { architecture.cost == .crossEntropy ? 2 * layers.count : nil }
    /// Index of `b_out` (cross-entropy only).
    public var readoutBiasIndex: Int? { architecture.cost == .crossEntropy ? 2 * layers.count + 1 : nil }
    /// Index of the backward weights carrying s^{i+1} back to s^i (unidirectional, i ≥ 1).
    public func feedbackIndex(_ i: Int) -> Int? {
        guard architecture.unidirectional, i >= 1 else { return nil }
        return 2 * layers.count + (architecture.cost == .crossEntropy ? 2 : 0) + (i - 1)
    }
    /// The weights that carry layer i's state back to layer i − 1 (w_i itself when bidirectional).
    func feedbackTensorIndex(_ i: Int) -> Int { feedbackIndex(i) ?? weightIndex(i) }

    /// The learning-rate group of every tensor: the state layer it belongs to (0-based), the
    /// readout being group N; backward weights use their forward layer's group (learning-rules §1.1).
    public var learningRateGroups: [Int] {
        var groups: [Int] = []
        for i in layers.indices { groups += [i, i] }
        if architecture.cost == .crossEntropy { groups += [layers.count, layers.count] }
        if architecture.unidirectional { for i in 1..<layers.count { groups.append(i) } }
        return groups
    }

    /// How many learning rates a network of this shape takes (N, plus one for the readout).
    public var learningRateGroupCount: Int { layers.count + (architecture.cost == .crossEntropy ? 1 : 0) }

    /// The tensor indices that have a backward twin, as (forward, backward) pairs.
    public var forwardBackwardPairs: [(forward: Int, backward: Int)] {
        (1..<Swift.max(1, layers.count)).compactMap { i in feedbackIndex(i).map { (weightIndex(i), $0) } }
    }
}

/// One minibatch: inputs in the per-example layout (`[B, C, H, W]` or `[B, features]`, row-major)
/// and integer labels.
public struct EPBatch<S: EPScalar>: Sendable {
    public var inputs: [S]
    public var labels: [Int]
    public var size: Int { labels.count }
    public init(inputs: [S], labels: [Int]) {
        self.inputs = inputs
        self.labels = labels
    }
}

/// The state of every layer of a batch: conv layers `[C, B, H, W]`, dense layers `[B, units]`.
public struct EPState<S: EPScalar>: Sendable, Equatable {
    public var layers: [[S]]
    public init(layers: [[S]]) { self.layers = layers }

    /// `max |a − b|` over all layers (the residual of a relaxation step).
    public func maxDifference(_ other: EPState) -> S {
        var m: S = 0
        for l in layers.indices { for i in layers[l].indices { m = Swift.max(m, abs(layers[l][i] - other.layers[l][i])) } }
        return m
    }
}

/// What a batch needs for every phase, computed once per batch (learning-rules §1.1): the
/// input in layer-0 layout, the one-hot targets, and layer 1's constant drive.
struct EPContext<S: EPScalar> {
    var batch: Int
    /// `x` in CBHW (conv first layer) or `[B, features]`.
    var input: [S]
    /// `[B, classes]` one-hot.
    var targets: [S]
    /// `P(w_1 ⋆ x) + b_1` (or `w_1 x + b_1`), layer 1's layout.
    var drive: [S]
    /// The argmax of `w_1 ⋆ x` (conv first layer).
    var driveArgmax: [Int32]
    /// `im2col(x)` (conv first layer).
    var inputColumns: [S]
}

/// What a relaxation step computed that its adjoint and the Φ-gradients reuse.
struct EPStepCache<S: EPScalar> {
    /// Per layer: the argmax of the forward pre-pool tensor `w_n ⋆ s^{n-1}` (conv) or empty.
    var forwardArgmax: [[Int32]]
    /// Per layer: `im2col(s^{n-1})` (conv) or empty.
    var columns: [[S]]
    /// Per layer: the argmax used by the feedback into layer n − 1 (its own for backward weights).
    var feedbackArgmax: [[Int32]]
}

extension EPNetwork {
    // MARK: - Batch preparation

    func context(_ batch: EPBatch<S>) -> EPContext<S> {
        let b = batch.size
        let first = layers[0]
        let inputCount = architecture.inputShape.reduce(1, *)
        precondition(batch.inputs.count == b * inputCount,
                     "EPNetwork: batch has \(batch.inputs.count) inputs, expected \(b)×\(inputCount)")
        var targets = [S](repeating: 0, count: b * architecture.classes)
        for (k, label) in batch.labels.enumerated() {
            precondition(label >= 0 && label < architecture.classes, "EPNetwork: label \(label) out of range")
            targets[k * architecture.classes + label] = 1
        }
        switch first.kind {
        case .convolution(let g):
            // NCHW → CBHW.
            let input = EPKernels.flatToChannelMajor(batch.inputs, channels: g.inputChannels, batch: b,
                                                     pixels: g.height * g.width)
            let cols = EPKernels.im2col(input, g, batch: b)
            let pre = EPKernels.convolve(parameters.tensors[weightIndex(0)], cols: cols, g, batch: b)
            var (drive, argmax) = EPKernels.maxPool(pre, planes: g.outputChannels * b, height: g.preHeight, width: g.preWidth)
            addChannelBias(&drive, parameters.tensors[biasIndex(0)], batch: b, pixels: g.pooledPixels)
            return EPContext(batch: b, input: input, targets: targets, drive: drive, driveArgmax: argmax, inputColumns: cols)
        case .dense(let inputs):
            var drive = [S](repeating: 0, count: b * first.units)
            epGemm(batch.inputs, parameters.tensors[weightIndex(0)], transposeB: true, m: b, n: first.units, k: inputs, into: &drive)
            addRowBias(&drive, parameters.tensors[biasIndex(0)], rows: b)
            return EPContext(batch: b, input: batch.inputs, targets: targets, drive: drive, driveArgmax: [], inputColumns: [])
        }
    }

    /// The zero state of a batch.
    func zeroState(batch: Int) -> EPState<S> {
        EPState(layers: layers.map { [S](repeating: 0, count: batch * $0.units) })
    }

    // MARK: - Layout helpers

    func addChannelBias(_ x: inout [S], _ bias: [S], batch: Int, pixels: Int) {
        x.withUnsafeMutableBufferPointer { v in
            for c in bias.indices {
                let base = c * batch * pixels
                for j in 0..<(batch * pixels) { v[base + j] += bias[c] }
            }
        }
    }

    func addRowBias(_ x: inout [S], _ bias: [S], rows: Int) {
        let n = bias.count
        x.withUnsafeMutableBufferPointer { v in
            for r in 0..<rows { for c in 0..<n { v[r * n + c] += bias[c] } }
        }
    }

    /// Layer i's state as `[B, units]` (conv layers are reordered from CBHW).
    func flat(_ values: [S], layer i: Int, batch: Int) -> [S] {
        let l = layers[i]
        return l.isConvolution ? EPKernels.channelMajorToFlat(values, channels: l.channels, batch: batch, pixels: l.pixels) : values
    }

    /// Adds a `[B, units]` tensor into layer i's layout.
    func addFlat(_ values: [S], layer i: Int, batch: Int, into target: inout [S]) {
        let l = layers[i]
        if l.isConvolution {
            EPKernels.flatToChannelMajorAdd(values, channels: l.channels, batch: batch, pixels: l.pixels, into: &target)
        } else {
            target.withUnsafeMutableBufferPointer { t in
                values.withUnsafeBufferPointer { v in for k in v.indices { t[k] += v[k] } }
            }
        }
    }

    /// The input of layer i (`s^{i}` in 1-based terms: x for i = 0) as `[B, features]`.
    func flatInput(of i: Int, _ s: EPState<S>, _ ctx: EPContext<S>) -> [S] {
        i == 0 ? flatInputX(ctx) : flat(s.layers[i - 1], layer: i - 1, batch: ctx.batch)
    }

    private func flatInputX(_ ctx: EPContext<S>) -> [S] {
        // Dense first layer: x is stored as [B, features]. (A conv first layer never asks.)
        ctx.input
    }

    /// `w ⋆ s^{i-1}`'s columns for conv layer i.
    func columns(of i: Int, _ s: EPState<S>, _ ctx: EPContext<S>, geometry g: EPConvGeometry) -> [S] {
        i == 0 ? ctx.inputColumns : EPKernels.im2col(s.layers[i - 1], g, batch: ctx.batch)
    }

    // MARK: - Readout and loss

    /// The softmax readout probabilities `[B, classes]` at state `s` (cross-entropy).
    func readoutProbabilities(_ s: EPState<S>, batch: Int) -> [S] {
        let last = layers.count - 1
        let classes = architecture.classes
        let x = flat(s.layers[last], layer: last, batch: batch)
        var logits = [S](repeating: 0, count: batch * classes)
        epGemm(x, parameters.tensors[readoutWeightIndex!], transposeB: true, m: batch, n: classes,
               k: layers[last].units, into: &logits)
        addRowBias(&logits, parameters.tensors[readoutBiasIndex!], rows: batch)
        for r in 0..<batch {
            var m = logits[r * classes]
            for c in 1..<classes { m = Swift.max(m, logits[r * classes + c]) }
            var z: S = 0
            for c in 0..<classes { logits[r * classes + c] = S.exponential(logits[r * classes + c] - m); z += logits[r * classes + c] }
            for c in 0..<classes { logits[r * classes + c] /= z }
        }
        return logits
    }

    /// The network's output `[B, classes]` at state `s`: s^N (squared error) or the softmax readout.
    public func output(_ s: EPState<S>, batch: Int) -> [S] {
        architecture.cost == .squaredError ? s.layers[layers.count - 1] : readoutProbabilities(s, batch: batch)
    }

    /// The batch-mean loss `ℓ(s, y)` (½‖s^N − y‖² or −Σ y log ŷ).
    func loss(_ s: EPState<S>, _ ctx: EPContext<S>) -> S {
        let out = output(s, batch: ctx.batch)
        var total: S = 0
        switch architecture.cost {
        case .squaredError:
            for k in out.indices { total += (out[k] - ctx.targets[k]) * (out[k] - ctx.targets[k]) / 2 }
        case .crossEntropy:
            for k in out.indices where ctx.targets[k] > 0 { total -= ctx.targets[k] * S.logarithm(Swift.max(out[k], S.leastNormalMagnitude)) }
        }
        return total / S(ctx.batch)
    }

    /// `−∂ℓ/∂s^N` for the whole batch, in layer N's layout (not divided by B): `y − s^N` or
    /// `w_outᵀ(y − ŷ)` (Eq. 16, 19).
    func negativeLossGradient(_ s: EPState<S>, _ ctx: EPContext<S>) -> [S] {
        let last = layers.count - 1
        switch architecture.cost {
        case .squaredError:
            let out = s.layers[last]
            return out.indices.map { ctx.targets[$0] - out[$0] }
        case .crossEntropy:
            let p = readoutProbabilities(s, batch: ctx.batch)
            let r = p.indices.map { ctx.targets[$0] - p[$0] }
            var t = [S](repeating: 0, count: ctx.batch * layers[last].units)
            epGemm(r, parameters.tensors[readoutWeightIndex!], m: ctx.batch, n: layers[last].units,
                   k: architecture.classes, into: &t)
            if !layers[last].isConvolution { return t }
            var out = [S](repeating: 0, count: t.count)
            addFlat(t, layer: last, batch: ctx.batch, into: &out)
            return out
        }
    }

    // MARK: - Dynamics (Eq. 8)

    /// `∂Φ/∂s` at `s` (every layer's pre-activation), with the nudge `β·(−∂ℓ/∂s^N)` added to the
    /// last layer when `beta ≠ 0` and `nudgeInside`.
    func preActivations(_ s: EPState<S>, _ ctx: EPContext<S>, beta: S, nudgeInside: Bool = true)
        -> (u: [[S]], cache: EPStepCache<S>) {
        let b = ctx.batch
        let n = layers.count
        var u = [[S]](repeating: [], count: n)
        var cache = EPStepCache<S>(forwardArgmax: Array(repeating: [], count: n),
                                   columns: Array(repeating: [], count: n),
                                   feedbackArgmax: Array(repeating: [], count: n))
        let w = parameters.tensors
        // Forward terms P(w_n ⋆ s^{n-1}) + b_n, or w_n s^{n-1} + b_n.
        for i in 0..<n {
            if i == 0 {
                u[0] = ctx.drive
                cache.forwardArgmax[0] = ctx.driveArgmax
                cache.columns[0] = ctx.inputColumns
                continue
            }
            switch layers[i].kind {
            case .convolution(let g):
                let cols = EPKernels.im2col(s.layers[i - 1], g, batch: b)
                let pre = EPKernels.convolve(w[weightIndex(i)], cols: cols, g, batch: b)
                var (pooled, argmax) = EPKernels.maxPool(pre, planes: g.outputChannels * b, height: g.preHeight, width: g.preWidth)
                addChannelBias(&pooled, w[biasIndex(i)], batch: b, pixels: g.pooledPixels)
                u[i] = pooled
                cache.forwardArgmax[i] = argmax
                cache.columns[i] = cols
            case .dense(let inputs):
                let x = flat(s.layers[i - 1], layer: i - 1, batch: b)
                var out = [S](repeating: 0, count: b * layers[i].units)
                epGemm(x, w[weightIndex(i)], transposeB: true, m: b, n: layers[i].units, k: inputs, into: &out)
                addRowBias(&out, w[biasIndex(i)], rows: b)
                u[i] = out
            }
        }
        // Feedback terms w̃_{n+1} ⋆ P⁻¹(s^{n+1}), or w_{n+1}ᵀ s^{n+1}.
        for i in 1..<Swift.max(1, n) {
            let f = w[feedbackTensorIndex(i)]
            switch layers[i].kind {
            case .convolution(let g):
                var argmax = cache.forwardArgmax[i]
                if architecture.unidirectional {
                    let pre = EPKernels.convolve(f, cols: cache.columns[i], g, batch: b)
                    argmax = EPKernels.maxPool(pre, planes: g.outputChannels * b, height: g.preHeight, width: g.preWidth).argmax
                }
                cache.feedbackArgmax[i] = argmax
                let z = EPKernels.unpool(s.layers[i], argmax: argmax, count: g.outputChannels * b * g.prePixels)
                EPKernels.convolveTransposedAdd(f, z, g, batch: b, into: &u[i - 1])
            case .dense(let inputs):
                var t = [S](repeating: 0, count: b * inputs)
                epGemm(s.layers[i], f, m: b, n: inputs, k: layers[i].units, into: &t)
                addFlat(t, layer: i - 1, batch: b, into: &u[i - 1])
            }
        }
        if beta != 0 && nudgeInside {
            let g = negativeLossGradient(s, ctx)
            u[n - 1].withUnsafeMutableBufferPointer { v in for k in v.indices { v[k] += beta * g[k] } }
        }
        return (u, cache)
    }

    /// One synchronous step `s ← σ(∂Φ/∂s − β ∂ℓ/∂s)` (nudge inside σ, the reference code's
    /// placement [EXT]) or `s ← σ(∂Φ/∂s) − β ∂ℓ/∂s` (outside, the paper's Eq. 3).
    func step(_ s: EPState<S>, _ ctx: EPContext<S>, beta: S, nudgeInside: Bool = true) -> EPState<S> {
        var (u, _) = preActivations(s, ctx, beta: beta, nudgeInside: nudgeInside)
        for i in u.indices { architecture.activation.apply(&u[i]) }
        if beta != 0 && !nudgeInside {
            let g = negativeLossGradient(s, ctx)
            let last = u.count - 1
            for k in u[last].indices { u[last][k] += beta * g[k] }
        }
        return EPState(layers: u)
    }

    /// `steps` steps at nudging strength `beta` from `s`.
    func relax(_ s: EPState<S>, _ ctx: EPContext<S>, beta: S, steps: Int, nudgeInside: Bool = true) -> EPState<S> {
        var state = s
        for _ in 0..<steps { state = step(state, ctx, beta: beta, nudgeInside: nudgeInside) }
        return state
    }

    /// The free phase: T steps at β = 0 from the zero state, giving `s_*`.
    public func freePhase(_ batch: EPBatch<S>, steps: Int) -> EPState<S> {
        let ctx = context(batch)
        return relax(zeroState(batch: ctx.batch), ctx, beta: 0, steps: steps)
    }

    /// Predicted classes after a free phase of `steps` steps (argmax of the output).
    public func predict(_ batch: EPBatch<S>, steps: Int) -> [Int] {
        let ctx = context(batch)
        let s = relax(zeroState(batch: ctx.batch), ctx, beta: 0, steps: steps)
        let out = output(s, batch: ctx.batch)
        let c = architecture.classes
        return (0..<ctx.batch).map { r in
            var best = 0
            for k in 1..<c where out[r * c + k] > out[r * c + best] { best = k }
            return best
        }
    }

    /// The batch-mean loss after a free phase of `steps` steps: `L* = ℓ(s_*, y)`.
    public func freePhaseLoss(_ batch: EPBatch<S>, steps: Int) -> S {
        let ctx = context(batch)
        return loss(relax(zeroState(batch: ctx.batch), ctx, beta: 0, steps: steps), ctx)
    }
}
