import Foundation

// LAPACK's Fortran entry points, as OpenBLAS exports them: column-major matrices, every argument
// by pointer, 32-bit integers (the LP64 interface Debian's libopenblas0 ships), and one hidden
// trailing length argument per character argument (gfortran's convention since GCC 8).
// Floating-point arrays are passed as raw pointers so that one signature serves the single
// ("s") and double ("d") routines.

typealias LAPACKInteger = UnsafePointer<Int32>
typealias LAPACKOutputInteger = UnsafeMutablePointer<Int32>
typealias LAPACKReal = UnsafeMutableRawPointer
typealias LAPACKCharacter = UnsafePointer<CChar>

/// gesv: solve A X = B by LU with partial pivoting.
typealias GESVFunction = @convention(c) (LAPACKInteger, LAPACKInteger, LAPACKReal, LAPACKInteger, LAPACKOutputInteger,
                                         LAPACKReal, LAPACKInteger, LAPACKOutputInteger) -> Void
/// getrf: LU factorization with partial pivoting.
typealias GETRFFunction = @convention(c) (LAPACKInteger, LAPACKInteger, LAPACKReal, LAPACKInteger, LAPACKOutputInteger,
                                          LAPACKOutputInteger) -> Void
/// potrf: Cholesky factorization.
typealias POTRFFunction = @convention(c) (LAPACKCharacter, LAPACKInteger, LAPACKReal, LAPACKInteger, LAPACKOutputInteger,
                                          Int) -> Void
/// trtrs: triangular solve.
typealias TRTRSFunction = @convention(c) (LAPACKCharacter, LAPACKCharacter, LAPACKCharacter, LAPACKInteger, LAPACKInteger,
                                          LAPACKReal, LAPACKInteger, LAPACKReal, LAPACKInteger, LAPACKOutputInteger,
                                          Int, Int, Int) -> Void
/// geqrf: Householder QR factorization.
typealias GEQRFFunction = @convention(c) (LAPACKInteger, LAPACKInteger, LAPACKReal, LAPACKInteger, LAPACKReal,
                                          LAPACKReal, LAPACKInteger, LAPACKOutputInteger) -> Void
/// orgqr: forms Q from geqrf's reflectors.
typealias ORGQRFunction = @convention(c) (LAPACKInteger, LAPACKInteger, LAPACKInteger, LAPACKReal, LAPACKInteger,
                                          LAPACKReal, LAPACKReal, LAPACKInteger, LAPACKOutputInteger) -> Void
/// gesdd: singular value decomposition, divide and conquer.
typealias GESDDFunction = @convention(c) (LAPACKCharacter, LAPACKInteger, LAPACKInteger, LAPACKReal, LAPACKInteger,
                                          LAPACKReal, LAPACKReal, LAPACKInteger, LAPACKReal, LAPACKInteger,
                                          LAPACKReal, LAPACKInteger, LAPACKOutputInteger, LAPACKOutputInteger, Int) -> Void
/// syevd: symmetric eigendecomposition, divide and conquer.
typealias SYEVDFunction = @convention(c) (LAPACKCharacter, LAPACKCharacter, LAPACKInteger, LAPACKReal, LAPACKInteger,
                                          LAPACKReal, LAPACKReal, LAPACKInteger, LAPACKOutputInteger, LAPACKInteger,
                                          LAPACKOutputInteger, Int, Int) -> Void
/// gelsd: minimum-norm least squares through the SVD.
typealias GELSDFunction = @convention(c) (LAPACKInteger, LAPACKInteger, LAPACKInteger, LAPACKReal, LAPACKInteger,
                                          LAPACKReal, LAPACKInteger, LAPACKReal, LAPACKReal, LAPACKOutputInteger,
                                          LAPACKReal, LAPACKInteger, LAPACKOutputInteger, LAPACKOutputInteger) -> Void

