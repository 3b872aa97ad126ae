import NeuromorphCore

// MARK: - Elementwise writes of given pulse counts

extension CrossbarArray {
    /// Applies `counts[k]` pulses to device `k` (row-major `[rows, columns]`) in one write
    /// per device: upwards where `counts[k] > 0`, downwards where `< 0`. This is NeuroSim's
    /// `RealDevice::Write` (Zhao et al. 2021, digest §2.2 [X]) for ``NeuroSimDevice`` (move
    /// `n` pulses along the curve, c2c noise `N(0, σ)·√|n|`, clip) and `|n|` single pulses
    /// with their own cycle-to-cycle noise for the other models. Row blocks run in parallel,
    /// each with its own stream, so the result does not depend on the thread count; pulses
    /// are added to ``pulseCounts``.
    public mutating func applyPulseCounts(_ counts: [Int32]) {
        precondition(counts.count == rows * columns,
                     "CrossbarArray.applyPulseCounts: \(counts.count) counts for a \(rows)×\(columns) array")
        let ranges = blockRows, width = columns
        counts.withUnsafeBufferPointer { n in
            blocks.withUnsafeMutableBufferPointer { devices in
                blockGenerators.withUnsafeMutableBufferPointer { generators in
                    blockPulseCounts.withUnsafeMutableBufferPointer { pulseCounts in
                        ComputeThreads.forEachChunk(ranges.count) { k in
                            let offset = ranges[k].lowerBound * width
                            var generator = generators[k]
                            for local in 0..<(ranges[k].count * width) {
                                let count = n[offset + local]
                                guard count != 0 else { continue }
                                let magnitude = Int(count.magnitude)
                                devices[k].applyPulses(at: local, count: magnitude, up: count > 0, generator: &generator)
                                pulseCounts[k][local] &+= UInt32(truncatingIfNeeded: magnitude)
                            }
                            generators[k] = generator
                        }
                    }
                }
            }
        }
        refreshWeights()
    }

    /// Writes a desired change `ΔW` (`[rows, columns]`) elementwise: `n = R(ΔW/level)`
    /// pulses per device (``PulseRounding/pulseCounts(_:level:maxPulses:generator:statistics:)``),
    /// then ``applyPulseCounts(_:)``.
    public mutating func writeElementwise(_ deltaW: Tensor, level: Float, rounding: PulseRounding, maxPulses: Int = 0,
                                          generator: inout SeededGenerator, statistics: inout PulseWriteStatistics) {
        precondition(deltaW.count == rows * columns, "CrossbarArray.writeElementwise: \(deltaW.shape) for \(rows)×\(columns)")
        let counts = rounding.pulseCounts(deltaW.scalars, level: level, maxPulses: maxPulses,
                                          generator: &generator, statistics: &statistics)
        applyPulseCounts(counts)
    }
}
