import Foundation

// MARK: - Chip-level (global) buffer timing of the NeuroSim mode

/// The chip's global buffer in NeuroSim V1.3's synchronous, layer-by-layer mode: how many clock
/// cycles a layer spends moving its inputs out of and its outputs into the global buffer.
///
/// The buffer is a set of register-file cores of `coreRows` × `coreColumns` bits, enough to hold
/// the largest layer input (B · max H·W·C bits); each core moves one line of `coreColumns` bits
/// per cycle. The global bus is as wide as the tiles' ports added over the layers (a conventional
/// tile: T + T/M bits, a novel tile: P·K + P·K/M bits, T = tile size, P = PE size, M = columns
/// per ADC), halved until it fits `maxGlobalBusWidth`, and the cores work in parallel as far as
/// the bus allows. A layer owns only the share of the bus that leads to its own tiles, so a layer
/// on few of the chip's tiles waits ⌈tiles_chip / tiles_layer⌉ times longer:
/// ```
/// cores     = ⌈B · max_l(H·W·C) / (coreRows · coreColumns)⌉
/// bus       = Σ_l (novel ? P·K·(1 + 1/M) : T·(1 + 1/M)),  halved while > maxGlobalBusWidth
/// parallel  = min(cores, ⌈bus / coreColumns⌉)
/// lines_out = V · C·K·K · B / (novel ? K : 1) / coreColumns     inputs read (a novel layer's sliding
///                                                               window brings C·K new inputs per vector)
/// lines_in  = V · N · B / (pooled ? 4 : 1) / coreColumns        outputs written
/// cycles    = (lines_out + lines_in) / parallel · ⌈tiles_chip / tiles_layer⌉
/// ```
/// Sources: Lu et al. 2021 (NeuroSim V1.3: large buffers split into smaller block buffers;
/// latency counted in clock cycles, digital modules pipelined with buffers); the core count, bus
/// width, parallelism and bus-share factor are the rules NeuroSim V1.3's chip model applies, as
/// read (not ported) from its source and checked against its per-layer buffer latencies
/// (docs/cost-neurosim.md). Nothing here is fitted. It is why the late VGG-8 layers are slow for
/// their size: the FC layer 8 sits on 1 of 47 (RRAM) or 92 (SRAM) tiles, so its 8,272 bits take
/// 47× or 92× the cycles they would on the whole bus.
/// The per-tile buffers (input, output, PE buffers) are the fitted part of
/// ``NeuroSimUnitConstants/bufferCyclesPerVector`` and its siblings.
public struct NeuroSimGlobalBuffer: Sendable, Equatable {
    /// NeuroSim V1.3 Param.cpp defaults: `globalBufferCoreSizeRow`, `globalBufferCoreSizeCol`,
    /// `maxGlobalBusWidth`.
    public static let coreRows = 128
    public static let coreColumns = 128
    public static let maxGlobalBusWidth = 2048.0

    /// Buffer cores, global bus width (bits) and the cores working in parallel.
    public var cores: Int
    public var busWidth: Double
    public var parallelCores: Int
    /// Tiles of the whole chip.
    public var chipTiles: Int

    public init(layers: [NetworkLayer], plan: NeuroSimFloorplan, param p: NeuroSimParam) {
        let maxInput = layers.map { $0.inputHeight * $0.inputWidth * $0.inputChannels }.max() ?? 0
        let coreBits = Self.coreRows * Self.coreColumns
        cores = max(1, (p.numBitInput * maxInput + coreBits - 1) / coreBits)
        let m = Double(p.numColMuxed)
        var bus = 0.0
        for (l, place) in zip(layers, plan.layers) {
            let port = place.novel ? Double(plan.peSize * l.kernelSize) : Double(plan.tileSize)
            bus += port + port / m
        }
        while bus > Self.maxGlobalBusWidth { bus /= 2 }
        busWidth = bus
        parallelCores = max(1, min(cores, Int((bus / Double(Self.coreColumns)).rounded(.up))))
        chipTiles = max(plan.totalTiles, 1)
    }

    /// Global-buffer cycles of one layer with `vectors` input vectors of `bits` bits each.
    public func cycles(_ l: NetworkLayer, _ place: NeuroSimLayerPlacement, vectors: Double, bits: Double,
                       pooled: Bool) -> Double {
        let reuse = place.novel ? Double(l.kernelSize) : 1
        let linesOut = vectors * Double(l.weightRows) * bits / reuse / Double(Self.coreColumns)
        let linesIn = vectors * Double(l.outputChannels) * bits / (pooled ? 4 : 1) / Double(Self.coreColumns)
        let share = (Double(chipTiles) / Double(max(place.tiles, 1))).rounded(.up)
        return (linesOut + linesIn) / Double(parallelCores) * share
    }
}
