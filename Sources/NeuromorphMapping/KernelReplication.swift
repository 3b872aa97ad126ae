/// Position of one kernel replica's output pixel relative to the replica block's anchor:
/// `row` along H (the stream's fast axis x of Fig. 8), `column` along W (y).
public struct OutputOffset: Sendable, Codable, Hashable {
    public var row: Int
    public var column: Int
    public init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }
}

/// Position of one input pixel relative to the replica block's input anchor.
public struct InputOffset: Sendable, Codable, Hashable, Comparable {
    public var row: Int
    public var column: Int
    public init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }
    /// Column-major stream order (Fig. 8: x fastest, then y).
    public static func < (a: InputOffset, b: InputOffset) -> Bool {
        a.column != b.column ? a.column < b.column : a.row < b.row
    }
}

/// Which output pixels are computed in parallel by `n` replicas of one kernel matrix on one
/// crossbar (the "collective kernel matrix"), Dazzi et al. 2021 §2.2, Figs. 4–6.
///
/// Replicas whose input windows overlap share crossbar rows, so
/// ```
/// rows    = C_in · |⋃_r window(r)|          (each input pixel once per channel)
/// columns = n · C_out
/// ```
/// Method 1 puts the `n` outputs next to each other along one direction, so every replica
/// after the first adds `F·C_in` rows (stride 1): `rows = F·C_in·(F + n − 1)`.
/// Method 2 (Fig. 6) fills rows of at most `ΔW` outputs in raster order; ΔW = 1 is Method 1.
public struct KernelReplication: Sendable, Codable, Hashable {
    /// Output offsets of the replicas; index = replica number.
    public var offsets: [OutputOffset]

    /// Creates a pattern from explicit offsets; throws when empty or duplicated.
    public init(offsets: [OutputOffset]) throws(IMCMappingError) {
        guard !offsets.isEmpty else {
            throw .invalidField(owner: "replication", field: "replicas", value: 0, expected: "at least one replica")
        }
        guard Set(offsets).count == offsets.count else {
            throw .invalidField(owner: "replication", field: "offsets", value: offsets.count, expected: "distinct output offsets")
        }
        guard offsets.allSatisfy({ $0.row >= 0 && $0.column >= 0 }) else {
            throw .invalidField(owner: "replication", field: "offsets", value: -1, expected: "non-negative offsets")
        }
        self.offsets = offsets
    }

    /// Method 1 (Fig. 4): `n` outputs adjacent along H (the stream direction).
    public static func method1(replicas n: Int) throws(IMCMappingError) -> KernelReplication {
        try block(height: n, width: 1)
    }

    /// Method 2 (Figs. 5–6): `n` outputs filling rows of width at most `ΔW` in raster order.
    public static func method2(replicas n: Int, deltaW: Int) throws(IMCMappingError) -> KernelReplication {
        guard n > 0 else {
            throw .invalidField(owner: "replication", field: "replicas", value: n, expected: "a positive integer")
        }
        guard deltaW > 0 else {
            throw .invalidField(owner: "replication", field: "deltaW", value: deltaW, expected: "a positive integer")
        }
        // Rows of ΔW outputs along W; ΔW = 1 degenerates to a column along H (Method 1).
        return try KernelReplication(offsets: (0..<n).map { OutputOffset(row: $0 / deltaW, column: $0 % deltaW) })
    }

    /// A full `height × width` block of outputs (the shape the pipeline simulator tiles with).
    public static func block(height: Int, width: Int) throws(IMCMappingError) -> KernelReplication {
        guard height > 0 else {
            throw .invalidField(owner: "replication", field: "height", value: height, expected: "a positive integer")
        }
        guard width > 0 else {
            throw .invalidField(owner: "replication", field: "width", value: width, expected: "a positive integer")
        }
        var offsets: [OutputOffset] = []
        for c in 0..<width { for r in 0..<height { offsets.append(OutputOffset(row: r, column: c)) } }
        return try KernelReplication(offsets: offsets)
    }

