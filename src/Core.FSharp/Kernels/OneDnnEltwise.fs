/// oneDNN 2.6's jit eltwise arithmetic for float32 (the x64 injector), as PyTorch 1.13 runs gelu through it on CPU:
/// its exp (reduction by ln 2, degree-5 polynomial, scaling by 2^(n-1)·2) and Abramowitz-Stegun erf, fused
/// multiply-adds where the injector issues them.
module Fluxion.Kernels.OneDnnEltwise

open System

let inline private bitsToF (b: uint32) = BitConverter.UInt32BitsToSingle b
let inline private fma (a: float32) (b: float32) (c: float32) = MathF.FusedMultiplyAdd(a, b, c)

let private lnFltMin = bitsToF 0xc2aeac50u
let private lnFltMax = bitsToF 0x42b17218u
let private log2e = bitsToF 0x3fb8aa3bu
let private ln2 = bitsToF 0x3f317218u
let private approx = bitsToF 0x3ea7ba05u
let private oneOverSqrt2 = bitsToF 0x3f3504f3u
let private oneOverSqrtPi = bitsToF 0x3f106ebau

/// The injector's exp: values below ln(FLT_MIN) give 0; the polynomial runs on the clamped argument.
let exp (x: float32) : float32 =
    // minps/maxps semantics: the second operand wins unless the comparison holds (so NaN turns into the bound).
    let s = if x < lnFltMax then x else lnFltMax
    let s = if s > lnFltMin then s else lnFltMin
    let fl = MathF.Floor(s * log2e + 0.5f)
    let r = fma (-fl) ln2 s
    // 2^(n-1) built in the exponent field (2^n may overflow when n = 128), zero where x < ln(FLT_MIN).
    let pow2 = if x < lnFltMin then 0.0f else bitsToF (uint32 (int (fl - 1.0f) + 127) <<< 23)
    let mutable p = bitsToF 0x3c07cfceu
    p <- fma p r (bitsToF 0x3d2b9d0du)
    p <- fma p r (bitsToF 0x3e2aad40u)
    p <- fma p r (bitsToF 0x3efffee3u)
    p <- fma p r (bitsToF 0x3f7ffffbu)
    p <- fma p r 1.0f
    p * pow2 * 2.0f

/// erf(|x|) for x = s/√2 from t = 1/(1 + p|x|) and e = exp(−x²): 1 − t·e·poly(t), one fused step.
let inline private erfAbs (t: float32) (e: float32) =
    let mutable r = bitsToF 0x3f87dc22u
    r <- fma r t (bitsToF 0xbfba00e3u)
    r <- fma r t (bitsToF 0x3fb5f0e3u)
    r <- fma r t (bitsToF 0xbe91a98eu)
    r <- fma r t (bitsToF 0x3e827906u)
    fma (-e * t) r 1.0f

/// gelu_erf forward: ½s + ½s·erf(s/√2) as one fused multiply-add.
let geluErf (s: float32) : float32 =
    let x = s * oneOverSqrt2
    let t = 1.0f / fma approx (MathF.Abs x) 1.0f
    let e = exp (-(x * x))
    let erfAbs = erfAbs t e
    let erf = if Single.IsNegative s then -erfAbs else erfAbs
    let half = s * 0.5f
    fma erf half half

/// gelu_erf backward's derivative: (R/√π)·exp(−R²) + ½ + ½·erf(R) for R = s/√2 (the caller multiplies by dy).
let geluErfDerivative (s: float32) : float32 =
    let r = s * oneOverSqrt2
    let q = exp (-(r * r))
    let tpart = r * oneOverSqrtPi * q
    let w = 1.0f / fma approx (MathF.Abs r) 1.0f
    let erfAbs = erfAbs w q
    let erf = if Single.IsNegative r then -erfAbs else erfAbs
    fma erf 0.5f (tpart + 0.5f)
