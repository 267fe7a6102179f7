#if canImport(Darwin)
import Darwin
#endif
import Foundation

/// The SIMD-related CPU features the operating system reports (printed by `logits info`).
///
/// Linux: the `flags` (x86) or `Features` (arm) line of `/proc/cpuinfo`; Apple: `sysctl`
/// (`hw.optional.*`). `nil` when neither can be read.
public enum CPUFeatures {
    /// The features worth knowing for the GEMM kernels, in this order when present.
    public static let interesting = [
        "sse2", "ssse3", "sse4_1", "sse4_2", "avx", "f16c", "fma", "avx2",
        "avx512f", "avx512dq", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "amx_tile",
        "asimd", "neon", "fphp", "asimdhp", "asimddp", "i8mm", "bf16", "sve", "sve2", "sme",
    ]

    /// Features seen on this machine, or `nil` when they cannot be read.
    public static func detected() -> [String]? {
        #if os(Linux)
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        let found = parse(procCPUInfo: text)
        return found.isEmpty ? nil : found
        #elseif canImport(Darwin)
        var found: [String] = []
        let keys: [(String, String)] = [
            ("hw.optional.neon", "neon"), ("hw.optional.arm.FEAT_FP16", "fphp"),
            ("hw.optional.arm.FEAT_DotProd", "asimddp"), ("hw.optional.arm.FEAT_I8MM", "i8mm"),
            ("hw.optional.arm.FEAT_BF16", "bf16"), ("hw.optional.arm.FEAT_SME", "sme"),
            ("hw.optional.sse4_2", "sse4_2"), ("hw.optional.avx1_0", "avx"), ("hw.optional.fma", "fma"),
            ("hw.optional.avx2_0", "avx2"), ("hw.optional.avx512f", "avx512f"),
        ]
        for (key, name) in keys {
            var value: Int32 = 0
            var size = MemoryLayout<Int32>.size
            if sysctlbyname(key, &value, &size, nil, 0) == 0, value != 0 { found.append(name) }
        }
        return found.isEmpty ? nil : found
        #else
        return nil
        #endif
    }

    /// The `interesting` features named on the first `flags` / `Features` line of `/proc/cpuinfo` text.
    public static func parse(procCPUInfo text: String) -> [String] {
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            guard key == "flags" || key == "Features" else { continue }
            let flags = Set(parts[1].split(separator: " ").map(String.init))
            return interesting.filter { flags.contains($0) }
        }
        return []
    }
}
