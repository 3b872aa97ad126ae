import NeuromorphCore

extension CrossbarArray {
    /// Zero-shifting as done on hardware (Onen et al. 2022, Methods M1; digest
    /// `ttv2_gradient-decomposition_shd.md` §3.3): `pairs` alternating up/down single pulses on
    /// every device, each with the device's step, nonlinearity, bounds and cycle-to-cycle
    /// noise (drawn from the stream of the row's block). Asymmetric devices drift toward their
    /// symmetry points. The pulses are counted in ``pulseCounts``.
    public mutating func zeroShift(pairs: Int) {
        guard pairs > 0 else { return }
        for k in blocks.indices {
            blocks[k].zeroShift(pairs: pairs, generator: &blockGenerators[k])
            for i in blockPulseCounts[k].indices { blockPulseCounts[k][i] &+= UInt32(truncatingIfNeeded: 2 * pairs) }
        }
        refreshWeights()
    }
}
