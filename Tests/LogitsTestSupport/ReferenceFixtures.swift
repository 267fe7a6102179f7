import Foundation

/// Locates and reads the golden reference files committed in `Tests/Fixtures` (copied from the
/// project's shared reference set; see PROVENANCE.md in `Tests/Fixtures/reference`). A missing
/// file throws, so the suites that read it fail; they never skip.
public enum ReferenceFixtures {
    /// `Tests/Fixtures` of this package, found from this file's path.
    public static let fixtures: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<2 { url.deleteLastPathComponent() }  // ReferenceFixtures.swift, LogitsTestSupport
        return url.appendingPathComponent("Fixtures")
    }()

    /// `Tests/Fixtures/reference`, or the directory in `LOGITS_REFERENCE_DIR` (to run the same
    /// checks on another reference set with the same schema).
    public static let directory: URL = {
        if let dir = ProcessInfo.processInfo.environment["LOGITS_REFERENCE_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return fixtures.appendingPathComponent("reference")
    }()

    /// A reference file that is not there.
    public struct Missing: Error, CustomStringConvertible {
        public var path: String
        public var description: String {
            "golden reference file \(path) not found (it is committed in Tests/Fixtures; a clean clone must have it)"
        }
    }

    /// The decoded root value of `url`.
    /// - Throws: `Missing` when the file is absent, a `DecodingError` when it is not JSON.
    public static func load(_ url: URL) throws -> ReferenceValue {
        guard FileManager.default.fileExists(atPath: url.path) else { throw Missing(path: url.path) }
        return try ReferenceValue.parse(Data(contentsOf: url))
    }

    /// The decoded root value of `file` in `directory`.
    public static func load(_ file: String) throws -> ReferenceValue {
        try load(directory.appendingPathComponent(file))
    }
}
