import Foundation
import Testing
import NeuromorphCore
@testable import NeuromorphCost

/// `neuromorph estimate SPEC` reads specs strictly: a misspelled key, an unknown enum value or
/// a non-finite number is an error naming the key path, never a silently different estimate.
@Suite("Strict cost-spec decoding")
struct StrictSpecTests {
    /// The JSON object of a preset spec, to edit.
    func presetObject(_ name: String = "vgg8-rram12-22nm") throws -> [String: Any] {
        let data = try JSONEncoder().encode(try CIMEstimateSpec.preset(named: name))
        return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Decodes `object`; `.inf`-style strings stand for YAML's non-finite numbers.
    func decode(_ object: [String: Any]) throws -> CIMEstimateSpec {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(CIMEstimateSpec.self, from: JSONSerialization.data(withJSONObject: object))
    }

    func specError(_ object: [String: Any]) -> SpecError? {
        do { _ = try decode(object); return nil } catch let error as SpecError { return error } catch { return nil }
    }

    @Test func unchangedPresetDecodesToItself() throws {
        for name in CIMEstimateSpec.presetNames {
            #expect(try decode(presetObject(name)) == CIMEstimateSpec.preset(named: name), "\(name)")
        }
    }

    @Test func misspelledTopLevelKeyIsRejected() throws {
        var object = try presetObject()
        object["layer"] = [[String: Any]]()     // meant `layers`
        let error = try #require(specError(object))
        #expect(error.path == "layer")
        #expect(error.message.contains("unknown key 'layer'"))
        #expect(error.message.contains("layers"), "lists the allowed keys: \(error)")
    }

    @Test func misspelledNestedKeysAreRejectedWithTheirPath() throws {
        var object = try presetObject()
        var macro = try #require(object["macro"] as? [String: Any])
        macro["zeroSkipTreshold"] = 2
        object["macro"] = macro
        #expect(specError(object)?.path == "macro.zeroSkipTreshold")

        object = try presetObject("neurosim-validation-40nm-rram")
        object["layers"] = [["name": "fc", "inputHeight": 1, "inputWidth": 1, "inputChannels": 8, "kernelSize": 1,
                             "outputChannels": 4, "stride": 1, "paddng": 1]]
        let error = try #require(specError(object))
        #expect(error.path == "layers[0].paddng")
        #expect(error.message.contains("padding"))
    }

    @Test func unknownEnumValueListsTheCases() throws {
        var object = try presetObject()
        var macro = try #require(object["macro"] as? [String: Any])
        macro["adcRangePolicy"] = "saturating"
        object["macro"] = macro
        let error = try #require(specError(object))
        #expect(error.path == "macro.adcRangePolicy")
        #expect(error.message.contains("lossless, quantizing"))
    }

    @Test(arguments: ["inf", "-inf", "nan"])
    func nonFiniteNumbersAreRejected(_ value: String) throws {
        var object = try presetObject()
        var calibration = try #require(object["calibration"] as? [String: Any])
        calibration["gamma"] = value
        object["calibration"] = calibration
        let error = try #require(specError(object))
        #expect(error.path == "calibration.gamma")
        #expect(error.message.contains("finite"))

        object = try presetObject()
        object["inputSparsity"] = value
        #expect(specError(object)?.path == "inputSparsity")
    }
}
