/// How pixels are placed in the words of a core's Input Memory SRAM (Dazzi et al. 2021 §2.3).
///
/// A pixel is all `C_in` activations at one (x, y) position, `P = bits·C_in` bits; a word has
/// `WL` bits and one word is accessed per clock cycle.
public enum SRAMLayout: String, Sendable, Codable, Hashable, CaseIterable {
    /// Intra-Word Adjacent Placing: pixels back to back, several may share a word (§2.3.2).
    case iwap
    /// Kernel-Level Interleaved Placing: each kernel-row of F pixels starts a new word (§2.3.3).
    case klip
    /// Pixel-Level Interleaved Placing ("ALIP" in §3.1.2): each pixel starts a new word (§2.3.4).
    case plip

    /// The case-study choice (§3.1.2): IWAP when a pixel is small against the word (layer 1,
    /// 24 b in 128 b words), PLIP otherwise. Neuromorph's threshold: `P < WL/2` → IWAP.
    public static func preferred(pixelBits: Int, wordBits: Int) -> SRAMLayout {
        2 * pixelBits < wordBits ? .iwap : .plip
    }
}

/// Footprint and access cost of storing `pixels` pixels with one ``SRAMLayout`` (Table 1).
///
/// Conventions that reproduce every cycle count and memory size of Table 1 (digest §1.5;
/// the paper does not state them):
/// ```
/// footprint = bits from address 0 to the last occupied bit     (1 KB = 1000 bytes)
/// % empty   = 1 − pixels·P / footprint
/// read      = words spanned by one kernel-row (F consecutive pixels), over all alignments
/// write     = words spanned by one pixel, over all alignments
/// ```
/// Table 1 errata: KLIP N=56, WL=160 prints 1.427 KB (this rule: 1.428); PLIP N=3 prints
/// 82.1 % empty although its own 1.523 KB gives 81.1 %.
public struct SRAMLayoutReport: Sendable, Codable, Hashable {
    public var layout: SRAMLayout
    public var pixels: Int
    public var kernel: Int
    public var pixelBits: Int
    public var wordBits: Int
    public var footprintBits: Int
    /// Smallest and largest number of cycles to read one kernel-row of `kernel` pixels.
    public var readCycles: ClosedRange<Int>
    /// Smallest and largest number of cycles to write one pixel.
    public var writeCycles: ClosedRange<Int>
    /// Reads need bit-slicing at a bit-line index (some kernel-row starts inside a word).
    public var readNeedsBitLineIndex: Bool
    /// Writes need write masks at a bit-line index (some pixel starts inside a word).
    public var writeNeedsBitLineIndex: Bool

    /// Lays out `pixels` pixels (a multiple of `kernel`; the case study stores `H·F`).
    public init(layout: SRAMLayout, pixels: Int, kernel: Int, pixelBits: Int, wordBits: Int) {
        precondition(pixels > 0 && kernel > 0 && pixelBits > 0 && wordBits > 0, "SRAM layout sizes must be positive")
        self.layout = layout
        self.pixels = pixels
        self.kernel = kernel
        self.pixelBits = pixelBits
        self.wordBits = wordBits
        let kernelRows = max(1, pixels / kernel)
        let rowBits = kernel * pixelBits
        func span(_ start: Int, _ length: Int) -> Int { (start + length - 1) / wordBits - start / wordBits + 1 }
        var pixelStarts: [Int]
        var rowStarts: [Int]
        switch layout {
        case .iwap:
            pixelStarts = (0..<pixels).map { $0 * pixelBits }
            rowStarts = (0..<kernelRows).map { $0 * rowBits }
            footprintBits = pixels * pixelBits
        case .klip:
            let unit = (rowBits + wordBits - 1) / wordBits * wordBits
            rowStarts = (0..<kernelRows).map { $0 * unit }
            pixelStarts = rowStarts.flatMap { r in (0..<kernel).map { r + $0 * pixelBits } }
            footprintBits = (kernelRows - 1) * unit + rowBits
        case .plip:
            let unit = (pixelBits + wordBits - 1) / wordBits * wordBits
            pixelStarts = (0..<pixels).map { $0 * unit }
            rowStarts = (0..<kernelRows).map { $0 * kernel * unit }
            footprintBits = (pixels - 1) * unit + pixelBits
        }
        let writes = pixelStarts.map { span($0, pixelBits) }
        let reads: [Int]
        if layout == .plip {
            // The F pixels of a kernel-row are separate words-aligned units.
            reads = rowStarts.map { _ in kernel * span(0, pixelBits) }
        } else {
            reads = rowStarts.map { span($0, rowBits) }
        }
        readCycles = reads.min()!...reads.max()!
        writeCycles = writes.min()!...writes.max()!
        readNeedsBitLineIndex = rowStarts.contains { $0 % wordBits != 0 }
        writeNeedsBitLineIndex = pixelStarts.contains { $0 % wordBits != 0 }
    }

