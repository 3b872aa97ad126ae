import Foundation

/// Mean shortest path of an Erdős–Rényi graph (Fronczak et al. 2004, used by
/// Primavera & Shainline 2021, Eq. 6; digest §2.6).
///
/// ```
/// k̄ = exp[ (ln N − γ) / (L̄ − ½) ]        (6)
/// L̄ = ½ + (ln N − γ) / ln k̄               (6, inverted)
/// ```
///
/// The paper's "nearly 10,000" synapses for N = 10⁶, L̄ = 2 is 6,806 by Eq. 6, and
/// k̄ = 100 gives L̄ = 3.37, not the 3.5 the paper states.
public enum ErdosRenyiPathLength {
    /// Eq. 6: mean degree needed for a mean path length `L̄ > ½` among `N > 1` nodes.
    public static func meanDegree(nodes: Double, meanPathLength: Double) throws -> Double {
        try Check.greater(nodes, than: 1, "nodes", in: "ErdosRenyiPathLength")
        try Check.greater(meanPathLength, than: 0.5, "meanPathLength", in: "ErdosRenyiPathLength")
        return exp((log(nodes) - PhysicalConstants.eulerGamma) / (meanPathLength - 0.5))
    }

    /// Eq. 6 inverted: mean path length for mean degree `k̄ > 1`.
    public static func meanPathLength(nodes: Double, meanDegree: Double) throws -> Double {
        try Check.greater(nodes, than: 1, "nodes", in: "ErdosRenyiPathLength")
        try Check.greater(meanDegree, than: 1, "meanDegree", in: "ErdosRenyiPathLength")
        return 0.5 + (log(nodes) - PhysicalConstants.eulerGamma) / log(meanDegree)
    }
}

/// An undirected G(N, p) random graph in compressed adjacency form, for checking
/// Eq. 6 by breadth-first search.
///
/// Edges are drawn with the geometric-skip method of Batagelj & Brandes (2005), exact
/// for G(N, p) in O(N + E) time, with `p = k̄ / (N − 1)`.
public struct ErdosRenyiGraph: Sendable {
    /// Number of nodes.
    public let nodeCount: Int
    /// `offsets[v]..<offsets[v+1]` indexes `neighbors` for node v.
    let offsets: [Int]
    let neighbors: [Int32]

    /// Samples G(N, k̄/(N−1)) from the generator.
    public init(nodes: Int, meanDegree: Double, generator: inout MonteCarloRNG) throws {
        let m = "ErdosRenyiGraph"
        guard nodes >= 2, nodes <= Int(Int32.max) else {
            throw ChipModelError(model: m, field: "nodes", value: "\(nodes)",
                                 expected: "an integer in 2...\(Int32.max)")
        }
        try Check.positive(meanDegree, "meanDegree", in: m)
        guard meanDegree <= Double(nodes - 1) else {
            throw ChipModelError(model: m, field: "meanDegree", value: "\(meanDegree)",
                                 expected: "a degree <= nodes - 1 (\(nodes - 1))")
        }
        let p = meanDegree / Double(nodes - 1)
        var edges: [(Int32, Int32)] = []
        edges.reserveCapacity(Int(Double(nodes) * meanDegree / 2 * 1.1))
        if p >= 1 {
            for v in 1..<nodes { for w in 0..<v { edges.append((Int32(v), Int32(w))) } }
        } else {
            // Batagelj–Brandes: walk the lower triangle (v > w) in geometric jumps.
            let logQ = log(1 - p)
            var v = 1
            var w = -1
            while v < nodes {
                let r = 1 - generator.nextUnitInterval()  // (0, 1]
                w += 1 + Int(floor(log(r) / logQ))
                while w >= v && v < nodes {
                    w -= v
                    v += 1
                }
                if v < nodes { edges.append((Int32(v), Int32(w))) }
            }
        }
        var degree = [Int](repeating: 0, count: nodes + 1)
        for (a, b) in edges {
            degree[Int(a) + 1] += 1
            degree[Int(b) + 1] += 1
        }
        for i in 0..<nodes { degree[i + 1] += degree[i] }
        var fill = degree
        var adjacency = [Int32](repeating: 0, count: 2 * edges.count)
        for (a, b) in edges {
            adjacency[fill[Int(a)]] = b
            fill[Int(a)] += 1
            adjacency[fill[Int(b)]] = a
            fill[Int(b)] += 1
        }
        nodeCount = nodes
        offsets = degree
        neighbors = adjacency
    }

    /// Number of undirected edges.
    public var edgeCount: Int { neighbors.count / 2 }

    /// Sample mean degree `2E / N`.
    public var sampleMeanDegree: Double { Double(neighbors.count) / Double(nodeCount) }

    /// Hop distances from `source` (−1 for unreachable nodes), by breadth-first search.
    public func distances(from source: Int) -> [Int32] {
        precondition((0..<nodeCount).contains(source), "source out of range")
        var dist = [Int32](repeating: -1, count: nodeCount)
        var queue = [Int32](repeating: 0, count: nodeCount)
        dist.withUnsafeMutableBufferPointer { d in
            queue.withUnsafeMutableBufferPointer { q in
                offsets.withUnsafeBufferPointer { off in
                    neighbors.withUnsafeBufferPointer { nb in
                        var head = 0
                        var tail = 1
                        q[0] = Int32(source)
                        d[source] = 0
                        while head < tail {
                            let v = Int(q[head])
                            head += 1
                            let next = d[v] + 1
                            for i in off[v]..<off[v + 1] {
                                let w = Int(nb[i])
                                if d[w] < 0 {
                                    d[w] = next
                                    q[tail] = Int32(w)
                                    tail += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        return dist
    }

    /// Mean shortest-path length over reachable pairs from `sources` distinct random
    /// source nodes (BFS from each).
    public func sampledMeanPathLength(sources: Int,
                                      generator: inout MonteCarloRNG) throws -> PathLengthSample {
        guard sources >= 1, sources <= nodeCount else {
            throw ChipModelError(model: "ErdosRenyiGraph", field: "sources", value: "\(sources)",
                                 expected: "an integer in 1...\(nodeCount)")
        }
        var chosen = Set<Int>()
        while chosen.count < sources {
            chosen.insert(Int(generator.next() % UInt64(nodeCount)))
        }
        var total = 0
        var pairs = 0
        for source in chosen.sorted() {
            for d in distances(from: source) where d > 0 {
                total += Int(d)
                pairs += 1
            }
        }
        return PathLengthSample(
            meanPathLength: pairs == 0 ? 0 : Double(total) / Double(pairs),
            reachableFraction: Double(pairs) / Double(sources * (nodeCount - 1)),
            pairs: pairs)
    }
}

/// A BFS estimate of the mean shortest path.
public struct PathLengthSample: Sendable, Hashable {
    /// Mean hops over reachable (source, target ≠ source) pairs.
    public let meanPathLength: Double
    /// Fraction of sampled pairs that were connected.
    public let reachableFraction: Double
    /// Reachable pairs counted.
    public let pairs: Int
}
