import Foundation
import Testing
@testable import NeuromorphMapping

/// Bad parameters throw typed errors that name the field and the expected form.
@Suite struct ErrorTests {
    func layer(_ mutate: (inout IMCLayer) -> Void) -> IMCNetwork {
        var l = IMCLayer(name: "c1", kernel: 3, inChannels: 3, outChannels: 8, padding: 1, inputHeight: 8, inputWidth: 8, source: "input")
        mutate(&l)
        return IMCNetwork(name: "n", inputHeight: 8, inputWidth: 8, inputChannels: 3, layers: [l])
    }

    /// The typed error's message, nil when nothing was thrown, "untyped" for any other error.
    func message(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch let e as IMCMappingError { return e.description } catch { return "untyped \(error)" }
    }

    @Test func negativeAndZeroSizes() {
        #expect(message { try layer { $0.inputHeight = -4 }.validate() }?.contains("inputHeight") == true)
        #expect(message { try layer { $0.kernel = 0 }.validate() }?.contains("'kernel' = 0") == true)
        #expect(message { try layer { $0.stride = -1 }.validate() }?.contains("positive integer") == true)
        #expect(message { try layer { $0.padding = -1 }.validate() }?.contains("padding") == true)
        #expect(message { try layer { $0.padding = 3 }.validate() }?.contains("< kernel") == true)
        #expect(message { _ = try CrossbarShape(rows: 0, columns: 256) }?.contains("rows") == true)
        #expect(message { _ = try CrossbarShape(parsing: "256by256") }?.contains("ROWSxCOLUMNS") == true)
        #expect(message { _ = try KernelReplication.method2(replicas: 4, deltaW: 0) }?.contains("deltaW") == true)
    }

    @Test func unmappableLayers() {
        #expect(message { try layer { $0.kernel = 11; $0.padding = 1 }.validate() }?.contains("cannot be mapped") == true)
        #expect(message { try layer { $0.source = "nope" }.validate() }?.contains("'nope'") == true)
        #expect(message { try layer { $0.inChannels = 4 }.validate() }?.contains("inChannels") == true)
        #expect(message { try layer { $0.residual = "c0" }.validate() }?.contains("residual") == true)
        #expect(message { try IMCNetwork(name: "e", inputHeight: 1, inputWidth: 1, inputChannels: 1, layers: []).validate() } != nil)
        // Input memory too small for H·F buffered pixels.
        let big = IMCNetwork(name: "big", inputHeight: 224, inputWidth: 224, inputChannels: 64, layers: [
            IMCLayer(name: "c", kernel: 3, inChannels: 64, outChannels: 64, padding: 1, inputHeight: 224, inputWidth: 224, source: "input")])
        #expect(message { _ = try IMCNetworkMapping(network: big) }?.contains("Input Memory") == true)
    }

    @Test func crossbarSmallerThanOneKernelColumn() throws {
        let xbar = try CrossbarShape(rows: 8, columns: 64)
        let e = message { _ = try IMCNetworkMapping(network: layer { _ in }, hardware: IMCHardware(crossbar: xbar)) }
        #expect(e?.contains("needs 9 crossbar rows but the crossbar has 8") == true)
    }

    @Test func unknownModelAndBadBatch() {
        #expect(message { _ = try IMCMapper.map(model: "vgg99") }?.contains("resnet32-cifar10") == true)
        #expect(message { _ = try IMCMapper.map(model: "resnet32", batch: 0) }?.contains("batch") == true)
        #expect(message { _ = try IMCNetworkMapping(network: IMCModelZoo.resNet32CIFAR10(), gridRows: 5) }?.contains("43 cores") == true)
    }

