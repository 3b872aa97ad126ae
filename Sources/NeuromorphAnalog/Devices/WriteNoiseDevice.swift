import NeuromorphCore

/// Read-visible write noise (aihwkit 1.1 `PulsedDevice.write_noise_std`,
/// `PulsedRPUDevice::applyUpdateWriteNoise` and the devices' `update_once`): every device keeps
/// a hidden (persistent) weight that the pulses update, and the weight that forward, backward
/// and transfer reads see differs from it by noise drawn anew whenever the device is written:
///
/// ```
/// w_apparent,ij = w_ij + σ_w · dw_min · ξ        ξ ~ N(0, 1)
/// ```
///
/// - redrawn for a device after each update that gives it at least one pulse (aihwkit
///   redraws it in the pulse loop, so only the last draw of an update is visible);
/// - redrawn for every device after decay, diffusion and a reset, and after ``setWeights(_:)``
///   when `apply_write_noise_on_set` (aihwkit's default `True`);
/// - the hidden weight stays within the device's bounds; the apparent one is not clipped.
///
/// Any device model can be wrapped (``WriteNoiseDevice``); a `pulsed: {write_noise_std: σ}`
/// key or a preset with write noise (`reram_es`, `reram_sb`) wraps the registered device.
public struct WriteNoiseDevice<Base: PulsedDeviceConfiguration>: PulsedDeviceConfiguration {
    /// The device model whose weights are the hidden (persistent) ones.
    public var base: Base
    /// `σ_w`: the write noise in units of `dw_min` (aihwkit `write_noise_std`; 0: none).
    public var writeNoiseStd: Float
    /// Whether ``PulsedDeviceArray/setWeights(_:)`` also draws write noise (aihwkit
    /// `apply_write_noise_on_set`, default `true`).
    public var applyWriteNoiseOnSet: Bool

    public init(base: Base, writeNoiseStd: Float, applyWriteNoiseOnSet: Bool = true) {
        self.base = base
        self.writeNoiseStd = writeNoiseStd
        self.applyWriteNoiseOnSet = applyWriteNoiseOnSet
    }

    public var nominalStep: Float { base.nominalStep }

    public func makeArray(rows: Int, columns: Int, generator: inout SeededGenerator) throws -> WriteNoiseDeviceArray<Base.DeviceArray> {
        guard writeNoiseStd.isFinite, writeNoiseStd >= 0 else {
            throw DeviceParameterError(device: "\(Base.self)", parameter: "write_noise_std",
                                       "must be ≥ 0 (in units of dw_min), got \(writeNoiseStd)")
        }
        let devices = try base.makeArray(rows: rows, columns: columns, generator: &generator)
        return WriteNoiseDeviceArray(base: devices, noiseStd: writeNoiseStd * base.nominalStep,
                                     applyOnSet: applyWriteNoiseOnSet, generator: SeededGenerator(seed: generator.next()))
    }
}

/// The devices of ``WriteNoiseDevice``: the base array holds the hidden weights; the
/// apparent ones are computed on read.
///
/// The noise of device `k` after its `n`-th write is a pure function of the array's
/// `noiseSeed`, `k` and `n` (a SplitMix64 hash fed to the Ziggurat), so a write costs one
/// counter increment and only the devices actually read draw noise: the per-sample fast
/// arrays of Tiki-Taka and TTv2 are written by every sample and read one column per sample.
/// Each draw is N(0, 1) and independent of every other (distinct keys), as aihwkit's fresh
/// draw per write; only the random numbers differ from drawing at write time.
public struct WriteNoiseDeviceArray<Base: PulsedDeviceArray>: PulsedDeviceArray {
    /// The devices with their hidden (persistent) weights (aihwkit `w_persistent_`).
    public internal(set) var base: Base
    /// `σ_w · dw_min`, in weight units.
    public let noiseStd: Float
    public let applyOnSet: Bool
    /// Writes of each device that draw new noise; 0: no noise (never written, or set
    /// without `apply_write_noise_on_set`).
    var writes: [UInt32]
    /// The key of the noise draws; changed when the counts restart, so no key repeats.
    var noiseSeed: UInt64
    /// The apparent-minus-hidden offsets of a checkpoint written by an older Neuromorph (which
    /// drew the noise at write time), used for devices not written since it was loaded;
    /// empty otherwise.
    var legacyOffsets: [Float] = []
    /// The offsets the last ``readWeights(into:)`` computed (not part of the value).
    var offsetCache = WriteNoiseOffsetCache()

    init(base: Base, noiseStd: Float, applyOnSet: Bool, generator: SeededGenerator) {
        var keys = generator
        self.base = base
        self.noiseStd = noiseStd
        self.applyOnSet = applyOnSet
        noiseSeed = keys.next()
        writes = [UInt32](repeating: 0, count: base.rows * base.columns)
        if applyOnSet { redrawAll() }
    }

    public var rows: Int { base.rows }
    public var columns: Int { base.columns }

