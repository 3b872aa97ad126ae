import Foundation
import NeuromorphMapping

/// The mapping network JSON (`IMCMapper.network(fromJSON:)`); a network that validates and is
/// small enough to simulate quickly (≤ 64 × 64 input, ≤ 12 layers) is mapped and simulated.
enum FuzzMappingJSON {
    static func run(_ bytes: [UInt8]) {
        guard let network = try? IMCMapper.network(fromJSON: Data(bytes), file: "fuzz"),
              (try? network.validate()) != nil else { return }
        guard network.layers.count <= 12, network.inputHeight <= 64, network.inputWidth <= 64,
              network.layers.allSatisfy({ $0.inputHeight <= 64 && $0.inputWidth <= 64 && $0.inChannels <= 1024
                  && $0.outChannels <= 1024 && ($0.parallelism ?? 1) <= 64 })
        else { return }
        _ = try? IMCMapper.map(network: network, crossbar: .dazzi256, speedup: false, batch: 2)
        _ = try? IMCMapper.map(network: network, crossbar: .dazzi256, speedup: true, batch: 1)
    }
}
