/// NeuromorphMapping: mapping CNNs onto in-memory-computing cores and simulating the pipeline
/// (Dazzi et al. 2021, Front. Comput. Neurosci. 15:674154).
///
/// Start with ``IMCMapper/map(model:crossbar:speedup:batch:timestepSeconds:)`` (model zoo:
/// ``IMCModelZoo``) or ``IMCMapper/map(network:crossbar:speedup:batch:timestepSeconds:)`` for
/// a user ``IMCNetwork``; the returned ``IMCMappingReport`` prints with `table()` and
/// `curvesCSV()`. Building blocks: ``KernelReplication`` (Eqs. 2–4), ``LayerMapping`` (Eqs. 5–6),
/// ``IMCNetworkMapping`` (cores, edges, grid), ``SRAMLayoutReport`` (Table 1),
/// ``PLIPAddressGenerator`` and ``DataflowController`` (Algorithms 1–2), ``PipelineSimulator``
/// (Fig. 10), ``MappedConvLayer`` and ``IMCInference`` (bit-exact int8 functional path).
public enum NeuromorphMapping {}
