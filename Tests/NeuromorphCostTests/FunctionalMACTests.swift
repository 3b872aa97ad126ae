import Testing
@testable import NeuromorphCost

/// Digest §3.6 item 7: the functional CIM MAC (bit-serial inputs, bit-sliced weights, 7 rows,
/// 3-bit ADC) is bit-exact when the ADC range suffices and saturates when it does not.
@Suite("Functional CIM MAC (digest §3.6 item 7)")
struct FunctionalMACTests {
    /// Deterministic pseudo-random values (SplitMix64), so failures are reproducible.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func random(rows: Int, columns: Int, inputBits: Int, weightBits: Int, seed: UInt64) -> ([Int], [[Int]]) {
        var rng = SplitMix64(state: seed)
        let x = (0..<rows).map { _ in Int.random(in: 0..<(1 << inputBits), using: &rng) }
        let w = (0..<rows).map { _ in (0..<columns).map { _ in Int.random(in: 0..<(1 << weightBits), using: &rng) } }
        return (x, w)
    }

    /// 7 rows × 1-bit cells × 3-bit ADC: exact for 1/2/4/8-bit weights, 8-bit inputs, with and
    /// without zero-skip, on the 128-row validation macro.
    @Test(arguments: [1, 2, 4, 8], [nil, 7] as [Int?])
    func exactWhenADCRangeSuffices(weightBits: Int, zeroSkip: Int?) throws {
        var macro = CIMMacro.luEtAl2021Validation
        macro.zeroSkipThreshold = zeroSkip
        let mac = CIMFunctionalMAC(macro: macro, inputBits: 8, weightBits: weightBits)
        let (x, w) = random(rows: 128, columns: 16, inputBits: 8, weightBits: weightBits, seed: UInt64(weightBits))
        let result = try mac.multiply(inputs: x, weights: w)
        #expect(result.outputs == CIMFunctionalMAC.referenceMAC(inputs: x, weights: w), "w=\(weightBits) zs=\(String(describing: zeroSkip))")
        #expect(result.saturatedConversions == 0)
    }

    /// Dense 128-row binary input: ⌈128/7⌉ = 19 sensing cycles per input bit.
    @Test func denseInputNeeds19Cycles() throws {
        let mac = CIMFunctionalMAC(macro: .luEtAl2021Validation, inputBits: 1, weightBits: 1)
        let result = try mac.multiply(inputs: Array(repeating: 1, count: 128), weights: Array(repeating: [1], count: 128))
        #expect(result.sensingCycles == 19)
        #expect(result.outputs == [128])
        #expect(CIMMacro.luEtAl2021Validation.rowGroups == 19)
    }

    /// Zero-skip: 50 % zeros → ⌈64/7⌉ = 10 cycles instead of 19.
    @Test func zeroSkipSkipsZeros() throws {
        let mac = CIMFunctionalMAC(macro: .luEtAl2021Validation, inputBits: 1, weightBits: 1)
        let x = (0..<128).map { $0 % 2 }
        let result = try mac.multiply(inputs: x, weights: Array(repeating: [1], count: 128))
        #expect(result.sensingCycles == 10)
        #expect(result.outputs == [64])
    }

    /// 8 rows on with a 3-bit ADC: the all-ones partial sum 8 saturates to 7 and the MAC differs.
    @Test func saturatesWhenADCTooSmall() throws {
        let mac = CIMFunctionalMAC(inputBits: 1, weightBits: 1, cellBits: 1, rowsOnAtOnce: 8, adcBits: 3)
        let result = try mac.multiply(inputs: Array(repeating: 1, count: 128), weights: Array(repeating: [1], count: 128))
        #expect(result.outputs == [16 * 7])
        #expect(result.outputs != CIMFunctionalMAC.referenceMAC(inputs: Array(repeating: 1, count: 128),
                                                                weights: Array(repeating: [1], count: 128)))
        #expect(result.saturatedConversions == 16)
    }

    /// Multi-bit cells: 2-bit cells with 2 rows on need 3 levels → a 2-bit ADC is exact.
    @Test func multiBitCellsExact() throws {
        let mac = CIMFunctionalMAC(inputBits: 4, weightBits: 8, cellBits: 2, rowsOnAtOnce: 1, adcBits: 2)
        let (x, w) = random(rows: 33, columns: 5, inputBits: 4, weightBits: 8, seed: 42)
        #expect(try mac.multiply(inputs: x, weights: w).outputs == CIMFunctionalMAC.referenceMAC(inputs: x, weights: w))
    }

    @Test func rejectsOutOfRangeValues() {
        let mac = CIMFunctionalMAC(inputBits: 2, weightBits: 2, cellBits: 1, rowsOnAtOnce: 7, adcBits: 3)
        #expect(throws: CIMEstimateError.self) { try mac.multiply(inputs: [4], weights: [[1]]) }
        #expect(throws: CIMEstimateError.self) { try mac.multiply(inputs: [1], weights: [[-1]]) }
        #expect(throws: CIMEstimateError.self) { try mac.multiply(inputs: [1, 1], weights: [[1]]) }
    }
}
