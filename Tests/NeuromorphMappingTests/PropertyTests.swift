import PropertyBased
import Testing
@testable import NeuromorphMapping

/// Invariants of the mapper over random valid inputs.
@Suite("Mapping properties")
struct MappingPropertyTests {
    /// A random chain of conv layers (shapes consistent by construction).
    static func network(channels: [Int], kernel: Int, size: Int) -> IMCNetwork {
        var layers: [IMCLayer] = []
        var previous = "input", inChannels = channels[0]
        for (i, out) in channels.dropFirst().enumerated() {
            layers.append(IMCLayer(name: "c\(i)", kernel: kernel, inChannels: inChannels, outChannels: out,
                                   padding: kernel / 2, inputHeight: size, inputWidth: size, source: previous))
            previous = "c\(i)"
            inChannels = out
        }
        return IMCNetwork(name: "random", inputHeight: size, inputWidth: size, inputChannels: channels[0], layers: layers)
    }

    /// Shrinking the crossbar (fewer rows or fewer columns) never lowers the core count.
    @Test func coreCountNeverDropsWhenTheCrossbarShrinks() async {
        await propertyCheck(count: 60, input: Gen.int(in: 1...300).array(of: 2...5), Gen.int(in: 0...2),
                            Gen.int(in: 4...512), Gen.int(in: 4...512)) { channels, k, rows, columns in
            let kernel = [1, 3, 5][k]
            let network = Self.network(channels: channels, kernel: kernel, size: 8)
            guard rows >= kernel * kernel else { return }
            let big = try IMCMapper.map(network: network, crossbar: CrossbarShape(rows: rows, columns: columns), batch: 1)
            for smaller in try [CrossbarShape(rows: max(kernel * kernel, rows / 2), columns: columns),
                            CrossbarShape(rows: rows, columns: max(1, columns / 2)),
                            CrossbarShape(rows: max(kernel * kernel, rows - 1), columns: max(1, columns - 1))] {
                let small = try IMCMapper.map(network: network, crossbar: smaller, batch: 1)
                #expect(small.coreCount >= big.coreCount, "\(channels) k\(kernel): \(rows)x\(columns) → \(smaller)")
            }
        }
    }
}
