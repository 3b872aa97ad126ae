/// How a grouped convolution layer is cut into TrueNorth cores, and how many cores it needs
/// (Appuswamy et al. 2016 §5: "about half the cores" of the unconstrained mapping;
/// learning-rules note §2.4).
///
/// A core takes one group's input window (`Cg` channels × a rectangle of pixels, one axon
/// per pixel and channel, or two for the unconstrained mapping) and holds the neurons of a
/// tile of `th × tw` output positions for up to `⌊256 / (th·tw)⌋` of the group's features.
/// The mapper tries every tile shape and keeps the one with the fewest cores:
/// ```
/// cores = groups · k · ⌈Ho/th⌉ · ⌈Wo/tw⌉ · ⌈(Fg/k) / ⌊256/(th·tw)⌋⌉
/// subject to ((th−1)s + k)·((tw−1)s + k)·Cg·axonsPerInput ≤ 256
/// ```
/// Symmetric kernels need one axon per input (its type serves every neuron of the core).
/// The unconstrained trinary mapping of Esser et al. 2016 ([I], the baseline the paper
/// compares with) delivers each input to two axons, of a "+1" and a "−1" type, so any
/// trinary kernel fits but a core sees half the inputs. k is the number of signature clusters
/// per group (1 for the paper's one type vector per group; the unconstrained mapping has no
/// type vector to share and always counts k = 1).
public struct TrueNorthLayerGeometry: Sendable, Equatable, Codable {
    public var inChannels: Int
    public var height: Int
    public var width: Int
    public var outChannels: Int
    public var kernelSize: Int
    public var stride: Int
    public var groups: Int
    /// Signature clusters per group (symmetric mapping only): each cluster's features take
    /// their own cores, which receive copies of the group's input window.
    public var signatureClusters: Int

    public init(inChannels: Int, height: Int, width: Int, outChannels: Int, kernelSize: Int, stride: Int, groups: Int,
                signatureClusters: Int = 1) {
        self.signatureClusters = signatureClusters
        self.inChannels = inChannels
        self.height = height
        self.width = width
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.groups = groups
    }

    public var outHeight: Int { (height - kernelSize) / stride + 1 }
    public var outWidth: Int { (width - kernelSize) / stride + 1 }
    public var groupInChannels: Int { inChannels / groups }
    public var groupOutChannels: Int { outChannels / groups }
}

/// One layer's cut into cores.
public struct TrueNorthTiling: Sendable, Equatable, Codable {
    /// Output rows and columns per tile.
    public var tileHeight: Int
    public var tileWidth: Int
    /// Features of a group per core.
    public var featuresPerCore: Int
    public var axonsPerInput: Int
    public var cores: Int
}

public enum TrueNorthCoreMapper {
    /// The tiling with the fewest cores for `geometry` with `axonsPerInput` axons per input
    /// (1: symmetric kernels, 2: the unconstrained trinary mapping).
    ///
    /// - Throws: `LearningRuleParameterError` when not even one output position fits a core
    ///   (fan-in · axonsPerInput > 256), or for inconsistent sizes.
    public static func tiling(_ g: TrueNorthLayerGeometry, axonsPerInput: Int) throws -> TrueNorthTiling {
        let k = axonsPerInput == 1 ? g.signatureClusters : 1
        guard axonsPerInput >= 1, g.groups >= 1, k >= 1, g.inChannels % g.groups == 0, g.outChannels % (g.groups * k) == 0,
              g.kernelSize >= 1, g.stride >= 1, g.height >= g.kernelSize, g.width >= g.kernelSize else {
            throw LearningRuleParameterError(type: "TrueNorthCoreMapper", field: "geometry", value: "\(g)",
                                             expected: "channels divisible by groups and a kernel that fits the input")
        }
        var best: TrueNorthTiling?
        for th in 1...g.outHeight {
            for tw in 1...g.outWidth {
                let axons = ((th - 1) * g.stride + g.kernelSize) * ((tw - 1) * g.stride + g.kernelSize)
                    * g.groupInChannels * axonsPerInput
                guard axons <= TrueNorthCore.axonCapacity, th * tw <= TrueNorthCore.neuronCapacity else { continue }
                let perCluster = g.groupOutChannels / k
                let perCore = Swift.min(perCluster, TrueNorthCore.neuronCapacity / (th * tw))
                let cores = g.groups * k * ceilDiv(g.outHeight, th) * ceilDiv(g.outWidth, tw) * ceilDiv(perCluster, perCore)
                if best == nil || cores < best!.cores {
                    best = TrueNorthTiling(tileHeight: th, tileWidth: tw, featuresPerCore: perCore,
                                           axonsPerInput: axonsPerInput, cores: cores)
                }
            }
        }
        guard let best else {
            throw LearningRuleParameterError(type: "TrueNorthCoreMapper", field: "fan-in",
                                             value: "\(g.groupInChannels * g.kernelSize * g.kernelSize) × \(axonsPerInput) axons",
                                             expected: "at most 256 axons per output position")
        }
        return best
    }

    /// Cores of the symmetric mapping and of the unconstrained trinary mapping, per layer.
    public static func compare(_ layers: [TrueNorthLayerGeometry]) throws -> (symmetric: [Int], unconstrained: [Int]) {
        (try layers.map { try tiling($0, axonsPerInput: 1).cores }, try layers.map { try tiling($0, axonsPerInput: 2).cores })
    }

    static func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
}
