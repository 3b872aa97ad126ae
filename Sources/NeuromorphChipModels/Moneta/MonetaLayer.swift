/// One convolutional layer of MONETA's CIFAR ConvSNN, in the Eyeriss notation the paper
/// uses (Kim et al. 2022, Table 1; digest §3.5).
///
/// The output grid `(I_R/S) × (I_C/S)` and input depth `I_D` are inferred from the
/// frame rates (32×32×3 input, effective stride 2 per layer: 32 → 16 → 8 → 4 → 2).
public struct MonetaLayer: Sendable, Hashable {
    /// Layer name, e.g. "CONV1".
    public let name: String
    /// Output rows `I_R / S`.
    public let outputRows: Int
    /// Output columns `I_C / S`.
    public let outputColumns: Int
    /// Input depth `I_D` (rows read sequentially by the PIM array).
    public let inputDepth: Int
    /// Filter rows `F_R` (3).
    public let filterRows: Int
    /// Filter columns `F_C` (3).
    public let filterColumns: Int
    /// Number of filters `O_D`.
    public let filters: Int

    public init(name: String, outputRows: Int, outputColumns: Int, inputDepth: Int,
                filterRows: Int = 3, filterColumns: Int = 3, filters: Int) throws {
        let m = "MonetaLayer(\(name))"
        try Check.positive(outputRows, "outputRows", in: m)
        try Check.positive(outputColumns, "outputColumns", in: m)
        try Check.positive(inputDepth, "inputDepth", in: m)
        try Check.positive(filterRows, "filterRows", in: m)
        try Check.positive(filterColumns, "filterColumns", in: m)
        try Check.positive(filters, "filters", in: m)
        self.init(unchecked: name, outputRows, outputColumns, inputDepth,
                  filterRows, filterColumns, filters)
    }

    init(unchecked name: String, _ outputRows: Int, _ outputColumns: Int, _ inputDepth: Int,
         _ filterRows: Int, _ filterColumns: Int, _ filters: Int) {
        self.name = name
        self.outputRows = outputRows
        self.outputColumns = outputColumns
        self.inputDepth = inputDepth
        self.filterRows = filterRows
        self.filterColumns = filterColumns
        self.filters = filters
    }

    /// Output positions (IFMs) per image: `(I_R/S) · (I_C/S)`.
    public var outputPositions: Int { outputRows * outputColumns }

    /// Weight storage in bits: `F_R · F_C · I_D · O_D · bitsPerWeight`
    /// (CONV4: 3·3·128·128·8 = 1,179,648 = the chip's 1,152 Kb).
    public func weightBits(bitsPerWeight: Int) -> Int {
        filterRows * filterColumns * inputDepth * filters * bitsPerWeight
    }

    // MARK: - Presets (Table 1, inferred geometry)

    /// CONV1: 16×16 outputs, I_D = 3, 64 filters.
    public static let conv1 = MonetaLayer(unchecked: "CONV1", 16, 16, 3, 3, 3, 64)
    /// CONV2: 8×8 outputs, I_D = 64, 64 filters.
    public static let conv2 = MonetaLayer(unchecked: "CONV2", 8, 8, 64, 3, 3, 64)
    /// CONV3: 4×4 outputs, I_D = 64, 128 filters.
    public static let conv3 = MonetaLayer(unchecked: "CONV3", 4, 4, 64, 3, 3, 128)
    /// CONV4: 2×2 outputs, I_D = 128, 128 filters.
    public static let conv4 = MonetaLayer(unchecked: "CONV4", 2, 2, 128, 3, 3, 128)

    /// CONV1–CONV4 in order.
    public static let cifarNetwork: [MonetaLayer] = [conv1, conv2, conv3, conv4]

    /// CONV4's output spike rate in learning mode (0.0028; digest §3.6).
    public static let conv4OutputSpikeRate = 0.0028
}