/// The LAPACK routines of one precision, found in the loaded OpenBLAS.
///
/// Each wrapper takes Swift integers and returns LAPACK's `info`: 0 on success, `-i` when
/// argument `i` was illegal (a bug in Flint), a positive routine-specific code otherwise.
struct LAPACKRoutines: @unchecked Sendable {
    let precision: String
    private let gesvFunction: GESVFunction
    private let getrfFunction: GETRFFunction
    private let potrfFunction: POTRFFunction
    private let trtrsFunction: TRTRSFunction
    private let geqrfFunction: GEQRFFunction
    private let orgqrFunction: ORGQRFunction
    private let gesddFunction: GESDDFunction
    private let syevdFunction: SYEVDFunction
    private let gelsdFunction: GELSDFunction

    /// The routines with prefix `s` (float32) or `d` (float64); nil when any is missing (a BLAS
    /// library built without LAPACK).
    init?(library: BLASLibrary, prefix: String) {
        func find<F>(_ name: String, _ type: F.Type) -> F? { library.symbol(prefix + name + "_", as: type) }
        guard let gesv = find("gesv", GESVFunction.self), let getrf = find("getrf", GETRFFunction.self),
              let potrf = find("potrf", POTRFFunction.self), let trtrs = find("trtrs", TRTRSFunction.self),
              let geqrf = find("geqrf", GEQRFFunction.self), let orgqr = find("orgqr", ORGQRFunction.self),
              let gesdd = find("gesdd", GESDDFunction.self), let syevd = find("syevd", SYEVDFunction.self),
              let gelsd = find("gelsd", GELSDFunction.self) else { return nil }
        precision = prefix
        gesvFunction = gesv; getrfFunction = getrf; potrfFunction = potrf; trtrsFunction = trtrs
        geqrfFunction = geqrf; orgqrFunction = orgqr; gesddFunction = gesdd; syevdFunction = syevd
        gelsdFunction = gelsd
    }

    /// float32 routines (`sgesv_`, …), when OpenBLAS with LAPACK is loaded.
    static let single: LAPACKRoutines? = BLASLibrary.shared.flatMap { LAPACKRoutines(library: $0, prefix: "s") }
    /// float64 routines (`dgesv_`, …), when OpenBLAS with LAPACK is loaded.
    static let double: LAPACKRoutines? = BLASLibrary.shared.flatMap { LAPACKRoutines(library: $0, prefix: "d") }

    func gesv(n: Int, rightHandSides: Int, a: LAPACKReal, lda: Int, pivots: LAPACKOutputInteger, b: LAPACKReal, ldb: Int) -> Int {
        let n = Int32(n), nrhs = Int32(rightHandSides), lda = Int32(lda), ldb = Int32(ldb)
        var info: Int32 = 0
        withUnsafePointers(n, nrhs, lda, ldb) { n, nrhs, lda, ldb in gesvFunction(n, nrhs, a, lda, pivots, b, ldb, &info) }
        return Int(info)
    }

    func getrf(m: Int, n: Int, a: LAPACKReal, lda: Int, pivots: LAPACKOutputInteger) -> Int {
        let m = Int32(m), n = Int32(n), lda = Int32(lda)
        var info: Int32 = 0
        withUnsafePointers(m, n, lda) { m, n, lda in getrfFunction(m, n, a, lda, pivots, &info) }
        return Int(info)
    }

    func potrf(lower: Bool, n: Int, a: LAPACKReal, lda: Int) -> Int {
        let n = Int32(n), lda = Int32(lda)
        var info: Int32 = 0
        withUnsafePointers(n, lda) { n, lda in potrfFunction(lower ? "L" : "U", n, a, lda, &info, 1) }
        return Int(info)
    }

