import Testing
@testable import NeuromorphMapping

/// Test-only seeded generator (SplitMix64, Steele et al. 2014).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int8s(_ n: Int, range: ClosedRange<Int8> = -128...127) -> [Int8] {
        (0..<n).map { _ in Int8.random(in: range, using: &self) }
    }
}

/// Plain reference: direct convolution in Int32 with zero padding.
func directConv(_ x: Int8FeatureMap, _ k: ConvKernel, stride s: Int, padding p: Int) -> [Int32] {
    let f = k.kernel
    let ho = (x.height + 2 * p - f) / s + 1, wo = (x.width + 2 * p - f) / s + 1
    var out = [Int32](repeating: 0, count: ho * wo * k.outChannels)
    for i in 0..<ho { for j in 0..<wo { for m in 0..<k.outChannels {
        var acc: Int32 = 0
        for a in 0..<f { for b in 0..<f { for c in 0..<k.inChannels {
            acc += Int32(x[s * i - p + a, s * j - p + b, c]) * Int32(k[a, b, c, m])
        } } }
        out[(i * wo + j) * k.outChannels + m] = acc
    } } }
    return out
}

/// Functional path: int8 MVMs on mapped, replicated and split crossbars equal direct
/// convolution bit-exactly (digest A1-18; Eqs. 1, 5, 6).
@Suite struct FunctionalTests {
    struct Case: Sendable, CustomStringConvertible {
        var h: Int, f: Int, s: Int, p: Int, cin: Int, cout: Int, rows: Int, cols: Int, bh: Int, bw: Int, seed: UInt64
        var description: String { "H=\(h) F=\(f) s=\(s) P=\(p) Cin=\(cin) Cout=\(cout) xbar=\(rows)x\(cols) block=\(bh)x\(bw) seed=\(seed)" }
    }

    static let cases: [Case] = [
        Case(h: 7, f: 3, s: 1, p: 1, cin: 3, cout: 5, rows: 256, cols: 256, bh: 1, bw: 1, seed: 1),    // plain
        Case(h: 8, f: 3, s: 1, p: 1, cin: 6, cout: 4, rows: 256, cols: 256, bh: 4, bw: 1, seed: 2),    // Method 1
        Case(h: 9, f: 3, s: 1, p: 1, cin: 4, cout: 4, rows: 256, cols: 256, bh: 2, bw: 2, seed: 3),    // Method 2, ragged edge
        Case(h: 8, f: 3, s: 1, p: 1, cin: 10, cout: 6, rows: 40, cols: 256, bh: 1, bw: 1, seed: 4),    // row split (Eq. 5)
        Case(h: 6, f: 3, s: 1, p: 0, cin: 4, cout: 20, rows: 256, cols: 8, bh: 1, bw: 1, seed: 5),     // column split (Eq. 6)
        Case(h: 9, f: 3, s: 2, p: 1, cin: 5, cout: 7, rows: 64, cols: 16, bh: 2, bw: 1, seed: 6),      // stride 2 + groups + splits
        Case(h: 8, f: 1, s: 2, p: 0, cin: 8, cout: 12, rows: 256, cols: 256, bh: 2, bw: 1, seed: 7),   // 1×1 resample
        Case(h: 8, f: 3, s: 1, p: 1, cin: 56, cout: 56, rows: 256, cols: 256, bh: 1, bw: 1, seed: 8),  // ResNet layer 23 split
        Case(h: 10, f: 3, s: 1, p: 1, cin: 16, cout: 16, rows: 256, cols: 256, bh: 4, bw: 1, seed: 9), // speed-up group 1
    ]

    @Test(arguments: cases)
    func mappedConvEqualsDirectConv(_ c: Case) throws {
        var rng = SplitMix64(seed: c.seed)
        let layer = IMCLayer(name: "L", kernel: c.f, inChannels: c.cin, outChannels: c.cout, stride: c.s, padding: c.p,
                             inputHeight: c.h, inputWidth: c.h, source: "input")
        let kernel = ConvKernel(kernel: c.f, inChannels: c.cin, outChannels: c.cout,
                                weights: rng.int8s(c.f * c.f * c.cin * c.cout))
        let x = Int8FeatureMap(height: c.h, width: c.h, channels: c.cin, values: rng.int8s(c.h * c.h * c.cin))
        let mapping = try LayerMapping.split(layer, replication: .block(height: c.bh, width: c.bw),
                                             crossbar: CrossbarShape(rows: c.rows, columns: c.cols))
        let mapped = try MappedConvLayer(mapping: mapping, kernel: kernel)
        for g in mapped.cores { for p in g { for core in p {
            #expect(core.rows <= c.rows && core.columns <= c.cols, "\(c)")
        } } }
        #expect(mapped.preActivations(x) == directConv(x, kernel, stride: c.s, padding: c.p), "\(c)")
    }