    @Test func userNetworkFromJSON() throws {
        let json = """
        {"name": "mine", "inputHeight": 8, "inputWidth": 8, "inputChannels": 3, "layers": [
          {"name": "a", "kernel": 3, "inChannels": 3, "outChannels": 8, "padding": 1, "inputHeight": 8, "inputWidth": 8, "source": "input"},
          {"name": "b", "kernel": 3, "inChannels": 8, "outChannels": 8, "padding": 1, "inputHeight": 8, "inputWidth": 8, "source": "a", "residual": "a"}
        ]}
        """
        let net = try IMCMapper.network(fromJSON: Data(json.utf8))
        let report = try IMCMapper.map(network: net, crossbar: .dazzi256, speedup: false, batch: 2)
        #expect(report.coreCount == 2)
        #expect(report.latencyTimesteps > 64)
        #expect(message { _ = try IMCMapper.network(fromJSON: Data("{\"name\": 1}".utf8)) }?.contains("network JSON") == true)
    }
}

/// The mapping network JSON is read strictly: a misspelled `layers` or `residual` would
/// otherwise drop the layers or the residual edge and silently change the mapping.
@Suite("Strict network JSON")
struct StrictNetworkJSONTests {
    func error(_ json: String) -> IMCMappingError? {
        do { _ = try IMCMapper.network(fromJSON: Data(json.utf8), file: "net.json"); return nil } catch { return error }
    }

    let layerA = #"{"name": "a", "kernel": 3, "inChannels": 3, "outChannels": 8, "padding": 1, "inputHeight": 8, "inputWidth": 8, "source": "input"}"#

    @Test func misspelledResidualIsRejected() throws {
        let json = #"{"name": "n", "inputHeight": 8, "inputWidth": 8, "inputChannels": 3, "layers": ["#
            + layerA + #", {"name": "b", "kernel": 3, "inChannels": 8, "outChannels": 8, "padding": 1, "inputHeight": 8, "inputWidth": 8, "source": "a", "residul": "a"}]}"#
        let failure = try #require(error(json))
        #expect(failure == .invalidFile(file: "net.json", path: "layers[1].residul", message: failure.messageForTest))
        #expect(failure.description.hasPrefix("net.json: layers[1].residul: unknown key 'residul'"))
        #expect(failure.description.contains("residual"))
    }

    @Test func misspelledLayersIsRejected() throws {
        let json = #"{"name": "n", "inputHeight": 8, "inputWidth": 8, "inputChannels": 3, "layers": [], "layer": ["# + layerA + "]}"
        #expect(error(json)?.description.hasPrefix("net.json: layer: unknown key 'layer'") == true)
    }

    @Test func unknownKindListsTheKinds() throws {
        let json = #"{"name": "n", "inputHeight": 8, "inputWidth": 8, "inputChannels": 3, "layers": ["#
            + layerA.replacingOccurrences(of: #""name": "a","#, with: #""name": "a", "kind": "dense","#) + "]}"
        let description = try #require(error(json)?.description)
        #expect(description.hasPrefix("net.json: layers[0].kind: 'dense' is not allowed"), "\(description)")
        #expect(description.contains("conv, resample, fullyConnected"))
    }

    @Test func missingKeyAndWrongTypeNameThePath() throws {
        let missing = #"{"name": "n", "inputHeight": 8, "inputWidth": 8, "inputChannels": 3, "layers": ["#
            + layerA.replacingOccurrences(of: #""kernel": 3, "#, with: "") + "]}"
        #expect(error(missing)?.description == "net.json: layers[0].kernel: missing required key")
        let wrongType = #"{"name": "n", "inputHeight": "8", "inputWidth": 8, "inputChannels": 3, "layers": []}"#
        #expect(error(wrongType)?.description == "net.json: inputHeight: expected an integer")
        #expect(error("{\"name\": ")?.description.hasPrefix("net.json: (top level): not valid JSON") == true)
    }
}

extension IMCMappingError {
    /// The message of an `.invalidFile` error (for comparing whole values in tests).
    var messageForTest: String {
        if case let .invalidFile(_, _, message) = self { return message }
        return ""
    }
}
