import NeuromorphAnalog
import NeuromorphCore

/// EP on analog tiles (learning-rules §4 "EP on analog tiles"): a squared-error EP network
/// (convolutional state layers, then fully connected ones, then the output state layer) whose
/// weights `w_n` live on analog unit cells (any ``UnitCell``: a single device, a reference
/// pair, a transfer compound, …).
///
/// Relaxation reads the tiles: the forward drive `w_n s^{n-1}` is a forward read (`forwardIO`,
/// with its noise, bounds and ADC), the feedback `w_{n+1}ᵀ s^{n+1}` a transposed read
/// (`backwardIO`); layer 1's drive `w_1 x` is read once per batch. Biases stay digital.
/// A convolutional layer's kernel `w_n` is one `[C_out, C_in·k²]` tile read im2col-style, as
/// aihwkit's `AnalogConv2d` does: every output position's patch is one input row,
/// ```
/// forward   P(w_n ⋆ s^{n-1}) = P( (tile.forward(im2col(s^{n-1})ᵀ))ᵀ )
/// feedback  w̃_n ⋆ P⁻¹(s^n)   = col2im( (tile.backward(P⁻¹(s^n)ᵀ))ᵀ )
/// ```
/// (Eq. 8, Laborieux et al. 2021), with the max-pool argmax taken from the forward read.
/// The symmetric update (Eq. 12)
/// ```
/// Δw_n = η/(2βB) [ Σ_b s^{n,β}_b s^{n-1,β}_bᵀ − Σ_b s^{n,−β}_b s^{n-1,−β}_bᵀ ]
/// ```
/// (for a conv layer the sum runs over every output position: `P⁻¹(s^{n,±β})` against the
/// patches of `s^{n-1,±β}`, unpooled at the argmax of a forward read at that state) is applied
/// as two opposite-sign cell updates (`UnitCell.update`, any pulse type and device), one per
/// nudged phase, so device asymmetry and the ±β terms meet on the array; then the cell's
/// once-per-batch step (`finishBatch`: decay, diffusion, transfers).
///
/// **Tiki-Taka for the EP update.** With a transfer cell (`TransferCompoundConfiguration`,
/// Gokmen 2021 Alg. 1; digest `ttv2_gradient-decomposition_shd.md` §1.4) the two ±β updates
/// go to the fast array A (`W = γA + C`), and C changes only by transfers of A's columns. A
/// cell counts every `update` call as one mini-batch, so the two calls of one EP batch are two:
/// `transfer_every: 2` (with `units_in_mbatch`) is one transfer per EP batch. `fast_lr: 0`
/// gives A the layer's EP rate η_n, and `scale_transfer_lr` makes the transfer rate
/// `transfer_lr·η_n` (tests `EPAnalogTests.tikiTaka*`; measured in docs/learning-rules-ep.md).
public struct EPAnalogNetwork<Cell: UnitCell>: Sendable {
    public let architecture: EPArchitecture
    public var tiles: [Cell]
    public var biases: [[Float]]
    let layers: [EPLayer]