    // Without replication the core holds exactly the Eq. 1 unrolled kernel matrix.
    @Test func singleCoreHoldsUnrolledKernelMatrix() throws {
        var rng = SplitMix64(seed: 11)
        let k = ConvKernel(kernel: 3, inChannels: 4, outChannels: 5, weights: rng.int8s(180))
        let layer = IMCLayer(name: "L", kernel: 3, inChannels: 4, outChannels: 5, padding: 1, inputHeight: 6, inputWidth: 6, source: "input")
        let mapped = try MappedConvLayer(mapping: .split(layer, replication: .block(height: 1, width: 1), crossbar: .dazzi256), kernel: k)
        #expect(mapped.cores[0][0][0].weights == k.unrolled())
    }

    // A whole small residual network (stride 2, resample, residual, FC) on a 40×12 crossbar with
    // the speed-up dataflow: every layer's int8 output and the logits equal the reference.
    @Test func smallResidualNetworkEndToEnd() throws {
        let layers = [
            IMCLayer(name: "c1", kernel: 3, inChannels: 3, outChannels: 8, padding: 1, inputHeight: 8, inputWidth: 8, source: "input"),
            IMCLayer(name: "c2", kernel: 3, inChannels: 8, outChannels: 8, padding: 1, inputHeight: 8, inputWidth: 8, source: "c1"),
            IMCLayer(name: "c3", kernel: 3, inChannels: 8, outChannels: 8, padding: 1, inputHeight: 8, inputWidth: 8, source: "c2", residual: "c1"),
            IMCLayer(name: "rs", kind: .resample, kernel: 1, inChannels: 8, outChannels: 16, stride: 2, inputHeight: 8, inputWidth: 8, source: "c3"),
            IMCLayer(name: "c4", kernel: 3, inChannels: 8, outChannels: 16, stride: 2, padding: 1, inputHeight: 8, inputWidth: 8, source: "c3"),
            IMCLayer(name: "c5", kernel: 3, inChannels: 16, outChannels: 16, padding: 1, inputHeight: 4, inputWidth: 4, source: "c4", residual: "rs"),
            IMCLayer(name: "fc", kind: .fullyConnected, kernel: 1, inChannels: 16, outChannels: 4, inputHeight: 4, inputWidth: 4, source: "c5"),
        ]
        let net = IMCNetwork(name: "tiny", inputHeight: 8, inputWidth: 8, inputChannels: 3, layers: layers)
        let hw = IMCHardware(crossbar: try CrossbarShape(rows: 40, columns: 12))
        let mapping = try IMCNetworkMapping(network: net, hardware: hw, speedup: true)
        #expect(mapping.mapping(of: "c2")!.rowSplits > 1)
        #expect(mapping.mapping(of: "c5")!.columnSplits > 1)
        #expect(mapping.mapping(of: "c1")!.replication.replicas == 2)
        var rng = SplitMix64(seed: 2021)
        var params: [String: IMCLayerParameters] = [:]
        for l in layers {
            let k = ConvKernel(kernel: l.kernel, inChannels: l.inChannels, outChannels: l.outChannels,
                               weights: rng.int8s(l.kernel * l.kernel * l.inChannels * l.outChannels, range: -8...8))
            let bn = DigitalProcessor(multiplier: (0..<l.outChannels).map { _ in Int32.random(in: 1...4, using: &rng) },
                                      bias: (0..<l.outChannels).map { _ in Int32.random(in: -64...64, using: &rng) },
                                      shift: 6, relu: l.kind != .resample)
            params[l.name] = IMCLayerParameters(kernel: k, processor: bn)
        }
        let image = Int8FeatureMap(height: 8, width: 8, channels: 3, values: rng.int8s(192))
        let run = try IMCInference(mapping: mapping, parameters: params).run(image)
        // Reference: direct conv + the same digital processing, layer by layer.
        var ref: [String: Int8FeatureMap] = ["input": image]
        var logits: [Int32] = []
        for l in layers {
            let src = ref[l.source]!
            if l.kind == .fullyConnected {
                let pooled: [Int8] = (0..<src.channels).map { c in
                    var s = 0
                    for x in 0..<src.height { for y in 0..<src.width { s += Int(src[x, y, c]) } }
                    return Int8(clamping: Int((Double(s) / Double(src.height * src.width)).rounded(.down)))
                }
                logits = directConv(Int8FeatureMap(height: 1, width: 1, channels: 16, values: pooled), params[l.name]!.kernel, stride: 1, padding: 0)
                continue
            }
            let pre = directConv(src, params[l.name]!.kernel, stride: l.stride, padding: l.padding)
            ref[l.name] = Int8FeatureMap(height: l.outputHeight, width: l.outputWidth, channels: l.outChannels,
                                         values: params[l.name]!.processor.activate(pre, residual: l.residual.map { ref[$0]!.values }))
        }
        for l in layers where l.kind != .fullyConnected {
            #expect(run.activations[l.name] == ref[l.name], "layer \(l.name)")
        }
        #expect(run.logits == logits)
        #expect(run.activations["c5"]!.values.contains { $0 != 0 })   // not a trivially zero network
    }
}
