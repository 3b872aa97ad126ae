import Foundation

/// A superconducting optical link: SNSPD receiver plus the light that must reach it
/// (Primavera & Shainline 2021, Eqs. 1–2; digest §2.2).
///
/// ```
/// E_spd = ½ L_spd I_spd²                      (100 nH, 10 μA → 5 aJ)
/// E_opt = N_ph h ν / η                        (2)   (7 photons at 1.5 μm, η = 1 → 0.927 aJ)
/// η*    = N_ph h ν / E_spd                    (E_opt = E_spd; 0.185 for 7 photons, "20 %")
/// E_sys = E_opt · cooling specific power      (1,000 W/W → ≈ 0.93 fJ, "no less than 1 fJ")
/// ```
public struct SuperconductingLink: Sendable, Hashable {
    /// Wavelength λ, m (1.5 μm).
    public let wavelengthM: Double
    /// SNSPD kinetic inductance L_spd, H (100 nH).
    public let detectorInductanceH: Double
    /// SNSPD bias current I_spd, A (10 μA).
    public let detectorBiasA: Double
    /// Photon statistics of the detector (η_D = 0.7).
    public let detection: PhotonDetection
    /// Refrigeration watts per watt dissipated cold (1,000 W/W).
    public let coolingWattsPerWatt: Double

    public init(wavelengthM: Double, detectorInductanceH: Double, detectorBiasA: Double,
                detection: PhotonDetection, coolingWattsPerWatt: Double) throws {
        let m = "SuperconductingLink"
        try Check.positive(wavelengthM, "wavelengthM", in: m)
        try Check.positive(detectorInductanceH, "detectorInductanceH", in: m)
        try Check.positive(detectorBiasA, "detectorBiasA", in: m)
        try Check.positive(coolingWattsPerWatt, "coolingWattsPerWatt", in: m)
        self.init(unchecked: wavelengthM, detectorInductanceH, detectorBiasA, detection,
                  coolingWattsPerWatt)
    }

    private init(unchecked wavelength: Double, _ inductance: Double, _ bias: Double,
                 _ detection: PhotonDetection, _ cooling: Double) {
        wavelengthM = wavelength
        detectorInductanceH = inductance
        detectorBiasA = bias
        self.detection = detection
        coolingWattsPerWatt = cooling
    }

    /// The paper's SOEN link.
    public static let paper = SuperconductingLink(unchecked: 1.5e-6, 100e-9, 10e-6,
                                                  .paper, 1_000)

    /// Photon energy h c / λ, J.
    public var photonEnergyJ: Double {
        PhysicalConstants.planck * PhysicalConstants.speedOfLight / wavelengthM
    }

    /// `½ L_spd I_spd²` in J (5 aJ).
    public var detectorEnergyJ: Double { 0.5 * detectorInductanceH * detectorBiasA * detectorBiasA }

    /// Eq. 2, `N_ph h ν / η` in J.
    public func opticalEnergy(photons: Double, linkEfficiency: Double) throws -> Double {
        try Check.nonNegative(photons, "photons", in: "SuperconductingLink")
        try Check.fraction(linkEfficiency, "linkEfficiency", in: "SuperconductingLink")
        return photons * photonEnergyJ / linkEfficiency
    }

    /// Link efficiency at which E_opt = E_spd, `N_ph h ν / E_spd` (0.185 for 7 photons).
    public func breakEvenEfficiency(photons: Double) throws -> Double {
        try Check.nonNegative(photons, "photons", in: "SuperconductingLink")
        return photons * photonEnergyJ / detectorEnergyJ
    }

    /// Total link energy per synapse event, `E_opt + E_spd`, J.
    public func linkEnergy(photons: Double, linkEfficiency: Double) throws -> Double {
        try opticalEnergy(photons: photons, linkEfficiency: linkEfficiency) + detectorEnergyJ
    }

    /// Optical energy seen at room temperature, `E_opt · cooling`, J.
    public func systemOpticalEnergy(photons: Double, linkEfficiency: Double) throws -> Double {
        try opticalEnergy(photons: photons, linkEfficiency: linkEfficiency) * coolingWattsPerWatt
    }
}

