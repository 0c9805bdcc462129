import CFlintSupport

/// Vectorised float32 transcendental functions: the C library computes one element per call, which
/// leaves most of an AVX2/AVX-512 register idle in `exp`-heavy loops (softmax, sigmoid).

/// `exp` on eight floats at once: Cephes' `expf` range reduction and polynomial (within 2 ulp of
/// the C library over the normal range), +inf above the overflow limit, NaN kept, and results below
/// the smallest normal float flushed to 0 (as exp(-inf) = 0).
///
/// Written with only operations Swift lowers to single vector instructions: rounding by the
/// 1.5 * 2^23 trick and exponent scaling by integer addition, not `rounded()` or lane conversions.
/// Each polynomial step is one fused multiply-add where the build allows it
/// (``multiplyAdd(_:_:_:)``): Swift never fuses `a * b + c` by itself, and the separate multiplies
/// and adds made GELU's backward pass take half as long again as with fused ones.
@inline(__always)
func vectorExp(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let magic = SIMD8<Float>(repeating: 12_582_912)
    let lower = SIMD8<Float>(repeating: -87.33654), upper = SIMD8<Float>(repeating: 88.72283)
    let clamped = vectorClamp(x, lower, upper)
    let shifted = multiplyAdd(clamped, SIMD8(repeating: 1.442695040888963), 12_582_912)
    let n = shifted - magic
    let r = multiplyAdd(n, SIMD8(repeating: 2.12194440e-4), multiplyAdd(n, SIMD8(repeating: -0.693359375), clamped))
    var p = SIMD8<Float>(repeating: 1.9875691500e-4)
    p = multiplyAdd(p, r, 1.3981999507e-3)
    p = multiplyAdd(p, r, 8.3334519073e-3)
    p = multiplyAdd(p, r, 4.1665795894e-2)
    p = multiplyAdd(p, r, 1.6666665459e-1)
    p = multiplyAdd(p, r, 5.0000001201e-1)
    p = multiplyAdd(p, r * r, r) + 1
    let exponent = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)) &<< 23
    let bits = unsafeBitCast(p, to: SIMD8<Int32>.self) &+ exponent
    let underflow = unsafeBitCast(x .< lower, to: SIMD8<Int32>.self)
    let overflow = unsafeBitCast(x .> upper, to: SIMD8<Int32>.self)
    let notANumber = unsafeBitCast(x .!= x, to: SIMD8<Int32>.self)
    let special = underflow | overflow | notANumber
    let fixed = (bits & ~special) | (overflow & SIMD8<Int32>(repeating: 0x7F80_0000))
        | (notANumber & unsafeBitCast(x, to: SIMD8<Int32>.self))
    return unsafeBitCast(fixed, to: SIMD8<Float>.self)
}

/// `a * b + c` in each lane: one fused multiply-add instruction (one rounding) when the build
/// targets a processor with them (`FLINT_HAS_FUSED_MULTIPLY_ADD`: `-Xcc -march=native`, or ARM64),
/// a multiply and an add otherwise (where `addingProduct` would call the C library per lane).
///
/// ```swift
/// multiplyAdd(SIMD8(repeating: 2), SIMD8(repeating: 3), SIMD8(repeating: 1))  // 7 in every lane
/// ```
@inline(__always)
func multiplyAdd(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: SIMD8<Float>) -> SIMD8<Float> {
    FLINT_HAS_FUSED_MULTIPLY_ADD == 1 ? c.addingProduct(a, b) : a * b + c
}

/// ``multiplyAdd(_:_:_:)`` with the same `c` in every lane.
///
/// ```swift
/// multiplyAdd(SIMD8(repeating: 2), SIMD8(repeating: 3), 1)  // 7 in every lane
/// ```
@inline(__always)
func multiplyAdd(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: Float) -> SIMD8<Float> {
    multiplyAdd(a, b, SIMD8(repeating: c))
}

/// Clamps each lane to `lower...upper` (NaN stays NaN) with two compare-and-blend steps: the
/// standard library's `pointwiseMin`/`pointwiseMax` were not inlined on Linux and ran lane by lane
/// (3% of transformer training in the profile).
@inline(__always)
func vectorClamp(_ x: SIMD8<Float>, _ lower: SIMD8<Float>, _ upper: SIMD8<Float>) -> SIMD8<Float> {
    x.replacing(with: upper, where: x .> upper).replacing(with: lower, where: x .< lower)
}

