import NeuromorphCore
import NeuromorphNN
import Testing
@testable import NeuromorphLearning

/// Projection, grouped convolution, binarization, the core-count mapper and the conversion of
/// a network into cores (learning-rules note §1.4, §2.4; digest BM §3).
@Suite("TrueNorth networks and conversion")
struct TrueNorthNetworkTests {
    /// Consistency check (note §1.4 [I] least-squares scale): a symmetric kernel times α comes
    /// back as itself with scale α.
    @Test("projection returns a scaled symmetric kernel unchanged (consistency check)")
    func projectionFixedPoint() throws {
        var g = SeededGenerator(seed: 3, key: StreamKey("test", "projection"))
        for _ in 0..<20 {
            let k = try CoreColoringTests.randomKernel(&g, size: 3, channels: 1)
            guard k.values.contains(where: { $0 != 0 }) else { continue }
            let projected = try SymmetricProjection.nearest(k.values.map { Float($0) * 0.7 }, size: 3)
            #expect(projected.kernel.values == k.values)
            #expect(abs(projected.scale - 0.7) < 1e-6)
        }
    }

    /// The exhaustive projection is optimal: no distinct 3×3 trinary symmetric kernel (of the
    /// 405) with its least-squares scale is closer to a random real kernel.
    @Test("projection of a real kernel is the nearest of the 405 symmetric kernels")
    func projectionIsNearest() throws {
        var g = SeededGenerator(seed: 4, key: StreamKey("test", "projection"))
        let all = try SymmetricKernel.distinctTrinaryKernels(size: 3)
        for _ in 0..<10 {
            let w = (0..<9).map { _ in g.nextNormal() }
            let p = try SymmetricProjection.nearest(w, size: 3)
            func residual(_ k: [Float], _ a: Float) -> Float { zip(w, k).reduce(0) { $0 + ($1.0 - a * $1.1) * ($1.0 - a * $1.1) } }
            let best = residual(p.kernel.values.map(Float.init), p.scale)
            for k in all.map({ $0.map(Float.init) }) {
                let norm = k.reduce(0) { $0 + $1 * $1 }
                let a = norm > 0 ? zip(w, k).reduce(0) { $0 + $1.0 * $1.1 } / norm : 0
                #expect(best <= residual(k, a) + 1e-4)
            }
        }
    }

    /// Group projection with shared (σ, ρ, b): kernels planted from one signature come back
    /// exactly (residual 0) from the EM search.
    @Test("group projection recovers planted kernels that share σ, ρ and the bases")
    func groupProjectionRecoversPlanted() throws {
        var g = SeededGenerator(seed: 9, key: StreamKey("test", "group"))
        let pair = Permutation4.commutingPairs[37]
        let bases = [2, 0, 3, 1]
        let planted = try (0..<4).map { o in
            try SymmetricKernel(sigma: pair.sigma, rho: pair.rho, strengths: SymmetricKernel.trinaryStrengthFunctions[10 + 13 * o],
                                bases: bases, size: 3)
        }
        let scales: [Float] = [0.5, 1.0, 0.25, 2.0]
        let kernels = zip(planted, scales).map { k, a in k.values.map { Float($0) * a } }
        let projected = try SymmetricProjection.nearestGroup(kernels, channels: 4, size: 3, seed: g.next())
        for (p, w) in zip(projected, kernels) {
            let residual = zip(p.values, w).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            #expect(residual < 1e-8)
        }
        #expect(Set(projected.map { [$0.kernel.sigma, $0.kernel.rho] }).count == 1)
    }

    /// Whether the kernel's mask zeroes an entry whose type has a non-zero strength (so it is
    /// not an unmasked symmetric kernel in disguise).
    static func masksAStrength(_ k: SymmetricKernel) -> Bool {
        let area = k.size * k.size
        return k.values.indices.contains { e in
            k.values[e] == 0 && k.strengths[k.axonType(row: (e % area) / k.size, column: e % k.size, channel: e / area)] != 0
        }
    }

