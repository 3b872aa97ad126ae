import Foundation
import NeuromorphSpiking
import NeuromorphCore
ComputeThreads.set(2)
let a = CommandLine.arguments
var c = MonetaExperiment.Configuration()
c.training = a[1] == "type1" ? .type1 : .type2
c.seed = UInt64(a[2])!
let r = try MonetaExperiment.run(data: URL(fileURLWithPath: ProcessInfo.processInfo.environment["MNIST5K"] ?? "../shared/data/mnist-5k"), configuration: c)
print("\(a[1]) seed \(c.seed) WTA=\(ProcessInfo.processInfo.environment["MONETA_WTA"] != nil): test \(r.testAccuracy) train \(r.trainAccuracy) active \(r.activeFilters) rates \(r.outputSpikeRates) sops \(r.synapticOperationsPerImage)")
