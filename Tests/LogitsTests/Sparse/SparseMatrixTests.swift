import Testing
@testable import Logits

@Suite struct SparseMatrixTests {
    /// [[0, 2, 0, 1], [0, 0, 0, 0], [3, 0, 0, -4]]
    static func example() throws -> SparseMatrix {
        try SparseMatrix(rows: 3, cols: 4, rowOffsets: [0, 2, 2, 4], columnIndices: [1, 3, 0, 3], values: [2, 1, 3, -4])
    }

    static let dense: [[Float]] = [[0, 2, 0, 1], [0, 0, 0, 0], [3, 0, 0, -4]]

    @Test func shapeAccessAndDense() throws {
        let s = try Self.example()
        #expect(s.rows == 3 && s.cols == 4 && s.nnz == 4)
        #expect(abs(s.density - 4.0 / 12.0) < 1e-12)
        #expect(try s.toDense() == Matrix(Self.dense))
        for r in 0..<3 { for c in 0..<4 { #expect(s[r, c] == Self.dense[r][c]) } }
        #expect(Array(s.row(2).columns) == [0, 3] && Array(s.row(2).values) == [3, -4])
        #expect(s.row(1).columns.isEmpty)
        #expect(try SparseMatrix(dense: Matrix(Self.dense)) == s)
    }

    @Test func invalidInputIsRejected() {
        // Wrong offset count, a non-zero first offset, decreasing offsets, mismatched lengths,
        // a column out of range, repeated / descending columns, a negative size.
        #expect(throws: LogitsError.self) { try SparseMatrix(rows: 2, cols: 3, rowOffsets: [0, 1], columnIndices: [0], values: [1]) }
        #expect(throws: LogitsError.self) { try SparseMatrix(rows: 1, cols: 3, rowOffsets: [1, 1], columnIndices: [0], values: [1]) }
        #expect(throws: LogitsError.self) { try SparseMatrix(rows: 2, cols: 3, rowOffsets: [0, 2, 1], columnIndices: [0, 1], values: [1, 1]) }
        #expect(throws: LogitsError.self) { try SparseMatrix(rows: 1, cols: 3, rowOffsets: [0, 2], columnIndices: [0, 1], values: [1]) }
        #expect(throws: LogitsError.self) { try SparseMatrix(rows: 1, cols: 3, rowOffsets: [0, 1], columnIndices: [3], values: [1]) }
        #expect(throws: LogitsError.self) { try SparseMatrix(rows: 1, cols: 3, rowOffsets: [0, 1], columnIndices: [-1], values: [1]) }
        #expect(throws: LogitsError.self) { try SparseMatrix(rows: 1, cols: 3, rowOffsets: [0, 2], columnIndices: [1, 1], values: [1, 2]) }
        #expect(throws: LogitsError.self) { try SparseMatrix(rows: 1, cols: 3, rowOffsets: [0, 2], columnIndices: [2, 0], values: [1, 2]) }
        #expect(throws: LogitsError.self) { try SparseMatrix(rows: -1, cols: 3, rowOffsets: [0], columnIndices: [], values: []) }
    }

    @Test func gatherRowsIntoReusedBuffer() throws {
        let s = try Self.example()
        let g = s.gatherRows([2, 0, 2])
        #expect(try g.toDense() == Matrix([Self.dense[2], Self.dense[0], Self.dense[2]]))
        var buffer = SparseMatrix(cols: 4)
        buffer.reserveCapacity(rows: 3, nonZeros: 8)
        s.gatherRows([1, 0], into: &buffer)
        #expect(try buffer.toDense() == Matrix([Self.dense[1], Self.dense[0]]))
        s.gatherRows([2], into: &buffer)
        #expect(try buffer.toDense() == Matrix([Self.dense[2]]))
        #expect(s.largestNonZeros(rowsTogether: 2) == 4)
    }

    @Test func transposeColumnsAndScaling() throws {
        let s = try Self.example()
        #expect(try s.transposed().toDense() == s.toDense().transposed())
        #expect(try s.gatherColumns([3, 0]).toDense() == Matrix([[1, 0], [0, 0], [-4, 3]]))
        #expect(throws: LogitsError.self) { try s.gatherColumns([0, 0]) }
        var scaled = s
        try scaled.divideColumns(by: [3, 2, 1, 4])
        #expect(try scaled.toDense() == Matrix([[0, 1, 0, 0.25], [0, 0, 0, 0], [1, 0, 0, -1]]))
        #expect(throws: LogitsError.self) { try scaled.divideColumns(by: [1]) }
        var normalized = s
        normalized.normalizeRows()
        let d = try normalized.toDense()
        #expect(abs(d[0, 1] - 2 / Float(5).squareRoot()) < 1e-6 && abs(d[2, 3] + 0.8) < 1e-6 && d[1, 0] == 0)
    }

    @Test func toDenseChecksTheMemoryBudget() throws {
        let huge = try SparseMatrix(rows: 1_000_000, cols: 1_000_000, rowOffsets: [Int](repeating: 0, count: 1_000_001),
                                    columnIndices: [], values: [])
        #expect(throws: MemoryBudgetError.self) { try huge.toDense() }
    }

    @Test func batchColumnsRegroupByColumn() throws {
        let s = try Self.example()
        let columns = SparseBatchColumns()
        columns.build(s)
        #expect(columns.columns == [0, 1, 3])
        #expect(columns.offsets == [0, 1, 2, 4])
        #expect(columns.rowIndex == [2, 0, 0, 2] && columns.values == [3, 2, 1, -4])
        #expect(columns.slot == [0, 1, -1, 2])
        columns.build(s.gatherRows([1]))  // an empty batch row: every slot reset
        #expect(columns.columns.isEmpty && columns.slot == [-1, -1, -1, -1])
    }
}
