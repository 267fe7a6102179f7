import Testing
@testable import Logits

@Suite struct MatrixTests {
    @Test func shapeAndIndexing() throws {
        var m = try Matrix([[1, 2, 3], [4, 5, 6]])
        #expect(m.rows == 2 && m.cols == 3)
        #expect(m[1, 2] == 6)
        m[0, 1] = 9
        #expect(m.storage == [1, 9, 3, 4, 5, 6])
        #expect(m.transposed().nestedRows == [[1, 4], [9, 5], [3, 6]])
    }

    @Test func raggedRowsThrow() {
        #expect(throws: LogitsError.self) { try Matrix([[1, 2], [3]]) }
        #expect(throws: LogitsError.self) { try Matrix(rows: 2, cols: 2, storage: [1]) }
    }

    @Test func resizeKeepsCapacity() {
        var m = Matrix(rows: 4, cols: 3)
        m.reserveCapacity(rows: 8, cols: 3)
        let capacity = m.storage.capacity
        m.resize(rows: 8, cols: 3)
        m.resize(rows: 2, cols: 3)
        #expect(m.count == 6)
        #expect(m.storage.capacity == capacity)
    }

    @Test func naiveGemmMatchesHandComputed() throws {
        let a = try Matrix([[1, 2], [3, 4]])
        let b = try Matrix([[5, 6], [7, 8]])
        var c = Matrix(rows: 0, cols: 0)
        try Gemm.multiply(a, .none, b, .transpose, into: &c, backend: NaiveGemm())
        #expect(c.nestedRows == [[17, 23], [39, 53]])
        #expect(throws: LogitsError.self) {
            try Gemm.multiply(a, .none, Matrix(rows: 3, cols: 1), .none, into: &c)
        }
    }
}
