import NeuromorphCore

/// The outcome of writing a target matrix into a tile with pulses.
public struct ProgrammingReport: Sendable, Codable, Equatable {
    /// Program-and-verify rounds run.
    public var iterations: Int
    /// Pulses applied in total.
    public var pulses: Int
    /// Largest and root-mean-square |target − weight| after programming (weight units).
    public var maxError: Float
    public var rmsError: Float
    /// Fraction of devices within the tolerance.
    public var convergedFraction: Float
}

extension CrossbarArray {
    /// Writes `target` (`[out, in]`) into the devices with realistic pulsed writes and
    /// read-back verification (program-and-verify): each round reads every device, and a
    /// device still off by more than `tolerance` receives `round(|error| / dw_min)` pulses
    /// (at most `maxPulsesPerRound`) towards its target, each with the device's own step,
    /// nonlinearity, bounds and cycle-to-cycle noise. Devices within tolerance are left
    /// alone. Rounds repeat until all converge or `maxIterations` is reached.
    ///
    /// aihwkit offers no pulsed programming of a target; users report 42.9 minutes for a
    /// 150×150 write through repeated updates on a CPU (its issue #450). Here the write is a
    /// vectorized loop over the devices, run in parallel over row blocks.
    @discardableResult
    public mutating func programWeights(_ target: Tensor, tolerance: Float? = nil, maxIterations: Int = 50,
                                        maxPulsesPerRound: Int = 100) -> ProgrammingReport {
        precondition(target.shape == [rows, columns], "programWeights: \(target.shape) for a \(rows)×\(columns) tile")
        let tolerance = tolerance ?? nominalStep
        let step = nominalStep
        let inputs = columns
        var iterations = 0
        var totalPulses = 0
        let ranges = blockRows
        while iterations < maxIterations {
            iterations += 1
            var pulsesThisRound = [Int](repeating: 0, count: ranges.count)
            target.scalars.withUnsafeBufferPointer { goal in
                blocks.withUnsafeMutableBufferPointer { devices in
                    blockGenerators.withUnsafeMutableBufferPointer { generators in
                        blockPulseCounts.withUnsafeMutableBufferPointer { counts in
                            pulsesThisRound.withUnsafeMutableBufferPointer { applied in
                                ComputeThreads.forEachChunk(ranges.count) { k in
                                    var generator = generators[k]
                                    let offset = ranges[k].lowerBound * inputs
                                    let current = devices[k].weights
                                    var pulses = 0
                                    for local in current.indices {
                                        let error = goal[offset + local] - current[local]
                                        guard Swift.abs(error) > tolerance else { continue }
                                        let n = Swift.min(Swift.max(Int((Swift.abs(error) / step).rounded()), 1), maxPulsesPerRound)
                                        devices[k].applyPulses(at: local, count: n, up: error > 0, generator: &generator)
                                        counts[k][local] &+= UInt32(n)
                                        pulses += n
                                    }
                                    applied[k] = pulses
                                    generators[k] = generator
                                }
                            }
                        }
                    }
                }
            }
            let roundPulses = pulsesThisRound.reduce(0, +)
            totalPulses += roundPulses
            if roundPulses == 0 { break }
        }
        refreshWeights()
        var maxError: Float = 0, squares: Double = 0, converged = 0
        for (w, t) in zip(weights.scalars, target.scalars) {
            let e = Swift.abs(w - t)
            maxError = Swift.max(maxError, e)
            squares += Double(e * e)
            if e <= tolerance { converged += 1 }
        }
        let n = Swift.max(target.count, 1)
        return ProgrammingReport(iterations: iterations, pulses: totalPulses, maxError: maxError,
                                 rmsError: Float((squares / Double(n)).squareRoot()), convergedFraction: Float(converged) / Float(n))
    }
}
