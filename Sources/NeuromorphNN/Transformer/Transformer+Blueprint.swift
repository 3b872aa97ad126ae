import NeuromorphCore

/// `{type: transformer, out: 10, dim: 64, heads: 4, mlp: 128, blocks: 2, patch: 0,
/// attention_bits: 8}`: a transformer-encoder classifier over image rows (`patch: 0`) or
/// `patch × patch` patches (Spoon et al. 2021 §7 at a 2-core size). Every fully connected
/// layer inside it (patch embedding, Q/K/V/O, MLP, head) comes from the hardware's weight
/// layers, so under `hardware.analog` all of them run on crossbar tiles.
///
/// Sizes are validated after the defaults are applied (`dim` 64, `heads` 4, `mlp` 128,
/// `blocks` 2, `out` 10), so `{heads: 3}` alone is rejected because 3 does not divide 64.
public struct TransformerBlueprint: LayerBlueprint, Equatable {
    public static let type = "transformer"
    public var out: Int?
    public var dim: Int?
    public var heads: Int?
    public var mlp: Int?
    public var blocks: Int?
    public var patch: Int?
    public var attentionBits: Int?

    public init(out: Int? = nil, dim: Int? = nil, heads: Int? = nil, mlp: Int? = nil, blocks: Int? = nil,
                patch: Int? = nil, attentionBits: Int? = nil) {
        self.out = out
        self.dim = dim
        self.heads = heads
        self.mlp = mlp
        self.blocks = blocks
        self.patch = patch
        self.attentionBits = attentionBits
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case out, dim, heads, mlp, blocks, patch, attentionBits = "attention_bits"
    }

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(decoder, CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        out = try c.positiveIfPresent(.out)
        dim = try c.positiveIfPresent(.dim)
        heads = try c.positiveIfPresent(.heads)
        mlp = try c.positiveIfPresent(.mlp)
        blocks = try c.positiveIfPresent(.blocks)
        patch = try c.decodeCheckedIfPresent(Int.self, forKey: .patch, "0 (rows) or a patch size") { $0 >= 0 }
        attentionBits = try c.decodeCheckedIfPresent(Int.self, forKey: .attentionBits, "bits in 2...16") { (2...16).contains($0) }
        let (d, h) = (dim ?? 64, heads ?? 4)
        if d % h != 0 {
            let key: CodingKeys = c.contains(.heads) ? .heads : .dim
            throw SpecError(path: SpecError.render(c.codingPath + [key]),
                            "\(h) heads do not divide dim \(d)\(dim == nil ? " (the default)" : ""); choose heads that divide dim")
        }
    }

    /// The classifier's configuration for a per-sample input shape.
    func configuration(for input: [Int], context: LayerBuildContext) throws -> TransformerConfiguration {
        let image: (c: Int, h: Int, w: Int)
        switch input.count {
        case 3: image = (input[0], input[1], input[2])
        case 1 where Int(Double(input[0]).squareRoot()) * Int(Double(input[0]).squareRoot()) == input[0]:
            let side = Int(Double(input[0]).squareRoot())
            image = (1, side, side)
        default:
            throw context.error("a transformer needs [channels, height, width] or square flat images, got \(input)")
        }
        let patch = patch ?? 0
        if patch > 0 && (image.h % patch != 0 || image.w % patch != 0) {
            throw context.error("\(patch) does not divide the \(image.h)×\(image.w) image", key: "patch")
        }
        return TransformerConfiguration(
            imageHeight: image.h, imageWidth: image.w, channels: image.c, tokenization: patch > 0 ? .patches(patch) : .rows,
            modelDimension: dim ?? 64, heads: heads ?? 4, mlpDimension: mlp ?? 128,
            blocks: blocks ?? 2, classes: out ?? 10, attentionBits: attentionBits)
    }

    public func outputShape(for input: [Int], context: LayerBuildContext) throws -> [Int] {
        [try configuration(for: input, context: context).classes]
    }

    public func build(for input: [Int], context: inout LayerBuildContext) throws -> any Layer {
        let configuration = try configuration(for: input, context: context)
        let hardware = context.hardware
        // The factory cannot throw: surface the hardware's errors (bad device settings) here,
        // on a scratch stream, before any weight is drawn.
        var scratch = context.stream("validation")
        do { _ = try hardware.linear(1, 1, bias: true, generator: &scratch) } catch let error as SpecError {
            throw error
        } catch {
            throw context.error("\(hardware.name) cannot build the transformer's linear layers: \(error)")
        }
        let factory: LinearFactory = { inputs, outputs, generator in
            do { return try hardware.linear(inputs, outputs, bias: true, generator: &generator) } catch {
                preconditionFailure("\(hardware.name) accepted a 1×1 layer but rejected \(inputs)×\(outputs): \(error)")
            }
        }
        return TransformerClassifier(configuration, generator: &context.generator, linear: factory)
    }
}
