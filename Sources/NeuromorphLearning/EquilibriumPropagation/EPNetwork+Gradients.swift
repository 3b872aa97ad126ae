/// How an EP gradient is estimated from the phases (learning-rules §1.1 "Estimators"; EP digest §1.3, §1.5).
public enum EPEstimator: String, Codable, Sendable, CaseIterable {
    /// `∇EP(β) = [∂Φ/∂θ(s^β) − ∂Φ/∂θ(s_*)]/β` (Eq. 4): free phase, one nudged phase at +β.
    case oneSided = "one-sided"
    /// The one-sided estimate with the sign of β drawn per batch (P = ½), so E[β] = 0.
    case randomSign = "random-sign"
    /// `∇EP_sym(β) = [∂Φ/∂θ(s^β) − ∂Φ/∂θ(s^{−β})]/(2β)` (Eq. 12): phases at +β and −β from s_*.
    case symmetric
    /// `∇VF_sym` [EXT]: receiving layer from the nudged states, sending layer from s_*, for
    /// separate forward and backward weights (no alignment: Table 2's 75 % error row).
    case vf
    /// KP-VF (Eq. 20–21): forward and backward weights both get `½(∇̄VF_f + ∇̄VF_b)` plus the
    /// leak λθ (the optimizer's weight decay [EXT]).
    case kpvf = "kp-vf"

    /// Whether the estimator needs separate backward weights (an `unidirectional` architecture).
    public var needsBackwardWeights: Bool { self == .vf || self == .kpvf }
    /// Whether it runs the −β phase.
    public var isThreePhase: Bool { self == .symmetric || self == .vf || self == .kpvf }
}

/// An EP gradient estimate for one batch: the *loss* gradient (descend with `θ −= η·g`), the
/// free-phase state and its loss.
public struct EPEstimate<S: EPScalar>: Sendable {
    public var gradient: EPParameters<S>
    public var free: EPState<S>
    public var freeLoss: S
}

extension EPNetwork {
    // MARK: - ∂Φ/∂θ

    /// `∂Φ/∂θ` at state `s`, batch mean: `P⁻¹(s^n) ⋆ s^{n-1}` correlations for conv layers (the
    /// unpool at the argmax of `w_n ⋆ s^{n-1}` at this state), `s^n s^{n-1ᵀ}` for dense layers,
    /// `Σ s^n` for biases [I]. The readout is left at zero (``readoutLossGradient``). With
    /// `backward`, the backward weights get their `∇̄VF_b` term (each with the argmax of its own
    /// pre-pool tensor [EXT]); otherwise they are zero.
    func phiGradient(_ s: EPState<S>, _ ctx: EPContext<S>, backward: Bool = false) -> EPParameters<S> {
        var grad = EPParameters.zeros(like: parameters)
        let b = ctx.batch
        let inv = 1 / S(b)
        for i in layers.indices {
            switch layers[i].kind {
            case .convolution(let g):
                let cols = columns(of: i, s, ctx, geometry: g)
                let argmax = i == 0 ? ctx.driveArgmax
                    : EPKernels.maxPool(EPKernels.convolve(parameters.tensors[weightIndex(i)], cols: cols, g, batch: b),
                                        planes: g.outputChannels * b, height: g.preHeight, width: g.preWidth).argmax
                let z = EPKernels.unpool(s.layers[i], argmax: argmax, count: g.outputChannels * b * g.prePixels)
                EPKernels.weightAdjointAdd(z, cols: cols, g, batch: b, alpha: inv, into: &grad.tensors[weightIndex(i)])
                grad.tensors[biasIndex(i)] = channelSums(s.layers[i], channels: g.outputChannels, batch: b, scale: inv)
                if backward, let f = feedbackIndex(i) {
                    let own = EPKernels.maxPool(EPKernels.convolve(parameters.tensors[f], cols: cols, g, batch: b),
                                                planes: g.outputChannels * b, height: g.preHeight, width: g.preWidth).argmax
                    let zb = EPKernels.unpool(s.layers[i], argmax: own, count: g.outputChannels * b * g.prePixels)
                    EPKernels.weightAdjointAdd(zb, cols: cols, g, batch: b, alpha: inv, into: &grad.tensors[f])
                }
            case .dense(let inputs):
                let x = flatInput(of: i, s, ctx)
                let units = layers[i].units
                epGemm(s.layers[i], transposeA: true, x, m: units, n: inputs, k: b, alpha: inv, into: &grad.tensors[weightIndex(i)])
                grad.tensors[biasIndex(i)] = columnSums(s.layers[i], rows: b, scale: inv)
                if backward, let f = feedbackIndex(i) { grad.tensors[f] = grad.tensors[weightIndex(i)] }
            }
        }
        return grad
    }