    /// Number of replicas `n` (outputs computed per MVM).
    public var replicas: Int { offsets.count }
    /// Bounding box of the output offsets.
    public var blockHeight: Int { (offsets.map(\.row).max() ?? 0) + 1 }
    public var blockWidth: Int { (offsets.map(\.column).max() ?? 0) + 1 }
    /// True when the offsets fill their bounding box (the pattern tiles an output map).
    public var isRectangular: Bool { blockHeight * blockWidth == replicas }

    // MARK: - Geometry of the collective kernel matrix

    /// The distinct input pixels read by all replicas, in stream order (kernel `F`, stride `s`).
    public func inputUnion(kernel f: Int, stride s: Int) -> [InputOffset] {
        var set = Set<InputOffset>()
        for o in offsets {
            for a in 0..<f { for b in 0..<f { set.insert(InputOffset(row: o.row * s + a, column: o.column * s + b)) } }
        }
        return set.sorted()
    }

    /// Crossbar rows of the collective kernel matrix: `C_in · |union of windows|`.
    public func rows(kernel f: Int, stride s: Int = 1, inChannels: Int) -> Int {
        inChannels * inputUnion(kernel: f, stride: s).count
    }

    /// Crossbar columns of the collective kernel matrix: `n · C_out`.
    public func columns(outChannels: Int) -> Int { replicas * outChannels }

    /// Aspect ratio rows / columns of the collective kernel matrix (Fig. 6A).
    public func aspectRatio(kernel f: Int, stride s: Int = 1, inChannels: Int, outChannels: Int) -> Double {
        Double(rows(kernel: f, stride: s, inChannels: inChannels)) / Double(columns(outChannels: outChannels))
    }

    // MARK: - Closed forms (Eqs. 2–4)

    /// Rows of Method 1 with `n` replicas, stride 1: `F·C_in·(F + n − 1)` (§2.2, Fig. 4).
    public static func method1Rows(replicas n: Int, kernel f: Int, inChannels: Int) -> Int {
        f * inChannels * (f + n - 1)
    }

    /// Eq. 2: aspect ratio of Method 1,
    /// `A(n) = F²·(C_in/C_out)·(1 + (n−1)/F) / (1 + (n−1))`.
    public static func method1AspectRatio(replicas n: Int, kernel f: Int, inChannels: Int, outChannels: Int) -> Double {
        let ff = Double(f)
        let nm1 = Double(n - 1)
        return ff * ff * (Double(inChannels) / Double(outChannels)) * (1 + nm1 / ff) / (1 + nm1)
    }

    /// Eq. 3: the theoretical minimum aspect ratio, reached when every output pixel has its
    /// own replica (`n = H_out·W_out`): `A = (C_in·H_in·W_in) / (C_out·H_out·W_out)`.
    public static func minimumAspectRatio(inChannels: Int, inputHeight: Int, inputWidth: Int,
                                          outChannels: Int, outputHeight: Int, outputWidth: Int) -> Double {
        Double(inChannels * inputHeight * inputWidth) / Double(outChannels * outputHeight * outputWidth)
    }

    /// Eq. 4: device utilisation `u = N·D_K / D_A`, with `D_K = F²·C_in·C_out` devices per
    /// kernel matrix and `D_A` devices per crossbar. Independent of ΔW.
    public static func utilization(replicas n: Int, kernel f: Int, inChannels: Int, outChannels: Int,
                                   crossbar: CrossbarShape) -> Double {
        Double(n * f * f * inChannels * outChannels) / Double(crossbar.devices)
    }

    /// The largest `n` for which `make(n)` fits one crossbar (rows and columns), or 0.
    public static func maxReplicas(fitting crossbar: CrossbarShape, kernel f: Int, stride s: Int = 1,
                                   inChannels: Int, outChannels: Int,
                                   pattern make: (Int) throws(IMCMappingError) -> KernelReplication) throws(IMCMappingError) -> Int {
        guard inChannels > 0, outChannels > 0, f > 0, s > 0 else {
            throw .invalidField(owner: "replication", field: "kernel/stride/channels", value: min(inChannels, outChannels, f, s),
                                expected: "positive integers")
        }
        var best = 0
        var n = 1
        while n * outChannels <= crossbar.columns {
            let p = try make(n)
            if p.rows(kernel: f, stride: s, inChannels: inChannels) <= crossbar.rows { best = n }
            n += 1
        }
        return best
    }
}
