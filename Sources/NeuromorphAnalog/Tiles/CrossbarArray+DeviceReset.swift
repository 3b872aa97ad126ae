import NeuromorphCore

// MARK: - Resetting single devices

extension CrossbarArray {
    /// Resets the devices at the row-major indices `indices` (`i · columns + j`) to their
    /// sampled reset values, `w = reset_ij + reset_std · ξ` clipped to the bounds (aihwkit
    /// `PulsedRPUDevice::resetAtIndices`, the reset half of `OneSidedUnitCell`'s refresh).
    /// Noise from stream `post`, drawn block by block in index order.
    public mutating func resetDevices(at indices: [Int]) {
        guard !indices.isEmpty else { return }
        precondition(indices.allSatisfy { (0..<(rows * columns)).contains($0) },
                     "CrossbarArray.resetDevices: an index outside 0..<\(rows * columns)")
        for (k, range) in blockRows.enumerated() {
            let lower = range.lowerBound * columns, upper = range.upperBound * columns
            let local = indices.filter { $0 >= lower && $0 < upper }.map { $0 - lower }
            if !local.isEmpty { blocks[k].resetDevices(at: local, generator: &postGenerator) }
        }
        refreshWeights()
    }
}
