import CLogitsKernels
import Foundation

/// The instruction-set level Logits' own kernels may use (GEMM micro-kernels, vectorized math).
///
/// `hardware` comes from `cpuid` plus `xgetbv` (the OS must save the wider registers: YMM for
/// AVX2, opmask and ZMM state for AVX-512). `LOGITS_CPU=baseline|avx2|avx512` caps it: e.g.
/// `LOGITS_CPU=baseline` forces the portable pure-Swift paths on any machine, `LOGITS_CPU=avx2`
/// the AVX2/FMA ones on an AVX-512 machine. A level above the hardware's is never used.
public enum CPULevel: String, Sendable, CaseIterable, Comparable {
    /// Portable Swift SIMD (SSE2 on x86-64, NEON on arm64).
    case baseline
    /// x86-64 AVX2 + FMA (C kernels compiled with target attributes).
    case avx2
    /// x86-64 AVX-512F (C kernels compiled with target attributes).
    case avx512

    public static func < (lhs: CPULevel, rhs: CPULevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!  // trap-ok: every case is in allCases
    }

    /// The environment variable that caps the level.
    public static let variable = "LOGITS_CPU"

    /// The highest level this CPU and OS support.
    public static let hardware: CPULevel = {
        if logits_cpu_has_avx512f() == 1 { return .avx512 }
        if logits_cpu_has_avx2_fma() == 1 { return .avx2 }
        return .baseline
    }()

    /// The level in effect for `environment`: `hardware`, capped by `LOGITS_CPU` when it names a
    /// level; `note` says why when the variable was ignored or could not be honoured.
    public static func resolve(environment: [String: String]) -> (level: CPULevel, note: String?) {
        guard let text = environment[variable]?.trimmingCharacters(in: .whitespaces).lowercased(), !text.isEmpty else {
            return (hardware, nil)
        }
        guard let wanted = CPULevel(rawValue: text) else {
            let known = allCases.map(\.rawValue).joined(separator: ", ")
            return (hardware, "\(variable)=\(text) is not one of \(known); using \(hardware.rawValue)")
        }
        if wanted > hardware {
            return (hardware, "\(variable)=\(text): this CPU supports up to \(hardware.rawValue)")
        }
        return (wanted, nil)
    }

    /// The level in effect for this process (read once).
    public static let active: CPULevel = resolve(environment: ProcessInfo.processInfo.environment).level

    /// Why `LOGITS_CPU` was not honoured as written, if it was not (printed by `logits info`).
    public static let environmentNote: String? = resolve(environment: ProcessInfo.processInfo.environment).note

    /// The CPU's brand string (`cpuid`), else the `model name` of `/proc/cpuinfo`, else `"unknown CPU"`.
    public static let modelName: String = {
        var buffer = [CChar](repeating: 0, count: 64)
        logits_cpu_brand(&buffer, 64)
        let brand = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .trimmingCharacters(in: .whitespaces)
        if !brand.isEmpty { return brand }
        #if os(Linux)
        if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) {
            for line in text.split(separator: "\n") where line.hasPrefix("model name") {
                if let value = line.split(separator: ":", maxSplits: 1).last {
                    return value.trimmingCharacters(in: .whitespaces)
                }
            }
        }
        #endif
        return "unknown CPU"
    }()
}
