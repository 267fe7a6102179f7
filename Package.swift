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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        // ONNX export only (LogitsExport); the Logits library does not depend on it.
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
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
                .product(name: "CSV", package: "CSV.swift"),
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

        // MARK: - Unit test bundles
        .testTarget(name: "LogitsTests", dependencies: ["Logits"]),
        .testTarget(name: "LogitsMetricsTests", dependencies: ["LogitsMetrics"]),
        .testTarget(name: "LogitsEvaluationTests", dependencies: ["LogitsEvaluation", "Logits", "LogitsMetrics"]),
        .testTarget(name: "CLITests", dependencies: ["LogitsCLI", "Logits", "LogitsMetrics", "LogitsEvaluation"]),
        /// Export graph tests, plus the ONNX Runtime / PyTorch-import checks through tests/python (needs the logits binary).
        .testTarget(name: "LogitsExportTests", dependencies: ["LogitsExport", "Logits", "LogitsCLI"]),
        /// Runs `mpirun -np 2/4 logits-mpi` (needs Open MPI installed).
        .testTarget(name: "LogitsDistributedTests", dependencies: ["LogitsMPI", "LogitsDistributed", "Logits"]),
    ],
    swiftLanguageModes: [.v6]
)