    /// Masked symmetric kernels (the crossbar C of W = C ∘ S(g) as a per-feature mask):
    /// kernels planted as α·M∘f(types) with one (σ, ρ, b) per group come back exactly.
    @Test("masked group projection recovers planted masked kernels that share σ, ρ and the bases")
    func maskedProjectionRecoversPlanted() throws {
        var g = SeededGenerator(seed: 10, key: StreamKey("test", "masked"))
        let pair = Permutation4.commutingPairs[53]
        let bases = [1, 3, 0]
        let planted = try (0..<3).map { o -> SymmetricKernel in
            let mask = (0..<27).map { _ in g.nextUniformDouble() < 0.6 }
            return try SymmetricKernel(sigma: pair.sigma, rho: pair.rho, strengths: [[1, -1, 1, -1], [1, 1, -1, -1], [-1, 1, 1, 1]][o],
                                       bases: bases, size: 3, mask: mask)
        }
        #expect(planted.allSatisfy(Self.masksAStrength))
        let scales: [Float] = [0.7, 1.3, 0.4]
        let kernels = zip(planted, scales).map { k, a in k.values.map { Float($0) * a } }
        let projected = try SymmetricProjection.nearestGroup(kernels, channels: 3, size: 3, exhaustiveBases: true, masked: true)
        for (p, w) in zip(projected, kernels) {
            let residual = zip(p.values, w).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            #expect(residual < 1e-8)
        }
        #expect(Set(projected.map { [$0.kernel.sigma, $0.kernel.rho] }).count == 1)
        #expect(Set(projected.map(\.kernel.bases)).count == 1)
    }

    /// Projection residuals are ordered by constraint: free trinary ≤ symmetric per feature ≤
    /// symmetric with one (σ, ρ, b) per group (each is a subset of the one before).
    @Test("residuals: free trinary ≤ symmetric per feature ≤ group-shared symmetric")
    func residualOrdering() throws {
        var g = SeededGenerator(seed: 12, key: StreamKey("test", "residuals"))
        let conv = try GroupedConv2d(4, 6, kernelSize: 3, stride: 1, groups: 2, generator: &g)
        var shared = conv, perFeature = conv, trinary = conv
        let rShared = try shared.projectToSymmetric(seed: 1)
        let rPerFeature = try perFeature.projectToSymmetricPerFeature(seed: 1)
        let rTrinary = trinary.projectToTrinary()
        #expect(rTrinary <= rPerFeature + 1e-6)
        #expect(rPerFeature <= rShared + 1e-6)
        #expect(rShared < 1 && rTrinary > 0)
        // Masks enlarge the shared family (f = 0 on a type is the all-masked case).
        var masked = conv
        let rMasked = try masked.projectToSymmetric(seed: 1, masked: true)
        #expect(rMasked <= rShared + 1e-6, "masked \(rMasked), shared \(rShared)")
        #expect(shared.symmetricKernels != nil && perFeature.symmetricKernels == nil && perFeature.isFrozen)
    }