/// A float32 function with an eight-lane form, so contiguous inputs run a vector loop.
protocol VectorizedFloatFunctor: UnaryFunctor where Input == Float, Output == Float {
    func vector(_ x: SIMD8<Float>) -> SIMD8<Float>
}

/// `exp` for float32 with the eight-lane form.
struct VectorizedExp: VectorizedFloatFunctor {
    @inline(__always) func callAsFunction(_ x: Float) -> Float { Float.exponential(x) }
    @inline(__always) func vector(_ x: SIMD8<Float>) -> SIMD8<Float> { vectorExp(x) }
}

/// The logistic sigmoid for float32 with the eight-lane form.
struct VectorizedSigmoid: VectorizedFloatFunctor {
    @inline(__always) func callAsFunction(_ x: Float) -> Float { SigmoidFunctor<Float>()(x) }
    @inline(__always) func vector(_ x: SIMD8<Float>) -> SIMD8<Float> { 1 / (1 + vectorExp(-x)) }
}

/// SiLU for float32 with the eight-lane form.
struct VectorizedSilu: VectorizedFloatFunctor {
    @inline(__always) func callAsFunction(_ x: Float) -> Float { SiluFunctor<Float>()(x) }
    @inline(__always) func vector(_ x: SIMD8<Float>) -> SIMD8<Float> { x / (1 + vectorExp(-x)) }
}

/// ``mapFloat(_:op:_:_:)`` for functions with a vector form: contiguous float32 runs eight lanes at
/// a time.
@inline(__always)
func mapFloat<F: VectorizedFloatFunctor, D: UnaryFunctor>(_ x: Tensor, op: String, _ single: F, _ double: D) -> Tensor
where D.Input == Double, D.Output == Double {
    guard x.dtype == .float32 && x.isContiguous else {
        switch x.dtype {
        case .float32: return mapElements(x, outputType: .float32, single)
        case .float64: return mapElements(x, outputType: .float64, double)
        default: preconditionFailure("\(op): needs a float32 or float64 tensor, got \(x.dtype); convert it with .to(.float32)")
        }
    }
    let output = Tensor(uninitializedShape: x.shape, dtype: .float32)
    let out = UnsafeMutableRawPointer(output.pointer(as: Float.self))
    let input = UnsafeRawPointer(x.pointer(as: Float.self))
    let count = x.count
    parallelChunks(count) { range in
        var index = range.lowerBound
        while index + 8 <= range.upperBound {
            let value = input.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
            out.storeBytes(of: single.vector(value), toByteOffset: index * 4, as: SIMD8<Float>.self)
            index += 8
        }
        let scalarOut = out.assumingMemoryBound(to: Float.self)
        let scalarIn = input.assumingMemoryBound(to: Float.self)
        while index < range.upperBound {
            scalarOut[index] = single(scalarIn[index])
            index += 1
        }
    }
    return output
}

/// Replaces each of `count` floats with its exponential, returning their sum.
@inline(__always)
func exponentiateInPlace(_ values: UnsafeMutablePointer<Float>, count: Int, subtracting shift: Float) -> Float {
    let raw = UnsafeMutableRawPointer(values)
    var total = SIMD8<Float>()
    var index = 0
    let shiftVector = SIMD8<Float>(repeating: shift)
    while index + 8 <= count {
        let value = vectorExp(raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self) - shiftVector)
        raw.storeBytes(of: value, toByteOffset: index * 4, as: SIMD8<Float>.self)
        total += value
        index += 8
    }
    var sum = total.sum()
    while index < count {
        let value = Float.exponential(values[index] - shift)
        values[index] = value
        sum += value
        index += 1
    }
    return sum
}

