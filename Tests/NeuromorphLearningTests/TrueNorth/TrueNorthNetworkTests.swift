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

    /// Signature clusters ([I], docs "Signature clusters"): a group whose features come from two
    /// signatures (two commuting pairs and base vectors, interleaved) comes back exactly with
    /// k = 2 clusters, each cluster holding one planted signature's features; one shared
    /// signature (k = 1) cannot fit them.
    @Test("signature clusters recover a group planted from two signatures; one signature cannot")
    func clustersRecoverPlanted() throws {
        let signatures = [(Permutation4.commutingPairs[37], [2, 0]), (Permutation4.commutingPairs[53], [1, 3])]
        let planted = try (0..<6).map { o in
            try SymmetricKernel(sigma: signatures[o % 2].0.sigma, rho: signatures[o % 2].0.rho,
                                strengths: SymmetricKernel.trinaryStrengthFunctions[11 + 9 * o], bases: signatures[o % 2].1, size: 3)
        }
        let scales: [Float] = [0.5, 1.0, 0.25, 2.0, 0.8, 1.5]
        let kernels = zip(planted, scales).map { k, a in k.values.map { Float($0) * a } }
        func residual(_ projected: [SymmetricProjection.Projected]) -> Float {
            zip(projected, kernels).reduce(Float(0)) { r, pw in r + zip(pw.0.values, pw.1).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
        }
        let norm = kernels.joined().reduce(Float(0)) { $0 + $1 * $1 }
        let two = try SymmetricProjection.nearestClusters(kernels, channels: 2, size: 3, clusters: 2, exhaustiveBases: true)
        #expect(residual(two.projected) < 1e-8 * norm)
        #expect(two.cluster[0] == two.cluster[2] && two.cluster[2] == two.cluster[4])
        #expect(two.cluster[1] == two.cluster[3] && two.cluster[3] == two.cluster[5] && two.cluster[0] != two.cluster[1])
        for j in 0..<2 {
            let members = two.projected.indices.filter { two.cluster[$0] == j }.map { two.projected[$0].kernel }
            #expect(members.allSatisfy { $0.sameSignature(as: members[0]) })
        }
        let one = try SymmetricProjection.nearestClusters(kernels, channels: 2, size: 3, clusters: 1, exhaustiveBases: true)
        #expect(residual(one.projected) > 1e-2 * norm)
        #expect(throws: LearningRuleParameterError.self) {
            try SymmetricProjection.nearestClusters(kernels, channels: 2, size: 3, clusters: 4)
        }
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
        // Two signature clusters: each cluster's 4 features take their own 3 cores (copied
        // inputs); the unconstrained mapping has no signature and stays at 9.
        var clustered = deep
        clustered.signatureClusters = 2
        #expect(try TrueNorthCoreMapper.tiling(clustered, axonsPerInput: 1).cores == 6)
        #expect(try TrueNorthCoreMapper.tiling(clustered, axonsPerInput: 2).cores == 9)
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
        try Self.expectCoresEqualNetwork(&net, images: Tensor.randomUniform([40, 144], using: &g))
        // A network that is not yet binary cannot be converted.
        var real = try TrueNorthNetwork(config, seed: 1)
        real.activations[0].mode = .threshold
        #expect(throws: LearningRuleParameterError.self) { try TrueNorthCoreNetwork(real) }
    }

    /// Compiles `net` (binary, symmetric kernels) into cores and expects every spike of every
    /// layer and every prediction of the integer simulation to equal the float network's on
    /// `images` (`[N, H·W]`), with a firing rate that makes the comparison mean something.
    static func expectCoresEqualNetwork(_ net: inout TrueNorthNetwork, images: Tensor,
                                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        let cores = try TrueNorthCoreNetwork(net)
        let count = images.shape[0]
        let x = net.encode(images)
        let predictions = net.predict(x)
        var spikeMismatches = 0, predictionMismatches = 0, firing = 0, total = 0
        var layerOutputs: [Tensor] = []
        var h = x
        for i in net.convolutions.indices {
            h = net.activations[i].forward(net.convolutions[i].forward(h, mode: .inference), mode: .inference)
            layerOutputs.append(h)
        }
        let width = x.count / count
        for n in 0..<count {
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
        #expect(spikeMismatches == 0, sourceLocation: sourceLocation)
        #expect(predictionMismatches == 0, sourceLocation: sourceLocation)
        #expect(firing > total / 20 && firing < total * 19 / 20, "a check where every neuron is silent (or fires) proves nothing",
                sourceLocation: sourceLocation)
        #expect(cores.coreCounts.allSatisfy { $0 >= 1 }, sourceLocation: sourceLocation)
    }

    /// Freezes `conv` to random masked symmetric kernels, one random (σ, ρ, b) per group (the
    /// projection is tested above; this keeps conversion tests of wide networks fast).
    static func freezeRandomMasked(_ conv: inout GroupedConv2d, using g: inout SeededGenerator) throws {
        var kernels: [SymmetricKernel] = []
        for _ in 0..<conv.groupCount {
            let pair = Permutation4.commutingPairs[g.nextInt(below: 120)]
            let bases = (0..<conv.groupInChannels).map { _ in g.nextInt(below: 4) }
            for _ in 0..<conv.groupOutChannels {
                let mask = (0..<(conv.groupInChannels * conv.kernelSize * conv.kernelSize)).map { _ in g.nextUniformDouble() < 0.7 }
                kernels.append(try SymmetricKernel(sigma: pair.sigma, rho: pair.rho, strengths: (0..<4).map { _ in g.nextInt(below: 3) - 1 },
                                                   bases: bases, size: conv.kernelSize, mask: mask))
            }
        }
        try conv.freezeSymmetric(kernels, scales: (0..<conv.outChannels).map { _ in Float(0.2 + g.nextUniformDouble()) })
    }

    /// The variant with more groups in layers 3–4 (`fashionSmallMoreGroups`, docs "More
    /// groups") compiles exactly too: its four layers (groups 1, 2, 8, 16: 8 and 5 features per
    /// type vector in layers 3–4) on 20×20 images to keep the debug run short, random masked
    /// symmetric kernels, random biases and some negative gains; every spike and prediction on 8 random
    /// images. The 28×28 preset needs no more cores than the unconstrained two-axon mapping.
    @Test("the more-groups Fashion network compiles into cores that equal the float binary network")
    func moreGroupsConversionIsExact() throws {
        let preset = TrueNorthNetworkConfiguration.fashionSmallMoreGroups
        #expect(preset.layers.map { $0.outChannels / $0.groups } == [24, 24, 8, 5])
        let config = TrueNorthNetworkConfiguration(height: 20, width: 20, inputLevels: preset.inputLevels, layers: preset.layers,
                                                   classes: preset.classes)
        var net = try TrueNorthNetwork(config, seed: 31)
        var g = SeededGenerator(seed: 32, key: StreamKey("test", "more-groups"))
        for i in net.convolutions.indices {
            try Self.freezeRandomMasked(&net.convolutions[i], using: &g)
            net.convolutions[i].bias.value = Tensor.randomUniform([net.convolutions[i].outChannels], lower: -0.5, upper: 1,
                                                                  using: &g)
            net.convolutions[i].scale.value.scalars[1] *= -1
            net.activations[i].mode = .threshold
        }
        try Self.expectCoresEqualNetwork(&net, images: Tensor.randomUniform([8, 400], using: &g))
        #expect(try TrueNorthCoreNetwork(net).coreCounts == TrueNorthCoreMapper.compare(try config.geometries()).symmetric)
        let counts = try TrueNorthCoreMapper.compare(try preset.geometries())
        #expect(zip(counts.symmetric, counts.unconstrained).allSatisfy { $0 <= $1 }, "\(counts)")
    }

    /// Signature clusters compile exactly ([I], docs "Signature clusters"): the small grouped
    /// network with 2 clusters per group in layers 1–2 (masked symmetric kernels, random biases,
    /// negative gains): every spike and prediction on 40 random images; some group holds two
    /// signatures, and the compiled core counts equal the mapper's (k× the cluster-free count
    /// where the features of a group fill one core).
    @Test("signature clusters: cores with copied inputs equal the float binary network; core counts match the mapper")
    func clusterConversionIsExact() throws {
        let config = TrueNorthNetworkConfiguration(
            height: 12, width: 12, inputLevels: 2,
            layers: [TrueNorthConvSpec(outChannels: 8, kernelSize: 3, stride: 1, groups: 2, signatureClusters: 2),
                     TrueNorthConvSpec(outChannels: 8, kernelSize: 3, stride: 2, groups: 2, signatureClusters: 2),
                     TrueNorthConvSpec(outChannels: 6, kernelSize: 2, stride: 1, groups: 2)],
            classes: 3)
        var net = try TrueNorthNetwork(config, seed: 41)
        var g = SeededGenerator(seed: 42, key: StreamKey("test", "clusters"))
        for i in net.convolutions.indices {
            try net.convolutions[i].projectToSymmetric(seed: 5, masked: true, clusters: config.layers[i].signatureClusters)
            net.convolutions[i].bias.value = Tensor.randomUniform([net.convolutions[i].outChannels], lower: -0.5, upper: 1,
                                                                  using: &g)
            net.convolutions[i].scale.value.scalars[0] *= -1
            net.activations[i].mode = .threshold
        }
        let kernels = try #require(net.convolutions[0].symmetricKernels)
        #expect(!kernels[0..<4].allSatisfy { $0.sameSignature(as: kernels[0]) }, "a group with one signature tests nothing new")
        try Self.expectCoresEqualNetwork(&net, images: Tensor.randomUniform([40, 144], using: &g))
        let cores = try TrueNorthCoreNetwork(net)
        let mapped = try TrueNorthCoreMapper.compare(try config.geometries())
        #expect(cores.coreCounts == mapped.symmetric)
        let single = try TrueNorthCoreMapper.compare(try config.withSignatureClusters([1, 1, 1]).geometries())
        // Each cluster takes its own cores over copies of the inputs: never fewer cores, at most k×.
        #expect(zip(mapped.symmetric, single.symmetric).allSatisfy { $0 >= $1 && $0 <= 2 * $1 }, "\(mapped) vs \(single)")
        #expect(zip(mapped.symmetric, single.symmetric).contains { $0 > $1 }, "\(mapped) vs \(single)")
        #expect(mapped.unconstrained == single.unconstrained)
        #expect(throws: LearningRuleParameterError.self) {
            try TrueNorthNetwork(config.withSignatureClusters([3, 1, 1]), seed: 1)
        }
        #expect(throws: LearningRuleParameterError.self) {
            try net.convolutions[0].projectToSymmetric(seed: 5, masked: true, refine: true, clusters: 2)
        }
    }

    /// The cosine stage schedule (`LearningRateSchedule.cosine`, PyTorch `CosineAnnealingLR`
    /// with `eta_min = 0`): factor 1 at the first batch, ½ halfway, strictly falling, above 0 at
    /// the last batch; `constant` is 1 throughout.
    @Test("learning-rate schedules: cosine annealing endpoints and monotonicity, constant is 1")
    func learningRateSchedule() {
        let cosine = TrueNorthTrainingConfiguration.LearningRateSchedule.cosine
        let factors = (0..<1000).map { cosine.factor(step: $0, of: 1000) }
        #expect(factors[0] == 1)
        #expect(abs(factors[500] - 0.5) < 1e-6)
        #expect(zip(factors, factors.dropFirst()).allSatisfy { $0 > $1 })
        #expect(factors[999] > 0 && factors[999] < 1e-4)
        #expect((0..<10).allSatisfy { TrueNorthTrainingConfiguration.LearningRateSchedule.constant.factor(step: $0, of: 10) == 1 })
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
