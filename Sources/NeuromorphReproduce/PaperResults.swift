import NeuromorphCore

/// The registry: every paper's results, in the order of `groups`.
public enum PaperResults {
    /// The paper groups. A new paper adds its `PaperResultGroup` here.
    public static let groups: [any PaperResultGroup.Type] = [
        MuBrainResults.self, NeuroSimResults.self, SteffenPlannerResults.self, SpoonPCMResults.self,
        AlwaysOnSNNResults.self, DazziMappingResults.self, OptoelectronicResults.self,
        BayesianReviewResults.self, WangBCPNNResults.self, MonetaResults.self, OnenSHDResults.self, GokmenTTv2Results.self,
        ZhaoGradientDecompositionResults.self, LaborieuxEPResults.self, MullerBiasMatchingResults.self,
        NeftciS2MResults.self, AppuswamyTrueNorthResults.self,
    ]

    /// Every registered paper, in registry order.
    public static var papers: [Paper] { groups.map { $0.paper } }

    /// Every registered result, in registry order.
    public static var all: [PaperResult] { groups.flatMap { $0.results } }

    /// The results of `selection`: `nil` or "all" selects every paper; otherwise a paper key.
    /// Throws ``ReproduceError`` naming the valid keys for an unknown key.
    public static func select(_ selection: String?, quick: Bool) throws -> [PaperResult] {
        let chosen: [PaperResult]
        if let selection, selection.lowercased() != "all" {
            let key = selection.lowercased()
            guard papers.contains(where: { $0.key == key }) else {
                throw ReproduceError(paper: selection, validKeys: papers.map(\.key))
            }
            chosen = all.filter { $0.paper.key == key }
        } else {
            chosen = all
        }
        return quick ? chosen.filter(\.quick) : chosen
    }
}

/// An unknown paper key on the command line.
public struct ReproduceError: UserFacingError, Sendable, Equatable {
    public let paper: String
    public let validKeys: [String]

    public var description: String {
        "unknown paper '\(paper)': expected 'all' or one of \(validKeys.joined(separator: ", "))"
    }
}
