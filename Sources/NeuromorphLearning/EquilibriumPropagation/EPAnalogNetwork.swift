import NeuromorphAnalog
import NeuromorphCore

/// EP on analog tiles (learning-rules §4 "EP on analog tiles"): a fully connected EP network
/// (squared-error output state layer) whose weights `w_n` live on analog unit cells (any
/// ``UnitCell``: a single device, a reference pair, a transfer compound, …).
///
/// Relaxation reads the tiles: the forward drive `w_n s^{n-1}` is a forward read (`forwardIO`,
/// with its noise, bounds and ADC), the feedback `w_{n+1}ᵀ s^{n+1}` a transposed read
/// (`backwardIO`); layer 1's drive `w_1 x` is read once per batch. Biases stay digital.
/// The symmetric update
/// ```
/// Δw_n = η/(2βB) [ Σ_b s^{n,β}_b s^{n-1,β}_bᵀ − Σ_b s^{n,−β}_b s^{n-1,−β}_bᵀ ]
/// ```
/// is applied as two opposite-sign cell updates (`UnitCell.update`, any pulse type and
/// device), one per nudged phase, so device asymmetry and the ±β terms meet on the array;
/// then the cell's once-per-batch step (`finishBatch`: decay, diffusion, transfers).
public struct EPAnalogNetwork<Cell: UnitCell>: Sendable {
    public let architecture: EPArchitecture
    public var tiles: [Cell]
    public var biases: [[Float]]
    let units: [Int]

    /// A network whose cells are programmed to the weights of `EPNetwork<Float>(architecture:seed:)`
    /// and whose biases are copied from it; each cell draws from stream `ep/tile.n` of `seed`.
    public init<Configuration: UnitCellConfiguration>(
        architecture: EPArchitecture, cell: Configuration, forwardIO: IOParameters = .forwardDefault,
        backwardIO: IOParameters = .backwardDefault, update: PulsedUpdateParameters = PulsedUpdateParameters(), seed: UInt64
    ) throws where Configuration.Cell == Cell {
        guard architecture.convolutions.isEmpty, architecture.cost == .squaredError, !architecture.unidirectional else {
            throw LearningRuleParameterError(type: "EPAnalogNetwork", field: "architecture",
                                             value: "\(architecture.convolutions.count) conv layers, \(architecture.cost.rawValue)",
                                             expected: "a fully connected, bidirectional squared-error network (no convolutions)")
        }
        let digital = try EPNetwork<Float>(architecture: architecture, seed: seed)
        self.architecture = architecture
        self.units = digital.layers.map(\.units)
        var tiles: [Cell] = []
        var biases: [[Float]] = []
        for (i, layer) in digital.layers.enumerated() {
            guard case .dense(let inputs) = layer.kind else { continue }
            var g = SeededGenerator(seed: seed, key: StreamKey("ep").child("tile", i + 1))
            var tile = try cell.makeCell(outputs: layer.units, inputs: inputs, forwardIO: forwardIO,
                                         backwardIO: backwardIO, update: update, generator: &g)
            tile.program(Tensor(shape: [layer.units, inputs], scalars: digital.parameters.tensors[digital.weightIndex(i)]))
            tiles.append(tile)
            biases.append(digital.parameters.tensors[digital.biasIndex(i)])
        }
        self.tiles = tiles
        self.biases = biases
    }

    /// One device per cross-point (`SingleDeviceConfiguration(device:)`).
    public init<Configuration: PulsedDeviceConfiguration>(
        architecture: EPArchitecture, device: Configuration, forwardIO: IOParameters = .forwardDefault,
        backwardIO: IOParameters = .backwardDefault, update: PulsedUpdateParameters = PulsedUpdateParameters(), seed: UInt64
    ) throws where Cell == SingleDevice<Configuration.DeviceArray> {
        try self.init(architecture: architecture, cell: SingleDeviceConfiguration(device: device), forwardIO: forwardIO,
                      backwardIO: backwardIO, update: update, seed: seed)
    }

    /// The weights as they are on the tiles, in ``EPNetwork``'s parameter order (biases included).
    public var parameters: EPParameters<Float> {
        EPParameters(tensors: zip(tiles, biases).flatMap { [$0.weights.scalars, $1] })
    }

    // MARK: - Relaxation

    private mutating func step(_ s: [[Float]], drive: [Float], targets: [Float], batch: Int, beta: Float) -> [[Float]] {
        let n = units.count
        var u = [[Float]](repeating: [], count: n)
        for i in 0..<n {
            var v = i == 0 ? drive : tiles[i].forward(Tensor(shape: [batch, units[i - 1]], scalars: s[i - 1])).scalars
            if i > 0 { for r in 0..<batch { for c in 0..<units[i] { v[r * units[i] + c] += biases[i][c] } } }
            if i + 1 < n {
                let back = tiles[i + 1].backward(Tensor(shape: [batch, units[i + 1]], scalars: s[i + 1])).scalars
                for k in v.indices { v[k] += back[k] }
            }
            if i == n - 1, beta != 0 { for k in v.indices { v[k] += beta * (targets[k] - s[i][k]) } }
            architecture.activation.apply(&v)
            u[i] = v
        }
        return u
    }

