import Foundation

/// How much of a wafer counts as usable area for Eqs. 7–8.
///
/// The paper does not state its convention; `square300mm` (0.3 m × 0.3 m = 0.09 m²)
/// reproduces its plane counts exactly (digest §2.6 [INFERRED]).
public enum WaferAreaConvention: String, Sendable, Hashable, CaseIterable {
    /// (0.3 m)² = 0.09 m².
    case square300mm
    /// π (0.15 m)² ≈ 0.0707 m².
    case circle300mm

    /// Area in m².
    public var areaM2: Double {
        switch self {
        case .square300mm: 0.3 * 0.3
        case .circle300mm: Double.pi * 0.15 * 0.15
        }
    }
}

/// Photonic and electronic planes needed to fit N neurons of degree k̄ on one wafer
/// (Primavera & Shainline 2021, Eqs. 7–8; digest §2.6).
///
/// ```
/// A_p = (k̄ w_wg / p_p)²          (7)   photonic routing area per neuron
/// A_e = k̄ w_sy² / p_e            (8)   electronic synapse area per neuron
/// N A_p ≤ A_wafer  ⇒  p_p ≥ k̄ w_wg √(N / A_wafer)
/// N A_e ≤ A_wafer  ⇒  p_e ≥ N k̄ w_sy² / A_wafer
/// ```
///
/// For N = 10⁶ at L̄ = 2.5 (k̄ = 749.3): p_p(w_wg = 2 μm) = 5.00, p_e(10 μm) = 0.83,
/// p_e(30 μm) = 7.49 → 8. w_wg = 2 μm is [INFERRED] (not stated in the text).
public struct WaferPlanes: Sendable, Hashable {
    /// Neurons on the wafer N.
    public let neurons: Double
    /// Mean degree k̄ (synapses per neuron).
    public let meanDegree: Double
    /// Waveguide pitch w_wg, m.
    public let waveguidePitchM: Double
    /// Synapse side length w_sy, m.
    public let synapseWidthM: Double
    /// Usable wafer area, m².
    public let waferAreaM2: Double

    public init(neurons: Double, meanDegree: Double, waveguidePitchM: Double,
                synapseWidthM: Double, waferAreaM2: Double) throws {
        let m = "WaferPlanes"
        try Check.positive(neurons, "neurons", in: m)
        try Check.positive(meanDegree, "meanDegree", in: m)
        try Check.positive(waveguidePitchM, "waveguidePitchM", in: m)
        try Check.positive(synapseWidthM, "synapseWidthM", in: m)
        try Check.positive(waferAreaM2, "waferAreaM2", in: m)
        self.neurons = neurons
        self.meanDegree = meanDegree
        self.waveguidePitchM = waveguidePitchM
        self.synapseWidthM = synapseWidthM
        self.waferAreaM2 = waferAreaM2
    }

    /// The Fig. 5 design point: 10⁶ neurons at L̄ = 2.5 (k̄ from Eq. 6), w_wg = 2 μm,
    /// on a (0.3 m)² wafer, for a given synapse width.
    public static func paper(synapseWidthM: Double,
                             area: WaferAreaConvention = .square300mm) throws -> WaferPlanes {
        let k = try ErdosRenyiPathLength.meanDegree(nodes: 1e6, meanPathLength: 2.5)
        return try WaferPlanes(neurons: 1e6, meanDegree: k, waveguidePitchM: 2e-6,
                               synapseWidthM: synapseWidthM, waferAreaM2: area.areaM2)
    }

    /// Eq. 7, routing area per neuron with `planes` photonic planes, m².
    public func photonicAreaPerNeuron(planes: Double) throws -> Double {
        try Check.positive(planes, "planes", in: "WaferPlanes")
        let side = meanDegree * waveguidePitchM / planes
        return side * side
    }

    /// Eq. 8, synapse area per neuron with `planes` electronic planes, m².
    public func electronicAreaPerNeuron(planes: Double) throws -> Double {
        try Check.positive(planes, "planes", in: "WaferPlanes")
        return meanDegree * synapseWidthM * synapseWidthM / planes
    }

    /// Smallest real p_p with `N A_p ≤ A_wafer`: `k̄ w_wg √(N / A_wafer)`.
    public var photonicPlanes: Double {
        meanDegree * waveguidePitchM * (neurons / waferAreaM2).squareRoot()
    }

    /// Smallest real p_e with `N A_e ≤ A_wafer`: `N k̄ w_sy² / A_wafer`.
    public var electronicPlanes: Double {
        neurons * meanDegree * synapseWidthM * synapseWidthM / waferAreaM2
    }

    /// Whole photonic planes needed, `⌈p_p⌉` (with a 1e-9 relative allowance for rounding).
    public var requiredPhotonicPlanes: Int { Self.wholePlanes(photonicPlanes) }

    /// Whole electronic planes needed, `⌈p_e⌉`.
    public var requiredElectronicPlanes: Int { Self.wholePlanes(electronicPlanes) }

    static func wholePlanes(_ planes: Double) -> Int {
        max(1, Int((planes * (1 - 1e-9)).rounded(.up)))
    }
}
