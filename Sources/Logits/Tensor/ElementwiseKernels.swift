/// In-place elementwise and row/column kernels on contiguous row-major `Float` data, the building
/// blocks of the layers' forward and backward passes. Every kernel works on caller-owned buffers
/// and never allocates; the hot ones process 8 lanes at a time with `SIMD8<Float>` (written as
/// `a * b + c`, which compiles to packed multiply/add on baseline x86-64).
///
/// Shapes: a matrix argument is `rows x cols` row-major (`m[r * cols + c]`); a row vector has `cols`
/// elements; a column result has `rows` elements.
public enum Elementwise {
    @inline(__always) @usableFromInline
    static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always) @usableFromInline
    static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// `m[r, c] += v[c]` for every row (add a bias row).
    public static func addRowVector(
        _ v: UnsafePointer<Float>, to m: UnsafeMutablePointer<Float>, rows: Int, cols: Int
    ) {
        for r in 0..<rows {
            let row = m + r * cols
            var c = 0
            while c + 8 <= cols {
                store8(load8(row + c) + load8(v + c), row + c)
                c += 8
            }
            while c < cols { row[c] += v[c]; c += 1 }
        }
    }

    /// `x[i] *= alpha` for `i < count`.
    public static func scale(_ x: UnsafeMutablePointer<Float>, by alpha: Float, count: Int) {
        var i = 0
        let a = SIMD8<Float>(repeating: alpha)
        while i + 8 <= count { store8(load8(x + i) * a, x + i); i += 8 }
        while i < count { x[i] *= alpha; i += 1 }
    }

    /// `y[i] += alpha * x[i]` for `i < count` (BLAS axpy).
    public static func axpy(
        _ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int
    ) {
        var i = 0
        let a = SIMD8<Float>(repeating: alpha)
        while i + 8 <= count { store8(a * load8(x + i) + load8(y + i), y + i); i += 8 }
        while i < count { y[i] += alpha * x[i]; i += 1 }
    }

    /// `y[i] *= x[i]` for `i < count` (Hadamard product, in place).
    public static func hadamard(
        _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int
    ) {
        var i = 0
        while i + 8 <= count { store8(load8(x + i) * load8(y + i), y + i); i += 8 }
        while i < count { y[i] *= x[i]; i += 1 }
    }

    /// `out[r] = max_c m[r, c]` (NaN propagates: a row holding NaN gives NaN).
    public static func rowMax(
        _ m: UnsafePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>
    ) {
        for r in 0..<rows {
            let row = m + r * cols
            var best = -Float.infinity
            for c in 0..<cols {
                let x = row[c]
                if x.isNaN { best = x; break }
                if x > best { best = x }
            }
            out[r] = best
        }
    }

    /// `out[r] = sum_c m[r, c]` (accumulated in `Float`, left to right).
    public static func rowSum(
        _ m: UnsafePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>
    ) {
        for r in 0..<rows {
            let row = m + r * cols
            var s: Float = 0
            for c in 0..<cols { s += row[c] }
            out[r] = s
        }
    }

    /// `out[c] = sum_r m[r, c]` (the bias gradient `db = 1^T dY`), rows accumulated in order.
    public static func columnSums(
        _ m: UnsafePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>
    ) {
        out.update(repeating: 0, count: cols)
        for r in 0..<rows {
            let row = m + r * cols
            var c = 0
            while c + 8 <= cols { store8(load8(out + c) + load8(row + c), out + c); c += 8 }
            while c < cols { out[c] += row[c]; c += 1 }
        }
    }

    /// `x[i] = f(x[i])` for `i < count`.
    @inlinable public static func map(
        _ x: UnsafeMutablePointer<Float>, count: Int, _ f: (Float) -> Float
    ) {
        for i in 0..<count { x[i] = f(x[i]) }
    }

    /// `m[r, c] = max(m[r, c] + v[c], 0)`: bias row and ReLU fused in one pass.
    public static func addRowVectorReLU(
        _ v: UnsafePointer<Float>, to m: UnsafeMutablePointer<Float>, rows: Int, cols: Int
    ) {
        let zero = SIMD8<Float>(repeating: 0)
        for r in 0..<rows {
            let row = m + r * cols
            var c = 0
            while c + 8 <= cols {
                let z = load8(row + c) + load8(v + c)
                // NaN stays NaN: replace only lanes that compare below zero.
                store8(z.replacing(with: zero, where: z .< zero), row + c)
                c += 8
            }
            while c < cols {
                let z = row[c] + v[c]
                row[c] = z < 0 ? 0 : z
                c += 1
            }
        }
    }

    /// `g[i] = y[i] > 0 ? g[i] : slope * g[i]`: the ReLU (slope 0) / leaky-ReLU backward from the
    /// forward output `y` (the sign of the output equals the sign of the input for `slope >= 0`).
    public static func reluBackward(
        output y: UnsafePointer<Float>, gradient g: UnsafeMutablePointer<Float>, count: Int, slope: Float
    ) {
        let zero = SIMD8<Float>(repeating: 0)
        let s = SIMD8<Float>(repeating: slope)
        var i = 0
        while i + 8 <= count {
            let gv = load8(g + i)
            // slope 0 writes an exact 0 (as PyTorch's threshold_backward), even for an inf gradient.
            store8(gv.replacing(with: slope == 0 ? zero : gv * s, where: .!(load8(y + i) .> zero)), g + i)
            i += 8
        }
        while i < count {
            if !(y[i] > 0) { g[i] = slope == 0 ? 0 : g[i] * slope }
            i += 1
        }
    }
}
