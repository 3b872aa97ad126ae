import COpenBLAS
import COpenBLASCore

/// Which OpenBLAS kernels Neuromorph's matrix products run on.
///
/// A `DYNAMIC_ARCH` OpenBLAS (Debian's) picks its kernels from the CPU model; on a model it
/// does not know (Emerald Rapids as some virtual machines report it) OpenBLAS 0.3.21 falls
/// back to its SSE3 "Prescott" kernels. `COpenBLASCore` corrects that at load time, before
/// any BLAS call: when OpenBLAS chose Prescott, `OPENBLAS_CORETYPE` is unset and the CPU and
/// OS support AVX-512 (or AVX2 + FMA), it re-runs OpenBLAS's core selection as
/// `OPENBLAS_CORETYPE=SkylakeX` (or `Haswell`) would. Set `OPENBLAS_CORETYPE` to override.
public enum BLASCore {
    /// The OpenBLAS kernel family in use (`SkylakeX`, `Haswell`, `Prescott`, …).
    public static var name: String {
        guard let text = openblas_get_corename() else { return "unknown" }
        return String(cString: text)
    }

    /// What the load-time selection changed, or `nil` when it kept OpenBLAS's own choice.
    public static var selectionNote: String? {
        guard let text = neuromorph_openblas_core_note() else { return nil }
        let note = String(cString: text)
        return note.isEmpty ? nil : note
    }
}
