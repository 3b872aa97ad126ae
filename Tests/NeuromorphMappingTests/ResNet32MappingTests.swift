import Testing
@testable import NeuromorphMapping

/// ResNet-32 on 256×256 crossbars, Dazzi et al. 2021 §3.1.1–3.1.2, Table 2, Fig. 9; digest §1.8.
@Suite struct ResNet32MappingTests {
    let net = IMCModelZoo.resNet32CIFAR10()

    // Table 2: #Rows = F²·C_in, #Columns = C_out, pixel size = 8·C_in (topology reading of
    // digest §1.10 #2: layers 12/RS1 have C_in 16 and 22/RS2 C_in 28, where Table 2 prints 28/56).
    @Test func table2RowsColumnsPixelBits() throws {
        try net.validate()
        #expect(net.layers.count == 34)
        #expect(net.layers.filter { $0.kind == .conv }.count == 31)
        let expected: [String: (Int, Int, Int)] = [
            "1": (27, 16, 24), "2": (144, 16, 128), "11": (144, 16, 128), "RS1": (16, 28, 128),
            "12": (144, 28, 128), "13": (252, 28, 224), "21": (252, 28, 224), "RS2": (28, 56, 224),
            "22": (252, 56, 224), "23": (504, 56, 448), "31": (504, 56, 448), "FC": (56, 10, 448),
        ]
        for (name, e) in expected {
            let l = try #require(net.layer(named: name))
            #expect(l.kernelMatrixRows == e.0 && l.kernelMatrixColumns == e.1 && l.pixelBits() == e.2, "layer \(name)")
        }
        #expect(net.layer(named: "12")!.outputHeight == 16)
        #expect(net.layer(named: "22")!.outputHeight == 8)
    }

    // §3.1.1: "the ResNet-32 network requires 43 IMC cores" on an 8-by-6 array; layers 23–31
    // are each split into two 256×56 matrices (channels 0–27 and 28–55, Eq. 5).
    @Test func fortyThreeCoresOnEightBySix() throws {
        let m = try IMCNetworkMapping(network: net)
        #expect(m.coreCount == 43)
        #expect(m.gridRows == 6 && m.gridColumns == 8)
        for l in 23...31 {
            let lm = try #require(m.mapping(of: "\(l)"))
            #expect(lm.cores == 2 && lm.rowSplits == 2 && lm.columnSplits == 1)
            #expect(lm.groups[0].rowParts == [IndexRange(lower: 0, upper: 28), IndexRange(lower: 28, upper: 56)])
        }
        #expect(m.layers.filter { $0.cores == 1 }.count == 25)
        #expect(m.edges.filter { $0.kind == .partialSum }.count == 9)
        #expect(m.edges.contains { $0.kind == .residualFromResample })
        #expect(m.edges.contains { $0.kind == .toResample })
        // Every grid slot is used at most once, and consecutive cores are grid neighbours.
        #expect(Set(m.cores.map(\.position)).count == 43)
        for (a, b) in zip(m.cores, m.cores.dropFirst()) {
            #expect(abs(a.position.row - b.position.row) + abs(a.position.column - b.position.column) == 1)
        }
    }

    // Digest §1.10 #2: Table 2 read literally (layer 22 with C_in = 56 → 504 rows, split) gives 44.
    @Test func literalTable2ReadingGives44Cores() throws {
        let m = try IMCNetworkMapping(network: net)
        let literal22 = IMCLayer(name: "22", kernel: 3, inChannels: 56, outChannels: 56, stride: 2, padding: 1,
                                 inputHeight: 16, inputWidth: 16, source: "21")
        let split = try LayerMapping.split(literal22, replication: .block(height: 1, width: 1), crossbar: .dazzi256)
        #expect(split.cores == 2)
        #expect(m.coreCount - m.mapping(of: "22")!.cores + split.cores == 44)
    }

    // Eq. 7: 8 b × 56 / 100 ns = 4.48 Gbps (text: "4.5 Gbps"), ±1 %.
    @Test func eq7LinkBandwidth() throws {
        let b = IMCHardware().linkBandwidth(maxOutChannels: 56)
        #expect(abs(b - 4.5e9) / 4.5e9 < 0.01)
        #expect(abs(b - 4.48e9) < 1)
    }

    // §3.1.4 speed-up: 4/2/1 pixels per timestep for the 16/28/56-channel groups. The paper
    // does not say how they fit; Neuromorph needs 62 cores (fits the 8×8 silicon array).
    @Test func speedupMappingFitsEightByEight() throws {
        let m = try IMCNetworkMapping(network: net, speedup: true)
        #expect(m.mapping(of: "2")!.replication.replicas == 4)
        #expect(m.mapping(of: "13")!.replication.replicas == 2)
        #expect(m.mapping(of: "23")!.replication.replicas == 1)
        #expect(m.cores.allSatisfy { $0.rowsUsed <= 256 && $0.columnsUsed <= 256 })
        #expect(m.coreCount <= 64)
        #expect(m.coreCount == 62)
    }
}
