import NeuromorphCore

extension CrossbarArray {
    /// The step after each mini-batch update (aihwkit `PulsedRPUDevice::decayWeights` and
    /// `diffuseWeights`, called by the tile's post-update step once per update): every
    /// device relaxes toward its reset value and takes a random-walk step,
    ///
    /// ```
    /// w ← (w − reset_ij) · (1 − 1/lifetime_ij) + reset_ij      (decay, if lifetime > 0)
    /// w ← clip(w + diffusion_ij · ξ)                           (diffusion, if diffusion > 0)
    /// ```
    ///
    /// both clipped to the device's bounds. Without a lifetime or diffusion (the defaults)
    /// this returns at once. Diffusion noise comes from the array's `post` stream.
    public mutating func postUpdate() {
        guard hasSlowDynamics else { return }
        for k in blocks.indices {
            blocks[k].decayWeights(alpha: 1)
            blocks[k].diffuseWeights(generator: &postGenerator)
        }
        refreshWeights()
    }
}