/// A "receiverless" semiconductor photodiode that drives a CMOS gate directly
/// (Primavera & Shainline 2021, Eq. 3; digest §2.2).
///
/// ```
/// E_opt = C_tot V / (η R)                    (3)
/// R_QE=1 = q λ / (h c)                       (1.21 A/W at 1.5 μm)
/// N_e = C_tot V / q                          (1 fF, 0.8 V → 4,993 electrons, "5000 photons")
/// P_static = V_bias I_leak ;  f_cross = P_static / E_opt(η_link)   (1 V, 1 nA, η = 1 %)
/// ```
///
/// The paper's "≈ 0.7 fJ" at η = 1 matches C = 1 fF with unit quantum efficiency
/// (0.66 fJ); R = 1 A/W exactly gives 0.8 fJ.
public struct PhotodiodeReceiver: Sendable, Hashable {
    /// Photodiode + gate + wiring capacitance C_tot, F (1 fF).
    public let capacitanceF: Double
    /// Voltage swing V, V (0.8 V).
    public let voltageSwingV: Double
    /// Wavelength λ, m (1.5 μm).
    public let wavelengthM: Double
    /// Dark/leakage current, A (1 nA).
    public let leakageCurrentA: Double
    /// Reverse bias, V (1 V).
    public let biasVoltageV: Double

    public init(capacitanceF: Double, voltageSwingV: Double, wavelengthM: Double,
                leakageCurrentA: Double, biasVoltageV: Double) throws {
        let m = "PhotodiodeReceiver"
        try Check.positive(capacitanceF, "capacitanceF", in: m)
        try Check.positive(voltageSwingV, "voltageSwingV", in: m)
        try Check.positive(wavelengthM, "wavelengthM", in: m)
        try Check.nonNegative(leakageCurrentA, "leakageCurrentA", in: m)
        try Check.nonNegative(biasVoltageV, "biasVoltageV", in: m)
        self.init(unchecked: capacitanceF, voltageSwingV, wavelengthM, leakageCurrentA,
                  biasVoltageV)
    }

    private init(unchecked c: Double, _ v: Double, _ wavelength: Double, _ leak: Double,
                 _ bias: Double) {
        capacitanceF = c
        voltageSwingV = v
        wavelengthM = wavelength
        leakageCurrentA = leak
        biasVoltageV = bias
    }

    /// The paper's example receiver (1 fF, 0.8 V, 1.5 μm, 1 nA at 1 V).
    public static let paper = PhotodiodeReceiver(unchecked: 1e-15, 0.8, 1.5e-6, 1e-9, 1)

    /// Responsivity at unit quantum efficiency, `q λ / (h c)` in A/W.
    public var unitQuantumEfficiencyResponsivity: Double {
        PhysicalConstants.elementaryCharge * wavelengthM
            / (PhysicalConstants.planck * PhysicalConstants.speedOfLight)
    }

    /// Charges needed per spike, `C V / q` (photons at unit QE).
    public var electronsPerSpike: Double {
        capacitanceF * voltageSwingV / PhysicalConstants.elementaryCharge
    }

    /// Eq. 3, `C V / (η R)` in J; `responsivity` nil means unit quantum efficiency.
    public func opticalEnergy(linkEfficiency: Double, responsivity: Double? = nil) throws -> Double {
        try Check.fraction(linkEfficiency, "linkEfficiency", in: "PhotodiodeReceiver")
        let r = responsivity ?? unitQuantumEfficiencyResponsivity
        try Check.positive(r, "responsivity", in: "PhotodiodeReceiver")
        return capacitanceF * voltageSwingV / (linkEfficiency * r)
    }

    /// Static dissipation `V_bias I_leak`, W (1 nW).
    public var staticPowerW: Double { biasVoltageV * leakageCurrentA }

    /// Average spike rate below which static power dominates, `P_static / E_opt(η)`, Hz.
    public func staticDominanceRateHz(linkEfficiency: Double,
                                      responsivity: Double? = nil) throws -> Double {
        staticPowerW / (try opticalEnergy(linkEfficiency: linkEfficiency, responsivity: responsivity))
    }
}

extension Optoelectronic {
    /// Optical power to drive `fanOut` synapses once per inter-spike interval,
    /// `P = k · E_event · f` in W (Fig. 3 model [INFERRED]; 10³ · 0.66 fJ · 1 MHz = 0.66 μW).
    public static func fanOutOpticalPower(energyPerSynapseEventJ: Double, fanOut: Int,
                                          rateHz: Double) throws -> Double {
        try Check.nonNegative(energyPerSynapseEventJ, "energyPerSynapseEventJ", in: "fanOutOpticalPower")
        try Check.positive(fanOut, "fanOut", in: "fanOutOpticalPower")
        try Check.nonNegative(rateHz, "rateHz", in: "fanOutOpticalPower")
        return Double(fanOut) * energyPerSynapseEventJ * rateHz
    }
}
