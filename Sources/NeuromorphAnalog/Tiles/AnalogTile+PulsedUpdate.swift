import NeuromorphCore

extension AnalogTile {
    /// Pulse-train length and row/column gains for one sample (see ``PulsedUpdateParameters``).
    struct TrainGains {
        var bitLength: Int
        var columnGain: Float
        var rowGain: Float
    }

    func trainGains(xMax: Float, dMax: Float, learningRate: Float) -> TrainGains {
        let needed = (learningRate * xMax * dMax / nominalStep).rounded(.up)
        let bitLength = update.bitLengthManagement ? Int(Swift.min(Swift.max(needed, 1), Float(update.desiredBL))) : update.desiredBL
        let product = learningRate / (nominalStep * Float(bitLength))       // A·B
        if update.updateManagement {
            let ratio = dMax / xMax                                         // A/B so that A·xMax = B·dMax
            return TrainGains(bitLength: bitLength, columnGain: (product * ratio).squareRoot(),
                              rowGain: (product / ratio).squareRoot())
        }
        let gain = product.squareRoot()
        return TrainGains(bitLength: bitLength, columnGain: gain, rowGain: gain)
    }

    /// A pulse train of `bitLength` slots, each firing with probability `p` (bit t = slot t).
    @inline(__always)
    static func pulseTrain(probability p: Float, bitLength: Int, generator: inout SeededGenerator) -> UInt64 {
        if p >= 1 { return bitLength == 64 ? ~0 : (1 << UInt64(bitLength)) - 1 }
        let threshold = UInt32(Swift.min(Double(p) * 4_294_967_296, 4_294_967_295))
        var word: UInt64 = 0
        var t = 0
        while t < bitLength {
            let bits = generator.next()
            if UInt32(truncatingIfNeeded: bits) < threshold { word |= 1 << UInt64(t) }
            if t + 1 < bitLength && UInt32(truncatingIfNeeded: bits >> 32) < threshold { word |= 1 << UInt64(t + 1) }
            t += 2
        }
        return word
    }

    /// The stochastic pulse-coincidence update (Gokmen & Vlasov 2016), one rank-1 update per
    /// sample: row and column pulse trains are bit-packed into 64-bit words, rows and columns
    /// without pulses are skipped, and each coincidence count `popcount(row & column)` is
    /// applied as that many device pulses with cycle-to-cycle noise.
    mutating func stochasticUpdate(x: Tensor, d: Tensor, learningRate: Float) {
        let inputs = columns, outputs = rows
        var activeColumns: [(index: Int, train: UInt64, negative: Bool)] = []
        activeColumns.reserveCapacity(inputs)
        x.scalars.withUnsafeBufferPointer { xs in
            d.scalars.withUnsafeBufferPointer { ds in
                for b in 0..<x.rows {
                    let xRow = UnsafeBufferPointer(rebasing: xs[(b * inputs)..<((b + 1) * inputs)])
                    let dRow = UnsafeBufferPointer(rebasing: ds[(b * outputs)..<((b + 1) * outputs)])
                    var xMax: Float = 0, dMax: Float = 0
                    for v in xRow { xMax = Swift.max(xMax, Swift.abs(v)) }
                    for v in dRow { dMax = Swift.max(dMax, Swift.abs(v)) }
                    guard xMax > 0, dMax > 0 else { continue }
                    let gains = trainGains(xMax: xMax, dMax: dMax, learningRate: learningRate)
                    activeColumns.removeAll(keepingCapacity: true)
                    for j in 0..<inputs where xRow[j] != 0 {
                        let train = Self.pulseTrain(probability: gains.columnGain * Swift.abs(xRow[j]),
                                                    bitLength: gains.bitLength, generator: &updateGenerator)
                        if train != 0 { activeColumns.append((j, train, xRow[j] < 0)) }
                    }
                    guard !activeColumns.isEmpty else { continue }
                    for i in 0..<outputs where dRow[i] != 0 {
                        let rowTrain = Self.pulseTrain(probability: gains.rowGain * Swift.abs(dRow[i]),
                                                       bitLength: gains.bitLength, generator: &updateGenerator)
                        guard rowTrain != 0 else { continue }
                        let rowNegative = dRow[i] < 0
                        let base = i * inputs
                        for column in activeColumns {
                            let coincidences = (rowTrain & column.train).nonzeroBitCount
                            guard coincidences > 0 else { continue }
                            // W ← W − η d x: d·x < 0 raises the weight.
                            devices.applyPulses(at: base + column.index, count: coincidences,
                                                up: rowNegative != column.negative, generator: &updateGenerator)
                            pulseCounts[base + column.index] &+= UInt32(coincidences)
                        }
                    }
                }
            }
        }
    }

    /// The expected-value update (Gokmen 2021 Eq. 3): the batch's expected coincidence counts
    /// `n⁺_ij = (η/dw_min) Σ_b max(−d_bi x_bj, 0)` (up) and `n⁻_ij` (down), applied as noise-free
    /// steps evaluated at the current weights: `w ← w + n⁺·step⁺(w) + n⁻·step⁻(w)`.
    mutating func expectedUpdate(x: Tensor, d: Tensor, learningRate: Float) {
        let positiveX = x.map { Swift.max($0, 0) }, negativeX = x.map { Swift.min($0, 0) }
        let positiveD = d.map { Swift.max($0, 0) }, negativeD = d.map { Swift.min($0, 0) }
        let scale = learningRate / nominalStep
        // up: d·x < 0  ⇔ (d⁺, −x⁻) or (−d⁻, x⁺) pairs
        var up = Tensor.zeros([0]), down = Tensor.zeros([0])
        Tensor.gemm(positiveD, .transposed, negativeX, .none, alpha: -scale, into: &up)
        Tensor.gemm(negativeD, .transposed, positiveX, .none, alpha: -scale, beta: 1, into: &up)
        Tensor.gemm(positiveD, .transposed, positiveX, .none, alpha: scale, into: &down)
        Tensor.gemm(negativeD, .transposed, negativeX, .none, alpha: scale, beta: 1, into: &down)
        var targets = devices.weights
        for k in targets.indices {
            targets[k] += up.scalars[k] * devices.expectedStep(at: k, up: true)
                + down.scalars[k] * devices.expectedStep(at: k, up: false)
        }
        devices.setWeights(targets)
    }
}
