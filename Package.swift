// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Logits",
    platforms: [.macOS(.v13)],
    products: [
        // MARK: - Public API
        .library(name: "Logits", targets: ["Logits"]),
        .library(name: "LogitsMetrics", targets: ["LogitsMetrics"]),
        .executable(name: "logits", targets: ["LogitsCLI"]),
        .executable(name: "logits-bench", targets: ["LogitsBench"]),
        /// HTTP inference (Open Inference Protocol); routes in `LogitsServing`, mountable in any Hummingbird app.
        .library(name: "LogitsServing", targets: ["LogitsServing"]),
        .executable(name: "logits-server", targets: ["LogitsServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        // Serving only (LogitsServing / logits-server); the Logits library and the logits CLI never import these.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // MARK: - Implementation details
        /// The system zlib (gzip-compressed IDX files). Headers: Debian `zlib1g-dev`.
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),

        /// Optional x86-64 AVX2/FMA GEMM micro-kernel, selected at run time by CPU detection.
        .target(name: "CLogitsKernels", path: "Sources/CLogitsKernels"),

        // MARK: - Libraries
        .target(
            name: "Logits",
            dependencies: [
                "CZlib", "CLogitsKernels",
                .product(name: "CSV", package: "CSV.swift"),
            ]
        ),
        /// Metrics and curves; deliberately independent of the network code.
        .target(name: "LogitsMetrics"),

        /// Benchmark-only C baseline: cblas_sgemm timed from C (used by logits-bench, never by the library).
        .target(
            name: "CBenchBLAS",
            path: "Sources/CBenchBLAS",
            linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]
        ),

        /// HTTP serving: KServe v2 routes, dynamic batching, metrics. The only target with SwiftNIO.
        .target(
            name: "LogitsServing",
            dependencies: [
                "Logits",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),

        // MARK: - Executables
        .executableTarget(
            name: "LogitsCLI",
            dependencies: [
                "Logits", "LogitsMetrics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/logits",
            resources: [.copy("Resources/yeast")]
        ),
        .executableTarget(
            name: "LogitsBench",
            dependencies: [
                "Logits", "LogitsMetrics", "CBenchBLAS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/logits-bench"
        ),
        .executableTarget(
            name: "LogitsServer",
            dependencies: [
                "LogitsServing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/logits-server"
        ),

        // MARK: - Unit test bundles
        .testTarget(name: "LogitsTests", dependencies: ["Logits"]),
        .testTarget(name: "LogitsMetricsTests", dependencies: ["LogitsMetrics"]),
        .testTarget(name: "CLITests", dependencies: ["LogitsCLI", "Logits", "LogitsMetrics"]),
        .testTarget(
            name: "LogitsServingTests",
            dependencies: [
                "LogitsServing", "Logits",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
