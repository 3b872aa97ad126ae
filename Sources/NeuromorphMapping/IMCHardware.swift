/// Hardware and dataflow parameters of an IMC accelerator (Dazzi et al. 2021 §3.1), with the
/// case-study values as defaults. A value you can print, save and diff.
public struct IMCHardware: Sendable, Codable, Hashable {
    /// Crossbar of every core [256×256].
    public var crossbar: CrossbarShape
    /// Bits per activation [8] (8-bit int I/O).
    public var activationBits: Int
    /// Input-memory SRAM word length WL in bits [128].
    public var sramWordBits: Int
    /// Input-memory SRAM word depth [512] (128 b × 512 = 8 KB).
    public var sramWords: Int
    /// Columns of the core placement grid [8]; rows are derived (8×6 for ResNet-32).
    public var gridColumns: Int
    /// Duration of one pipeline timestep in seconds [100 ns].
    public var timestepSeconds: Double
    /// Timesteps between the MVM that produces a pixel and the MVM of the consumer that may
    /// use it [1]: a pixel computed in timestep t is delivered at the end of t (Fig. 2) and
    /// stored and consumed in t + 1 (Algorithm 1 stores, then checks `conditions_to_compute`).
    public var linkDelayTimesteps: Int
    /// Extra timesteps of a row-split layer (Eq. 5): the partial sums travel to the
    /// accumulating core, which adds them and does BN/ReLU one timestep later [1].
    public var partialSumHopTimesteps: Int

    public init(crossbar: CrossbarShape = .dazzi256, activationBits: Int = 8, sramWordBits: Int = 128,
                sramWords: Int = 512, gridColumns: Int = 8, timestepSeconds: Double = 100e-9,
                linkDelayTimesteps: Int = 1, partialSumHopTimesteps: Int = 1) {
        self.crossbar = crossbar
        self.activationBits = activationBits
        self.sramWordBits = sramWordBits
        self.sramWords = sramWords
        self.gridColumns = gridColumns
        self.timestepSeconds = timestepSeconds
        self.linkDelayTimesteps = linkDelayTimesteps
        self.partialSumHopTimesteps = partialSumHopTimesteps
    }

    /// Checks every field; throws naming the field.
    public func validate() throws(IMCMappingError) {
        func positive(_ f: String, _ v: Int) throws(IMCMappingError) {
            guard v > 0 else { throw .invalidField(owner: "hardware", field: f, value: v, expected: "a positive integer") }
        }
        try positive("crossbar.rows", crossbar.rows)
        try positive("crossbar.columns", crossbar.columns)
        try positive("activationBits", activationBits)
        try positive("sramWordBits", sramWordBits)
        try positive("sramWords", sramWords)
        try positive("gridColumns", gridColumns)
        guard linkDelayTimesteps >= 0 else {
            throw .invalidField(owner: "hardware", field: "linkDelayTimesteps", value: linkDelayTimesteps, expected: "an integer >= 0")
        }
        guard partialSumHopTimesteps >= 0 else {
            throw .invalidField(owner: "hardware", field: "partialSumHopTimesteps", value: partialSumHopTimesteps, expected: "an integer >= 0")
        }
        guard timestepSeconds > 0, timestepSeconds.isFinite else {
            throw .unparsable(field: "timestepSeconds", value: "\(timestepSeconds)", expected: "a positive finite number of seconds")
        }
    }

    /// Eq. 7: link bandwidth in bit/s needed to deliver one pixel of `C_out^max` channels per
    /// timestep, `B = n_bits · C_out^max / T_timestep`.
    public func linkBandwidth(maxOutChannels: Int) -> Double {
        Double(activationBits * maxOutChannels) / timestepSeconds
    }
}
