import ArgumentParser
import Foundation
import Logits

struct LogitsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logits",
        abstract: "Train and evaluate neural-network classifiers (multi-class softmax, multi-label sigmoid).",
        discussion: "Exit status: 0 on success, 1 for an error in the input (message on stderr), 2 for a usage error.",
        version: LogitsLibrary.version,
        subcommands: [Train.self, CV.self, Evaluate.self, Predict.self, Curves.self, Metrics.self, Info.self, Export.self, Import.self],
        defaultSubcommand: nil
    )
}

/// The entry point: parses the arguments, runs the command, and maps failures to exit codes:
/// 0 success, 1 a user error (`error: <one line>` on stderr, no stack trace), 2 a usage error
/// (unknown option, bad value, failed validation: ArgumentParser's message and usage).
@main
enum LogitsMain {
    static func main() async {
        StandardOutput.ignoreSIGPIPE()
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
        // One line: `error: <what is wrong>` plus where to read more (no usage dump).
        var message = LogitsCommand.message(for: error).split(whereSeparator: \.isNewline).joined(separator: "; ")
        if message.hasPrefix("Error: ") { message.removeFirst("Error: ".count) }
        let command = CommandLine.arguments.dropFirst().first { !$0.hasPrefix("-") } ?? ""
        let help = LogitsCommand.configuration.subcommands.contains { $0.configuration.commandName == command || String(describing: $0).lowercased() == command }
            ? "logits \(command) --help" : "logits --help"
        FileHandle.standardError.write(Data("error: \(ExitStatus.escaped(message)) (see '\(help)')\n".utf8))
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
        return escaped(text.split(whereSeparator: \.isNewline).joined(separator: "; "))
    }

    /// `text` with control characters and NUL bytes shown as `\u{..}` escapes, so that a message
    /// quoting raw input (UTF-16, binary) stays one readable line.
    static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// An error in what the user asked for (a missing file, an incompatible option), reported as
/// `error: <message>` with exit status 1.
struct UserError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}
