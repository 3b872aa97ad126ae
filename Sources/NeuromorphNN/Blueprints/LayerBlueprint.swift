import Foundation
import NeuromorphCore

/// One layer of a model description as a user writes it (`{type: linear, out: 256}`): its
/// settings, decoded strictly (unknown keys and bad values throw a `SpecError` naming the
/// key path), its output-shape rule and its builder.
///
/// Each layer kind declares its blueprint next to the layer (`Linear+Blueprint.swift`) and
/// one line in ``LayerRegistry/standard``; nothing else changes to add a layer kind. The
/// decoder of a blueprint sees the whole `{type: …, …}` mapping and must accept `type`.
public protocol LayerBlueprint: Codable, Sendable {
    /// The spec key, the value of `type:`.
    static var type: String { get }
    /// The per-sample output shape for a per-sample `input` shape; throws a `SpecError`
    /// at `context.path` when the layer cannot take that input.
    func outputShape(for input: [Int], context: LayerBuildContext) throws -> [Int]
    /// Builds the layer for a per-sample `input` shape, drawing initial weights from
    /// `context.generator` and building fully connected and convolution layers through
    /// `context.hardware`.
    func build(for input: [Int], context: inout LayerBuildContext) throws -> any Layer
}

/// What a blueprint builds with: where it is in the spec, its random stream and the
/// hardware its weight layers run on.
public struct LayerBuildContext {
    /// The spec key path of the layer, e.g. `model.layers[3]`, for error messages.
    public var path: String
    /// The layer's index in `model.layers`.
    public var index: Int
    /// The layer's own initialization stream (`model/layers.<index>/init` of the model seed).
    public var generator: SeededGenerator
    /// The model seed, for layers that keep random streams of their own (dropout masks).
    public var seed: UInt64
    /// How fully connected and convolution layers are made: digital by default; a hardware
    /// section substitutes crossbar layers.
    public var hardware: any WeightLayerFactory
    /// The value counts of the data's categorical input fields (users, items of a ratings
    /// set), when the data set has them.
    public var inputFields: [Int]?

    public init(path: String, index: Int, seed: UInt64, hardware: any WeightLayerFactory = DigitalWeightLayers(),
                inputFields: [Int]? = nil) {
        self.path = path
        self.index = index
        self.seed = seed
        self.inputFields = inputFields
        self.generator = SeededGenerator(seed: seed, key: StreamKey("model", "layers.\(index)", "init"))
        self.hardware = hardware
    }

    /// A named random stream of this layer (`model/layers.<index>/<role>`).
    public func stream(_ role: String) -> SeededGenerator {
        SeededGenerator(seed: seed, key: StreamKey("model", "layers.\(index)", role))
    }

    /// A `SpecError` at this layer's path (or a key below it).
    public func error(_ message: String, key: String? = nil) -> SpecError {
        SpecError(path: key.map { "\(path).\($0)" } ?? path, message)
    }
}

/// Makes the weight layers of a model: digital ``Linear``/``Conv2d`` or their crossbar
/// counterparts. Blueprints ask it instead of constructing weight layers themselves, so a
/// hardware section puts every fully connected layer (including those inside a
/// transformer) on its substrate, never silently digital.
public protocol WeightLayerFactory: Sendable {
    /// A description for summaries and errors (`digital`, `hardware.analog`).
    var name: String { get }
    func linear(_ inputs: Int, _ outputs: Int, bias: Bool, generator: inout SeededGenerator) throws -> any Layer
    func conv(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int, padding: Int, bias: Bool,
              generator: inout SeededGenerator) throws -> any Layer
}

/// Digital floating-point weight layers (PyTorch's initialization).
public struct DigitalWeightLayers: WeightLayerFactory {
    public init() {}
    public var name: String { "digital" }

    public func linear(_ inputs: Int, _ outputs: Int, bias: Bool, generator: inout SeededGenerator) throws -> any Layer {
        Linear(inputs, outputs, bias: bias, generator: &generator)
    }

    public func conv(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int, padding: Int, bias: Bool,
                     generator: inout SeededGenerator) throws -> any Layer {
        Conv2d(inChannels, outChannels, kernelSize: kernel, stride: stride, padding: padding, bias: bias, generator: &generator)
    }
}