    /// `∂ℓ/∂w_out`, `∂ℓ/∂b_out` at state `s` (batch mean): `(ŷ − y) s^{Nᵀ}`, `ŷ − y`.
    func readoutLossGradient(_ s: EPState<S>, _ ctx: EPContext<S>) -> (weight: [S], bias: [S]) {
        let b = ctx.batch
        let last = layers.count - 1
        let c = architecture.classes
        let p = readoutProbabilities(s, batch: b)
        let r = p.indices.map { p[$0] - ctx.targets[$0] }
        let x = flat(s.layers[last], layer: last, batch: b)
        var w = [S](repeating: 0, count: c * layers[last].units)
        epGemm(r, transposeA: true, x, m: c, n: layers[last].units, k: b, alpha: 1 / S(b), into: &w)
        return (w, columnSums(r, rows: b, scale: 1 / S(b)))
    }

    func channelSums(_ x: [S], channels: Int, batch: Int, scale: S) -> [S] {
        let per = x.count / channels
        return (0..<channels).map { c in
            var sum: S = 0
            for j in 0..<per { sum += x[c * per + j] }
            return sum * scale
        }
    }

    func columnSums(_ x: [S], rows: Int, scale: S) -> [S] {
        let n = x.count / rows
        var out = [S](repeating: 0, count: n)
        for r in 0..<rows { for c in 0..<n { out[c] += x[r * n + c] } }
        return out.map { $0 * scale }
    }

    // MARK: - Estimates

    /// The loss-gradient estimate of `estimator` on `batch`: T free steps from 0 (or `free`, a
    /// state already relaxed on this batch), then K steps at `beta` (and at −β for the three-phase
    /// estimators) from s_*. For ``EPEstimator/randomSign`` pass the drawn sign in `beta`.
    ///
    /// Readout (cross-entropy) [EXT]: one-sided `∂ℓ/∂w_out(s^β)`; three-phase
    /// `½[∂ℓ/∂w_out(s^β) + ∂ℓ/∂w_out(s^{−β})]`.
    public func estimate(_ batch: EPBatch<S>, estimator: EPEstimator, beta: S, freeSteps: Int, nudgedSteps: Int,
                         free: EPState<S>? = nil, nudgeInside: Bool = true) throws -> EPEstimate<S> {
        guard beta != 0, beta.isFinite else {
            throw LearningRuleParameterError(type: "EPNetwork", field: "beta", value: "\(beta)", expected: "a finite non-zero nudging strength")
        }
        guard estimator.needsBackwardWeights == architecture.unidirectional else {
            throw LearningRuleParameterError(
                type: "EPNetwork", field: "estimator", value: estimator.rawValue,
                expected: architecture.unidirectional ? "vf or kp-vf for a network with backward weights"
                    : "one-sided, random-sign or symmetric for a network without backward weights (vf, kp-vf need unidirectional: true)")
        }
        let ctx = context(batch)
        let sStar = free ?? relax(zeroState(batch: ctx.batch), ctx, beta: 0, steps: freeSteps)
        let freeLoss = loss(sStar, ctx)
        var grad: EPParameters<S>
        let positive = relax(sStar, ctx, beta: beta, steps: nudgedSteps, nudgeInside: nudgeInside)
        var readout: (weight: [S], bias: [S])? = nil
        if !estimator.isThreePhase {
            // −[Φθ(s^β) − Φθ(s_*)]/β
            grad = phiGradient(positive, ctx)
            grad.add(phiGradient(sStar, ctx), scale: -1)
            grad = grad.scaled(-1 / beta)
            if architecture.cost == .crossEntropy { readout = readoutLossGradient(positive, ctx) }
        } else {
            let negative = relax(sStar, ctx, beta: -beta, steps: nudgedSteps, nudgeInside: nudgeInside)
            switch estimator {
            case .vf:
                grad = vfGradient(free: sStar, positive: positive, negative: negative, ctx).scaled(-1 / (2 * beta))
            case .kpvf:
                var g = phiGradient(positive, ctx, backward: true)
                g.add(phiGradient(negative, ctx, backward: true), scale: -1)
                for (f, bw) in forwardBackwardPairs {
                    let common = zip(g.tensors[f], g.tensors[bw]).map { ($0 + $1) / 2 }
                    g.tensors[f] = common
                    g.tensors[bw] = common
                }
                grad = g.scaled(-1 / (2 * beta))
            default:
                grad = phiGradient(positive, ctx)
                grad.add(phiGradient(negative, ctx), scale: -1)
                grad = grad.scaled(-1 / (2 * beta))
            }
            if architecture.cost == .crossEntropy {
                let rp = readoutLossGradient(positive, ctx), rn = readoutLossGradient(negative, ctx)
                readout = (zip(rp.weight, rn.weight).map { ($0 + $1) / 2 }, zip(rp.bias, rn.bias).map { ($0 + $1) / 2 })
            }
        }
        if let readout, let wi = readoutWeightIndex, let bi = readoutBiasIndex {
            grad.tensors[wi] = readout.weight
            grad.tensors[bi] = readout.bias
        }
        return EPEstimate(gradient: grad, free: sStar, freeLoss: freeLoss)
    }

