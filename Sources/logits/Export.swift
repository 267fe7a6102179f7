import ArgumentParser
import Foundation
import Logits
import LogitsExport

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a model file to ONNX (outputs logits, probabilities and decisions, as 'logits predict').",
        discussion: """
        The graph takes FP32 'features' [N, F] (raw features: the model's standardization is part of \
        the graph) and gives 'logits' [N, L], 'probabilities' [N, L] (softmax or sigmoid) and \
        'decisions' (multi-class: INT64 argmax [N]; multi-label: BOOL [N, L], logit > the model's \
        logit threshold, 0 without tuned thresholds). ONNX opset \(ONNXExport.opsetVersion). See docs/export.md.
        """)

    @Option(help: "Model file written by 'logits train' or 'logits import'.")
    var model: String

    @Option(help: "Export format (only onnx).")
    var format: ExportFormat = .onnx

    @Option(help: "Output file (default: the model path with the extension .onnx).")
    var out: String?

    enum ExportFormat: String, ExpressibleByArgument, CaseIterable { case onnx }

    func run() throws {
        let outPath = out ?? ((model as NSString).deletingPathExtension + ".onnx")
        // Output problems are reported before any work is done.
        try OutputPath.checkWritable(URL(fileURLWithPath: outPath), flag: "--out")
        try DataOptions.checkReadable(model, what: "model file")
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: model)))
        } catch {
            throw UserError("cannot read model file '\(model)': \(error.localizedDescription)")
        }
        // One read: the checksum is of exactly the bytes that are exported.
        let file = try ModelFile.decode(bytes, path: model)
        let onnx: [UInt8]
        do {
            onnx = try ONNXExport.export(file, sourceChecksum: SHA256.hex(bytes))
        } catch let e as ONNXExportError {
            throw UserError("model file '\(model)': \(e.errorDescription ?? "\(e)")")
        }
        try AtomicFile.write(onnx, to: URL(fileURLWithPath: outPath))
        try StandardOutput.write("Wrote \(outPath): ONNX opset \(ONNXExport.opsetVersion), \(file.task.kind.rawValue), \(file.task.outputs) outputs, \(onnx.count) bytes\n")
    }
}
