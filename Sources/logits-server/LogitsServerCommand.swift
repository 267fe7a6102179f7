import ArgumentParser
import Foundation
import Hummingbird
import Logging
import LogitsServing
import ServiceLifecycle

/// `logits-server`: serves trained models over HTTP with the Open Inference Protocol.
struct LogitsServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logits-server",
        abstract: "Serve model files over HTTP (Open Inference Protocol / KServe v2) with dynamic batching.",
        discussion: """
        Endpoints: GET /v2/health/live, /v2/health/ready, /v2, /v2/models/NAME, /v2/models/NAME/ready, \
        /metrics; POST /v2/models/NAME/infer. SIGHUP reloads every model file atomically; SIGTERM or \
        SIGINT stops accepting connections, drains requests in flight and exits 0. See docs/serving.md. \
        Exit status: 0 after a clean stop, 1 when a model cannot be loaded, 2 for a usage error.
        """)

    @Option(name: .customLong("model"), help: ArgumentHelp("A model to serve, as NAME=PATH (repeatable).", valueName: "NAME=PATH"))
    var models: [String] = []

    @Option(help: "Address to bind (default loopback only).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port; the port is printed).")
    var port = 8080

    @Option(help: "Most rows per forward pass (1: no batching).")
    var maxBatch = 64

    @Option(help: "Longest time a request waits for others to share its batch, in microseconds.")
    var maxDelayUs = 500

    @Option(help: "Largest request body in bytes (larger: 413).")
    var maxBody = 16 << 20

    @Option(help: "File holding a bearer token; then infer and metadata need 'Authorization: Bearer TOKEN'.")
    var tokenFile: String?

    @Option(help: "Seconds to let requests in flight finish after SIGTERM/SIGINT.")
    var drainTimeout: Double = 10

    @Option(help: "Milliseconds to wait before the first load (testing readiness probes).")
    var loadDelayMs = 0

    func validate() throws {
        if models.isEmpty { throw ValidationError("give at least one --model NAME=PATH") }
        _ = try sources()
        if !(0...65535).contains(port) { throw ValidationError("--port must be 0...65535, got \(port)") }
        if maxBatch < 1 || maxBatch > 4096 { throw ValidationError("--max-batch must be 1...4096, got \(maxBatch)") }
        if maxDelayUs < 0 || maxDelayUs > 10_000_000 { throw ValidationError("--max-delay-us must be 0...10000000, got \(maxDelayUs)") }
        if maxBody < 1 { throw ValidationError("--max-body must be at least 1 byte, got \(maxBody)") }
        if !(drainTimeout >= 0 && drainTimeout <= 3600) { throw ValidationError("--drain-timeout must be 0...3600 seconds, got \(drainTimeout)") }
        if loadDelayMs < 0 { throw ValidationError("--load-delay-ms must be >= 0, got \(loadDelayMs)") }
    }

    /// `--model NAME=PATH` values, checked: a URL-safe unique name and a readable file.
    func sources() throws -> [ModelRegistry.Source] {
        var seen = Set<String>()
        return try models.map { spec in
            guard let eq = spec.firstIndex(of: "=") else {
                throw ValidationError("--model '\(spec)': expected NAME=PATH")
            }
            let name = String(spec[..<eq]), path = String(spec[spec.index(after: eq)...])
            let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
            guard !name.isEmpty, name.unicodeScalars.allSatisfy(allowed.contains) else {
                throw ValidationError("--model '\(spec)': NAME must be letters, digits, '.', '_' or '-'")
            }
            guard seen.insert(name).inserted else { throw ValidationError("--model: the name '\(name)' is given twice") }
            guard !path.isEmpty else { throw ValidationError("--model '\(spec)': no PATH after '='") }
            return ModelRegistry.Source(name: name, path: path)
        }
    }

    func run() async throws {
        // Concurrency comes from the connections and the per-model batch workers; a multi-threaded
        // BLAS would spin its own threads (sched_yield) against them on every small GEMM.
        setenv("OPENBLAS_NUM_THREADS", "1", 0)
        let sources = try sources()
        for source in sources where !FileManager.default.isReadableFile(atPath: source.path) {
            fail("--model \(source.name)=\(source.path): no readable file at that path")
        }
        var options = ServingApplication.Options()
        options.host = host
        options.port = port
        options.maxBatchRows = maxBatch
        options.maxDelayMicroseconds = maxDelayUs
        options.serving.maxBodyBytes = maxBody
        options.loadDelay = .milliseconds(loadDelayMs)
        if let tokenFile {
            guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                fail("--token-file '\(tokenFile)': cannot read the file")
            }
            let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty, !token.contains(where: { $0.isWhitespace }) else {
                fail("--token-file '\(tokenFile)': expected one token without spaces")
            }
            options.serving.bearerToken = token
        }
        var logger = Logger(label: "logits-server")
        logger.logLevel = .info
        let serving = ServingApplication(sources: sources, options: options)
        let hostName = host
        let app = serving.application(logger: logger) { port in
            FileHandle.standardOutput.write(Data("logits-server: listening on http://\(hostName):\(port)\n".utf8))
        }
        var config = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        config.maximumGracefulShutdownDuration = .milliseconds(Int64(drainTimeout * 1000))
        let group = ServiceGroup(configuration: config)
        do {
            try await group.run()
        } catch {
            // A failed first load ends the group with that error; a drain timeout ends it cancelled.
            if !serving.models.isReady && !(error is CancellationError) { fail("\(error)") }
            logger.warning("stopped after the drain timeout: \(error)")
        }
        FileHandle.standardOutput.write(Data("logits-server: stopped\n".utf8))
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        Foundation.exit(1)
    }
}

/// The entry point: usage errors (unknown option, bad value, failed validation) print
/// ArgumentParser's message and exit 2; help exits 0; the server's own failures exit 1.
@main
enum LogitsServerMain {
    static func main() async {
        let command: LogitsServerCommand
        do {
            command = try LogitsServerCommand.parse()
        } catch {
            let code = LogitsServerCommand.exitCode(for: error)
            if code == .success || error is ExitCode { LogitsServerCommand.exit(withError: error) }
            let message = LogitsServerCommand.fullMessage(for: error)
            FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
            exit(2)
        }
        do {
            try await command.run()
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            exit(1)
        }
        exit(0)
    }
}
