import Foundation
import NeuromorphCore
import Yams

/// One swept key: a dotted path into the experiment spec and the values it takes
/// (`training.optimizer.learning_rate=0.01,0.03,0.1`). Array elements are addressed by index
/// (`model.layers.0.out=64,128`). Values are YAML scalars (numbers, booleans, strings).
public struct SweepAxis: Sendable, Equatable, Codable {
    /// The dotted key path as written (`training.seed`).
    public var key: String
    /// The values as written, in order.
    public var values: [String]

    public init(key: String, values: [String]) {
        self.key = key
        self.values = values
    }

    /// Parses `KEY=V1,V2,…` (the `--set` flag), naming the flag in the error.
    public init(parsing text: String) throws {
        guard let equals = text.firstIndex(of: "=") else {
            throw SweepError("--set \(text): expected KEY=VALUE[,VALUE…], e.g. training.seed=0,1,2")
        }
        key = String(text[..<equals]).trimmingCharacters(in: .whitespaces)
        values = text[text.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let segments = key.split(separator: ".", omittingEmptySubsequences: false)
        guard !key.isEmpty, segments.allSatisfy({ !$0.isEmpty }) else {
            throw SweepError("--set \(text): the key must be a dotted path such as training.optimizer.learning_rate")
        }
        guard !values.isEmpty, values.allSatisfy({ !$0.isEmpty }) else {
            throw SweepError("--set \(text): every value must be non-empty (comma-separated list)")
        }
    }

    /// The path segments.
    var segments: [String] { key.split(separator: ".").map(String.init) }
}

/// A `neuromorph sweep` or `collect` failure caused by what the user typed or the sweep folder
/// holds; the message names the flag or file.
public struct SweepError: UserFacingError, Sendable, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One point of a sweep grid: its index in row-major order (the first axis varies slowest),
/// the value of every axis, the resolved spec, and the hash that names its run folder.
public struct SweepPoint: Sendable {
    public let index: Int
    public let assignments: [(key: String, value: String)]
    public let spec: ExperimentSpec
    /// The resolved spec as YAML (what the run folder's `spec.yaml` holds).
    public let yaml: String
    /// 16 hex digits of the FNV-1a 64-bit hash of ``yaml``: the run folder's name. Equal specs
    /// give equal names, so a restarted sweep finds the runs it already completed.
    public let hash: String
}

/// The Cartesian product of sweep axes applied to a base spec, each point validated by the
/// spec's strict decoder before anything runs.
public enum SweepGrid {
    /// Every point of the grid over `base` (the spec file's text, `file` for messages).
    public static func expand(base text: String, format: SpecLoader.Format, file: String,
                              axes: [SweepAxis]) throws -> [SweepPoint] {
        // The base must itself be valid.
        _ = try SpecLoader.parse(text, format: format, file: file)
        guard let tree = try Yams.load(yaml: text) else { throw SweepError("\(file): the spec is empty") }
        if let duplicate = Dictionary(grouping: axes, by: \.key).first(where: { $0.value.count > 1 })?.key {
            throw SweepError("--set \(duplicate) is given twice; list all its values in one --set")
        }
        var points: [SweepPoint] = []
        let total = axes.reduce(1) { $0 * $1.values.count }
        guard total <= 100_000 else { throw SweepError("--set: the grid has \(total) points; at most 100,000") }
        for index in 0..<total {
            var remainder = index
            var assignments: [(key: String, value: String)] = []
            for axis in axes.reversed() {
                assignments.insert((axis.key, axis.values[remainder % axis.values.count]), at: 0)
                remainder /= axis.values.count
            }
            var resolved = tree
            for (axis, assignment) in zip(axes, assignments) {
                let value = try Yams.load(yaml: assignment.value) ?? assignment.value
                resolved = try set(value, at: axis.segments[...], in: resolved, key: axis.key)
            }
            let spec: ExperimentSpec
            do {
                spec = try SpecLoader.parse(try Yams.dump(object: resolved), format: .yaml, file: file)
            } catch {
                let where_ = assignments.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                throw SweepError("--set \(where_): \(error)")
            }
            let yaml = try SpecLoader.yaml(spec)
            points.append(SweepPoint(index: index, assignments: assignments, spec: spec, yaml: yaml,
                                     hash: fnv1a64Hex(yaml)))
        }
        return points
    }

    /// `tree` with `value` at `path` (mappings by key, sequences by index). A missing mapping
    /// key is added (the strict decoder then rejects it if the schema has no such key); a
    /// path through a scalar or an index outside a sequence is an error.
    static func set(_ value: Any, at path: ArraySlice<String>, in tree: Any, key: String) throws -> Any {
        guard let head = path.first else { return value }
        let rest = path.dropFirst()
        if var mapping = tree as? [String: Any] {
            mapping[head] = try set(value, at: rest, in: mapping[head] ?? [String: Any](), key: key)
            return mapping
        }
        if var sequence = tree as? [Any] {
            guard let i = Int(head), sequence.indices.contains(i) else {
                throw SweepError("--set \(key): '\(head)' is not an index of a list of \(sequence.count) entries")
            }
            sequence[i] = try set(value, at: rest, in: sequence[i], key: key)
            return sequence
        }
        throw SweepError("--set \(key): '\(head)' goes inside a value that is not a mapping or list")
    }

    /// FNV-1a, 64 bits, as 16 lower-case hex digits (a name, not a security hash).
    public static func fnv1a64Hex(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// The manifest a sweep writes as `sweep.json` in its folder: the base spec, the axes and every
/// point's folder, so `collect` and array tasks find the same grid.
public struct SweepManifest: Codable, Sendable, Equatable {
    public struct Point: Codable, Sendable, Equatable {
        public var index: Int
        public var folder: String
        public var values: [String: String]
    }
    public var spec: String
    public var axes: [SweepAxis]
    public var points: [Point]

    public init(spec: String, axes: [SweepAxis], points: [SweepPoint]) {
        self.spec = spec
        self.axes = axes
        self.points = points.map { point in
            Point(index: point.index, folder: point.hash,
                  values: Dictionary(uniqueKeysWithValues: point.assignments.map { ($0.key, $0.value) }))
        }
    }
}

/// Which points a process runs: all, or slice `index` of `count` (`--shard i/n`: the points
/// whose grid index ≡ i mod n), for job-array schedulers.
public struct SweepShard: Sendable, Equatable {
    public var index: Int
    public var count: Int

    public static let all = SweepShard(index: 0, count: 1)

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `i/n` with 0 ≤ i < n.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n > 0, (0..<n).contains(i) else {
            throw SweepError("--shard \(text): expected i/n with 0 ≤ i < n, e.g. 0/4")
        }
        index = i
        count = n
    }

    public func contains(_ point: Int) -> Bool { point % count == index }
}