/// The layer kinds a model spec can name, by their `type:` key.
public enum LayerRegistry {
    /// Every built-in kind. Adding a layer kind: write its blueprint next to the layer and
    /// add it here.
    public static let standard: [any LayerBlueprint.Type] = [
        LinearBlueprint.self, Conv2dBlueprint.self, PoolBlueprint.self, FlattenBlueprint.self, DropoutBlueprint.self,
        ActivationBlueprint.self, LogSoftmaxBlueprint.self, TransformerBlueprint.self, FactorizationMachineBlueprint.self,
        ResidualBlueprint.self, LayerNormBlueprint.self, GELUBlueprint.self, ConcatBlueprint.self,
    ]

    /// The kinds by key.
    public static let byType: [String: any LayerBlueprint.Type] =
        Dictionary(standard.map { ($0.type, $0) }, uniquingKeysWith: { first, _ in first })

    /// The keys, sorted, for error messages.
    public static var types: [String] { standard.map { $0.type } }
}

/// A layer entry of a model spec: any registered blueprint, decoded by its `type:`.
public struct LayerSpec: Codable, Sendable, Equatable {
    public var blueprint: any LayerBlueprint

    public init(_ blueprint: any LayerBlueprint) { self.blueprint = blueprint }

    /// The `type:` key.
    public var type: String { Swift.type(of: blueprint).type }

    enum TypeKey: String, CodingKey { case type }

    public init(from decoder: any Decoder) throws {
        let kind = try decoder.registeredKind(key: "type", in: LayerRegistry.byType, listing: LayerRegistry.types)
        blueprint = try kind.init(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: TypeKey.self)
        try c.encode(type, forKey: .type)
        try blueprint.encode(to: encoder)
    }

    public static func == (a: LayerSpec, b: LayerSpec) -> Bool {
        func equal<T: LayerBlueprint>(_ x: T, _ y: any LayerBlueprint) -> Bool {
            guard let y = y as? T else { return false }
            return x.encodedForComparison == y.encodedForComparison
        }
        return equal(a.blueprint, b.blueprint)
    }
}

extension LayerBlueprint {
    /// A canonical encoding for equality (blueprints are plain settings).
    var encodedForComparison: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).flatMap { String(data: $0, encoding: .utf8) } ?? ""
    }

    /// Rejects keys other than `type` and `allowed`, naming the key path.
    static func rejectUnknownKeys(_ decoder: any Decoder, _ allowed: [String]) throws {
        try decoder.rejectUnknownKeys(allowed: ["type"] + allowed)
    }
}

extension Decoder {
    /// The registry entry named by this mapping's `key` (`type:`, `kind:`); a missing key or
    /// an unknown name throws a `SpecError` listing the registered names.
    func registeredKind<Kind>(key: String, in registry: [String: Kind], listing names: [String]) throws -> Kind {
        let c = try container(keyedBy: AnyKey.self)
        let codingKey = AnyKey(stringValue: key)
        guard c.contains(codingKey) else {
            throw SpecError(path: SpecError.render(c.codingPath + [codingKey]), "missing; expected one of: \(names.joined(separator: ", "))")
        }
        let raw = try c.decode(String.self, forKey: codingKey)
        guard let kind = registry[raw] else {
            throw SpecError(path: SpecError.render(c.codingPath + [codingKey]),
                            "'\(raw)' is not allowed; expected one of: \(names.joined(separator: ", "))")
        }
        return kind
    }
}

/// The ordinary shape checks of blueprints.
extension LayerBuildContext {
    /// The single size of a flat input, or an error saying what to add.
    func flatSize(_ input: [Int], _ what: String) throws -> Int {
        guard input.count == 1 else {
            throw error("\(what) needs a flat input but receives \(input); add {type: flatten} before it")
        }
        return input[0]
    }

    /// `[channels, height, width]` of an image input, or an error.
    func image(_ input: [Int], _ what: String) throws -> (c: Int, h: Int, w: Int) {
        guard input.count == 3 else {
            throw error("\(what) needs [channels, height, width] input but receives \(input); set model.input_shape, e.g. [1, 28, 28]")
        }
        return (input[0], input[1], input[2])
    }
}