    /// `σ_w · dw_min · ξ(k, n)` of device `k` after its `writes[k]`-th write.
    @inline(__always)
    func offset(_ k: Int, writes n: UInt32, normals: Ziggurat.Sampler) -> Float {
        guard n > 0 else { return legacyOffsets.isEmpty ? 0 : legacyOffsets[k] }
        return Self.noise(seed: noiseSeed, device: k, writes: n, std: noiseStd, normals: normals)
    }

    /// `σ_w · dw_min · ξ(k, n)` for `n > 0` writes under the key `seed`.
    @inline(__always)
    static func noise(seed: UInt64, device k: Int, writes n: UInt32, std: Float, normals: Ziggurat.Sampler) -> Float {
        let key = SplitMix64.mix(seed ^ SplitMix64.mix(UInt64(truncatingIfNeeded: k) << 32 | UInt64(n)))
        return std * normals.next(key: key)
    }

    /// The apparent weights every read sees: hidden + write noise.
    public var weights: [Float] {
        let hidden = base.weights, normals = Ziggurat.Sampler()
        return [Float](unsafeUninitializedCapacity: hidden.count) { out, count in
            writes.withUnsafeBufferPointer { n in
                for k in 0..<hidden.count { out[k] = hidden[k] + offset(k, writes: n[k], normals: normals) }
            }
            count = hidden.count
        }
    }

    public func weight(at index: Int) -> Float {
        base.weight(at: index) + offset(index, writes: writes[index], normals: Ziggurat.Sampler())
    }

    /// ``weights`` for the crossbar's refresh, recomputing the noise only of devices written
    /// since the previous call (the offset is a function of the key, the device and its write
    /// count; arrays whose transfers write a few rows or columns per batch skip the rest).
    public mutating func readWeights(into destination: UnsafeMutableBufferPointer<Float>) {
        base.readWeights(into: destination)
        let count = writes.count
        guard legacyOffsets.isEmpty else {
            let normals = Ziggurat.Sampler()
            for k in 0..<count { destination[k] += offset(k, writes: writes[k], normals: normals) }
            return
        }
        var cache = offsetCache
        offsetCache = WriteNoiseOffsetCache()          // (the local copy stays unique)
        if cache.seed != noiseSeed || cache.offsets.count != count {
            // Write count 0 has offset 0 (no legacy offsets), so an empty cache starts there.
            cache = WriteNoiseOffsetCache(seed: noiseSeed, offsets: [Float](repeating: 0, count: count),
                                          writes: [UInt32](repeating: 0, count: count))
        }
        defer { offsetCache = cache }
        let normals = Ziggurat.Sampler(), seed = noiseSeed, std = noiseStd
        writes.withUnsafeBufferPointer { n in
            cache.offsets.withUnsafeMutableBufferPointer { offsets in
                cache.writes.withUnsafeMutableBufferPointer { cached in
                    for k in 0..<count {
                        if cached[k] != n[k] {
                            // n > 0 here (the cache starts at 0 and counts only grow)
                            offsets[k] = n[k] == 0 ? 0 : Self.noise(seed: seed, device: k, writes: n[k], std: std, normals: normals)
                            cached[k] = n[k]
                        }
                        destination[k] += offsets[k]
                    }
                }
            }
        }
    }

    /// Every device is written (decay, diffusion, reset, set): new noise for all.
    mutating func redrawAll() {
        writes.withUnsafeMutableBufferPointer { n in
            for k in n.indices { n[k] &+= 1 }
        }
    }

    public mutating func applyPulses(at index: Int, count: Int, up: Bool, generator: inout SeededGenerator) {
        guard count > 0 else { return }
        base.applyPulses(at: index, count: count, up: up, generator: &generator)
        writes[index] &+= 1
    }

    public mutating func applyRowPulses(base offset: Int, columns: UnsafePointer<Int32>, counts: UnsafePointer<UInt8>,
                                        up: UnsafePointer<Bool>, n: Int, generator: inout SeededGenerator) {
        base.applyRowPulses(base: offset, columns: columns, counts: counts, up: up, n: n, generator: &generator)
        writes.withUnsafeMutableBufferPointer { written in
            for k in 0..<n where counts[k] > 0 { written[offset + Int(columns[k])] &+= 1 }
        }
    }

    public var acceptsTrainBatches: Bool { base.acceptsTrainBatches }

