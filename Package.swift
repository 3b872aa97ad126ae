// swift-tools-version: 6.0
import PackageDescription

// Neuromorph: simulate, train and cost neural networks on AI hardware.
//
// One target per domain; `Neuromorph` is an umbrella that only re-exports them,
// and `neuromorph` is a thin command-line shell over the umbrella.

let swiftSettings: [SwiftSetting] = []   // release builds use -O with whole-module optimization
let linuxMath: [LinkerSetting] = [.linkedLibrary("m", .when(platforms: [.linux]))]

/// (name, dependencies) of every library target, in dependency order.
let libraries: [(name: String, dependencies: [Target.Dependency])] = [
    ("NeuromorphCore", ["COpenBLAS", "COpenBLASCore", .product(name: "Numerics", package: "swift-numerics")]),
    ("NeuromorphData", ["NeuromorphCore", "CZlib"]),
    ("NeuromorphNN", ["NeuromorphCore"]),
    ("NeuromorphSpec", ["NeuromorphCore", "NeuromorphData", "NeuromorphNN", "NeuromorphAnalog", "NeuromorphSpiking",
                        "NeuromorphLearning", "NeuromorphCost", "NeuromorphMapping",
                        .product(name: "Yams", package: "Yams")]),
    ("NeuromorphAnalog", ["NeuromorphCore", "NeuromorphNN", "CPulseKernels"]),
    ("NeuromorphCost", ["NeuromorphCore"]),
    ("NeuromorphMapping", ["NeuromorphCore"]),
    ("NeuromorphChipModels", ["NeuromorphCore"]),
    ("NeuromorphSpiking", ["NeuromorphCore", "NeuromorphData", "NeuromorphNN", "NeuromorphChipModels"]),
    ("NeuromorphBayesian", ["NeuromorphCore"]),
    ("NeuromorphReproduce", ["NeuromorphCore", "NeuromorphAnalog", "NeuromorphCost", "NeuromorphMapping",
                             "NeuromorphChipModels", "NeuromorphSpiking", "NeuromorphBayesian", "NeuromorphNN",
                             "NeuromorphLearning", "NeuromorphData"]),
    ("NeuromorphLearning", ["NeuromorphCore", "NeuromorphData", "NeuromorphNN", "NeuromorphAnalog"]),
    ("NeuromorphONNX", ["NeuromorphCore", "NeuromorphNN", "NeuromorphSpec",
                        .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
]

/// Test targets and the libraries they exercise.
let propertyBased: Target.Dependency = .product(name: "PropertyBased", package: "swift-property-based")
let tests: [(name: String, dependencies: [Target.Dependency])] = [
    ("NeuromorphCoreTests", ["NeuromorphCore", propertyBased]),
    ("NeuromorphDataTests", ["NeuromorphData"]),
    ("NeuromorphNNTests", ["NeuromorphNN"]),
    ("NeuromorphSpecTests", ["NeuromorphSpec", propertyBased]),
    ("NeuromorphAnalogTests", ["NeuromorphAnalog", propertyBased]),
    ("NeuromorphCostTests", ["NeuromorphCost"]),
    ("NeuromorphMappingTests", ["NeuromorphMapping", propertyBased]),
    ("NeuromorphChipModelsTests", ["NeuromorphChipModels"]),
    ("NeuromorphSpikingTests", ["NeuromorphSpiking", propertyBased]),
    ("NeuromorphBayesianTests", ["NeuromorphBayesian"]),
    ("NeuromorphReproduceTests", ["NeuromorphReproduce"]),
    ("NeuromorphLearningTests", ["NeuromorphLearning", "NeuromorphData"]),
    ("NeuromorphONNXTests", ["NeuromorphONNX"]),
    // Runs the built `neuromorph` executable (`swift build --build-tests` builds it too).
    ("NeuromorphCLITests", []),
]

let package = Package(
    name: "Neuromorph",
    products: [
        .library(name: "Neuromorph", targets: ["Neuromorph"]),
        .executable(name: "neuromorph", targets: ["NeuromorphCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // ONNX import/export: Swift code generated once from onnx.proto (scripts/generate-onnx-proto.sh).
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        // Property tests (Swift Testing generators with shrinking).
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
        // `swift package generate-documentation --target NAME` (DocC catalogs in Sources/*/Documentation.docc).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // Load-time OpenBLAS kernel selection for CPUs its DYNAMIC_ARCH build does not recognise.
        .target(name: "COpenBLASCore", dependencies: ["COpenBLAS"]),
        // The pulsed update's coincidence counting, with a POPCNT clone chosen at load time.
        .target(name: "CPulseKernels"),
    ]
    + libraries.map {
        .target(name: $0.name, dependencies: $0.dependencies, swiftSettings: swiftSettings, linkerSettings: linuxMath)
    }
    + [
        .target(name: "Neuromorph", dependencies: libraries.map { .target(name: $0.name) }),
        .executableTarget(
            name: "NeuromorphCLI",
            dependencies: ["Neuromorph", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings),
    ]
    + tests.map {
        .testTarget(name: $0.name, dependencies: $0.dependencies, swiftSettings: swiftSettings)
    },
    swiftLanguageModes: [.v6]
)