    /// Footprint in KB (1 KB = 1000 bytes, as in Table 1).
    public var footprintKB: Double { Double(footprintBits) / 8000 }
    /// Fraction of the footprint that holds no activation bit (Table 1 "% Empty" / 100).
    public var emptyFraction: Double { 1 - Double(pixels * pixelBits) / Double(footprintBits) }
}

// MARK: - Algorithm 2 (PLIP memory control)

/// Word-address generator of the Input Memory under PLIP (Dazzi et al. 2021, Algorithm 2).
///
/// The memory holds a circular buffer of `F` columns of `H` pixels. A pixel takes
/// `w = ⌈P/WL⌉` words; `Δkernel = F·w` is the distance between two pixels of one column and
/// `Δpix[c] = c·w` the start of column slot `c`. Pixel (x, y) lives at
/// ```
/// addr(x, y) = x·Δkernel + Δpix[y mod F]
/// ```
/// `store` follows lines 1–7 with the pointer read after its update (a new column restarts at
/// `Δpix[(y+1) mod F]`, as in the Fig. 8 walk-through). `read` follows lines 8–18 with the
/// erratum of line 17 corrected to `addr_r_0 += Δkernel`.
public struct PLIPAddressGenerator: Sendable, Hashable {
    public let height: Int
    public let kernel: Int
    public let wordsPerPixel: Int
    /// Next write address (`addr_w_0`).
    public private(set) var writeAddress = 0
    /// Start of the next kernel-row to read (`addr_r_0`).
    public private(set) var readAddress = 0

    public init(height: Int, kernel: Int, wordsPerPixel: Int) {
        precondition(height > 0 && kernel > 0 && wordsPerPixel > 0, "address generator sizes must be positive")
        self.height = height
        self.kernel = kernel
        self.wordsPerPixel = wordsPerPixel
    }

    /// Words per kernel-row of F pixels.
    public var deltaKernel: Int { kernel * wordsPerPixel }
    /// Start word of each of the F column slots.
    public var deltaPix: [Int] { (0..<kernel).map { $0 * wordsPerPixel } }

    /// Stores pixel (x, y) of the stream; returns the first word written.
    public mutating func store(x: Int, y: Int) -> Int {
        let address = writeAddress
        if x == height - 1 {
            writeAddress = deltaPix[(y + 1) % kernel]
        } else {
            writeAddress += deltaKernel
        }
        return address
    }

    /// Reads the kernel-row at the current `addr_r_0` for a window whose last column is `y`;
    /// returns the first word of each of the F pixels, oldest column first. `endOfColumn`
    /// resets `addr_r_0` to `Δpix[0]` for the next window column.
    public mutating func readKernelRow(lastColumn y: Int, endOfColumn: Bool = false) -> [Int] {
        let addresses = (1...kernel).map { readAddress + deltaPix[(y + $0) % kernel] }
        readAddress = endOfColumn ? deltaPix[0] : readAddress + deltaKernel
        return addresses
    }
}