    /// Forwards the batch to the base with this array's write counters (one write per update
    /// that gives a device at least one pulse, as ``applyRowPulses(base:columns:counts:up:n:generator:)``).
    public mutating func applyTrainBatch(_ batch: PulseTrainBatch, generator: inout SeededGenerator) {
        guard base.acceptsTrainBatches else {
            applyTrainBatchRowByRow(batch, generator: &generator)
            return
        }
        let readCount = batch.readColumns == nil ? 0 : batch.samples * batch.rows
        var readWrites = [UInt32](repeating: 0, count: readCount)
        writes.withUnsafeMutableBufferPointer { written in
            readWrites.withUnsafeMutableBufferPointer { readWritten in
                var forwarded = batch
                forwarded.writeCounts = written.baseAddress
                forwarded.readWrites = readCount > 0 ? readWritten.baseAddress : nil
                base.applyTrainBatch(forwarded, generator: &generator)
            }
        }
        // Reads see hidden + the noise of the device's write count at that point.
        guard let reads = batch.readColumns, let out = batch.readWeights else { return }
        let normals = Ziggurat.Sampler()
        for b in 0..<batch.samples where reads[b] >= 0 {
            let column = Int(reads[b])
            for i in 0..<batch.rows {
                let slot = b * batch.rows + i
                out[slot] += offset(i * batch.columns + column, writes: readWrites[slot], normals: normals)
            }
        }
    }

    public func expectedStep(at index: Int, up: Bool) -> Float { base.expectedStep(at: index, up: up) }

    public mutating func setWeights(_ targets: [Float]) {
        base.setWeights(targets)
        if applyOnSet {
            redrawAll()
        } else {
            writes = [UInt32](repeating: 0, count: writes.count)
            legacyOffsets = []
            noiseSeed = SplitMix64.mix(noiseSeed &+ 1)
        }
    }

    /// The base's parameters and `persistent_weights` (aihwkit's hidden-parameter name).
    public var sampledParameters: [String: [Float]] {
        var result = base.sampledParameters
        result["persistent_weights"] = base.weights
        return result
    }

    public var hasSlowDynamics: Bool { base.hasSlowDynamics }

    public mutating func decayWeights(alpha: Float) {
        base.decayWeights(alpha: alpha)
        redrawAll()
    }

    public mutating func diffuseWeights(generator: inout SeededGenerator) {
        base.diffuseWeights(generator: &generator)
        redrawAll()
    }

    public mutating func resetDevices(at indices: [Int], generator: inout SeededGenerator) {
        base.resetDevices(at: indices, generator: &generator)
        redrawAll()
    }
}

extension WriteNoiseDeviceArray {
    enum CodingKeys: String, CodingKey {
        case base, noiseStd, applyOnSet, writes, noiseSeed, legacyOffsets
        /// The older format: the apparent weights and the generator of the set/decay draws.
        case weights, generator
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        base = try c.decode(Base.self, forKey: .base)
        noiseStd = try c.decode(Float.self, forKey: .noiseStd)
        applyOnSet = try c.decode(Bool.self, forKey: .applyOnSet)
        if let writes = try c.decodeIfPresent([UInt32].self, forKey: .writes) {
            self.writes = writes
            noiseSeed = try c.decode(UInt64.self, forKey: .noiseSeed)
            legacyOffsets = try c.decodeIfPresent([Float].self, forKey: .legacyOffsets) ?? []
        } else {
            // Written before the noise was computed on read: keep its apparent weights.
            let apparent = try c.decode([Float].self, forKey: .weights)
            var generator = try c.decode(SeededGenerator.self, forKey: .generator)
            let hidden = base.weights
            guard apparent.count == hidden.count else {
                throw DecodingError.dataCorruptedError(forKey: .weights, in: c,
                    debugDescription: "\(apparent.count) apparent weights for \(hidden.count) devices")
            }
            legacyOffsets = zip(apparent, hidden).map { $0 - $1 }
            writes = [UInt32](repeating: 0, count: hidden.count)
            noiseSeed = generator.next()
        }
        guard writes.count == base.rows * base.columns, legacyOffsets.isEmpty || legacyOffsets.count == writes.count else {
            throw DecodingError.dataCorruptedError(forKey: .writes, in: c,
                debugDescription: "\(writes.count) write counts for a \(base.rows)×\(base.columns) array")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(base, forKey: .base)
        try c.encode(noiseStd, forKey: .noiseStd)
        try c.encode(applyOnSet, forKey: .applyOnSet)
        try c.encode(writes, forKey: .writes)
        try c.encode(noiseSeed, forKey: .noiseSeed)
        if !legacyOffsets.isEmpty { try c.encode(legacyOffsets, forKey: .legacyOffsets) }
    }
}

extension WriteNoiseDeviceArray: SymmetryPointDeviceArray where Base: SymmetryPointDeviceArray {
    public var symmetryPoints: [Float] { base.symmetryPoints }

    public mutating func reset(generator: inout SeededGenerator) {
        base.reset(generator: &generator)
        redrawAll()
    }
}

extension WriteNoiseDeviceArray: Equatable where Base: Equatable {}

/// The write-noise offsets a ``WriteNoiseDeviceArray`` last computed, per device with the
/// write count they belong to, under the key `seed`. A cache, not part of the array's value:
/// every cache compares equal and none is encoded.
struct WriteNoiseOffsetCache: Sendable, Equatable {
    var seed: UInt64 = 0
    var offsets: [Float] = []
    var writes: [UInt32] = []

    static func == (_: Self, _: Self) -> Bool { true }
}
