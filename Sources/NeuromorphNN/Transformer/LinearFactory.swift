import NeuromorphCore

/// Builds the fully connected layer `inputFeatures → outputFeatures` of a transformer
/// (attention projections, MLP, patch embedding, classification head), drawing its
/// initial weights from `generator`.
///
/// The transformer types never construct `Linear` directly: they call a factory, so an
/// analog crossbar layer (Spoon et al. 2021 map every fully connected layer to PCM tiles,
/// digest §2.1) can replace the digital one without touching the attention code. The
/// returned layer must map `[rows, inputFeatures]` to `[rows, outputFeatures]`.
public typealias LinearFactory = @Sendable (_ inputFeatures: Int, _ outputFeatures: Int,
                                            _ generator: inout SeededGenerator) -> any Layer

/// Ready-made `LinearFactory` values.
public enum LinearFactories {
    /// Digital `Linear(in, out)` with bias (PyTorch's initialization).
    public static let digital: LinearFactory = { inputFeatures, outputFeatures, generator in
        Linear(inputFeatures, outputFeatures, generator: &generator)
    }
}
