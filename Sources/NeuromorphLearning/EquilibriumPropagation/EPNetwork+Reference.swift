/// Reference gradients for checking EP (learning-rules §1.1 "Gradient check"; EP digest §1.3 Eq. 6).
extension EPNetwork {
    /// The loss gradient by backpropagation through the last `truncation` (K) of `freeSteps` (T)
    /// free steps, as the reference code's BPTT baseline [EXT]: T − K steps without gradient,
    /// K differentiated steps, the loss at step T. The argmax of every max-pool is held at its
    /// forward value (max-pool is piecewise linear). Returns the gradient and the loss.
    ///
    /// Adjoint of one step, with `δ^n = λ^n ⊙ σ'(u^n)` and `A_n = P ∘ (w_n ⋆)` at the step's argmax:
    /// `λ^{n-1} += A_nᵀ δ^n`, `λ^{n+1} += A_{n+1} δ^n`, `∂w_n += P⁻¹(δ^n) ⋆ s^{n-1} + P⁻¹(s^n) ⋆ δ^{n-1}`.
    public func bpttGradient(_ batch: EPBatch<S>, freeSteps: Int, truncation: Int) -> (gradient: EPParameters<S>, loss: S) {
        precondition(truncation >= 1 && truncation <= freeSteps, "bpttGradient: need 1 ≤ K ≤ T, got K \(truncation), T \(freeSteps)")
        let ctx = context(batch)
        let b = ctx.batch
        var s = relax(zeroState(batch: b), ctx, beta: 0, steps: freeSteps - truncation)
        var states = [s]
        for _ in 0..<truncation {
            s = step(s, ctx, beta: 0)
            states.append(s)
        }
        let final = states[truncation]
        var grad = EPParameters.zeros(like: parameters)
        let n = layers.count
        // λ_T = ∂ℓ/∂s_T (batch mean).
        var lambda = EPState(layers: layers.map { [S](repeating: 0, count: b * $0.units) })
        let g = negativeLossGradient(final, ctx)
        lambda.layers[n - 1] = g.map { -$0 / S(b) }
        if architecture.cost == .crossEntropy {
            let r = readoutLossGradient(final, ctx)
            grad.tensors[readoutWeightIndex!] = r.weight
            grad.tensors[readoutBiasIndex!] = r.bias
        }
        let w = parameters.tensors
        for t in stride(from: truncation - 1, through: 0, by: -1) {
            let st = states[t]
            let (u, cache) = preActivations(st, ctx, beta: 0)
            let delta: [[S]] = u.indices.map { i in
                u[i].indices.map { k in lambda.layers[i][k] * architecture.activation.derivative(u[i][k]) }
            }
            var next = EPState(layers: layers.map { [S](repeating: 0, count: b * $0.units) })
            for i in 0..<n {
                switch layers[i].kind {
                case .convolution(let geo):
                    let count = geo.outputChannels * b * geo.prePixels
                    // Forward term u^i ∋ P(w_i ⋆ s^{i-1}) + b_i.
                    let z = EPKernels.unpool(delta[i], argmax: cache.forwardArgmax[i], count: count)
                    EPKernels.weightAdjointAdd(z, cols: cache.columns[i], geo, batch: b, alpha: 1, into: &grad.tensors[weightIndex(i)])
                    let db = channelSums(delta[i], channels: geo.outputChannels, batch: b, scale: 1)
                    for c in db.indices { grad.tensors[biasIndex(i)][c] += db[c] }
                    if i >= 1 {
                        EPKernels.convolveTransposedAdd(w[weightIndex(i)], z, geo, batch: b, into: &next.layers[i - 1])
                        // Feedback term u^{i-1} ∋ w̃_i ⋆ P⁻¹(s^i) (argmax of the feedback's pre-pool tensor).
                        let f = feedbackTensorIndex(i)
                        let colsDelta = EPKernels.im2col(delta[i - 1], geo, batch: b)
                        let y = EPKernels.convolve(w[f], cols: colsDelta, geo, batch: b)
                        let back = EPKernels.gather(y, argmax: cache.feedbackArgmax[i])
                        for k in back.indices { next.layers[i][k] += back[k] }
                        let zs = EPKernels.unpool(st.layers[i], argmax: cache.feedbackArgmax[i], count: count)
                        EPKernels.weightAdjointAdd(zs, cols: colsDelta, geo, batch: b, alpha: 1, into: &grad.tensors[f])
                    }
                case .dense(let inputs):
                    let units = layers[i].units
                    let x = flatInput(of: i, st, ctx)
                    epGemm(delta[i], transposeA: true, x, m: units, n: inputs, k: b, beta: 1, into: &grad.tensors[weightIndex(i)])
                    let db = columnSums(delta[i], rows: b, scale: 1)
                    for c in db.indices { grad.tensors[biasIndex(i)][c] += db[c] }
                    if i >= 1 {
                        var t = [S](repeating: 0, count: b * inputs)
                        epGemm(delta[i], w[weightIndex(i)], m: b, n: inputs, k: units, into: &t)
                        addFlat(t, layer: i - 1, batch: b, into: &next.layers[i - 1])
                        let f = feedbackTensorIndex(i)
                        let dx = flat(delta[i - 1], layer: i - 1, batch: b)
                        epGemm(dx, w[f], transposeB: true, m: b, n: units, k: inputs, beta: 1, into: &next.layers[i])
                        epGemm(st.layers[i], transposeA: true, dx, m: units, n: inputs, k: b, beta: 1, into: &grad.tensors[f])
                    }
                }
            }
            lambda = next
        }
        return (grad, loss(final, ctx))
    }

    /// `(L*(θ + ε e) − L*(θ − ε e))/(2ε)` for one scalar of tensor `tensor`, where
    /// `L*` is the loss after `freeSteps` free steps (central finite difference).
    public func finiteDifference(_ batch: EPBatch<S>, tensor: Int, element: Int, epsilon: S, freeSteps: Int) -> S {
        var plus = self, minus = self
        plus.parameters.tensors[tensor][element] += epsilon
        minus.parameters.tensors[tensor][element] -= epsilon
        return (plus.freePhaseLoss(batch, steps: freeSteps) - minus.freePhaseLoss(batch, steps: freeSteps)) / (2 * epsilon)
    }
}
