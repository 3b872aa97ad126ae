import Testing
@testable import NeuromorphChipModels

/// Every `static let` preset passes its type's own validation: rebuilding it through the
/// public throwing initialiser succeeds and gives the same value.
@Suite("Presets")
struct PresetTests {
    @Test("always-on SNN presets validate")
    func alwaysOn() throws {
        let net = AlwaysOnNetwork.paper
        #expect(try AlwaysOnNetwork(layerSizes: net.layerSizes, bitsPerWeight: net.bitsPerWeight) == net)
        let a = ArbiterDesign.keywordSpotting
        #expect(try ArbiterDesign(clockHz: a.clockHz, frameSeconds: a.frameSeconds,
                                  cyclesPerRequest: a.cyclesPerRequest) == a)
        let p = AlwaysOnPowerModel.paper
        #expect(try AlwaysOnPowerModel(idleNeuronPowerW: p.idleNeuronPowerW,
                                       clockGatingSaving: p.clockGatingSaving,
                                       powerGatingSaving: p.powerGatingSaving,
                                       standbyPowerW: p.standbyPowerW, fullRatePowerW: p.fullRatePowerW,
                                       coreVoltage: p.coreVoltage, boostVoltage: p.boostVoltage) == p)
        let c = AlwaysOnComparisons.paper
        #expect(try AlwaysOnComparisons(shanPowerW: c.shanPowerW, chenPowerW: c.chenPowerW,
                                        mnistPowerW: c.mnistPowerW, mnistFrameSeconds: c.mnistFrameSeconds,
                                        areaMM2: c.areaMM2, nodeNM: c.nodeNM,
                                        scaledNodeNM: c.scaledNodeNM) == c)
    }

    @Test("muBrain presets validate")
    func muBrain() throws {
        for t in [MuBrainTopology.prototype, .mnist] {
            #expect(try MuBrainTopology(recurrentNeurons: t.recurrentNeurons,
                                        recurrentSynapses: t.recurrentSynapses,
                                        fullyConnectedSizes: t.fullyConnectedSizes,
                                        biasesPerNeuron: t.biasesPerNeuron, weightBits: t.weightBits) == t)
        }
        let e = MuBrainEnergy.mnist
        #expect(try MuBrainEnergy(spikesPerClassification: e.spikesPerClassification,
                                  energyPerSpikeJ: e.energyPerSpikeJ, supplyVoltage: e.supplyVoltage,
                                  leakageCurrentA: e.leakageCurrentA, totalCurrentA: e.totalCurrentA,
                                  runSeconds: e.runSeconds, samples: e.samples,
                                  reportedPowerW: e.reportedPowerW) == e)
        let g = GestureConfusionMatrix.paper
        #expect(try GestureConfusionMatrix(classes: g.classes, counts: g.counts) == g)
    }

    @Test("optoelectronic presets validate")
    func optoelectronic() throws {
        let l = SuperconductingLink.paper
        #expect(try SuperconductingLink(wavelengthM: l.wavelengthM, detectorInductanceH: l.detectorInductanceH,
                                        detectorBiasA: l.detectorBiasA,
                                        detection: PhotonDetection(detectorEfficiency: 0.7),
                                        coolingWattsPerWatt: l.coolingWattsPerWatt) == l)
        let d = PhotodiodeReceiver.paper
        #expect(try PhotodiodeReceiver(capacitanceF: d.capacitanceF, voltageSwingV: d.voltageSwingV,
                                       wavelengthM: d.wavelengthM, leakageCurrentA: d.leakageCurrentA,
                                       biasVoltageV: d.biasVoltageV) == d)
        let m = SynapticMemoryTargets.paper
        #expect(try SynapticMemoryTargets(lifetimeS: m.lifetimeS, averageRateHz: m.averageRateHz,
                                          maxRateHz: m.maxRateHz, fanIn: m.fanIn,
                                          receiverEnergyJ: m.receiverEnergyJ,
                                          transmitterEfficiency: m.transmitterEfficiency,
                                          precisionBits: m.precisionBits) == m)
    }

    @Test("MONETA layer presets validate")
    func monetaLayers() throws {
        for layer in MonetaLayer.cifarNetwork {
            #expect(try MonetaLayer(name: layer.name, outputRows: layer.outputRows,
                                    outputColumns: layer.outputColumns, inputDepth: layer.inputDepth,
                                    filterRows: layer.filterRows, filterColumns: layer.filterColumns,
                                    filters: layer.filters) == layer)
        }
    }
}
