import COpenBLAS
import Foundation

/// Which OpenBLAS kernel family ("core") the GEMMs run on, and the fix for a CPU that
/// OpenBLAS does not recognize.
///
/// Debian's OpenBLAS 0.3.21 is built with `DYNAMIC_ARCH`: at load time it reads the CPU's
/// family and model and picks a kernel set. A model newer than the library (e.g. the Xeon
/// family 6 model 207 of the development machine) is not in its table, and it falls back to
/// `Prescott`, the SSE3 kernels: the GEMMs then run at a fraction of the speed the CPU's
/// AVX2/AVX-512 units give. OpenBLAS's documented override is the environment variable
/// `OPENBLAS_CORETYPE`, read only when the library loads. ``preferredCore(cpuFlags:)``
/// maps the CPU's feature flags to the newest kernel family they support, and
/// ``reexecutingWithPreferredCoreIfNeeded()`` restarts the program once with that variable
/// set (the command-line tool calls it first thing).
///
/// Nothing happens when `OPENBLAS_CORETYPE` is already set (any value, including empty: the
/// user's choice wins; `OPENBLAS_CORETYPE=Prescott` keeps the generic kernels), when
/// OpenBLAS recognized the CPU, or when the CPU lacks AVX2 and FMA.
public enum OpenBLASKernel {
    /// The kernel family OpenBLAS dispatches to, as it names it (`openblas_get_corename`).
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// The kernel families OpenBLAS falls back to for a CPU it does not know.
    static let genericFallbacks: Set<String> = ["prescott", "unknown"]

    /// The newest OpenBLAS 0.3.21 kernel family the CPU flags (`/proc/cpuinfo` names) allow:
    /// `SkylakeX` with AVX-512 F/CD/BW/DQ/VL, `Haswell` with AVX2 and FMA, else `nil`.
    public static func preferredCore(cpuFlags: Set<String>) -> String? {
        if cpuFlags.isSuperset(of: ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]) { return "SkylakeX" }
        if cpuFlags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// The feature flags of the first CPU in `/proc/cpuinfo` (empty where it cannot be read).
    public static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }

    /// The kernel family to request, or `nil` when nothing should change (see the type's
    /// conditions).
    public static func requestedCore(environment: [String: String] = ProcessInfo.processInfo.environment,
                                     coreName: String = coreName, cpuFlags: () -> Set<String> = cpuFlags) -> String? {
        guard environment["OPENBLAS_CORETYPE"] == nil, genericFallbacks.contains(coreName.lowercased()) else { return nil }
        return preferredCore(cpuFlags: cpuFlags())
    }

    /// Restarts the running program (`/proc/self/exe`, same arguments) with
    /// `OPENBLAS_CORETYPE` set to ``requestedCore(environment:coreName:cpuFlags:)`` when that is
    /// not `nil`; returns (and changes nothing) otherwise or if the restart fails. Call it before
    /// anything else has run: the process image is replaced.
    public static func reexecutingWithPreferredCoreIfNeeded() {
        #if os(Linux)
        guard let core = requestedCore() else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        unsetenv("OPENBLAS_CORETYPE")   // exec failed: carry on with the generic kernels
        #endif
    }
}
