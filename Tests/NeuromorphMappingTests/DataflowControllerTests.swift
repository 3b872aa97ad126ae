import Testing
@testable import NeuromorphMapping

/// Algorithms 1–2 (Dazzi et al. 2021 §2.4), Figs. 7D and 8; digest §1.6.
@Suite struct DataflowControllerTests {
    // Fig. 7D: two words per pixel, F = 3 → Δkernel = 6, Δpix = [0, 2, 4]. After column y = 3
    // is stored over column 0, the first kernel-row is read as (0,1), (0,2), (0,3) from words
    // 2–3, 4–5, 0–1.
    @Test func fig7DAddressTrace() {
        let h = 4
        var gen = PLIPAddressGenerator(height: h, kernel: 3, wordsPerPixel: 2)
        #expect(gen.deltaKernel == 6)
        #expect(gen.deltaPix == [0, 2, 4])
        var where_: [String: Int] = [:]
        for y in 0...3 { for x in 0..<h { where_["\(x),\(y)"] = gen.store(x: x, y: y) } }
        #expect(where_["0,0"] == 0 && where_["0,1"] == 2 && where_["0,2"] == 4 && where_["1,0"] == 6)
        #expect(where_["0,3"] == 0)   // column 3 overwrites column 0's slot (circular buffer)
        let read = gen.readKernelRow(lastColumn: 3)
        #expect(read == [2, 4, 0])
        #expect(read == [where_["0,1"]!, where_["0,2"]!, where_["0,3"]!])
    }

    // Fig. 8 walk-through: after (0,0), addr_w_0 = Δkernel; after column 0, addr_w_0 = Δpix[1];
    // the first MVM (3×3, stride 1, no padding) happens when 2H + 3 pixels have arrived,
    // pointer_in = (2,2), pointer_out = (0,0), and addr_r_0 = 3Δkernel after reading 3 rows.
    @Test(arguments: [5, 8, 32])
    func fig8FirstMVMAt2HPlus3(h: Int) {
        var gen = PLIPAddressGenerator(height: h, kernel: 3, wordsPerPixel: 2)
        _ = gen.store(x: 0, y: 0)
        #expect(gen.writeAddress == gen.deltaKernel)
        for x in 1..<h { _ = gen.store(x: x, y: 0) }
        #expect(gen.writeAddress == gen.deltaPix[1])
        var ctrl = DataflowController(inputHeight: h, inputWidth: h, kernel: 3, stride: 1, padding: 0)
        var firstAt: Int?
        for _ in 0..<(h * h) {
            if !ctrl.step(incoming: 1).isEmpty { firstAt = ctrl.received; break }
        }
        #expect(firstAt == 2 * h + 3)
        #expect(ctrl.pointerIn! == (2, 2))
        #expect(ctrl.pointerOut! == (0, 0))
        for _ in 0..<3 { _ = gen.readKernelRow(lastColumn: 2) }
        #expect(gen.readAddress == 3 * gen.deltaKernel)
    }

    // §2.4.2: minimum pixels before the first computation H·(F − P − 1) + (F − P), any stride:
    // H = 32, F = 3 → 67 (P = 0), 34 (P = 1).
    @Test(arguments: [(0, 67), (1, 34)])
    func minimumBufferedPixels(padding: Int, expected: Int) {
        #expect(DataflowController.minimumBufferedPixels(height: 32, kernel: 3, padding: padding) == expected)
        for stride in [1, 2] {
            var ctrl = DataflowController(inputHeight: 32, inputWidth: 32, kernel: 3, stride: stride, padding: padding)
            var n = 0
            while ctrl.step(incoming: 1).isEmpty { n += 1 }
            #expect(ctrl.received == expected, "stride \(stride)")
        }
    }

    // Algorithm 1 with nr_parallel = 4 computes at most 4 outputs per timestep and completes.
    @Test func parallelControllerCompletes() {
        var ctrl = DataflowController(inputHeight: 8, inputWidth: 8, kernel: 3, stride: 1, padding: 1, parallel: 4)
        var steps = 0
        var maxPerStep = 0
        while !ctrl.isComplete && steps < 1000 {
            maxPerStep = max(maxPerStep, ctrl.step(incoming: 4).count)
            steps += 1
        }
        #expect(ctrl.isComplete)
        #expect(maxPerStep == 4)
        #expect(ctrl.computed == 64)
    }
}