    func trtrs(upper: Bool, n: Int, rightHandSides: Int, a: LAPACKReal, lda: Int, b: LAPACKReal, ldb: Int) -> Int {
        let n = Int32(n), nrhs = Int32(rightHandSides), lda = Int32(lda), ldb = Int32(ldb)
        var info: Int32 = 0
        withUnsafePointers(n, nrhs, lda, ldb) { n, nrhs, lda, ldb in
            trtrsFunction(upper ? "U" : "L", "N", "N", n, nrhs, a, lda, b, ldb, &info, 1, 1, 1)
        }
        return Int(info)
    }

    func geqrf(m: Int, n: Int, a: LAPACKReal, lda: Int, tau: LAPACKReal, work: LAPACKReal, workCount: Int) -> Int {
        let m = Int32(m), n = Int32(n), lda = Int32(lda), lwork = Int32(workCount)
        var info: Int32 = 0
        withUnsafePointers(m, n, lda, lwork) { m, n, lda, lwork in geqrfFunction(m, n, a, lda, tau, work, lwork, &info) }
        return Int(info)
    }

    func orgqr(m: Int, n: Int, reflectors: Int, a: LAPACKReal, lda: Int, tau: LAPACKReal, work: LAPACKReal, workCount: Int) -> Int {
        let m = Int32(m), n = Int32(n), k = Int32(reflectors), lda = Int32(lda), lwork = Int32(workCount)
        var info: Int32 = 0
        withUnsafePointers(m, n, k, lda) { m, n, k, lda in
            withUnsafePointer(to: lwork) { lwork in orgqrFunction(m, n, k, a, lda, tau, work, lwork, &info) }
        }
        return Int(info)
    }

    // swiftlint:disable:next function_parameter_count
    func gesdd(job: String, m: Int, n: Int, a: LAPACKReal, lda: Int, s: LAPACKReal, u: LAPACKReal, ldu: Int,
               vt: LAPACKReal, ldvt: Int, work: LAPACKReal, workCount: Int, integerWork: LAPACKOutputInteger) -> Int {
        let m = Int32(m), n = Int32(n), lda = Int32(lda), ldu = Int32(ldu), ldvt = Int32(ldvt), lwork = Int32(workCount)
        var info: Int32 = 0
        withUnsafePointers(m, n, lda, ldu) { m, n, lda, ldu in
            withUnsafePointers(ldvt, lwork) { ldvt, lwork in
                gesddFunction(job, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork, integerWork, &info, 1)
            }
        }
        return Int(info)
    }

    func syevd(n: Int, a: LAPACKReal, lda: Int, eigenvalues: LAPACKReal, work: LAPACKReal, workCount: Int,
               integerWork: LAPACKOutputInteger, integerWorkCount: Int) -> Int {
        let n = Int32(n), lda = Int32(lda), lwork = Int32(workCount), liwork = Int32(integerWorkCount)
        var info: Int32 = 0
        withUnsafePointers(n, lda, lwork, liwork) { n, lda, lwork, liwork in
            syevdFunction("V", "L", n, a, lda, eigenvalues, work, lwork, integerWork, liwork, &info, 1, 1)
        }
        return Int(info)
    }

    // swiftlint:disable:next function_parameter_count
    func gelsd(m: Int, n: Int, rightHandSides: Int, a: LAPACKReal, lda: Int, b: LAPACKReal, ldb: Int, s: LAPACKReal,
               cutoff: LAPACKReal, rank: LAPACKOutputInteger, work: LAPACKReal, workCount: Int,
               integerWork: LAPACKOutputInteger) -> Int {
        let m = Int32(m), n = Int32(n), nrhs = Int32(rightHandSides), lda = Int32(lda), ldb = Int32(ldb), lwork = Int32(workCount)
        var info: Int32 = 0
        withUnsafePointers(m, n, nrhs, lda) { m, n, nrhs, lda in
            withUnsafePointers(ldb, lwork) { ldb, lwork in
                gelsdFunction(m, n, nrhs, a, lda, b, ldb, s, cutoff, rank, work, lwork, integerWork, &info)
            }
        }
        return Int(info)
    }
}

