/// Exact SI defining constants (2019 SI) used by the photonic link models.
public enum PhysicalConstants {
    /// Planck constant h, J·s.
    public static let planck = 6.626_070_15e-34
    /// Speed of light in vacuum c, m/s.
    public static let speedOfLight = 299_792_458.0
    /// Elementary charge q, C.
    public static let elementaryCharge = 1.602_176_634e-19
    /// Euler–Mascheroni constant γ (Primavera & Shainline 2021, Eq. 6).
    public static let eulerGamma = 0.577_215_664_901_532_9
}
