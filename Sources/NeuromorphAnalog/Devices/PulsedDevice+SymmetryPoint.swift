import NeuromorphCore

/// A device array that knows each device's symmetry point and can be reset: what
/// zero-shifting (Kim et al. 2019; Gokmen 2021, digest `ttv2_gradient-decomposition_shd.md`
/// §1.2 "Symmetry-point shifting") and Stochastic Hamiltonian Descent (Onen et al. 2022,
/// digest §3.2-3.3, Methods M1) need.
///
/// The symmetry point `w*` of a device is where an up pulse and a down pulse have equal
/// magnitude, `|Δw⁺(w*)| = |Δw⁻(w*)|`: the state alternating up/down pulses converge to.
/// Where the step functions are linear it is given in closed form; otherwise it is found by
/// bisection on `|Δw⁺(w)| − |Δw⁻(w)|` over the device's bounds. A device whose up step is
/// larger everywhere has its symmetry point at its upper bound (and vice versa).
public protocol SymmetryPointDeviceArray: PulsedDeviceArray {
    /// Each device's symmetry point (row-major), in weight units, noise-free.
    var symmetryPoints: [Float] { get }

    /// aihwkit's reset: every device to its sampled reset value plus cycle-to-cycle reset
    /// noise (`w = reset_ij + reset_std · ξ`), clipped to its bounds.
    mutating func reset(generator: inout SeededGenerator)
}

/// A device array with aihwkit's slow weight dynamics between updates: decay toward each
/// device's reset value (`lifetime`) and a random walk (`diffusion`); the tile calls them once
/// per mini-batch when configured (aihwkit `decay_weights`, `diffuse_weights`).
public protocol DecayingDeviceArray: PulsedDeviceArray {
    /// `w ← (w − reset_ij)(1 + α (decay_ij − 1)) + reset_ij`, clipped; `decay_ij = 1 − 1/lifetime_ij`.
    mutating func decayWeights(alpha: Float)
    /// `w ← clip(w + diffusion_ij ξ)`.
    mutating func diffuseWeights(generator: inout SeededGenerator)
}

extension SymmetryPointDeviceArray {
    /// Zero-shifting by construction: puts every device exactly at its symmetry point.
    public mutating func resetToSymmetryPoints() {
        setWeights(symmetryPoints)
    }
}

extension PulsedDeviceArray {
    /// Zero-shifting as done on hardware (Onen et al. 2022, Methods M1; digest §3.3): applies
    /// `pairs` alternating up/down single pulses (with cycle-to-cycle noise) to every device.
    /// Asymmetric devices drift toward their symmetry points; the resulting weights are what
    /// a reference array would be programmed to.
    public mutating func zeroShift(pairs: Int, generator: inout SeededGenerator) {
        let n = rows * columns
        for _ in 0..<pairs {
            for k in 0..<n {
                applyPulses(at: k, count: 1, up: true, generator: &generator)
                applyPulses(at: k, count: 1, up: false, generator: &generator)
            }
        }
    }
}

/// Bisection for the symmetry point of a device with up/down step magnitudes `up(w)`,
/// `down(w)` on `[lo, hi]`: the root of `up(w) − down(w)`, or the bound the drift goes to
/// when the sign does not change.
@usableFromInline
func bisectSymmetryPoint(lo: Float, hi: Float, up: (Float) -> Float, down: (Float) -> Float) -> Float {
    var a = Double(lo), b = Double(hi)
    let fa = up(lo) - down(lo), fb = up(hi) - down(hi)
    if fa <= 0 && fb <= 0 { return lo }      // down wins everywhere: drifts to the lower bound
    if fa >= 0 && fb >= 0 { return hi }      // up wins everywhere
    let increasing = fb > fa
    for _ in 0..<80 {
        let m = 0.5 * (a + b)
        let fm = up(Float(m)) - down(Float(m))
        if (fm > 0) == increasing { b = m } else { a = m }
        if b - a < 1e-9 { break }
    }
    return Float(0.5 * (a + b))
}