/// Pointers to copies of two, three or four integers, for Fortran's by-reference arguments.
@inline(__always)
private func withUnsafePointers(_ a: Int32, _ b: Int32, _ body: (LAPACKInteger, LAPACKInteger) -> Void) {
    withUnsafePointer(to: a) { a in withUnsafePointer(to: b) { b in body(a, b) } }
}

@inline(__always)
private func withUnsafePointers(_ a: Int32, _ b: Int32, _ c: Int32, _ body: (LAPACKInteger, LAPACKInteger, LAPACKInteger) -> Void) {
    withUnsafePointers(a, b) { a, b in withUnsafePointer(to: c) { c in body(a, b, c) } }
}

@inline(__always)
private func withUnsafePointers(_ a: Int32, _ b: Int32, _ c: Int32, _ d: Int32,
                                _ body: (LAPACKInteger, LAPACKInteger, LAPACKInteger, LAPACKInteger) -> Void) {
    withUnsafePointers(a, b, c) { a, b, c in withUnsafePointer(to: d) { d in body(a, b, c, d) } }
}

/// The element types linear algebra runs on: `Float` (float32, LAPACK's `s` routines) and
/// `Double` (float64, the `d` routines).
protocol LinearAlgebraScalar: TensorScalar, BinaryFloatingPoint, BitwiseCopyable {
    /// This precision's LAPACK routines, when OpenBLAS is loaded.
    static var lapackRoutines: LAPACKRoutines? { get }
}

extension Float: LinearAlgebraScalar {
    static var lapackRoutines: LAPACKRoutines? { LAPACKRoutines.single }
}

extension Double: LinearAlgebraScalar {
    static var lapackRoutines: LAPACKRoutines? { LAPACKRoutines.double }
}

/// Which implementation runs the factorizations.
enum LinearAlgebraBackend: Sendable {
    /// LAPACK when OpenBLAS is loaded, Flint's pure-Swift routines otherwise.
    case automatic
    /// LAPACK only: throw ``LinearAlgebraError/lapackUnavailable(operation:)`` without it.
    case lapack
    /// Flint's pure-Swift routines even when LAPACK is loaded (tests of the fallback).
    case swift
}

extension LinearAlgebra {
    /// The backend for the current task; tests switch it with `LinearAlgebra.$backend.withValue(.swift) { … }`.
    @TaskLocal static var backend: LinearAlgebraBackend = .automatic

    /// The LAPACK routines to use for `T`, or nil to run the pure-Swift fallback.
    static func lapackRoutines<T: LinearAlgebraScalar>(for type: T.Type, operation: String) throws(LinearAlgebraError) -> LAPACKRoutines? {
        switch backend {
        case .swift:
            return nil
        case .lapack:
            guard let routines = T.lapackRoutines else { throw .lapackUnavailable(operation: operation) }
            return routines
        case .automatic:
            if let routines = T.lapackRoutines { return routines }
            warnOnceAboutFallback
            return nil
        }
    }

    /// Prints, once per process, that the slower pure-Swift routines are in use and how to get LAPACK.
    private static let warnOnceAboutFallback: Void = {
        if ProcessInfo.processInfo.environment["FLINT_BLAS"] != "builtin" {
            FileHandle.standardError.write(Data("""
                Flint: LAPACK (part of OpenBLAS) was not found, so linear algebra uses Flint's pure-Swift routines (slow on large matrices).
                Install it with: sudo apt-get install libopenblas0-pthread   (or run `make setup` in the Flint checkout)

                """.utf8))
        }
    }()
}

/// Stops with a message when LAPACK reports an illegal argument: that is a bug in Flint, not in
/// the caller's data.
func checkLAPACKArguments(_ info: Int, routine: String) {
    precondition(info >= 0, "LAPACK \(routine): argument \(-info) was illegal; this is a bug in Flint, please report it")
}
