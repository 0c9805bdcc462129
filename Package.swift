// swift-tools-version:6.0
// Flint: a machine-learning framework for Swift on Linux.
import PackageDescription

let package = Package(
    name: "Flint",
    products: [
        .library(name: "Flint", targets: ["Flint"]),
        .library(name: "FlintNN", targets: ["FlintNN"]),
        .library(name: "FlintOptim", targets: ["FlintOptim"]),
        .library(name: "FlintIO", targets: ["FlintIO"]),
        .library(name: "FlintData", targets: ["FlintData"]),
        .library(name: "FlintTrain", targets: ["FlintTrain"]),
        .library(name: "FlintLearn", targets: ["FlintLearn"]),
        .library(name: "FlintServe", targets: ["FlintServe"]),
        .executable(name: "flint", targets: ["flint"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // Tiny C helpers: CPUID and the SIMD width the build targets. No outside code.
        .target(name: "CFlintSupport"),
        // The core: tensors, automatic differentiation, CPU kernels, BLAS/LAPACK loading.
        .target(name: "Flint", dependencies: ["CFlintSupport"]),
        // Modules, parameters, layers, losses and initialisation.
        .target(name: "FlintNN", dependencies: ["Flint"]),
        // Optimizers, learning-rate schedules and gradient clipping.
        .target(name: "FlintOptim", dependencies: ["Flint", "FlintNN"]),
        // Files: safetensors checkpoints, ONNX export (generated protobuf code, committed) and TensorBoard logs.
        .target(
            name: "FlintIO",
            dependencies: ["Flint", "FlintNN", "FlintOptim", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        // zlib from the system (Debian: zlib1g-dev, installed by scripts/setup.sh): gzip, NPZ, PNG.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        // Datasets, data loaders, transforms, file readers (CSV, IDX, NPY/NPZ) and the bundled datasets.
        .target(name: "FlintData", dependencies: ["Flint", "CZlib"], resources: [.copy("Resources")]),
        // The training loop, callbacks, metrics, logs and plots.
        .target(name: "FlintTrain", dependencies: ["Flint", "FlintNN", "FlintOptim", "FlintIO", "FlintData", "CZlib"]),
        // Classic machine learning: scikit-learn-style estimators.
        .target(name: "FlintLearn", dependencies: ["Flint", "FlintIO", "FlintData", "FlintTrain"]),
        // The inference server: the Open Inference Protocol over Hummingbird, dynamic batching, Prometheus metrics.
        .target(
            name: "FlintServe",
            dependencies: [
                "Flint", "FlintNN", "FlintIO", "FlintTrain",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The command-line tool.
        .executableTarget(
            name: "flint",
            dependencies: [
                "Flint", "FlintNN", "FlintOptim", "FlintIO", "FlintData", "FlintTrain", "FlintLearn", "FlintServe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Example code shared by the example programs and the tests that keep them honest.
        .target(name: "FlintExamples", dependencies: ["Flint"], path: "Examples/FlintExamples"),
        // The README's first example, runnable: `swift run SigmoidNeuron`.
        .executableTarget(name: "SigmoidNeuron", dependencies: ["Flint", "FlintExamples"], path: "Examples/SigmoidNeuron"),
        // Shared test helpers: finite-difference gradient checks, tolerance comparisons, fixtures.
        .target(name: "FlintTestSupport", dependencies: ["Flint"]),
        .testTarget(
            name: "FlintTests",
            dependencies: ["Flint", "FlintTestSupport", "FlintExamples"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "FlintNNTests", dependencies: ["Flint", "FlintNN", "FlintTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "FlintOptimTests", dependencies: ["Flint", "FlintNN", "FlintOptim", "FlintTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "FlintDataTests", dependencies: ["Flint", "FlintData", "FlintTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "FlintTrainTests",
            dependencies: ["Flint", "FlintNN", "FlintOptim", "FlintIO", "FlintData", "FlintTrain", "FlintTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "FlintLearnTests",
            dependencies: ["Flint", "FlintData", "FlintTrain", "FlintLearn", "FlintTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "FlintServeTests",
            dependencies: [
                "Flint", "FlintNN", "FlintData", "FlintTrain", "FlintServe", "FlintTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "FlintIOTests", dependencies: ["Flint", "FlintNN", "FlintOptim", "FlintIO", "FlintTestSupport"], resources: [.copy("Fixtures")]),
    ]
)
