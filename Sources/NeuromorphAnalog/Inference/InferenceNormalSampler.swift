import NeuromorphCore

/// The inference noise models draw their normals through Core's fast vectorized sampler.
typealias InferenceNormalSampler = FastNormalSampler
