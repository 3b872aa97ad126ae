import NeuromorphCore

/// How a Neuromorph value relates to the paper value it is compared with.
public enum ResultKind: String, Sendable, Codable, CaseIterable {
    /// The value is computed by library code from inputs that do not contain it (device
    /// parameters, topologies, CPTs, circuit constants): agreement is evidence.
    case computed
    /// The paper value (or a number it is defined by) enters as an input and comes back out:
    /// agreement only shows the bookkeeping is consistent. A miss does not fail the run.
    case consistency

    /// Column text: "computed" or "consistency check".
    public var label: String { self == .computed ? "computed" : "consistency check" }
}

/// The accepted distance between the Neuromorph value and the paper value.
public enum Tolerance: Sendable, Equatable, CustomStringConvertible {
    /// `|value − paper| ≤ bound`.
    case absolute(Double)
    /// `|value − paper| ≤ bound · |paper|`.
    case relative(Double)

    /// Exact agreement (integer counts): `|value − paper| ≤ 0`.
    public static let exact = Tolerance.absolute(0)

    public func accepts(_ value: Double, paper: Double) -> Bool {
        guard value.isFinite else { return false }
        switch self {
        case .absolute(let bound): return abs(value - paper) <= bound
        case .relative(let bound): return abs(value - paper) <= bound * abs(paper)
        }
    }

    public var description: String {
        switch self {
        case .absolute(0): return "exact"
        case .absolute(let bound): return "±\(ReproduceFormat.number(bound))"
        case .relative(let bound) where bound < 1e-6: return "±\(ReproduceFormat.number(bound)) rel"
        case .relative(let bound): return "±\(ReproduceFormat.number(bound * 100))%"
        }
    }
}

/// A paper the registry checks: its key (`neuromorph reproduce KEY`), citation and digest.
public struct Paper: Sendable, Hashable {
    /// Short lower-case key, first author and year: `stuijt2021`.
    public let key: String
    /// Authors, year and title, short.
    public let citation: String
    /// The digest file in `shared/papers/digests/` that specifies it.
    public let digest: String

    public init(key: String, citation: String, digest: String) {
        self.key = key
        self.citation = citation
        self.digest = digest
    }
}

/// One checkable paper result: the printed value, the tolerance, and the library
/// computation that reproduces it.
///
/// ```
/// verdict = pass  if |compute() − paperValue| within tolerance
///           fail  otherwise (or compute() threw)
/// ```
public struct PaperResult: Sendable {
    /// Unique id `<paper key>.<result>`, e.g. `stuijt2021.fc-synapses`.
    public let id: String
    public let paper: Paper
    /// Digest section the value and tolerance come from, e.g. "§2.7-1".
    public let section: String
    /// What is compared, in one line.
    public let description: String
    public let paperValue: Double
    /// Unit of `paperValue` and of `compute()`'s result ("" for counts and ratios).
    public let unit: String
    public let tolerance: Tolerance
    public let kind: ResultKind
    /// Part of `--quick` (well under a second each in a debug build).
    public let quick: Bool
    /// The library computation, in `unit`.
    public let compute: @Sendable () throws -> Double

    public init(id: String, paper: Paper, section: String, description: String, paperValue: Double,
                unit: String = "", tolerance: Tolerance, kind: ResultKind = .computed, quick: Bool = true,
                compute: @escaping @Sendable () throws -> Double) {
        self.id = id
        self.paper = paper
        self.section = section
        self.description = description
        self.paperValue = paperValue
        self.unit = unit
        self.tolerance = tolerance
        self.kind = kind
        self.quick = quick
        self.compute = compute
    }

    /// "digest-file §section".
    public var citation: String { "\(paper.digest) \(section)" }
}

/// The results one paper contributes; each paper file declares one conforming enum.
public protocol PaperResultGroup: Sendable {
    static var paper: Paper { get }
    static var results: [PaperResult] { get }
}

extension PaperResultGroup {
    /// A result of this group: the id is prefixed with the paper key.
    static func result(_ name: String, _ section: String, _ description: String, paper value: Double,
                       unit: String = "", tolerance: Tolerance, kind: ResultKind = .computed,
                       quick: Bool = true, compute: @escaping @Sendable () throws -> Double) -> PaperResult {
        PaperResult(id: "\(paper.key).\(name)", paper: paper, section: section, description: description,
                    paperValue: value, unit: unit, tolerance: tolerance, kind: kind, quick: quick,
                    compute: compute)
    }
}
