import Foundation
import NeuromorphCore
import NeuromorphNN
import NeuromorphSpec
import NeuromorphAnalog

/// Checkpoint files: the manifest (`manifest.json`, decoded as `Checkpoint.manifest` does)
/// and the state files that `restoreState(from:)` reads (dropout generator, optimizer
/// moments, analog tiles and PCM inference layers; JSON, `StateCoding`).
enum FuzzCheckpoint {
    static func manifest(_ bytes: [UInt8]) {
        guard let manifest = try? JSONDecoder().decode(Checkpoint.self, from: Data(bytes)) else { return }
        _ = try? SpecLoader.json(manifest)
    }

    static func states(_ bytes: [UInt8]) {
        let data = Data(bytes)
        var dropout = Dropout(rate: 0.5, generator: SeededGenerator(seed: 1))
        if (try? dropout.restoreState(from: data)) != nil { _ = try? dropout.encodedState() }
        var sgd = SGD(learningRate: 0.1, momentum: 0.9)
        if (try? sgd.restoreState(from: data)) != nil { _ = try? sgd.encodedState() }
        var adam = Adam()
        if (try? adam.restoreState(from: data)) != nil { _ = try? adam.encodedState() }
        var rmsprop = RMSprop()
        if (try? rmsprop.restoreState(from: data)) != nil { _ = try? rmsprop.encodedState() }
        var generator = SeededGenerator(seed: 2)
        if var analog = try? AnalogLinear(2, 2, device: ConstantStepDevice(), generator: &generator),
           (try? analog.restoreState(from: data)) != nil {
            _ = try? analog.encodedState()
        }
    }
}
