// swift-tools-version:6.0
// Flint: a machine-learning framework for Swift on Linux.
import PackageDescription

let package = Package(
    name: "Flint",
    products: [
        .library(name: "Flint", targets: ["Flint"]),
        .executable(name: "flint", targets: ["flint"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Tiny C helpers: CPUID and the SIMD width the build targets. No outside code.
        .target(name: "CFlintSupport"),
        // The core: tensors, automatic differentiation, CPU kernels, BLAS/LAPACK loading.
        .target(name: "Flint", dependencies: ["CFlintSupport"]),
        // The command-line tool.
        .executableTarget(
            name: "flint",
            dependencies: [
                "Flint",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The README's first example, runnable: `swift run SigmoidNeuron`.
        .executableTarget(name: "SigmoidNeuron", dependencies: ["Flint"], path: "Examples/SigmoidNeuron"),
        // Shared test helpers: finite-difference gradient checks, tolerance comparisons, fixtures.
        .target(name: "FlintTestSupport", dependencies: ["Flint"]),
        .testTarget(
            name: "FlintTests",
            dependencies: ["Flint", "FlintTestSupport"],
            resources: [.copy("Fixtures")]
        ),
    ]
)
