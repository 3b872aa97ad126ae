// NeuromorphSpiking: spiking neuron models, clock- and event-driven simulation, plasticity,
// encoders, readouts, ANN→SNN conversion and energy per event (spiking note, shared/specs/spiking.md).
