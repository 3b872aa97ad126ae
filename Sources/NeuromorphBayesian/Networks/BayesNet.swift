import Foundation
import NeuromorphCore

/// A Bayesian network of binary variables (digest bayesian-hardware §1.2): each node lists
/// its parents (earlier nodes) and a CPT `P(node = 1 | parents)` indexed by the parents'
/// bits, parent 0 the lowest bit.
public struct BayesNet: Sendable, Equatable {
    public struct Node: Sendable, Equatable {
        public var name: String
        public var parents: [Int]
        public var cpt: [Double]
        public init(_ name: String, parents: [Int] = [], cpt: [Double]) {
            self.name = name; self.parents = parents; self.cpt = cpt
        }
    }

    public let nodes: [Node]

    /// Checks topological order, CPT sizes and probabilities.
    public init(_ nodes: [Node]) throws {
        for (k, node) in nodes.enumerated() {
            guard node.parents.allSatisfy({ $0 >= 0 && $0 < k }) else {
                throw BayesianError(field: "nodes[\(k)].parents", value: "\(node.parents)", expected: "indices of earlier nodes")
            }
            guard node.cpt.count == 1 << node.parents.count else {
                throw BayesianError(field: "nodes[\(k)].cpt", value: "\(node.cpt.count) rows", expected: "\(1 << node.parents.count) rows")
            }
            guard node.cpt.allSatisfy({ $0.isFinite && (0...1).contains($0) }) else {
                throw BayesianError(field: "nodes[\(k)].cpt", value: "\(node.cpt)", expected: "probabilities in [0, 1]")
            }
        }
        self.nodes = nodes
    }

    /// The sprinkler network (Pearl 1988) with the CPTs of Murphy's BNT example: C, S | C,
    /// R | C, W | S, R (the review gives its CPTs only in a figure; spiking note §3).
    public static let sprinkler = try! BayesNet([
        Node("cloudy", cpt: [0.5]),
        Node("sprinkler", parents: [0], cpt: [0.5, 0.1]),
        Node("rain", parents: [0], cpt: [0.2, 0.8]),
        Node("wet_grass", parents: [1, 2], cpt: [0.0, 0.9, 0.9, 0.99]),
    ])

    /// P(node = value | its parents in `state`).
    @inlinable
    public func conditional(_ k: Int, _ value: Bool, in state: [Bool]) -> Double {
        var row = 0
        for (j, parent) in nodes[k].parents.enumerated() where state[parent] { row |= 1 << j }
        let p = nodes[k].cpt[row]
        return value ? p : 1 - p
    }

    /// The joint probability of a full assignment.
    public func joint(_ state: [Bool]) -> Double {
        (0..<nodes.count).reduce(1) { $0 * conditional($1, state[$1], in: state) }
    }

    /// Exact `P(query = 1 | evidence)` by enumeration.
    public func exact(query: Int, evidence: [Int: Bool]) -> Double {
        var numerator = 0.0, denominator = 0.0
        for bits in 0..<(1 << nodes.count) {
            let state = (0..<nodes.count).map { bits & (1 << $0) != 0 }
            guard evidence.allSatisfy({ state[$0.key] == $0.value }) else { continue }
            let p = joint(state)
            denominator += p
            if state[query] { numerator += p }
        }
        return numerator / denominator
    }

    /// One ancestral (forward) sample: the p-bit sequencer order.
    public func forwardSample(using generator: inout SeededGenerator) -> [Bool] {
        var state = [Bool](repeating: false, count: nodes.count)
        for k in nodes.indices { state[k] = generator.nextUniformDouble() < conditional(k, true, in: state) }
        return state
    }

    /// Rejection sampling: forward samples that disagree with the evidence are dropped.
    public func rejectionSample(query: Int, evidence: [Int: Bool], accepted: Int,
                                using generator: inout SeededGenerator) -> Double {
        var hits = 0, kept = 0
        while kept < accepted {
            let s = forwardSample(using: &generator)
            guard evidence.allSatisfy({ s[$0.key] == $0.value }) else { continue }
            kept += 1
            if s[query] { hits += 1 }
        }
        return Double(hits) / Double(accepted)
    }

    /// The log-probability terms of the Markov blanket of `k` for `value` (the Gibbs energy).
    func blanketLogProbability(_ k: Int, _ value: Bool, state: inout [Bool]) -> Double {
        let saved = state[k]
        state[k] = value
        var e = Foundation.log(conditional(k, value, in: state))
        for child in nodes.indices where nodes[child].parents.contains(k) {
            e += Foundation.log(conditional(child, state[child], in: state))
        }
        state[k] = saved
        return e
    }
}
