import Foundation
import NeuromorphCore

/// Entry point for the CLI (`neuromorph map MODEL --crossbar 256x256 [--speedup]`): map a
/// network onto IMC cores, simulate the pipeline and return an ``IMCMappingReport``.
public enum IMCMapper {
    /// Maps the model-zoo network `model` (see ``IMCModelZoo/names``).
    public static func map(model: String, crossbar: CrossbarShape = .dazzi256, speedup: Bool = false,
                           batch: Int = 100, timestepSeconds: Double = 100e-9) throws(IMCMappingError) -> IMCMappingReport {
        try map(network: IMCModelZoo.network(named: model), crossbar: crossbar, speedup: speedup,
                batch: batch, timestepSeconds: timestepSeconds)
    }

    /// Maps a user network (e.g. decoded with ``network(fromJSON:)``).
    public static func map(network: IMCNetwork, crossbar: CrossbarShape = .dazzi256, speedup: Bool = false,
                           batch: Int = 100, timestepSeconds: Double = 100e-9) throws(IMCMappingError) -> IMCMappingReport {
        let hardware = IMCHardware(crossbar: crossbar, timestepSeconds: timestepSeconds)
        return try map(network: network, hardware: hardware, speedup: speedup, batch: batch)
    }

    /// Maps `network` on `hardware`; `batch` images are streamed for the throughput figure.
    public static func map(network: IMCNetwork, hardware: IMCHardware, speedup: Bool,
                           batch: Int = 100) throws(IMCMappingError) -> IMCMappingReport {
        guard batch > 0 else {
            throw .invalidField(owner: "map", field: "batch", value: batch, expected: "a positive integer")
        }
        let mapping = try IMCNetworkMapping(network: network, hardware: hardware, speedup: speedup)
        let simulator = PipelineSimulator(mapping: mapping)
        let single = try simulator.run(images: 1)
        let batched = batch == 1 ? single : try simulator.run(images: batch)
        let layerReports = zip(mapping.layers, single.layers).map { map, stats in
            let l = map.layer
            let indices = mapping.cores.filter { $0.layer == l.name }.map(\.index)
            let pixelBits = l.pixelBits(activationBits: hardware.activationBits)
            let layout = SRAMLayout.preferred(pixelBits: pixelBits, wordBits: hardware.sramWordBits)
            let stored = l.kind == .fullyConnected ? 1 : l.inputHeight * l.kernel
            let sram = SRAMLayoutReport(layout: layout, pixels: stored, kernel: l.kind == .fullyConnected ? 1 : l.kernel,
                                        pixelBits: pixelBits, wordBits: hardware.sramWordBits)
            return IMCLayerReport(
                name: l.name, kind: l.kind, kernel: l.kernel, inChannels: l.inChannels, outChannels: l.outChannels,
                stride: l.stride, inputHeight: l.inputHeight, inputWidth: l.inputWidth,
                outputHeight: l.outputHeight, outputWidth: l.outputWidth,
                kernelRows: l.kernelMatrixRows, kernelColumns: l.kernelMatrixColumns,
                replicas: map.replication.replicas, method: map.method, replicaGroups: map.groups.count,
                rowSplits: map.rowSplits, columnSplits: map.columnSplits, cores: map.cores,
                coreIndices: indices, gridPositions: indices.map { mapping.cores[$0].position },
                utilization: KernelReplication.utilization(replicas: map.replication.replicas, kernel: l.kernel,
                                                           inChannels: l.inChannels, outChannels: l.outChannels,
                                                           crossbar: hardware.crossbar) / Double(map.cores),
                sramLayout: layout, sramKB: sram.footprintKB,
                firstTimestep: stats.firstTimestep, lastTimestep: stats.lastTimestep,
                stallTimesteps: stats.stallTimesteps, averageSlope: stats.averageSlope)
        }
        return IMCMappingReport(
            model: network.name, crossbar: hardware.crossbar, speedup: speedup,
            gridRows: mapping.gridRows, gridColumns: mapping.gridColumns, coreCount: mapping.coreCount,
            layers: layerReports, cores: mapping.cores, edges: mapping.edges,
            latencyTimesteps: single.latencyTimesteps,
            latencySeconds: Double(single.latencyTimesteps) * hardware.timestepSeconds,
            timestepSeconds: hardware.timestepSeconds, batchSize: batch, batchTimesteps: batched.batchTimesteps,
            throughputImagesPerSecond: batched.throughput(timestepSeconds: hardware.timestepSeconds),
            linkBandwidthBitsPerSecond: hardware.linkBandwidth(maxOutChannels: network.layers
                .filter { $0.kind != .fullyConnected }.map(\.outChannels).max() ?? network.maxOutChannels),
            peakLinkBitsPerTimestep: single.peakLinkBitsPerTimestep,
            curves: single.layers.map { IMCLayerCurve(layer: $0.layer, pixelsComputed: $0.pixelsComputed) })
    }

    /// Decodes a user network from JSON (the `Codable` form of ``IMCNetwork``). Unknown keys,
    /// unknown layer kinds, missing keys and wrong types throw ``IMCMappingError/invalidFile(file:path:message:)``
    /// naming `file`, the key path (`layers[2].residual`) and the expected form.
    public static func network(fromJSON data: Data, file: String = "<network JSON>") throws(IMCMappingError) -> IMCNetwork {
        do {
            return try JSONDecoder().decode(IMCNetwork.self, from: data)
        } catch let error as SpecError {
            throw .invalidFile(file: file, path: error.path, message: error.message)
        } catch let DecodingError.keyNotFound(key, context) {
            throw .invalidFile(file: file, path: SpecError.render(context.codingPath + [key]), message: "missing required key")
        } catch let DecodingError.typeMismatch(type, context) {
            throw .invalidFile(file: file, path: SpecError.render(context.codingPath),
                               message: "expected \(type == String.self ? "a string" : type == Int.self ? "an integer" : "\(type)")")
        } catch let DecodingError.valueNotFound(_, context) {
            throw .invalidFile(file: file, path: SpecError.render(context.codingPath), message: "expected a value, found null")
        } catch let DecodingError.dataCorrupted(context) {
            throw .invalidFile(file: file, path: SpecError.render(context.codingPath),
                               message: "not valid JSON (\(context.underlyingError.map { "\($0)" } ?? context.debugDescription))")
        } catch {
            throw .unparsable(field: "network JSON", value: "\(error)", expected: Self.networkJSONForm)
        }
    }

    /// The JSON form of a network, for error messages.
    static let networkJSONForm = "{\"name\", \"inputHeight\", \"inputWidth\", \"inputChannels\", \"layers\": [{\"name\", \"kind\", \"kernel\", \"inChannels\", \"outChannels\", \"stride\", \"padding\", \"inputHeight\", \"inputWidth\", \"source\", \"residual\"?, \"parallelism\"?, \"inputPooling\"?}]}"
}
