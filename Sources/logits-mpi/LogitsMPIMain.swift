import ArgumentParser
import Foundation
import Logits

/// `logits-mpi`: data-parallel training on MPI (`mpirun -np N logits-mpi train ...`).
struct LogitsMPICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logits-mpi",
        abstract: "Data-parallel MLP training on Open MPI: N ranks train the model one process would train.",
        discussion: """
        Launch with mpirun (or srun): mpirun -np 4 logits-mpi train --data train.csv ... \
        Exit status: 0 on success, 1 for an error (one line naming the rank on stderr), 2 for a usage error.
        """,
        version: LogitsLibrary.version,
        subcommands: [TrainMPI.self])
}

/// Exit codes and the one-line error text, as the `logits` CLI uses them.
enum MPIExit {
    static let userError: Int32 = 1
    static let usageError: Int32 = 2

    static func message(for error: Error) -> String {
        let text: String
        if let e = error as? LocalizedError, let d = e.errorDescription {
            text = d
        } else {
            text = String(describing: error)
        }
        return text.split(whereSeparator: \.isNewline).joined(separator: "; ")
    }

    static func fail(_ line: String, code: Int32 = userError) -> Never {
        FileHandle.standardError.write(Data("error: \(line)\n".utf8))
        exit(code)
    }

    /// This process's rank from the launcher's environment (before `MPI_Init`): Open MPI, MPICH/
    /// Hydra or Slurm; 0 when started without a launcher.
    static var launcherRank: Int {
        let env = ProcessInfo.processInfo.environment
        for key in ["OMPI_COMM_WORLD_RANK", "PMI_RANK", "SLURM_PROCID"] {
            if let v = env[key], let r = Int(v) { return r }
        }
        return 0
    }
}

@main
enum LogitsMPIMain {
    static func main() {
        let command: ParsableCommand
        do {
            command = try LogitsMPICommand.parseAsRoot()
        } catch {
            exitForArgumentParser(error)
        }
        do {
            var c = command
            try c.run()
        } catch let error where String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") {
            exitForArgumentParser(error)
        } catch {
            MPIExit.fail(MPIExit.message(for: error))
        }
        exit(0)
    }

    /// Help exits 0; a usage error exits 2, printed by rank 0 only (every rank parses the same
    /// arguments, so they all fail alike).
    static func exitForArgumentParser(_ error: Error) -> Never {
        let code = LogitsMPICommand.exitCode(for: error)
        if code == .success || error is ExitCode {
            if MPIExit.launcherRank == 0 { LogitsMPICommand.exit(withError: error) }
            exit(code.rawValue)
        }
        if MPIExit.launcherRank == 0 {
            let message = LogitsMPICommand.fullMessage(for: error)
            FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
        }
        exit(MPIExit.usageError)
    }
}

/// An error in the input (a file, an option that does not fit the data): `error: ...`, exit 1.
struct InputError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}
