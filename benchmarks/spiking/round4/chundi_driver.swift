import Foundation
import NeuromorphCore
import NeuromorphSpiking

ComputeThreads.set(2)
let args = CommandLine.arguments
let mode = args[1]
let L = Int(args[2])!
let images = Int(args[3])!
let seed = UInt64(args[4])!
let data = try SystemImages.loadIDX(URL(fileURLWithPath: ProcessInfo.processInfo.environment["MNIST5K"] ?? "../shared/data/mnist-5k"))
var c = ChundiConfiguration()
c.inputLevels = L
if mode == "exp" {
    let r = try ChundiSystem.experiment(train: data.train, test: data.test, configuration: c, images: images, seed: seed, dataName: "mnist-5k")
    print("L=\(L) seed=\(seed) n=\(r.images) bnn=\(r.bnnAccuracy) snn=\(r.snnAccuracy) all=\(r.snnUnlimitedAccuracy) agree=\(r.agreementWithBNN) in=\(r.inputSpikesPerImage) grants=\(r.grantsPerLayerPerImage) drops=\(r.dropsPerImage) sops=\(r.sopsPerImage) eSOP=\(r.energySOPJ * 1e9) nJ")
} else {
    let ths: [Int32] = [2, 4, 8, 16, 24, 32, 48, 64, 96, 128]
    let rs = try ChundiSystem.thresholdSweep(train: data.train, test: data.test, configuration: c, firstThresholds: ths, images: images, seed: seed, dataName: "mnist-5k")
    for r in rs {
        print("L=\(L) TH1=\(r.configuration.thresholds[0]) bnn=\(r.bnnAccuracy) snn=\(r.snnAccuracy) all=\(r.snnUnlimitedAccuracy) drops=\(r.dropsPerImage) grants=\(r.grantsPerLayerPerImage) sops=\(r.sopsPerImage)")
    }
}
