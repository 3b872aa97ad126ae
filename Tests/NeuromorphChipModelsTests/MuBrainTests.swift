import Foundation
import Testing
@testable import NeuromorphChipModels

/// μBrain (Stuijt et al. 2021; digest `equilibrium-propagation_ubrain_neurosim.md` §2.4–2.5,
/// acceptance tests §2.7 items 1, 3, 4, 7).
@Suite("muBrain")
struct MuBrainTests {
    @Test("FC synapses 256·64 + 64·16 + 64 + 16 = 17,488; total 37,366; 149,464 bits (exact, §2.7-1)")
    func synapseAndBitAccounting() {
        let chip = MuBrainTopology.prototype
        #expect(chip.fullyConnectedSynapses == 17_488)
        #expect(chip.synapses == 37_366)
        #expect(chip.memoryBits == 149_464)
        #expect(chip.neurons == 336)
        // "18.2 kB": 149,464 / 8 / 1024 = 18.245 KiB
        #expect(isClose(chip.memoryKiB, 18.245, rel: 1e-4))
        #expect(abs(chip.memoryKiB - 18.2) < 0.05)
        // "about 30 %" lateral connectivity: 19,878 / 65,536 = 30.3 %
        #expect(abs(chip.recurrentDensity - 0.30) < 0.005)
    }

    @Test("MNIST mapping: 74 neurons, 17,024 synapses (Table 2 \"74/17k\")")
    func mnistMapping() {
        let mnist = MuBrainTopology.mnist
        #expect(mnist.neurons == 74)
        #expect(mnist.synapses == 17_024)
    }

    @Test("weight range ±7 for W = 4 (erratum: printed range would give -9...7, §2.2)",
          arguments: [(2, 1), (4, 7), (8, 127)])
    func weightRange(bits: Int, limit: Int) throws {
        let topology = try MuBrainTopology(recurrentNeurons: 0, recurrentSynapses: 0,
                                           fullyConnectedSizes: [4, 2], biasesPerNeuron: 0,
                                           weightBits: bits)
        #expect(topology.weightRange == -limit...limit)
    }

    @Test("energy: 11,500 x 26 pJ = 299 nJ within 3 % of 308 nJ; 73 µW x 4.2 ms = 306.6 nJ (§2.7-4)")
    func energyPerSpike() {
        let energy = MuBrainEnergy.mnist
        #expect(isClose(energy.spikeEnergyPerClassificationJ, 299e-9, rel: 1e-12))
        #expect(isClose(energy.spikeEnergyPerClassificationJ, 308e-9, rel: 0.03))
        #expect(isClose(energy.secondsPerClassification, 4.2e-3, rel: 1e-12))
        #expect(isClose(energy.reportedPowerEnergyJ, 306.6e-9, rel: 1e-9))
        #expect(isClose(energy.currentEnergyJ, 341.88e-9, rel: 1e-9))
        // dynamic part (74 − 53) µA · 1.1 V · 4.2 ms / 11,500 = 8.44 pJ
        #expect(isClose(energy.dynamicEnergyPerSpikeJ, 8.436e-12, rel: 1e-3))
    }

    @Test("erratum: 53/74 µA = 71.6 % leakage, not the stated 30 % static share (§2.5)")
    func staticShareInconsistency() {
        let share = MuBrainEnergy.mnist.staticShare
        #expect(isClose(share, 0.7162, rel: 1e-3))
        #expect(abs(share - 0.30) > 0.3)
    }

    @Test("gesture confusion matrix: 311/333 = 93.39 % (paper 93.4 %, Table 1)")
    func confusionMatrix() {
        let matrix = GestureConfusionMatrix.paper
        #expect(matrix.total == 333)
        #expect(matrix.correct == 311)
        #expect(abs(matrix.accuracy * 100 - 93.4) < 0.05)
        let recalls = matrix.recalls
        #expect(isClose(recalls[1], 66.0 / 75, rel: 1e-12))
    }

    @Test("delay cell Eqs. 1-6: t_d2 satisfies Eq. 4; equal loads reduce to Eq. 6; t_d ∝ C_L")
    func delayCell() throws {
        // Illustrative device values (the paper gives none): 10 fF, 1 µA, 0.4 V, 100 µA/V².
        let cell = try ThyristorDelayCell(loadCapacitance: 10e-15, chargingCurrent: 1e-6,
                                          thresholdN: 0.4, thresholdP: 0.4, betaN: 100e-6)
        #expect(isClose(cell.firstStageDelay, 4e-9, rel: 1e-12))
        #expect(isClose(cell.delay, cell.equalLoadDelay, rel: 1e-12))
        // Eq. 4: ∫_0^{t_d2} I_dn dt = C_p V_tp (Simpson's rule on the quadratic, exact)
        let t2 = cell.secondStageDelay
        let integral = t2 / 6 * (cell.nmosCurrent(at: 0) + 4 * cell.nmosCurrent(at: t2 / 2)
                                 + cell.nmosCurrent(at: t2))
        #expect(isClose(integral, 10e-15 * 0.4, rel: 1e-9))
        // Eq. 6 is linear in C_L
        let doubled = try ThyristorDelayCell(loadCapacitance: 20e-15, chargingCurrent: 1e-6,
                                             thresholdN: 0.4, thresholdP: 0.4, betaN: 100e-6)
        #expect(isClose(doubled.delay, 2 * cell.delay, rel: 1e-12))
        // "a few ns" regime for these values
        #expect(cell.delay > 1e-9 && cell.delay < 100e-9)
    }

    @Test("bad parameters throw typed errors naming the field")
    func validation() {
        #expect(throws: ChipModelError.self) {
            try MuBrainTopology(recurrentNeurons: 4, recurrentSynapses: 17,
                                fullyConnectedSizes: [4, 2], biasesPerNeuron: 0, weightBits: 4)
        }
        #expect(throws: ChipModelError.self) {
            try MuBrainTopology(recurrentNeurons: 0, recurrentSynapses: 0,
                                fullyConnectedSizes: [4, 2], biasesPerNeuron: 0, weightBits: 1)
        }
        #expect(throws: ChipModelError.self) {
            try ThyristorDelayCell(loadCapacitance: 0, chargingCurrent: 1e-6, thresholdN: 0.4,
                                   thresholdP: 0.4, betaN: 1e-4)
        }
        #expect(throws: ChipModelError.self) {
            try MuBrainEnergy(spikesPerClassification: 1, energyPerSpikeJ: 1e-12, supplyVoltage: 1.1,
                              leakageCurrentA: 80e-6, totalCurrentA: 74e-6, runSeconds: 42,
                              samples: 10_000, reportedPowerW: 73e-6)
        }
        #expect(throws: ChipModelError.self) {
            try GestureConfusionMatrix(classes: ["a", "b"], counts: [[1, 2]])
        }
    }
}