    /// A network whose cells are programmed to the weights of `EPNetwork<Float>(architecture:seed:)`
    /// and whose biases are copied from it; each cell draws from stream `ep/tile.n` of `seed`.
    public init<Configuration: UnitCellConfiguration>(
        architecture: EPArchitecture, cell: Configuration, forwardIO: IOParameters = .forwardDefault,
        backwardIO: IOParameters = .backwardDefault, update: PulsedUpdateParameters = PulsedUpdateParameters(), seed: UInt64
    ) throws where Configuration.Cell == Cell {
        guard architecture.cost == .squaredError, !architecture.unidirectional else {
            throw LearningRuleParameterError(type: "EPAnalogNetwork", field: "architecture",
                                             value: "\(architecture.cost.rawValue)\(architecture.unidirectional ? ", unidirectional" : "")",
                                             expected: "a bidirectional squared-error network (the output is a state layer on a tile)")
        }
        let digital = try EPNetwork<Float>(architecture: architecture, seed: seed)
        self.architecture = architecture
        self.layers = digital.layers
        var tiles: [Cell] = []
        var biases: [[Float]] = []
        for (i, shape) in architecture.weightShapes.enumerated() {
            var g = SeededGenerator(seed: seed, key: StreamKey("ep").child("tile", i + 1))
            var tile = try cell.makeCell(outputs: shape.rows, inputs: shape.columns, forwardIO: forwardIO,
                                         backwardIO: backwardIO, update: update, generator: &g)
            tile.program(Tensor(shape: [shape.rows, shape.columns], scalars: digital.parameters.tensors[digital.weightIndex(i)]))
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

    // MARK: - Tile reads

    /// The pre-pool forward read `w ⋆ s` of conv layer i: `[C_out, B·H'·W']` from the patches
    /// `im2col(s)ᵀ` (`[B·H'·W', C_in·k²]`, one tile input row per output position).
    private mutating func convolve(layer i: Int, patches: Tensor) -> [Float] {
        tiles[i].forward(patches).transposed().scalars
    }

    /// Conv layer i's forward term `P(w_i ⋆ s) + b_i` and the argmax of its pool.
    private mutating func convForward(layer i: Int, patches: Tensor, geometry g: EPConvGeometry, batch: Int)
        -> (values: [Float], argmax: [Int32]) {
        var (pooled, argmax) = EPKernels.maxPool(convolve(layer: i, patches: patches), planes: g.outputChannels * batch,
                                                 height: g.preHeight, width: g.preWidth)
        let per = batch * g.pooledPixels
        for c in 0..<g.outputChannels { for j in 0..<per { pooled[c * per + j] += biases[i][c] } }
        return (pooled, argmax)
    }

    /// `im2col(s)ᵀ`: the tile's input rows for a conv layer.
    private func patches(_ s: [Float], geometry g: EPConvGeometry, batch: Int) -> Tensor {
        Tensor(shape: [g.patch, batch * g.prePixels], scalars: EPKernels.im2col(s, g, batch: batch)).transposed()
    }

    /// Dense layer i's forward term `w_i x + b_i` for `x` as `[B, inputs]`.
    private mutating func denseForward(layer i: Int, _ x: [Float], batch: Int) -> [Float] {
        var v = tiles[i].forward(Tensor(shape: [batch, tiles[i].columns], scalars: x)).scalars
        let units = layers[i].units
        for r in 0..<batch { for c in 0..<units { v[r * units + c] += biases[i][c] } }
        return v
    }

    /// Layer i's state as `[B, units]` (conv layers are reordered from CBHW).
    private func flat(_ values: [Float], layer i: Int, batch: Int) -> [Float] {
        let l = layers[i]
        return l.isConvolution ? EPKernels.channelMajorToFlat(values, channels: l.channels, batch: batch, pixels: l.pixels) : values
    }

    // MARK: - Relaxation

    /// What a batch needs in every phase: layer 1's drive (read once), its pool argmax and
    /// input rows (conv), and the one-hot targets.
    private struct Context {
        var batch: Int
        var input: [Float]
        var inputPatches: Tensor?
        var drive: [Float]
        var driveArgmax: [Int32]
        var targets: [Float]
    }

    private mutating func prepare(_ batch: EPBatch<Float>) -> Context {
        let b = batch.size
        var targets = [Float](repeating: 0, count: b * architecture.classes)
        for (r, label) in batch.labels.enumerated() { targets[r * architecture.classes + label] = 1 }
        switch layers[0].kind {
        case .convolution(let g):
            let input = EPKernels.flatToChannelMajor(batch.inputs, channels: g.inputChannels, batch: b, pixels: g.height * g.width)
            let rows = patches(input, geometry: g, batch: b)
            let (drive, argmax) = convForward(layer: 0, patches: rows, geometry: g, batch: b)
            return Context(batch: b, input: input, inputPatches: rows, drive: drive, driveArgmax: argmax, targets: targets)
        case .dense:
            return Context(batch: b, input: batch.inputs, inputPatches: nil, drive: denseForward(layer: 0, batch.inputs, batch: b),
                           driveArgmax: [], targets: targets)
        }
    }

    /// One synchronous step `s ← σ(∂Φ/∂s + β(y − s^N))` (Eq. 8, nudge inside σ) through tile reads.
    private mutating func step(_ s: [[Float]], _ ctx: Context, beta: Float) -> [[Float]] {
        let n = layers.count, b = ctx.batch
        var u = [[Float]](repeating: [], count: n)
        var argmax = [[Int32]](repeating: [], count: n)
        for i in 0..<n {
            if i == 0 {
                (u[0], argmax[0]) = (ctx.drive, ctx.driveArgmax)
                continue
            }
            switch layers[i].kind {
            case .convolution(let g):
                (u[i], argmax[i]) = convForward(layer: i, patches: patches(s[i - 1], geometry: g, batch: b), geometry: g, batch: b)
            case .dense:
                u[i] = denseForward(layer: i, flat(s[i - 1], layer: i - 1, batch: b), batch: b)
            }
        }
        for i in 1..<Swift.max(1, n) {
            switch layers[i].kind {
            case .convolution(let g):
                let z = EPKernels.unpool(s[i], argmax: argmax[i], count: g.outputChannels * b * g.prePixels)
                let rows = tiles[i].backward(Tensor(shape: [g.outputChannels, b * g.prePixels], scalars: z).transposed())
                EPKernels.col2imAdd(rows.transposed().scalars, g, batch: b, into: &u[i - 1])
            case .dense(let inputs):
                let back = tiles[i].backward(Tensor(shape: [b, layers[i].units], scalars: s[i])).scalars
                let previous = layers[i - 1]
                if previous.isConvolution {
                    EPKernels.flatToChannelMajorAdd(back, channels: previous.channels, batch: b, pixels: previous.pixels, into: &u[i - 1])
                } else {
                    for k in 0..<(b * inputs) { u[i - 1][k] += back[k] }
                }
            }
        }
        if beta != 0 { for k in u[n - 1].indices { u[n - 1][k] += beta * (ctx.targets[k] - s[n - 1][k]) } }
        for i in u.indices { architecture.activation.apply(&u[i]) }
        return u
    }

    private mutating func relax(_ s: [[Float]], _ ctx: Context, beta: Float, steps: Int) -> [[Float]] {
        var state = s
        for _ in 0..<steps { state = step(state, ctx, beta: beta) }
        return state
    }

    private func zeroState(batch: Int) -> [[Float]] {
        layers.map { [Float](repeating: 0, count: batch * $0.units) }
    }

    /// Predicted classes after `steps` free steps (tile reads are noisy, so this mutates the read streams).
    public mutating func predict(_ batch: EPBatch<Float>, steps: Int) -> [Int] {
        let ctx = prepare(batch)
        let s = relax(zeroState(batch: batch.size), ctx, beta: 0, steps: steps)
        return classes(s[layers.count - 1], batch: batch.size)
    }

    /// The free-phase loss `½‖s^N − y‖²` (batch mean) and the number of correct predictions after `steps` free steps.
    public mutating func evaluate(_ batch: EPBatch<Float>, steps: Int) -> (loss: Float, correct: Int) {
        let ctx = prepare(batch)
        let s = relax(zeroState(batch: batch.size), ctx, beta: 0, steps: steps)
        return score(s[layers.count - 1], targets: ctx.targets, labels: batch.labels)
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
    /// two pulsed updates (`x = s^{n-1,±β}`, `d = ∓s^{n,±β}/(2βB)`, learning rate η_n; for a conv
    /// layer `x` = the patches of `s^{n-1,±β}` and `d` = `∓P⁻¹(s^{n,±β})/(2βB)` per output
    /// position) and the digital bias step. Returns the free-phase loss `½‖s^N − y‖²` (batch
    /// mean) and the number of correct free-phase predictions.
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
        let ctx = prepare(batch)
        let free = relax(zeroState(batch: b), ctx, beta: 0, steps: freeSteps)
        let plus = relax(free, ctx, beta: beta, steps: nudgedSteps)
        let minus = relax(free, ctx, beta: -beta, steps: nudgedSteps)
        let scale = 1 / (2 * beta * Float(b))
        for i in tiles.indices {
            let rates = LearningRates(sgd: learningRates[i])
            // Both phases' operands are read before either update (a conv layer's argmax read
            // must see the weights the phases relaxed with).
            let operands = [updateOperands(layer: i, plus, ctx, scale: -scale), updateOperands(layer: i, minus, ctx, scale: scale)]
            for (x, d) in operands { tiles[i].update(x: x, d: d, rates: rates) }
            tiles[i].finishBatch()
            let per = plus[i].count / layers[i].channels
            let conv = layers[i].isConvolution
            for c in 0..<layers[i].channels {
                var diff: Float = 0
                for j in 0..<per {
                    let k = conv ? c * per + j : j * layers[i].channels + c
                    diff += plus[i][k] - minus[i][k]
                }
                biases[i][c] += learningRates[i] * diff * scale
            }
        }
        return score(free[layers.count - 1], targets: ctx.targets, labels: batch.labels)
    }

    /// The tile update's `x` (inputs) and `d` (`scale`·outputs) for layer i at a nudged state:
    /// `s^{n-1}` and `s^n` (dense), or the patches of `s^{n-1}` and `P⁻¹(s^n)` at the argmax of
    /// a forward read at that state (conv; layer 1 uses the batch's drive read).
    private mutating func updateOperands(layer i: Int, _ s: [[Float]], _ ctx: Context, scale: Float) -> (x: Tensor, d: Tensor) {
        let b = ctx.batch
        switch layers[i].kind {
        case .convolution(let g):
            let rows: Tensor, argmax: [Int32]
            if i == 0, let input = ctx.inputPatches {
                (rows, argmax) = (input, ctx.driveArgmax)
            } else {
                rows = patches(s[i - 1], geometry: g, batch: b)
                argmax = EPKernels.maxPool(convolve(layer: i, patches: rows), planes: g.outputChannels * b,
                                           height: g.preHeight, width: g.preWidth).argmax
            }
            let z = EPKernels.unpool(s[i].map { $0 * scale }, argmax: argmax, count: g.outputChannels * b * g.prePixels)
            return (rows, Tensor(shape: [g.outputChannels, b * g.prePixels], scalars: z).transposed())
        case .dense(let inputs):
            let x = i == 0 ? ctx.input : flat(s[i - 1], layer: i - 1, batch: b)
            return (Tensor(shape: [b, inputs], scalars: x), Tensor(shape: [b, layers[i].units], scalars: s[i].map { $0 * scale }))
        }
    }
}

extension EPArchitecture {
    /// The `[rows, columns]` of every weight matrix `w_n` (one tile each on analog hardware):
    /// `[C_out, C_in·k²]` for a conv layer, `[units, inputs]` for a dense one.
    public var weightShapes: [(rows: Int, columns: Int)] {
        layers.map { layer in
            switch layer.kind {
            case .convolution(let g): return (g.outputChannels, g.patch)
            case .dense(let inputs): return (layer.units, inputs)
            }
        }
    }
}
