import Foundation
import SwiftProtobuf

/// Accumulates the nodes, initializers and value names of one ONNX graph.
///
/// Value names are made unique with a counter (`<prefix>_<n>`); initializer names are taken as
/// given (state-dict names such as `0.weight`, so the ONNX file names its weights as PyTorch does).
struct ONNXGraphBuilder {
    private(set) var nodes: [Onnx_NodeProto] = []
    private(set) var initializers: [Onnx_TensorProto] = []
    private var usedNames: Set<String> = []
    private var counter = 0
    private var scalars: [String: Float] = [:]

    /// A fresh value name starting with `prefix`.
    mutating func fresh(_ prefix: String) -> String {
        counter += 1
        let name = "\(prefix)_\(counter)"
        usedNames.insert(name)
        return name
    }

    /// Adds a node `opType(inputs) -> outputs` (one fresh output named after `outputPrefix` unless
    /// `output` is given) and returns its output name.
    @discardableResult
    mutating func node(_ opType: String, _ inputs: [String], output: String? = nil,
                       attributes: [Onnx_AttributeProto] = []) -> String {
        let out = output ?? fresh(opType.lowercased())
        var n = Onnx_NodeProto()
        n.opType = opType
        n.name = "\(opType)_\(nodes.count)"
        n.input = inputs
        n.output = [out]
        n.attribute = attributes
        nodes.append(n)
        return out
    }

    /// Renames the last node's output `old` to `new` (e.g. to the graph output `logits`);
    /// false when there is no node or the last one does not write `old`.
    mutating func renameLastOutput(from old: String, to new: String) -> Bool {
        guard let last = nodes.indices.last, nodes[last].output == [old] else { return false }
        nodes[last].output = [new]
        usedNames.insert(new)
        return true
    }

    /// Adds a float32 initializer of `shape` (row-major `values`) and returns its name.
    /// - Throws: `ONNXExportError.inconsistentModel` when the names collide or the count differs.
    @discardableResult
    mutating func floatInitializer(_ name: String, shape: [Int], values: [Float]) throws -> String {
        guard !usedNames.contains(name) else { throw ONNXExportError.inconsistentModel("two values named '\(name)'") }
        guard shape.reduce(1, *) == values.count else {
            throw ONNXExportError.inconsistentModel("'\(name)' has \(values.count) values for shape \(shape)")
        }
        usedNames.insert(name)
        var t = Onnx_TensorProto()
        t.name = name
        t.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        t.dims = shape.map(Int64.init)
        var raw = [UInt8]()
        raw.reserveCapacity(values.count * 4)
        for v in values {
            let bits = v.bitPattern
            raw.append(UInt8(truncatingIfNeeded: bits))
            raw.append(UInt8(truncatingIfNeeded: bits >> 8))
            raw.append(UInt8(truncatingIfNeeded: bits >> 16))
            raw.append(UInt8(truncatingIfNeeded: bits >> 24))
        }
        t.rawData = Data(raw)  // raw_data is little-endian by the ONNX spec
        initializers.append(t)
        return name
    }

    /// A float32 scalar constant (shape `[]`) named `name`, added once and shared by every use.
    /// - Throws: `ONNXExportError.inconsistentModel` if `name` is already another value.
    mutating func scalar(_ name: String, _ value: Float) throws -> String {
        if let existing = scalars[name] {
            guard existing.bitPattern == value.bitPattern else {
                throw ONNXExportError.inconsistentModel("constant '\(name)' defined as \(existing) and \(value)")
            }
            return name
        }
        scalars[name] = value
        return try floatInitializer(name, shape: [], values: [value])
    }
}

/// Attribute and type constructors.
enum ONNX {
    static func attribute(_ name: String, int value: Int64) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .int
        a.i = value
        return a
    }

    static func attribute(_ name: String, ints values: [Int64]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .ints
        a.ints = values
        return a
    }

    static func attribute(_ name: String, float value: Float) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .float
        a.f = value
        return a
    }

    /// A tensor value description; a `nil` dimension is the symbolic batch dimension `N`.
    static func valueInfo(_ name: String, _ type: Onnx_TensorProto.DataType, _ dims: [Int?], doc: String) -> Onnx_ValueInfoProto {
        var shape = Onnx_TensorShapeProto()
        shape.dim = dims.map { d in
            var dim = Onnx_TensorShapeProto.Dimension()
            if let d { dim.dimValue = Int64(d) } else { dim.dimParam = "N" }
            return dim
        }
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = Int32(type.rawValue)
        tensor.shape = shape
        var t = Onnx_TypeProto()
        t.tensorType = tensor
        var v = Onnx_ValueInfoProto()
        v.name = name
        v.type = t
        v.docString = doc
        return v
    }

    static func entry(_ key: String, _ value: String) -> Onnx_StringStringEntryProto {
        var e = Onnx_StringStringEntryProto()
        e.key = key
        e.value = value
        return e
    }
}
