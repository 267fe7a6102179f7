import Foundation
@testable import Logits

/// Helpers for the data tests: a fresh temp folder with files written by the test, and the
/// shared benchmark data located from this file's path.
enum DataTestSupport {
    /// `../shared/data` next to the package root, or nil when absent.
    static let sharedData: URL? = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }  // Data -> LogitsTests -> Tests -> package root
        let data = url.deletingLastPathComponent().appendingPathComponent("shared/data")
        return FileManager.default.fileExists(atPath: data.appendingPathComponent("README.md").path) ? data : nil
    }()

    static var hasSharedData: Bool {
        if sharedData == nil { print("shared/data not found next to the package: skipping real-data tests") }
        return sharedData != nil
    }

    static func shared(_ relative: String) -> String {
        sharedData!.appendingPathComponent(relative).path  // trap-ok: tests guard on hasSharedData
    }

    static var slowTestsEnabled: Bool { ProcessInfo.processInfo.environment["LOGITS_SLOW_TESTS"] == "1" }

    /// One folder per test process for every temporary file, removed when the process exits.
    static let temporaryRoot: URL = {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("logits-data-tests-\(ProcessInfo.processInfo.processIdentifier)")
        atexit { try? FileManager.default.removeItem(at: DataTestSupport.temporaryRoot) }
        return url
    }()

    /// A new, empty temporary directory (inside `temporaryRoot`).
    static func tempDirectory() throws -> URL {
        let url = temporaryRoot.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `text` to `name` in `directory`, returns the path.
    @discardableResult
    static func write(_ text: String, _ name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @discardableResult
    static func write(bytes: [UInt8], _ name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// The `DataFileError` thrown by `body`, or nil if it did not throw one.
    static func dataError(_ body: () throws -> Dataset) -> DataFileError? {
        do {
            _ = try body()
            return nil
        } catch let error as DataFileError {
            return error
        } catch {
            return nil
        }
    }
}
