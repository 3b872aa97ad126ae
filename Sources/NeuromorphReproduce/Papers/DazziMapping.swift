import NeuromorphMapping

/// CNN inference on in-memory-computing cores (Dazzi et al. 2021): kernel replication, the
/// ResNet-32 mapping, link bandwidth, input memory and the pipeline latency and throughput.
/// Digest `imc-cnn-mapping_optoelectronic-scaling.md` §1.4–1.8, acceptance tests §1.13, §1.14.
enum DazziMappingResults: PaperResultGroup {
    static let paper = Paper(key: "dazzi2021", citation: "Dazzi et al. 2021, CNN inference on IMC cores",
                             digest: "imc-cnn-mapping_optoelectronic-scaling.md")

    /// The pipeline simulations (batch 100), run once per process and shared by the entries.
    static let regular = Result { try IMCMapper.map(model: "resnet32-cifar10", crossbar: .dazzi256, speedup: false, batch: 100) }
    static let speedup = Result { try IMCMapper.map(model: "resnet32-cifar10", crossbar: .dazzi256, speedup: true, batch: 100) }

    static var results: [PaperResult] {
        [
            result("fig6-method1-rows", "§1.4", "Fig. 6: 20 replicas, Method 1, C_in = 16, F = 3", paper: 1_056,
                   tolerance: .exact) { Double(try KernelReplication.method1(replicas: 20).rows(kernel: 3, inChannels: 16)) },
            result("fig6-method2-rows", "§1.4", "Fig. 6: 20 replicas, Method 2, ΔW = 5", paper: 672,
                   tolerance: .exact) {
                Double(try KernelReplication.method2(replicas: 20, deltaW: 5).rows(kernel: 3, inChannels: 16))
            },
            result("resnet32-cores", "§1.8", "IMC cores for ResNet-32 on 256×256 crossbars", paper: 43,
                   tolerance: .exact) { Double(try IMCNetworkMapping(network: IMCModelZoo.resNet32CIFAR10()).coreCount) },
            result("link-bandwidth", "§1.8 Eq. 7", "link bandwidth 8 b × 56 / 100 ns (\"4.5 Gbps\")", paper: 4.5,
                   unit: "Gbps", tolerance: .relative(0.01)) { IMCHardware().linkBandwidth(maxOutChannels: 56) / 1e9 },
            result("input-memory-layer1", "§1.5, §1.8", "layer-1 input memory (IWAP, 96 pixels × 24 b; KB = 1,024 B)",
                   paper: 0.28, unit: "KB", tolerance: .absolute(0.005)) {
                Double(SRAMLayoutReport(layout: .preferred(pixelBits: 24, wordBits: 128), pixels: 96, kernel: 3,
                                 pixelBits: 24, wordBits: 128).footprintBits) / 8 / 1024
            },
            result("input-memory-56ch", "§1.5, §1.8", "input memory of the 56-channel layers (PLIP; KB = 1,024 B)",
                   paper: 1.5, unit: "KB", tolerance: .absolute(0.05)) {
                Double(SRAMLayoutReport(layout: .preferred(pixelBits: 8 * 56, wordBits: 128), pixels: 8 * 3, kernel: 3,
                                 pixelBits: 8 * 56, wordBits: 128).footprintBits) / 8 / 1024
            },
            result("latency-regular", "§1.8, §1.14", "single-image latency, batch 100", paper: 1_628,
                   unit: "cycles", tolerance: .relative(0.05), quick: false) { Double(try regular.get().latencyTimesteps) },
            result("latency-speedup", "§1.8, §1.14", "single-image latency with the speed-up mapping", paper: 526,
                   unit: "cycles", tolerance: .relative(0.10), quick: false) { Double(try speedup.get().latencyTimesteps) },
            result("speedup-factor", "§1.8, §1.14", "latency ratio regular / speed-up (accepted 2.9–3.3)", paper: 3.1,
                   unit: "×", tolerance: .absolute(0.2), quick: false) {
                Double(try regular.get().latencyTimesteps) / Double(try speedup.get().latencyTimesteps)
            },
            result("throughput-regular", "§1.8, §1.14", "throughput, batch 100 at 100 ns", paper: 9_650,
                   unit: "img/s", tolerance: .relative(0.015), quick: false) { try regular.get().throughputImagesPerSecond },
            result("throughput-speedup", "§1.8, §1.14", "throughput with the speed-up mapping", paper: 38_600,
                   unit: "img/s", tolerance: .relative(0.015), quick: false) { try speedup.get().throughputImagesPerSecond },
        ]
    }
}
