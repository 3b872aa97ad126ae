// The Neuromorph umbrella: one import for the whole toolkit.
@_exported import NeuromorphCore
@_exported import NeuromorphData
@_exported import NeuromorphNN
@_exported import NeuromorphSpec
@_exported import NeuromorphAnalog
@_exported import NeuromorphCost
@_exported import NeuromorphMapping
@_exported import NeuromorphChipModels
@_exported import NeuromorphSpiking
@_exported import NeuromorphBayesian
@_exported import NeuromorphReproduce
@_exported import NeuromorphLearning
@_exported import NeuromorphONNX
