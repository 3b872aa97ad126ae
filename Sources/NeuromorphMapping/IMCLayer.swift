import NeuromorphCore

/// One layer of a CNN to be mapped onto IMC cores, as a user writes it in a layer list.
///
/// Dazzi et al. 2021 §2.1 (Eq. 1) and Table 2: a conv layer maps `H_in·W_in·C_in` to
/// `H_out·W_out·C_out` with an `F×F` kernel, stride `s` and zero padding `P`:
/// ```
/// H_out = (H_in + 2P − F) / s + 1,   W_out = (W_in + 2P − F) / s + 1
/// ```
/// Edges: `source` is the feed-forward producer (`"input"` for the image); `residual`, when
/// set, names the layer whose output the Digital Processor adds after batch normalisation
/// (blue / orange arrows of Fig. 9). A `.resample` layer is the 1×1 strided conv on a residual
/// path (RS1, RS2); a `.fullyConnected` layer waits for its whole input volume, averages it
/// (global average pooling in the Digital Processor) and does one MVM.
public struct IMCLayer: Sendable, Codable, Hashable {
    /// What the layer computes.
    public enum Kind: String, Sendable, Codable, Hashable, CaseIterable {
        /// F×F convolution (the main path).
        case conv
        /// 1×1 (or F×F) strided convolution on a residual path (RS1/RS2 in Table 2).
        case resample
        /// Global average pooling followed by a fully-connected MVM.
        case fullyConnected
    }

    /// Unique layer name (`"1"`, `"RS1"`, `"FC"`, …).
    public var name: String
    public var kind: Kind
    /// Kernel size F (F1 = F2 = F).
    public var kernel: Int
    public var inChannels: Int
    public var outChannels: Int
    public var stride: Int
    public var padding: Int
    public var inputHeight: Int
    public var inputWidth: Int
    /// Feed-forward producer: `"input"` or the name of an earlier layer.
    public var source: String
    /// Layer whose output is added to this layer's output (residual edge), if any.
    public var residual: String?
    /// Output pixels computed per timestep (kernel replicas, `nr_parallel` of Algorithm 1).
    /// `nil` means 1, or the bandwidth-preserving value when the speed-up dataflow is on.
    public var parallelism: Int?
    /// Window (and stride) of a max or average pooling the Digital Processor applies to the
    /// producer's output before this layer reads it (a CNN's 2 × 2 pooling), or `nil` for
    /// none. ``inputHeight`` and ``inputWidth`` are the pooled sizes, `⌊producer / window⌋`;
    /// a pooled pixel is ready when the last producer pixel of its window arrives.
    public var inputPooling: Int?

    public init(name: String, kind: Kind = .conv, kernel: Int, inChannels: Int, outChannels: Int,
                stride: Int = 1, padding: Int = 0, inputHeight: Int, inputWidth: Int,
                source: String, residual: String? = nil, parallelism: Int? = nil, inputPooling: Int? = nil) {
        self.name = name
        self.kind = kind
        self.kernel = kernel
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.stride = stride
        self.padding = padding
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.source = source
        self.residual = residual
        self.parallelism = parallelism
        self.inputPooling = inputPooling
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case name, kind, kernel, inChannels, outChannels, stride, padding, inputHeight, inputWidth
        case source, residual, parallelism, inputPooling
    }

    /// Decodes a layer; `kind` defaults to `conv`, `stride` to 1, `padding` to 0, and
    /// `inputPooling` to none. Unknown keys (a misspelled `residual`) and unknown kinds throw a
    /// `SpecError` naming the key path and the allowed keys or values.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        kind = try c.decodeChoiceIfPresent(Kind.self, forKey: .kind) ?? .conv
        kernel = try c.decode(Int.self, forKey: .kernel)
        inChannels = try c.decode(Int.self, forKey: .inChannels)
        outChannels = try c.decode(Int.self, forKey: .outChannels)
        stride = try c.decodeIfPresent(Int.self, forKey: .stride) ?? 1
        padding = try c.decodeIfPresent(Int.self, forKey: .padding) ?? 0
        inputHeight = try c.decode(Int.self, forKey: .inputHeight)
        inputWidth = try c.decode(Int.self, forKey: .inputWidth)
        source = try c.decode(String.self, forKey: .source)
        residual = try c.decodeIfPresent(String.self, forKey: .residual)
        parallelism = try c.decodeIfPresent(Int.self, forKey: .parallelism)
        inputPooling = try c.decodeIfPresent(Int.self, forKey: .inputPooling)
    }

    /// H_out (1 for a fully-connected layer).
    public var outputHeight: Int {
        kind == .fullyConnected ? 1 : (inputHeight + 2 * padding - kernel) / stride + 1
    }
    /// W_out (1 for a fully-connected layer).
    public var outputWidth: Int {
        kind == .fullyConnected ? 1 : (inputWidth + 2 * padding - kernel) / stride + 1
    }
    /// Rows of the (unreplicated) kernel matrix, `F²·C_in` (Table 2 "#Rows").
    public var kernelMatrixRows: Int { kernel * kernel * inChannels }
    /// Columns of the kernel matrix, `C_out` (Table 2 "#Columns").
    public var kernelMatrixColumns: Int { outChannels }
    /// Bits of one stored input pixel, `bits·C_in` (Table 2 "Pixel size").
    public func pixelBits(activationBits: Int = 8) -> Int { activationBits * inChannels }
}
