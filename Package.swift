// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Logits",
    platforms: [.macOS(.v13)],
    products: [
        // MARK: - Public API
        .library(name: "Logits", targets: ["Logits"]),
        .library(name: "LogitsMetrics", targets: ["LogitsMetrics"]),
        .library(name: "LogitsEvaluation", targets: ["LogitsEvaluation"]),
        .executable(name: "logits", targets: ["LogitsCLI"]),
        .executable(name: "logits-bench", targets: ["LogitsBench"]),
        /// Data-parallel training on Open MPI (`mpirun -np N logits-mpi train ...`).
        .executable(name: "logits-mpi", targets: ["LogitsMPI"]),
        /// HTTP inference (Open Inference Protocol); routes in `LogitsServing`, mountable in any Hummingbird app.
        .library(name: "LogitsServing", targets: ["LogitsServing"]),
        .executable(name: "logits-server", targets: ["LogitsServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation --target Logits` (DocC catalogs); a plugin, never linked.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // ONNX export only (LogitsExport); the Logits library does not depend on it.
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
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

        /// Open MPI's C API through pkg-config `ompi-c` (Debian `libopenmpi-dev`), wrapped in static
        /// inline functions (MPI_COMM_WORLD & co. are macros). Without it the shim compiles to stubs
        /// that report MPI as missing. Only `LogitsDistributed` depends on it.
        .systemLibrary(
            name: "CMPI",
            path: "Sources/CMPI",
            pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev", "openmpi-bin"]), .brew(["open-mpi"])]
        ),

        // MARK: - Libraries
        .target(
            name: "Logits",
            dependencies: [
                "CZlib", "CLogitsKernels",
            ]
        ),
        /// Metrics and curves; deliberately independent of the network code.
        .target(name: "LogitsMetrics"),
        /// The bridge: evaluation reports, training monitors and threshold tuning of a
        /// `Classifier` with `LogitsMetrics`.
        .target(name: "LogitsEvaluation", dependencies: ["Logits", "LogitsMetrics"]),
        /// `Logits`' data-parallel hook (`DistributedContext`) implemented on MPI.
        .target(name: "LogitsDistributed", dependencies: ["Logits", "CMPI"]),

        /// Benchmark-only C baseline: cblas_sgemm timed from C (used by logits-bench, never by the library).
        .target(
            name: "CBenchBLAS",
            path: "Sources/CBenchBLAS",
            linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]
        ),

        /// ONNX export of trained models (protobuf via swift-protobuf; code generated from the
        /// pinned onnx.proto by scripts/generate-onnx-proto.sh and committed).
        .target(
            name: "LogitsExport",
            dependencies: [
                "Logits",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
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
                "Logits", "LogitsMetrics", "LogitsEvaluation", "LogitsExport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/logits",
            resources: [.copy("Resources/yeast")]
        ),
        .executableTarget(
            name: "LogitsBench",
            dependencies: [
                "Logits", "LogitsMetrics", "LogitsEvaluation", "CBenchBLAS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/logits-bench"
        ),
        .executableTarget(
            name: "LogitsMPI",
            dependencies: [
                "Logits", "LogitsDistributed",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/logits-mpi"
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
        /// Golden-reference reader and process runner shared by the test targets (not a product).
        .target(name: "LogitsTestSupport", path: "Tests/LogitsTestSupport"),
        .testTarget(name: "LogitsTests", dependencies: ["Logits", "LogitsTestSupport"]),
        .testTarget(name: "LogitsMetricsTests", dependencies: ["LogitsMetrics", "LogitsTestSupport"]),
        .testTarget(name: "LogitsEvaluationTests", dependencies: ["LogitsEvaluation", "Logits", "LogitsMetrics"]),
        .testTarget(name: "CLITests", dependencies: ["LogitsCLI", "Logits", "LogitsMetrics", "LogitsEvaluation", "LogitsTestSupport"]),
        /// Export graph tests, plus the ONNX Runtime / PyTorch-import checks through tests/python (needs the logits binary).
        .testTarget(name: "LogitsExportTests", dependencies: ["LogitsExport", "Logits", "LogitsCLI", "LogitsTestSupport"]),
        /// Runs `mpirun -np 2/4 logits-mpi` (needs Open MPI installed).
        .testTarget(name: "LogitsDistributedTests", dependencies: ["LogitsMPI", "LogitsDistributed", "Logits"]),
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