/// `erf` on eight floats at once: a rational approximation on [-4, 4] (odd degree-13 numerator over
/// even degree-8 denominator, the form Eigen uses), within 4.2e-7 of the C library's `erff`, and ±1
/// beyond.
@inline(__always)
func vectorErf(_ value: SIMD8<Float>) -> SIMD8<Float> {
    let x = vectorClamp(value, SIMD8(repeating: -4), SIMD8(repeating: 4))
    let x2 = x * x
    var p = multiplyAdd(x2, SIMD8(repeating: -2.72614225801306e-10), 2.77068142495902e-08)
    p = multiplyAdd(x2, p, -2.10102402082508e-06)
    p = multiplyAdd(x2, p, -5.69250639462346e-05)
    p = multiplyAdd(x2, p, -7.34990630326855e-04)
    p = multiplyAdd(x2, p, -2.95459980854025e-03)
    p = multiplyAdd(x2, p, -1.60960333262415e-02)
    var q = multiplyAdd(x2, SIMD8(repeating: -1.45660718464996e-05), -2.13374055278905e-04)
    q = multiplyAdd(x2, q, -1.68282697438203e-03)
    q = multiplyAdd(x2, q, -7.37332916720468e-03)
    q = multiplyAdd(x2, q, -1.42647390514189e-02)
    return x * p / q
}

/// The exact GELU for float32 with the eight-lane form.
struct VectorizedGelu: VectorizedFloatFunctor {
    @inline(__always) func callAsFunction(_ x: Float) -> Float { GeluFunctor<Float>()(x) }
    @inline(__always) func vector(_ x: SIMD8<Float>) -> SIMD8<Float> { x * (1 + vectorErf(x * 0.70710678118654752440)) * 0.5 }
}

/// A float32 derivative rule `(saved, incoming gradient) -> input gradient` with an eight-lane form.
protocol VectorizedFloatBinaryFunctor: BinaryFunctor where Input == Float, Output == Float {
    func vector(_ saved: SIMD8<Float>, _ gradient: SIMD8<Float>) -> SIMD8<Float>
}

/// The exact GELU's derivative for float32: `g · (Φ(x) + x φ(x))`.
struct VectorizedGeluBackward: VectorizedFloatBinaryFunctor {
    @inline(__always) func callAsFunction(_ x: Float, _ g: Float) -> Float { GeluBackward<Float>()(x, g) }
    @inline(__always) func vector(_ x: SIMD8<Float>, _ g: SIMD8<Float>) -> SIMD8<Float> {
        let cdf = multiplyAdd(vectorErf(x * 0.70710678118654752440), SIMD8(repeating: 0.5), 0.5)
        let pdf = vectorExp(x * x * -0.5) * 0.39894228040143267794
        return g * multiplyAdd(x, pdf, cdf)
    }
}

/// ``activationBackward(_:_:_:_:)`` for rules with a vector form: same-shaped contiguous float32
/// tensors run eight lanes at a time.
@inline(__always)
func activationBackward<F: VectorizedFloatBinaryFunctor, D: BinaryFunctor>(_ saved: Tensor, _ g: Tensor, _ single: F, _ double: D) -> Tensor
where D.Input == Double, D.Output == Double {
    guard saved.dtype == .float32 && saved.isContiguous && g.isContiguous && saved.shape == g.shape else {
        switch saved.dtype {
        case .float32: return zipElements(saved, g, outputType: .float32, op: "backward", single)
        default: return zipElements(saved, g, outputType: .float64, op: "backward", double)
        }
    }
    let output = Tensor(uninitializedShape: saved.shape, dtype: .float32)
    let out = UnsafeMutableRawPointer(output.pointer(as: Float.self))
    let first = UnsafeRawPointer(saved.pointer(as: Float.self)), second = UnsafeRawPointer(g.pointer(as: Float.self))
    parallelChunks(saved.count) { range in
        var index = range.lowerBound
        while index + 8 <= range.upperBound {
            let value = single.vector(first.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self),
                                      second.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self))
            out.storeBytes(of: value, toByteOffset: index * 4, as: SIMD8<Float>.self)
            index += 8
        }
        while index < range.upperBound {
            out.storeBytes(of: single(first.load(fromByteOffset: index * 4, as: Float.self), second.load(fromByteOffset: index * 4, as: Float.self)),
                           toByteOffset: index * 4, as: Float.self)
            index += 1
        }
    }
    return output
}
