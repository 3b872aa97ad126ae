import Foundation
import Testing
@testable import NeuromorphSpiking

@Suite struct TmpProbe {
    @Test(arguments: [0, 1] as [UInt64]) func probe(seed: UInt64) throws {
        for (train, steps, f1, f2) in [(40, 50, 8, 16), (80, 50, 8, 16)] {
            for theta: Float? in [nil, 0, 200] {
                var c = MonetaExperiment.Configuration()
                c.trainImages = train; c.testImages = 30; c.steps = steps; c.filters1 = f1; c.filters2 = f2; c.readoutEpochs = 5
                c.seed = seed
                if let theta { c.competition = try MonetaTableCompetition(thetaPlus: theta) }
                let t0 = Date()
                let r = try MonetaExperiment.run(data: URL(fileURLWithPath: "/work/shared/data/mnist-5k"), configuration: c)
                print("PROBE seed \(seed) train \(train) steps \(steps) \(f1)/\(f2) theta \(String(describing: theta)): active \(r.activeFilters) acc \(r.testAccuracy) \(Date().timeIntervalSince(t0)) s")
            }
        }
    }
}
