// MARK: - Network layers

/// One convolution or fully-connected layer, in the IFM/filter terms of Lu et al. 2021,
/// "Background": an IFM of H × W × D processed by N filters of K × K × D gives an OFM of
/// (H/stride) × (W/stride) × N ("same" padding, as in NeuroSim's network files).
/// ```
/// O[x][y][n] = Σ_{i<K} Σ_{j<K} Σ_{k<D} I[x+i][y+j][k] × W[i][j][k][n]
/// ```
/// A fully-connected layer is a 1 × 1 × D input with a 1 × 1 kernel; one applied to T tokens
/// is a T × 1 × D input with a 1 × 1 kernel. ``init(_:)`` builds one from a `WorkloadLayer`.
public struct NetworkLayer: Codable, Sendable, Equatable {
    public var name: String
    public var inputHeight: Int
    public var inputWidth: Int
    public var inputChannels: Int
    public var kernelSize: Int
    public var outputChannels: Int
    public var stride: Int
    /// Zero padding on each side; `nil` means "same" padding (NeuroSim's network files), so
    /// the OFM is ⌈H/stride⌉ × ⌈W/stride⌉. With a value, the OFM is
    /// `(H + 2P − K)/stride + 1` per side, as the model computed it.
    public var padding: Int?

    public init(name: String, inputHeight: Int, inputWidth: Int, inputChannels: Int, kernelSize: Int,
                outputChannels: Int, stride: Int = 1, padding: Int? = nil) {
        self.name = name
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.inputChannels = inputChannels
        self.kernelSize = kernelSize
        self.outputChannels = outputChannels
        self.stride = stride
        self.padding = padding
    }

    /// A `k × k` convolution on an `h × w × d` IFM with `n` filters.
    public static func conv(_ name: String, _ h: Int, _ w: Int, _ d: Int, k: Int, n: Int, stride: Int = 1) -> NetworkLayer {
        NetworkLayer(name: name, inputHeight: h, inputWidth: w, inputChannels: d, kernelSize: k, outputChannels: n,
                     stride: stride)
    }

    /// A fully-connected layer `inputs → outputs`.
    public static func fc(_ name: String, _ inputs: Int, _ outputs: Int) -> NetworkLayer {
        NetworkLayer(name: name, inputHeight: 1, inputWidth: 1, inputChannels: inputs, kernelSize: 1,
                     outputChannels: outputs)
    }

    /// Weight-matrix rows (K·K·D, the unrolled kernel) and weight columns (N).
    public var weightRows: Int { kernelSize * kernelSize * inputChannels }
    /// OFM pixels: ⌈H/stride⌉ × ⌈W/stride⌉ ("same" padding), or
    /// `((H + 2P − K)/stride + 1) × ((W + 2P − K)/stride + 1)` with an explicit ``padding``.
    public var outputPixels: Int {
        if let padding {
            return ((inputHeight + 2 * padding - kernelSize) / stride + 1) * ((inputWidth + 2 * padding - kernelSize) / stride + 1)
        }
        return ((inputHeight + stride - 1) / stride) * ((inputWidth + stride - 1) / stride)
    }
    /// Multiply-accumulates: OFM pixels × K·K·D × N.
    public var macs: Int { outputPixels * weightRows * outputChannels }
    /// Weights: K·K·D × N.
    public var weights: Int { weightRows * outputChannels }

    public func validate(field: String) throws {
        for (v, n) in [(inputHeight, "inputHeight"), (inputWidth, "inputWidth"), (inputChannels, "inputChannels"),
                       (kernelSize, "kernelSize"), (outputChannels, "outputChannels"), (stride, "stride")] where v < 1 {
            throw CIMEstimateError.invalidParameter(field: "\(field).\(n)", value: "\(v)", expected: "an integer >= 1")
        }
        if let padding {
            guard padding >= 0 else {
                throw CIMEstimateError.invalidParameter(field: "\(field).padding", value: "\(padding)", expected: "an integer >= 0")
            }
            guard inputHeight + 2 * padding >= kernelSize, inputWidth + 2 * padding >= kernelSize else {
                throw CIMEstimateError.unmappableLayer(
                    layer: name, reason: "kernelSize \(kernelSize) exceeds the \(inputHeight) x \(inputWidth) input padded by \(padding)")
            }
            return
        }
        guard kernelSize <= max(inputHeight, inputWidth) || (inputHeight == 1 && inputWidth == 1 && kernelSize == 1) else {
            throw CIMEstimateError.unmappableLayer(
                layer: name, reason: "kernelSize \(kernelSize) exceeds the \(inputHeight) x \(inputWidth) input")
        }
    }
}

// MARK: - Model zoo

/// Network shapes of the Table 7 benchmark (Lu et al. 2021), as in DNN+NeuroSim V1.3.
public enum CIMModelZoo: String, Codable, Sendable, CaseIterable {
    /// VGG-8 on CIFAR-10: 6 conv (128, 128, 256, 256, 512, 512; 3 × 3, pooling after pairs) and
    /// FC 8192 → 1024 → 10 (NeuroSim V1.3 `models/VGG.py`); 615.9 M MACs ≈ 1.23e9 ops.
    case vgg8CIFAR10 = "vgg8-cifar10"
    /// ResNet-18 on ImageNet: the 21 weight layers of NeuroSim V1.3 `NetWork_ResNet18.csv`
    /// (7 × 7 stem, 16 3 × 3 convs, 3 1 × 1 shortcuts, FC 512 → 1000).
    case resnet18ImageNet = "resnet18-imagenet"

    public var layers: [NetworkLayer] {
        switch self {
        case .vgg8CIFAR10:
            return [
                .conv("conv1", 32, 32, 3, k: 3, n: 128), .conv("conv2", 32, 32, 128, k: 3, n: 128),
                .conv("conv3", 16, 16, 128, k: 3, n: 256), .conv("conv4", 16, 16, 256, k: 3, n: 256),
                .conv("conv5", 8, 8, 256, k: 3, n: 512), .conv("conv6", 8, 8, 512, k: 3, n: 512),
                .fc("fc1", 8192, 1024), .fc("fc2", 1024, 10),
            ]
        case .resnet18ImageNet:
            // (H, D, K, N, stride) rows of NetWork_ResNet18.csv.
            let rows: [(Int, Int, Int, Int, Int)] = [
                (224, 3, 7, 64, 2), (56, 64, 3, 64, 1), (56, 64, 3, 64, 1), (56, 64, 3, 64, 1), (56, 64, 3, 64, 1),
                (56, 64, 3, 128, 2), (28, 128, 3, 128, 1), (56, 64, 1, 128, 2), (28, 128, 3, 128, 1),
                (28, 128, 3, 128, 1), (28, 128, 3, 256, 2), (14, 256, 3, 256, 1), (28, 128, 1, 256, 2),
                (14, 256, 3, 256, 1), (14, 256, 3, 256, 1), (14, 256, 3, 512, 2), (7, 512, 3, 512, 1),
                (14, 256, 1, 512, 2), (7, 512, 3, 512, 1), (7, 512, 3, 512, 1),
            ]
            return rows.enumerated().map { i, r in .conv("conv\(i + 1)", r.0, r.0, r.1, k: r.2, n: r.3, stride: r.4) }
                + [.fc("fc", 512, 1000)]
        }
    }

    public static func named(_ name: String) throws -> CIMModelZoo {
        guard let model = CIMModelZoo(rawValue: name.lowercased()) else {
            throw CIMEstimateError.unknownName(field: "network.model", value: name, known: allCases.map(\.rawValue))
        }
        return model
    }
}
