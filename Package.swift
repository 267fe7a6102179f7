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
        /// Data-parallel training on Open MPI (`mpirun -np N logits-mpi train ...`).
        .executable(name: "logits-mpi", targets: ["LogitsMPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
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
        /// `Logits`' data-parallel hook (`DistributedContext`) implemented on MPI.
        .target(name: "LogitsDistributed", dependencies: ["Logits", "CMPI"]),

        /// Benchmark-only C baseline: cblas_sgemm timed from C (used by logits-bench, never by the library).
        .target(
            name: "CBenchBLAS",
            path: "Sources/CBenchBLAS",
            linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]
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
        .testTarget(name: "CLITests", dependencies: ["LogitsCLI", "Logits", "LogitsMetrics"]),
        /// Runs `mpirun -np 2/4 logits-mpi` (needs Open MPI installed).
        .testTarget(name: "LogitsDistributedTests", dependencies: ["LogitsMPI", "LogitsDistributed", "Logits"]),
    ],
    swiftLanguageModes: [.v6]
)
