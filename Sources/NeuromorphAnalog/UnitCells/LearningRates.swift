/// The learning rates a unit cell's update uses, with aihwkit 1.1's meaning (its
/// `AnalogSGD` learning rate and `TransferCompound.fast_lr`, `transfer_lr`,
/// `scale_transfer_lr`):
///
/// ```
/// η_sgd                                   the optimizer's (scheduled) learning rate
/// η_fast     = fast > 0 ? fast : η_sgd    the gradient update onto the fast (A) array
/// η_transfer = scaleTransfer ? transfer · η_sgd : transfer
///                                         the transfer from the fast to the slow array
/// ```
///
/// In aihwkit a set `fast_lr` stays constant while the SGD rate is scheduled; the SGD rate
/// then only scales the transfer. ``SingleDevice`` and ``ReferencePair`` use ``sgd`` only;
/// the fast and transfer rates are for transfer compounds (Tiki-Taka, TTv2).
public struct LearningRates: Sendable, Codable, Equatable {
    /// The optimizer's learning rate `η_sgd` of this step (aihwkit `AnalogSGD` `lr`).
    public var sgd: Float
    /// The fast array's learning rate (aihwkit `fast_lr`); 0 uses ``sgd``.
    public var fast: Float
    /// The transfer's learning rate (aihwkit `transfer_lr`, default 1), relative to ``sgd``
    /// when ``scaleTransfer`` is set.
    public var transfer: Float
    /// Whether ``transfer`` is relative to the SGD rate (aihwkit `scale_transfer_lr`,
    /// default true).
    public var scaleTransfer: Bool

    public init(sgd: Float, fast: Float = 0, transfer: Float = 1, scaleTransfer: Bool = true) {
        self.sgd = sgd
        self.fast = fast
        self.transfer = transfer
        self.scaleTransfer = scaleTransfer
    }

    /// `η_fast`: the rate of the gradient update onto the fast array.
    public var effectiveFast: Float { fast > 0 ? fast : sgd }

    /// `η_transfer`: the rate of the transfer, scaled by `η_sgd` if ``scaleTransfer``.
    public var effectiveTransfer: Float { scaleTransfer ? transfer * sgd : transfer }
}