    private mutating func relax(_ s: [[Float]], drive: [Float], targets: [Float], batch: Int, beta: Float, steps: Int) -> [[Float]] {
        var state = s
        for _ in 0..<steps { state = step(state, drive: drive, targets: targets, batch: batch, beta: beta) }
        return state
    }

    private mutating func prepare(_ batch: EPBatch<Float>) -> (drive: [Float], targets: [Float]) {
        let b = batch.size
        var drive = tiles[0].forward(Tensor(shape: [b, tiles[0].columns], scalars: batch.inputs)).scalars
        for r in 0..<b { for c in 0..<units[0] { drive[r * units[0] + c] += biases[0][c] } }
        var targets = [Float](repeating: 0, count: b * architecture.classes)
        for (r, label) in batch.labels.enumerated() { targets[r * architecture.classes + label] = 1 }
        return (drive, targets)
    }

    /// Predicted classes after `steps` free steps (tile reads are noisy, so this mutates the read streams).
    public mutating func predict(_ batch: EPBatch<Float>, steps: Int) -> [Int] {
        let (drive, targets) = prepare(batch)
        let s = relax(units.map { [Float](repeating: 0, count: batch.size * $0) }, drive: drive, targets: targets,
                      batch: batch.size, beta: 0, steps: steps)
        return classes(s[units.count - 1], batch: batch.size)
    }

    /// The free-phase loss `½‖s^N − y‖²` (batch mean) and the number of correct predictions after `steps` free steps.
    public mutating func evaluate(_ batch: EPBatch<Float>, steps: Int) -> (loss: Float, correct: Int) {
        let (drive, targets) = prepare(batch)
        let s = relax(units.map { [Float](repeating: 0, count: batch.size * $0) }, drive: drive, targets: targets,
                      batch: batch.size, beta: 0, steps: steps)
        return score(s[units.count - 1], targets: targets, labels: batch.labels)
    }

    private func classes(_ output: [Float], batch: Int) -> [Int] {
        let c = architecture.classes
        return (0..<batch).map { r in
            var best = 0
            for k in 1..<c where output[r * c + k] > output[r * c + best] { best = k }
            return best
        }
    }

    private func score(_ output: [Float], targets: [Float], labels: [Int]) -> (loss: Float, correct: Int) {
        var loss: Float = 0
        for k in targets.indices { loss += (output[k] - targets[k]) * (output[k] - targets[k]) / 2 }
        let correct = zip(classes(output, batch: labels.count), labels).filter { $0 == $1 }.count
        return (loss / Float(max(labels.count, 1)), correct)
    }

    /// One symmetric-EP training step: T free steps, K at +β and K at −β from s_*, then per tile
    /// two pulsed updates (`x = s^{n-1,±β}`, `d = ∓s^{n,±β}/(2βB)`, learning rate η_n) and the
    /// digital bias step. Returns the free-phase loss `½‖s^N − y‖²` (batch mean) and the number of
    /// correct free-phase predictions.
    @discardableResult
    public mutating func trainStep(_ batch: EPBatch<Float>, beta: Float, freeSteps: Int, nudgedSteps: Int,
                                   learningRates: [Float]) throws -> (loss: Float, correct: Int) {
        guard beta > 0, beta.isFinite else {
            throw LearningRuleParameterError(type: "EPAnalogNetwork", field: "beta", value: "\(beta)", expected: "a positive finite nudging strength")
        }
        guard learningRates.count == tiles.count else {
            throw LearningRuleParameterError(type: "EPAnalogNetwork", field: "learningRates", value: "\(learningRates)",
                                             expected: "\(tiles.count) rates, one per layer")
        }
        let b = batch.size
        let (drive, targets) = prepare(batch)
        let zero = units.map { [Float](repeating: 0, count: b * $0) }
        let free = relax(zero, drive: drive, targets: targets, batch: b, beta: 0, steps: freeSteps)
        let plus = relax(free, drive: drive, targets: targets, batch: b, beta: beta, steps: nudgedSteps)
        let minus = relax(free, drive: drive, targets: targets, batch: b, beta: -beta, steps: nudgedSteps)
        let scale = 1 / (2 * beta * Float(b))
        for i in tiles.indices {
            let inputsPlus = i == 0 ? batch.inputs : plus[i - 1], inputsMinus = i == 0 ? batch.inputs : minus[i - 1]
            let cols = tiles[i].columns
            let rates = LearningRates(sgd: learningRates[i])
            tiles[i].update(x: Tensor(shape: [b, cols], scalars: inputsPlus),
                            d: Tensor(shape: [b, units[i]], scalars: plus[i].map { -$0 * scale }), rates: rates)
            tiles[i].update(x: Tensor(shape: [b, cols], scalars: inputsMinus),
                            d: Tensor(shape: [b, units[i]], scalars: minus[i].map { $0 * scale }), rates: rates)
            tiles[i].finishBatch()
            for c in 0..<units[i] {
                var diff: Float = 0
                for r in 0..<b { diff += plus[i][r * units[i] + c] - minus[i][r * units[i] + c] }
                biases[i][c] += learningRates[i] * diff * scale
            }
        }
        return score(free[units.count - 1], targets: targets, labels: batch.labels)
    }
}