    /// `∂F/∂θ(s_*)ᵀ (s^β − s^{−β})` (before the 1/2β): forward weights take the receiving layer's
    /// difference and the sending layer at s_*; backward weights the receiving (lower) layer's
    /// difference and the sending (upper) layer at s_*, each unpooled at its s_* argmax [EXT].
    func vfGradient(free sStar: EPState<S>, positive: EPState<S>, negative: EPState<S>, _ ctx: EPContext<S>) -> EPParameters<S> {
        var grad = EPParameters.zeros(like: parameters)
        let b = ctx.batch
        let inv = 1 / S(b)
        let cache = preActivations(sStar, ctx, beta: 0).cache
        let delta = EPState(layers: positive.layers.indices.map { l in
            zip(positive.layers[l], negative.layers[l]).map { $0 - $1 }
        })
        for i in layers.indices {
            switch layers[i].kind {
            case .convolution(let g):
                let count = g.outputChannels * b * g.prePixels
                let z = EPKernels.unpool(delta.layers[i], argmax: cache.forwardArgmax[i], count: count)
                EPKernels.weightAdjointAdd(z, cols: cache.columns[i], g, batch: b, alpha: inv, into: &grad.tensors[weightIndex(i)])
                grad.tensors[biasIndex(i)] = channelSums(delta.layers[i], channels: g.outputChannels, batch: b, scale: inv)
                if let f = feedbackIndex(i) {
                    let zb = EPKernels.unpool(sStar.layers[i], argmax: cache.feedbackArgmax[i], count: count)
                    let colsDelta = EPKernels.im2col(delta.layers[i - 1], g, batch: b)
                    EPKernels.weightAdjointAdd(zb, cols: colsDelta, g, batch: b, alpha: inv, into: &grad.tensors[f])
                }
            case .dense(let inputs):
                let units = layers[i].units
                let x = flatInput(of: i, sStar, ctx)
                epGemm(delta.layers[i], transposeA: true, x, m: units, n: inputs, k: b, alpha: inv, into: &grad.tensors[weightIndex(i)])
                grad.tensors[biasIndex(i)] = columnSums(delta.layers[i], rows: b, scale: inv)
                if let f = feedbackIndex(i) {
                    let dx = flat(delta.layers[i - 1], layer: i - 1, batch: b)
                    epGemm(sStar.layers[i], transposeA: true, dx, m: units, n: inputs, k: b, alpha: inv, into: &grad.tensors[f])
                }
            }
        }
        return grad
    }
}
