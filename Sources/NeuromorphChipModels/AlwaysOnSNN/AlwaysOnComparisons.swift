/// The comparison ratios of Chundi et al. 2021 (Tables 1–2; digest §3.4–3.5).
///
/// ```
/// vs KWS hardware  : P_Shan / P_this             (510/220 = 2.32, 510/75 = 6.8)
/// vs SNN hardware  : P_Chen / P_this,MNIST       (9.42 mW / 305 nW = 30,885)
/// area at 28 nm    : A · (28 / 65)²              (1.99 → 0.369 mm²)
/// energy/inference : P_this,MNIST · T_frame      (305 nW · 0.5 s = 152.5 nJ; paper 195 nJ)
/// ```
public struct AlwaysOnComparisons: Sendable, Hashable {
    /// Shan 2020 DSCNN KWS chip power, W (510 nW, feature extraction included).
    public let shanPowerW: Double
    /// Chen 2018 SNN chip power, W (9.42 mW).
    public let chenPowerW: Double
    /// This chip's power on MNIST, W (305 nW).
    public let mnistPowerW: Double
    /// MNIST frame (time per inference), s (0.5 s).
    public let mnistFrameSeconds: Double
    /// Chip area, mm² (1.99).
    public let areaMM2: Double
    /// Fabrication node, nm (65).
    public let nodeNM: Double
    /// Target node for area scaling, nm (28).
    public let scaledNodeNM: Double

    public init(shanPowerW: Double, chenPowerW: Double, mnistPowerW: Double,
                mnistFrameSeconds: Double, areaMM2: Double, nodeNM: Double,
                scaledNodeNM: Double) throws {
        let m = "AlwaysOnComparisons"
        try Check.positive(shanPowerW, "shanPowerW", in: m)
        try Check.positive(chenPowerW, "chenPowerW", in: m)
        try Check.positive(mnistPowerW, "mnistPowerW", in: m)
        try Check.positive(mnistFrameSeconds, "mnistFrameSeconds", in: m)
        try Check.positive(areaMM2, "areaMM2", in: m)
        try Check.positive(nodeNM, "nodeNM", in: m)
        try Check.positive(scaledNodeNM, "scaledNodeNM", in: m)
        self.init(unchecked: shanPowerW, chenPowerW, mnistPowerW, mnistFrameSeconds,
                  areaMM2, nodeNM, scaledNodeNM)
    }

    private init(unchecked shan: Double, _ chen: Double, _ mnist: Double, _ frame: Double,
                 _ area: Double, _ node: Double, _ scaled: Double) {
        shanPowerW = shan
        chenPowerW = chen
        mnistPowerW = mnist
        mnistFrameSeconds = frame
        areaMM2 = area
        nodeNM = node
        scaledNodeNM = scaled
    }

    /// Values from Tables 1–2 and the text (digest §3.4–3.5).
    public static let paper = AlwaysOnComparisons(unchecked: 510e-9, 9.42e-3, 305e-9, 0.5,
                                                  1.99, 65, 28)

    /// `P_Shan / P` for a given power of this chip (e.g. 220 nW → 2.32).
    public func savingVersusShan(powerW: Double) throws -> Double {
        try Check.positive(powerW, "powerW", in: "AlwaysOnComparisons")
        return shanPowerW / powerW
    }

    /// `P_Chen / P_MNIST` (30,885; paper "over 30,000×").
    public var savingVersusChen: Double { chenPowerW / mnistPowerW }

    /// `A · (node' / node)²` in mm² (0.369; paper 0.37).
    public var scaledAreaMM2: Double {
        areaMM2 * (scaledNodeNM / nodeNM) * (scaledNodeNM / nodeNM)
    }

    /// `P_MNIST · T_frame` in J (152.5 nJ). The paper prints 195 nJ without a
    /// derivation; this product does not reproduce it (digest §3.5).
    public var energyPerInferenceJ: Double { mnistPowerW * mnistFrameSeconds }
}
