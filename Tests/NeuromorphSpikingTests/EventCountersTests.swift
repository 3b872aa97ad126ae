import Testing
@testable import NeuromorphSpiking

@Suite struct EventCountersTests {
    @Test func countersAddFieldByField() {
        var a = EventCounters()
        a.synapticOperations = 3
        a.arbiterDrops = 1
        var b = EventCounters()
        b.synapticOperations = 4
        b.emittedSpikes = 2
        let sum = a + b
        #expect(sum.synapticOperations == 7)
        #expect(sum.emittedSpikes == 2)
        #expect(sum.arbiterDrops == 1)
    }

    @Test func thresholdComparisonsDifferOnlyAtEquality() {
        #expect(ThresholdComparison.greaterOrEqual.crosses(64, 64))
        #expect(!ThresholdComparison.greater.crosses(64, 64))
        #expect(ThresholdComparison.greater.crosses(65, 64))
        #expect(!ThresholdComparison.greaterOrEqual.crosses(63, 64))
    }
}
