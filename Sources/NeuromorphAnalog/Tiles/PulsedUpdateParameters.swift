/// How a tile turns a gradient into device pulses (aihwkit `UpdateParameters`).
public enum PulseType: String, Sendable, Codable, CaseIterable {
    /// Stochastic pulse trains on rows and columns; each coincidence is one device pulse
    /// with its cycle-to-cycle noise (Gokmen & Vlasov 2016; aihwkit `STOCHASTIC_COMPRESSED`,
    /// the default).
    case stochastic
    /// The expected number of coincidences `η|d_i x_j|/dw_min`, applied as that (fractional)
    /// number of noise-free device steps (Eq. 3 of Gokmen 2021; aihwkit `MEAN_COUNT`).
    case expected
    /// The exact float update `W ← W − η dᵀx`, clipped to the devices' bounds (aihwkit
    /// `NONE_WITH_DEVICE`).
    case float
}

/// The pulsed-update settings of a tile; defaults follow aihwkit 1.1.
///
/// With bit-length management on, for one sample `(x, d)` (digest
/// `ttv2_gradient-decomposition_shd.md` §1.2, "Stochastic pulse update"):
/// ```
/// BL  = min(ceil(η · max|x| · max|d| / dw_min), desiredBL)
/// A·B = η / (dw_min · BL),   A·max|x| = B·max|d|   (update management)
/// P(column j fires in a slot) = min(A|x_j|, 1),   P(row i fires) = min(B|d_i|, 1)
/// ```
/// so that `E[#coincidences_ij] · dw_min = η |d_i x_j|`, each coincidence moving `w_ij` one
/// step in the direction `−sign(d_i x_j)`. When the update is clipped (`k = η·max|x|·max|d|/dw_min
/// > desiredBL`), update management balances against `max|d| · desiredBL / k` instead of
/// `max|d|` (aihwkit 1.1): the column probabilities stay `|x_j| / max|x|` and only the row
/// side saturates.
public struct PulsedUpdateParameters: Sendable, Codable, Equatable {
    public var pulseType: PulseType = .stochastic
    /// Longest pulse train, in pulses (aihwkit `desired_bl`), 1…255: trains up to 64 slots
    /// are one packed 64-bit word, longer ones several (``PulsedUpdateParameters/maxDesiredBL``).
    public var desiredBL: Int = 31
    /// Shorten the trains to the pulses the update needs (aihwkit `update_bl_management`).
    public var bitLengthManagement: Bool = true
    /// Balance row and column probabilities by the ratio of max|x| to max|d| (aihwkit
    /// `update_management`).
    public var updateManagement: Bool = true

    public init() {}

    /// The longest train: coincidence counts per device and sample are kept in a byte
    /// (aihwkit accepts any positive `desired_bl`; its presets use at most 100).
    public static var maxDesiredBL: Int { 255 }

    public func validate() throws {
        guard (1...Self.maxDesiredBL).contains(desiredBL) else {
            throw DeviceParameterError(device: "update", parameter: "desired_bl",
                                       "must be in 1...\(Self.maxDesiredBL) pulses, got \(desiredBL)")
        }
    }
}

// MARK: - Spec keys (aihwkit's names)

extension PulsedUpdateParameters {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case pulseType = "pulse_type", desiredBL = "desired_bl", bitLengthManagement = "update_bl_management"
        case updateManagement = "update_management"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        pulseType = try c.decodeChoiceIfPresent(PulseType.self, forKey: .pulseType) ?? pulseType
        desiredBL = try c.decodeCheckedIfPresent(Int.self, forKey: .desiredBL, "a pulse count in 1...\(Self.maxDesiredBL)") {
            (1...Self.maxDesiredBL).contains($0)
        } ?? desiredBL
        bitLengthManagement = try c.decodeIfPresent(Bool.self, forKey: .bitLengthManagement) ?? bitLengthManagement
        updateManagement = try c.decodeIfPresent(Bool.self, forKey: .updateManagement) ?? updateManagement
    }
}
