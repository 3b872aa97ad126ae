/// Networks ready to map, by name (for `neuromorph map MODEL`).
public enum IMCModelZoo {
    /// Names accepted by ``network(named:)``.
    public static let names: [String] = ["resnet32-cifar10"]

    /// The zoo network called `name` (case-insensitive; `"resnet32"` is an alias).
    public static func network(named name: String) throws(IMCMappingError) -> IMCNetwork {
        switch name.lowercased() {
        case "resnet32-cifar10", "resnet32", "resnet-32":
            return resNet32CIFAR10()
        default:
            throw .unknownModel(name: name, available: names)
        }
    }

    // MARK: - ResNet-32 (Dazzi et al. 2021, Table 2)

    /// ResNet-32 for CIFAR-10 with channel depths 16/28/56 (Dazzi et al. 2021 §3.1.1, Table 2).
    ///
    /// 31 conv 3×3 layers (padding 1), two 1×1 stride-2 resampling layers RS1, RS2 on the
    /// residual paths, and the FC classifier: 34 layers. Layer 1 is the stem; layers
    /// (2,3), (4,5), … are basic blocks whose second conv adds the block input.
    ///
    /// Topology reading (errata of Table 2, digest §1.10 #2–3): the input of layers 12 and
    /// RS1 is layer 11's output, so their `C_in` is 16 (Table 2 prints 28); the input of
    /// layers 22 and RS2 is layer 21's output, so their `C_in` is 28 (Table 2 prints 56).
    /// Layers 23–31 have stride 1 (Table 2 prints 2 although 8×8 → 8×8). With this reading
    /// layer 22 needs 252 rows and is not split, giving the 43 cores stated in the text.
    public static func resNet32CIFAR10() -> IMCNetwork {
        var layers: [IMCLayer] = []
        func conv(_ n: Int, h: Int, cin: Int, cout: Int, stride: Int = 1, src: String, res: String? = nil) {
            layers.append(IMCLayer(name: "\(n)", kernel: 3, inChannels: cin, outChannels: cout,
                                   stride: stride, padding: 1, inputHeight: h, inputWidth: h,
                                   source: src, residual: res))
        }
        func resample(_ name: String, h: Int, cin: Int, cout: Int, src: String) {
            layers.append(IMCLayer(name: name, kind: .resample, kernel: 1, inChannels: cin, outChannels: cout,
                                   stride: 2, padding: 0, inputHeight: h, inputWidth: h, source: src))
        }
        conv(1, h: 32, cin: 3, cout: 16, src: "input")
        // Group 1: layers 2–11, 32×32×16, five basic blocks.
        var blockInput = "1"
        for first in stride(from: 2, through: 10, by: 2) {
            conv(first, h: 32, cin: 16, cout: 16, src: blockInput)
            conv(first + 1, h: 32, cin: 16, cout: 16, src: "\(first)", res: blockInput)
            blockInput = "\(first + 1)"
        }
        // Group 2: RS1, layers 12–21, 16×16×28.
        resample("RS1", h: 32, cin: 16, cout: 28, src: blockInput)
        conv(12, h: 32, cin: 16, cout: 28, stride: 2, src: blockInput)
        conv(13, h: 16, cin: 28, cout: 28, src: "12", res: "RS1")
        blockInput = "13"
        for first in stride(from: 14, through: 20, by: 2) {
            conv(first, h: 16, cin: 28, cout: 28, src: blockInput)
            conv(first + 1, h: 16, cin: 28, cout: 28, src: "\(first)", res: blockInput)
            blockInput = "\(first + 1)"
        }
        // Group 3: RS2, layers 22–31, 8×8×56.
        resample("RS2", h: 16, cin: 28, cout: 56, src: blockInput)
        conv(22, h: 16, cin: 28, cout: 56, stride: 2, src: blockInput)
        conv(23, h: 8, cin: 56, cout: 56, src: "22", res: "RS2")
        blockInput = "23"
        for first in stride(from: 24, through: 30, by: 2) {
            conv(first, h: 8, cin: 56, cout: 56, src: blockInput)
            conv(first + 1, h: 8, cin: 56, cout: 56, src: "\(first)", res: blockInput)
            blockInput = "\(first + 1)"
        }
        layers.append(IMCLayer(name: "FC", kind: .fullyConnected, kernel: 1, inChannels: 56, outChannels: 10,
                               inputHeight: 8, inputWidth: 8, source: blockInput))
        return IMCNetwork(name: "resnet32-cifar10", inputHeight: 32, inputWidth: 32, inputChannels: 3, layers: layers)
    }
}