    /// Finite differences on a grouped convolution (Double-free check in Float, tolerance 2e-2
    /// relative on the weight, gain and input gradients of a quadratic loss).
    @Test("grouped convolution gradients match finite differences")
    func groupedConvGradient() throws {
        var g = SeededGenerator(seed: 11, key: StreamKey("test", "gconv"))
        var conv = try GroupedConv2d(4, 6, kernelSize: 2, stride: 2, groups: 2, generator: &g)
        let x = Tensor.randomUniform([2, 4, 5, 5], lower: -1, upper: 1, using: &g)
        func loss(_ c: inout GroupedConv2d, _ input: Tensor) -> Float {
            c.forward(input, mode: .inference).scalars.reduce(0) { $0 + $1 * $1 } / 2
        }
        let y = conv.forward(x, mode: .training)
        let dx = conv.backward(y)
        let eps: Float = 1e-2
        for (probe, index) in [(0, 3), (1, 17), (0, 22)] {
            var plus = conv, minus = conv
            plus.groups[probe].weight.value.scalars[index] += eps
            minus.groups[probe].weight.value.scalars[index] -= eps
            let numeric = (loss(&plus, x) - loss(&minus, x)) / (2 * eps)
            let analytic = conv.groups[probe].weight.gradient.scalars[index]
            #expect(abs(numeric - analytic) <= 2e-2 * max(1, abs(numeric)), "weight g\(probe)[\(index)]")
        }
        for feature in [1, 4] {
            var plus = conv, minus = conv
            plus.scale.value.scalars[feature] += eps
            minus.scale.value.scalars[feature] -= eps
            let numeric = (loss(&plus, x) - loss(&minus, x)) / (2 * eps)
            #expect(abs(numeric - conv.scale.gradient.scalars[feature]) <= 2e-2 * max(1, abs(numeric)), "scale[\(feature)]")
        }
        for index in [0, 33, 77, 140] {
            var xp = x, xm = x
            xp.scalars[index] += eps
            xm.scalars[index] -= eps
            var c = conv
            let numeric = (loss(&c, xp) - loss(&c, xm)) / (2 * eps)
            #expect(abs(numeric - dx.scalars[index]) <= 2e-2 * max(1, abs(numeric)), "input[\(index)]")
        }
        #expect(throws: LearningRuleParameterError.self) {
            try GroupedConv2d(64, 16, kernelSize: 3, groups: 2, generator: &g)   // fan-in 288 > 256
        }
        #expect(throws: LearningRuleParameterError.self) { try GroupedConv2d(6, 4, kernelSize: 3, groups: 4, generator: &g) }
    }

    /// Note §1.4: threshold forward 1{x ≥ 0.5}, saturating-ReLU straight-through backward;
    /// noisy ReLU bounded in [0, 1] with mean clip(x) at the centre of its range.
    @Test("binarizing activation: threshold, straight-through gradient, bounded noise")
    func binarizingActivation() throws {
        var t = BinarizingActivation(.threshold, seed: 1, layer: 0)
        let x = Tensor([-0.5, 0.2, 0.5, 0.9, 1.5])
        #expect(t.forward(x, mode: .training).scalars == [0, 0, 1, 1, 1])
        #expect(t.backward(Tensor.ones([5])).scalars == [0, 1, 1, 1, 0])
        var noisy = BinarizingActivation(.noisyReLU(width: 1), seed: 1, layer: 0)
        let half = Tensor(repeating: 0.5, shape: [10_000])
        let y = noisy.forward(half, mode: .training)
        #expect(y.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(abs(y.mean() - 0.5) < 0.01)   // 3σ of the mean of U(0, 1): 0.0087
        #expect(noisy.forward(half, mode: .inference).scalars.allSatisfy { $0 == 0.5 })
    }

    /// Core-count mapper, a hand-computed case: 1 channel 8×8, 3×3 kernel, 4 features.
    /// Symmetric (1 axon/input): the whole 8×8 window (64 axons) fits, 36 positions × 4
    /// features = 144 neurons → 1 core. Unconstrained (2 axons/input): 128 axons for 8×8,
    /// still 1 core. With 8 channels: symmetric windows ≤ 32 pixels (e.g. 4×8 → 2×6
    /// outputs), unconstrained ≤ 16 pixels (4×4 → 2×2 outputs).
    @Test("core-count mapper: hand-computed tilings, symmetric never needs more cores")
    func mapper() throws {
        let small = TrueNorthLayerGeometry(inChannels: 1, height: 8, width: 8, outChannels: 4, kernelSize: 3, stride: 1, groups: 1)
        #expect(try TrueNorthCoreMapper.tiling(small, axonsPerInput: 1).cores == 1)
        #expect(try TrueNorthCoreMapper.tiling(small, axonsPerInput: 2).cores == 1)
        let deep = TrueNorthLayerGeometry(inChannels: 8, height: 8, width: 8, outChannels: 8, kernelSize: 3, stride: 1, groups: 1)
        // Symmetric: best 2×6-output tiles (4×8 = 32 pixels × 8 channels = 256 axons): 3 × 1 tiles = 3 cores.
        #expect(try TrueNorthCoreMapper.tiling(deep, axonsPerInput: 1).cores == 3)
        // Unconstrained: 2×2-output tiles (4×4 × 8 × 2 = 256 axons): 3 × 3 tiles = 9 cores.
        #expect(try TrueNorthCoreMapper.tiling(deep, axonsPerInput: 2).cores == 9)
        let shapes = try TrueNorthNetworkConfiguration.fashionSmall.shapes()
        let geometries = TrueNorthNetworkConfiguration.fashionSmall.layers.enumerated().map { i, l in
            TrueNorthLayerGeometry(inChannels: shapes[i].channels, height: shapes[i].height, width: shapes[i].width,
                                   outChannels: l.outChannels, kernelSize: l.kernelSize, stride: l.stride, groups: l.groups)
        }
        let counts = try TrueNorthCoreMapper.compare(geometries)
        #expect(zip(counts.symmetric, counts.unconstrained).allSatisfy { $0 <= $1 })
        let tooWide = TrueNorthLayerGeometry(inChannels: 16, height: 5, width: 5, outChannels: 4, kernelSize: 3, stride: 1, groups: 1)
        #expect(throws: LearningRuleParameterError.self) { try TrueNorthCoreMapper.tiling(tooWide, axonsPerInput: 2) }
    }

    /// Note §1.4 / issue 14 item 5: the integer core simulation of a converted network equals
    /// the float binary network exactly: every spike of every layer and every prediction, on
    /// random binary inputs, for a small 3-layer grouped strided network with projected
    /// kernels, random biases and some negative gains.
    @Test("integer core simulation equals the float binary network on a small converted net (symmetric, masked symmetric)",
          arguments: [false, true])
    func conversionIsExact(masked: Bool) throws {
        let config = TrueNorthNetworkConfiguration(
            height: 12, width: 12, inputLevels: 2,
            layers: [TrueNorthConvSpec(outChannels: 8, kernelSize: 3, stride: 1, groups: 2),
                     TrueNorthConvSpec(outChannels: 8, kernelSize: 3, stride: 2, groups: 2),
                     TrueNorthConvSpec(outChannels: 6, kernelSize: 2, stride: 1, groups: 2)],
            classes: 3)
        var net = try TrueNorthNetwork(config, seed: 21)
        var g = SeededGenerator(seed: 22, key: StreamKey("test", "conversion"))
        for i in net.convolutions.indices {
            try net.convolutions[i].projectToSymmetric(seed: 5, masked: masked)
            // Biases that put thresholds inside the reachable range.
            net.convolutions[i].bias.value = Tensor.randomUniform([net.convolutions[i].outChannels], lower: -0.5, upper: 1,
                                                                  using: &g)
            // A trained gain may turn negative: the core then holds −f (two features per layer).
            net.convolutions[i].scale.value.scalars[0] *= -1
            net.convolutions[i].scale.value.scalars[3] *= -1
            net.activations[i].mode = .threshold
        }
        if masked {
            // The masks disconnect entries whose type has a non-zero strength (the crossbar does work).
            let kernels = net.convolutions.flatMap { $0.symmetricKernels ?? [] }
            #expect(kernels.contains(where: Self.masksAStrength))
        }
        let cores = try TrueNorthCoreNetwork(net)
        let images = Tensor.randomUniform([40, 144], using: &g)
        let x = net.encode(images)
        let predictions = net.predict(x)
        var spikeMismatches = 0, predictionMismatches = 0, firing = 0, total = 0
        var layerOutputs: [Tensor] = []
        var h = x
        for i in net.convolutions.indices {
            h = net.activations[i].forward(net.convolutions[i].forward(h, mode: .inference), mode: .inference)
            layerOutputs.append(h)
        }
        let width = x.count / 40
        for n in 0..<40 {
            let spikes = x.scalars[(n * width)..<((n + 1) * width)].map { $0 != 0 }
            let outputs = cores.run(spikes)
            for (l, out) in outputs.enumerated() {
                let w = out.count
                for k in 0..<w {
                    let expected = layerOutputs[l].scalars[n * w + k] != 0
                    if out[k] != expected { spikeMismatches += 1 }
                    if out[k] { firing += 1 }
                    total += 1
                }
            }
            if cores.classify(spikes).prediction != predictions[n] { predictionMismatches += 1 }
        }
        #expect(spikeMismatches == 0)
        #expect(predictionMismatches == 0)
        #expect(firing > total / 20 && firing < total * 19 / 20, "a check where every neuron is silent (or fires) proves nothing")
        #expect(cores.coreCounts.allSatisfy { $0 >= 1 })
        // A network that is not yet binary cannot be converted.
        var real = try TrueNorthNetwork(config, seed: 1)
        real.activations[0].mode = .threshold
        #expect(throws: LearningRuleParameterError.self) { try TrueNorthCoreNetwork(real) }
    }
    /// The straight-through refinement ([I], docs/learning-rules-truenorth.md "Diagnosis";
    /// note §1.4 keeps the projection's (σ, ρ, b), so the layer stays core-mappable): a student
    /// layer projected to (masked) symmetric kernels regresses onto a teacher with the same
    /// σ, ρ and bases but other strengths and masks. Frozen kernels can only fit α and β; refined
    /// ones must reach a loss at least 4× lower, and after every step the integer weights are
    /// the kernels' values with the projection's σ, ρ and bases.
    @Test("straight-through refinement keeps σ, ρ, bases and fits what frozen kernels cannot", arguments: [false, true])
    func straightThroughRefinement(masked: Bool) throws {
        var g = SeededGenerator(seed: 31, key: StreamKey("test", "refine"))
        var base = try GroupedConv2d(2, 4, kernelSize: 3, stride: 1, groups: 1, generator: &g)
        var frozen = base
        try base.projectToSymmetric(seed: 7, masked: masked, refine: true)
        try frozen.projectToSymmetric(seed: 7, masked: masked, refine: false)
        let projected = try #require(base.symmetricKernels)
        let first = projected[0]
        var teacher = base
        let planted = try (0..<4).map { _ -> SymmetricKernel in
            let f = (0..<4).map { _ in g.nextInt(below: 2) == 0 ? -1 : 1 }
            let mask = masked ? (0..<18).map { _ in g.nextInt(below: 5) != 0 } : nil
            return try SymmetricKernel(sigma: first.sigma, rho: first.rho, strengths: f, bases: first.bases, size: 3, mask: mask)
        }
        try teacher.freezeSymmetric(planted, scales: [0.5, -0.4, 0.3, 0.6])
        let x = Tensor(shape: [16, 2, 7, 7], scalars: (0..<(16 * 2 * 49)).map { _ in Float(g.nextInt(below: 2)) })
        let target = teacher.forward(x, mode: .inference)
        func loss(_ c: inout GroupedConv2d) -> Float {
            let y = c.forward(x, mode: .inference)
            return zip(y.scalars, target.scalars).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Float(y.count)
        }
        func train(_ c: inout GroupedConv2d) throws {
            var optimizer = Adam(learningRate: 1e-2)
            for _ in 0..<150 {
                let y = c.forward(x, mode: .training)
                let gradient = Tensor(shape: y.shape, scalars: zip(y.scalars, target.scalars).map { 2 * ($0 - $1) / Float(y.count) })
                _ = c.backward(gradient, needsInputGradient: false)
                var slot = 0
                c.update(with: &optimizer, slot: &slot)
                optimizer.finishStep()
                let kernels = try #require(c.symmetricKernels)
                #expect(kernels.allSatisfy { $0.sigma == first.sigma && $0.rho == first.rho && $0.bases == first.bases && $0.isTrinary })
                #expect(c.groups[0].weight.value.scalars == kernels.flatMap { $0.values.map(Float.init) })
            }
        }
        let start = loss(&base)
        try train(&base)
        try train(&frozen)
        #expect(frozen.refinement == nil && base.refinement != nil)
        #expect(frozen.symmetricKernels == projected, "frozen kernels must not change")
        let refined = loss(&base), fixed = loss(&frozen)
        #expect(refined < fixed / 4, "masked \(masked): start \(start), frozen \(fixed), refined \(refined)")
    }
}
