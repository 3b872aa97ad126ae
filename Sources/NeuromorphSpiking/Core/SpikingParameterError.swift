import NeuromorphCore

/// A parameter of a neuron model, synapse, connector, network, fixed-point format, event network, encoder, energy table or
/// conversion that is outside the range its equations accept: the spiking engine's one error type.
///
/// The message names the type, the field, the rejected value and the expected form, e.g.
/// `QFormat.bits = 40 is invalid: expected an integer in 1...32`.
public typealias SpikingParameterError = ParameterValueError
