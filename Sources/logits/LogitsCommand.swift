import ArgumentParser
import Foundation
import Logits

struct LogitsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logits",
        abstract: "Train and evaluate neural-network classifiers (multi-class softmax, multi-label sigmoid).",
        discussion: "Exit status: 0 on success, 1 for an error in the input (message on stderr), 2 for a usage error.",
        version: LogitsLibrary.version,
        subcommands: [Train.self, Evaluate.self, Predict.self, Curves.self, Metrics.self, Info.self, Export.self, Import.self],
        defaultSubcommand: nil
    )
}

/// The entry point: parses the arguments, runs the command, and maps failures to exit codes:
/// 0 success, 1 a user error (`error: <one line>` on stderr, no stack trace), 2 a usage error
/// (unknown option, bad value, failed validation: ArgumentParser's message and usage).
@main
enum LogitsMain {
    static func main() async {
        let command: ParsableCommand
        do {
            command = try LogitsCommand.parseAsRoot()
        } catch {
            exitForArgumentParser(error)
        }
        do {
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var syncCommand = command
                try syncCommand.run()
            }
        } catch let error where isArgumentParserError(error) {
            // e.g. `logits --help` runs a help command that throws `CommandError.helpRequested`.
            exitForArgumentParser(error)
        } catch {
            FileHandle.standardError.write(Data("error: \(ExitStatus.message(for: error))\n".utf8))
            exit(ExitStatus.userError)
        }
        exit(ExitStatus.success)
    }

    /// `CleanExit`, `ExitCode`, `ValidationError` and the parser's own `CommandError`.
    static func isArgumentParserError(_ error: Error) -> Bool {
        String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }

    /// Help/version requests exit 0 with ArgumentParser's output; usage errors print its message
    /// and exit 2; an explicit `ExitCode` is kept.
    static func exitForArgumentParser(_ error: Error) -> Never {
        let code = LogitsCommand.exitCode(for: error)
        if code == .success || error is ExitCode {
            LogitsCommand.exit(withError: error)
        }
        let message = LogitsCommand.fullMessage(for: error)
        FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
        exit(ExitStatus.usageError)
    }
}

enum ExitStatus {
    static let success: Int32 = 0
    static let userError: Int32 = 1
    static let usageError: Int32 = 2

    /// A one-line description of a thrown error.
    static func message(for error: Error) -> String {
        let text: String
        if let e = error as? LocalizedError, let d = e.errorDescription {
            text = d
        } else if type(of: error) == NSError.self {
            text = (error as NSError).localizedDescription
        } else {
            text = String(describing: error)
        }
        return text.split(whereSeparator: \.isNewline).joined(separator: "; ")
    }
}

/// An error in what the user asked for (a missing file, an incompatible option), reported as
/// `error: <message>` with exit status 1.
struct UserError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}
