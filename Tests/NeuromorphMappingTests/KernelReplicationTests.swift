import Testing
@testable import NeuromorphMapping

/// Kernel replication, Dazzi et al. 2021 §2.2 (Eqs. 2–4, Fig. 6); digest §1.4.
@Suite struct KernelReplicationTests {
    // Fig. 6 text: "20 kernel replicas need 1,056 rows with Method 1 and only 672 with Method 2, ΔW = 5".
    @Test func fig6Method1TwentyReplicasNeed1056Rows() throws {
        let m1 = try KernelReplication.method1(replicas: 20)
        #expect(m1.rows(kernel: 3, inChannels: 16) == 1056)
        #expect(KernelReplication.method1Rows(replicas: 20, kernel: 3, inChannels: 16) == 1056)
        #expect(m1.columns(outChannels: 16) == 320)
    }

    @Test func fig6Method2DeltaW5TwentyReplicasNeed672Rows() throws {
        let m2 = try KernelReplication.method2(replicas: 20, deltaW: 5)
        #expect(m2.rows(kernel: 3, inChannels: 16) == 672)
        #expect(abs(m2.aspectRatio(kernel: 3, inChannels: 16, outChannels: 16) - 2.1) < 1e-12)
    }

    // Digest §1.4 derived table (rows for C_in = C_out = 16, F = 3), anchored on the two Fig. 6 values.
    @Test(arguments: [
        (1, [144, 144, 144, 144, 144]), (4, [288, 256, 288, 288, 288]), (6, [384, 320, 320, 352, 384]),
        (10, [576, 448, 448, 448, 448]), (20, [1056, 768, 704, 672, 672]), (100, [4896, 3328, 2848, 2592, 2464]),
    ])
    func fig6RowsPerDeltaW(n: Int, expected: [Int]) throws {
        for (i, dw) in (1...5).enumerated() {
            let rows = try KernelReplication.method2(replicas: n, deltaW: dw).rows(kernel: 3, inChannels: 16)
            #expect(rows == expected[i], "n=\(n) ΔW=\(dw)")
        }
    }

    // Eq. 2: A(1) = F² = 9, A(20) = 3.3, A(∞) → F = 3; and it equals the ΔW = 1 geometry for every n.
    @Test func eq2AspectRatio() throws {
        #expect(abs(KernelReplication.method1AspectRatio(replicas: 1, kernel: 3, inChannels: 16, outChannels: 16) - 9) < 1e-9)
        #expect(abs(KernelReplication.method1AspectRatio(replicas: 20, kernel: 3, inChannels: 16, outChannels: 16) - 3.3) < 1e-9)
        #expect(abs(KernelReplication.method1AspectRatio(replicas: 1_000_000, kernel: 3, inChannels: 16, outChannels: 16) - 3) < 1e-5)
        for n in 1...100 {
            let geometric = try KernelReplication.method1(replicas: n).aspectRatio(kernel: 3, inChannels: 16, outChannels: 16)
            #expect(abs(geometric - KernelReplication.method1AspectRatio(replicas: n, kernel: 3, inChannels: 16, outChannels: 16)) < 1e-9)
        }
    }

    // Fig. 6A: Method 2 (ΔW ≥ 3) levels off "at around A = 2" near n = 20; the Eq. 3 minimum is 1.
    @Test func method2LevelsOffNearTwoAndEq3MinimumIsOne() throws {
        for dw in 3...5 {
            let a = try KernelReplication.method2(replicas: 20, deltaW: dw).aspectRatio(kernel: 3, inChannels: 16, outChannels: 16)
            #expect(a >= 2.0 && a <= 2.25, "ΔW=\(dw) A=\(a)")
        }
        #expect(KernelReplication.minimumAspectRatio(inChannels: 16, inputHeight: 32, inputWidth: 32,
                                                     outChannels: 16, outputHeight: 32, outputWidth: 32) == 1)
        // A full-map block of replicas approaches Eq. 3 (padding-free interior: (H+2)(W+2)/(HW)).
        let full = try KernelReplication.block(height: 32, width: 32).aspectRatio(kernel: 3, inChannels: 16, outChannels: 16)
        #expect(abs(full - 34.0 * 34.0 / 1024.0) < 1e-12)
    }

    // Eq. 4 on 256×256, C_in = C_out = 16 (digest §1.4 derived): M1 fits n = 3 (u = 10.5 %),
    // M2 ΔW = 2 fits n = 4 (exactly 256 rows, u = 14.1 %); with C_in = 28 no replica pair fits.
    @Test func eq4UtilizationAndFit() throws {
        let xbar = CrossbarShape.dazzi256
        let n1 = try KernelReplication.maxReplicas(fitting: xbar, kernel: 3, inChannels: 16, outChannels: 16) { n throws(IMCMappingError) in
            try .method1(replicas: n)
        }
        let n2 = try KernelReplication.maxReplicas(fitting: xbar, kernel: 3, inChannels: 16, outChannels: 16) { n throws(IMCMappingError) in
            try .method2(replicas: n, deltaW: 2)
        }
        #expect(n1 == 3)
        #expect(n2 == 4)
        #expect(abs(KernelReplication.utilization(replicas: 3, kernel: 3, inChannels: 16, outChannels: 16, crossbar: xbar) - 0.10546875) < 1e-12)
        #expect(abs(KernelReplication.utilization(replicas: 4, kernel: 3, inChannels: 16, outChannels: 16, crossbar: xbar) - 0.140625) < 1e-12)
        let n28 = try KernelReplication.maxReplicas(fitting: xbar, kernel: 3, inChannels: 28, outChannels: 28) { n throws(IMCMappingError) in
            try .method1(replicas: n)
        }
        #expect(n28 == 1)
    }
}
