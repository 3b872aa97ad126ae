import NeuromorphCore

/// `{type: pool, kind: max, window: 2, stride: 2}`: max or average pooling (``Pool2d``);
/// the stride defaults to the window.
public struct PoolBlueprint: LayerBlueprint, Equatable {
    public static let type = "pool"
    public var kind: PoolingKind?
    public var window: Int
    public var stride: Int?

    public init(kind: PoolingKind? = nil, window: Int, stride: Int? = nil) {
        self.kind = kind
        self.window = window
        self.stride = stride
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case kind, window, stride }

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(decoder, CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decodeChoiceIfPresent(PoolingKind.self, forKey: .kind)
        window = try c.requiredPositive(.window, layer: Self.type, "'window' (pooling window)")
        stride = try c.positiveIfPresent(.stride)
    }

    var layer: Pool2d { Pool2d(kind ?? .max, window: window, stride: stride) }

    public func outputShape(for input: [Int], context: LayerBuildContext) throws -> [Int] {
        let image = try context.image(input, "pooling")
        let pooling = layer.pooling
        guard image.h >= pooling.window, image.w >= pooling.window else {
            throw context.error("window \(pooling.window) is larger than the \(image.h)×\(image.w) input")
        }
        return [image.c, pooling.outputExtent(image.h), pooling.outputExtent(image.w)]
    }

    public func build(for input: [Int], context: inout LayerBuildContext) throws -> any Layer {
        _ = try outputShape(for: input, context: context)
        return layer
    }
}

/// `{type: flatten}`: `[N, …]` → `[N, features]` (``Flatten``).
public struct FlattenBlueprint: LayerBlueprint, Equatable {
    public static let type = "flatten"
    public init() {}

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(decoder, [])
    }

    public func encode(to encoder: any Encoder) throws {}

    public func outputShape(for input: [Int], context: LayerBuildContext) throws -> [Int] { [input.reduce(1, *)] }

    public func build(for input: [Int], context: inout LayerBuildContext) throws -> any Layer { Flatten() }
}

/// `{type: dropout, rate: 0.2}`: inverted dropout (``Dropout``) with its own mask stream
/// (`model/layers.<i>/dropout`).
public struct DropoutBlueprint: LayerBlueprint, Equatable {
    public static let type = "dropout"
    public var rate: Double

    public init(rate: Double) { self.rate = rate }

    enum CodingKeys: String, CodingKey, CaseIterable { case rate }

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(decoder, CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.contains(.rate) else {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.rate]), "missing; a dropout layer needs 'rate'")
        }
        rate = try c.decodeChecked(Double.self, forKey: .rate, "a rate in [0, 1)") { $0 >= 0 && $0 < 1 }
    }

    public func outputShape(for input: [Int], context: LayerBuildContext) throws -> [Int] { input }

    public func build(for input: [Int], context: inout LayerBuildContext) throws -> any Layer {
        Dropout(rate: Float(rate), generator: context.stream("dropout"))
    }
}
