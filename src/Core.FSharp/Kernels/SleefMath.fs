/// More SLEEF 3.5.1 float32 functions as PyTorch 1.13's AVX2 kernels call them (tan, atan, asin, acos, sinh, cosh,
/// erf, pow, log1p), with each torch kernel's split between vectorised and scalar elements.
/// Why: the managed backend's values and derivatives of these ops equal torch's bit for bit (measured against
/// derivatives.json and sleef_functions.json); .NET's own float math differs from SLEEF in the last ulp.
module Fluxion.Kernels.SleefMath

open System

let inline private bitsToF (b: int) = BitConverter.Int32BitsToSingle b
let inline private fToBits (f: float32) = BitConverter.SingleToInt32Bits f
let inline private fma (a: float32) (b: float32) (c: float32) = MathF.FusedMultiplyAdd(a, b, c)
// x with its sign flipped where y is negative (SLEEF's vmulsign).
let inline private mulsign (x: float32) (y: float32) = bitsToF (fToBits x ^^^ (fToBits y &&& 0x80000000))
// AVX2's cvtps2dq / cvttps2dq: out-of-range and NaN give 0x80000000 (.NET's conversion saturates instead).
let inline private rintToInt (f: float32) =
    if Single.IsNaN f || MathF.Abs f >= 2147483648.0f then Int32.MinValue else int (MathF.Round(f, MidpointRounding.ToEven))
let inline private truncToInt (f: float32) =
    if Single.IsNaN f || MathF.Abs f >= 2147483648.0f then Int32.MinValue else int f
let inline private pow2i (k: int) = bitsToF ((k + 127) <<< 23)
let inline private ldexp2 (x: float32) (q: int) = (x * pow2i (q >>> 1)) * pow2i (q - (q >>> 1))
// SLEEF's vldexp_vf_vf_vi2: four scalings by a clamped power of two, then the remainder.
let private ldexp (x: float32) (q: int) =
    let m = q >>> 31
    let m = (((m + q) >>> 6) - m) <<< 4
    let q = q - (m <<< 2)
    let m = m + 0x7f
    let m = if m > 0 then m else 0
    let m = if m > 0xff then 0xff else m
    let u = bitsToF (m <<< 23)
    let x = x * u * u * u * u
    x * bitsToF ((q + 0x7f) <<< 23)
let inline private ilogb2k (d: float32) = ((fToBits d >>> 23) &&& 0xff) - 0x7f
let inline private ldexp3 (d: float32) (q: int) = bitsToF (fToBits d + (q <<< 23))
// A double constant as SLEEF's vcast_vf2_d splits it into two floats.
let inline private castD (d: float) = struct (float32 d, float32 (d - float (float32 d)))

// Double-float arithmetic of SLEEF's df.h with ENABLE_FMA_SP (AVX2); a pair (h, l) stands for h + l.
let inline private dfNormalize (struct (h: float32, l: float32)) = let s = h + l in struct (s, (h - s) + l)
let inline private dfScale (struct (h: float32, l: float32)) (s: float32) = struct (h * s, l * s)
let inline private dfNeg (struct (h: float32, l: float32)) = struct (-h, -l)
let inline private dfAddFF (x: float32) (y: float32) = let s = x + y in struct (s, (x - s) + y)
let inline private dfAdd2FF (x: float32) (y: float32) =
    let s = x + y
    let v = s - x
    struct (s, (x - (s - v)) + (y - v))
let inline private dfAdd2FD (x: float32) (struct (yh: float32, yl: float32)) =
    let s = x + yh
    let v = s - x
    struct (s, ((x - (s - v)) + (yh - v)) + yl)
let inline private dfAddDF (struct (xh: float32, xl: float32)) (y: float32) =
    let s = xh + y
    struct (s, ((xh - s) + y) + xl)
let inline private dfSubDF (struct (xh: float32, xl: float32)) (y: float32) =
    let s = xh - y
    struct (s, ((xh - s) - y) + xl)
let inline private dfAdd2DF (struct (xh: float32, xl: float32)) (y: float32) =
    let s = xh + y
    let v = s - xh
    struct (s, ((xh - (s - v)) + (y - v)) + xl)
let inline private dfAddFD (x: float32) (struct (yh: float32, yl: float32)) =
    let s = x + yh
    struct (s, ((x - s) + yh) + yl)
let inline private dfAddDD (struct (xh: float32, xl: float32)) (struct (yh: float32, yl: float32)) =
    let s = xh + yh
    struct (s, (((xh - s) + yh) + xl) + yl)
let inline private dfAdd2DD (struct (xh: float32, xl: float32)) (struct (yh: float32, yl: float32)) =
    let s = xh + yh
    let v = s - xh
    struct (s, ((xh - (s - v)) + (yh - v)) + (xl + yl))
let inline private dfSubDD (struct (xh: float32, xl: float32)) (struct (yh: float32, yl: float32)) =
    let s = xh - yh
    struct (s, (((xh - s) - yh) + xl) - yl)
let inline private dfDiv (struct (nh: float32, nl: float32)) (struct (dh: float32, dl: float32)) =
    let t = 1.0f / dh
    let s = nh * t
    let u = fma t nh (-s)
    let v = fma (-dl) t (fma (-dh) t 1.0f)
    struct (s, fma s v (fma nl t u))
let inline private dfMulFF (x: float32) (y: float32) = let s = x * y in struct (s, fma x y (-s))
let inline private dfSqu (struct (h: float32, l: float32)) =
    let s = h * h
    struct (s, fma (h + h) l (fma h h (-s)))
let inline private dfMulDD (struct (xh: float32, xl: float32)) (struct (yh: float32, yl: float32)) =
    let s = xh * yh
    struct (s, fma xh yl (fma xl yh (fma xh yh (-s))))
let inline private dfMulDF (struct (xh: float32, xl: float32)) (y: float32) =
    let s = xh * y
    struct (s, fma xl y (fma xh y (-s)))
let inline private dfRecF (d: float32) = let s = 1.0f / d in struct (s, s * fma (-d) s 1.0f)
let inline private dfRecD (struct (dh: float32, dl: float32)) =
    let s = 1.0f / dh
    struct (s, s * fma (-dl) s (fma (-dh) s 1.0f))
let inline private dfSqrtF (d: float32) =
    let t = MathF.Sqrt d
    dfScale (dfMulDD (dfAdd2FD d (dfMulFF t t)) (dfRecF t)) 0.5f
let inline private sum (struct (h: float32, l: float32)) = h + l

let private rln2 = 1.442695040888963407359924681001892137426645954152985934135449406931f
let private l2u = 0.693145751953125f
let private l2l = 1.428606765330187045e-06f

/// e^(h + l) as a double-float (SLEEF's expk2f); zero below -104.
let private expk2 (d: struct (float32 * float32)) =
    let struct (dh, _) = d
    let q = rintToInt (sum d * rln2)
    let qf = float32 q
    let s = dfAdd2DF d (qf * -l2u)
    let s = dfAdd2DF s (qf * -l2l)
    let struct (sh, _) = s
    let mutable u = 0.1980960224e-3f
    u <- fma u sh 0.1394256484e-2f
    u <- fma u sh 0.8333456703e-2f
    u <- fma u sh 0.4166637361e-1f
    let t = dfAdd2DF (dfMulDF s u) 0.166666659414234244790680580464e+0f
    let t = dfAdd2DF (dfMulDD s t) 0.5f
    let t = dfAdd2DD s (dfMulDD (dfSqu s) t)
    let struct (th, tl) = dfAddFD 1.0f t
    if dh < -104.0f then struct (0.0f, 0.0f) else struct (ldexp2 th q, ldexp2 tl q)

/// SLEEF sinhf_u10: (e - 1/e) / 2 with e = exp|x| in double-float; infinity beyond 89.
let sinhf_u10 (x: float32) : float32 =
    if Single.IsNaN x then Single.NaN
    else
        let d = expk2 (struct (MathF.Abs x, 0.0f))
        let y = sum (dfSubDD d (dfRecD d)) * 0.5f
        let y = if MathF.Abs x > 89.0f || Single.IsNaN y then Single.PositiveInfinity else y
        mulsign y x

/// SLEEF coshf_u10: (e + 1/e) / 2 with e = exp|x| in double-float; infinity beyond 89.
let coshf_u10 (x: float32) : float32 =
    if Single.IsNaN x then Single.NaN
    else
        let d = expk2 (struct (MathF.Abs x, 0.0f))
        let y = sum (dfAddDD d (dfRecD d)) * 0.5f
        if MathF.Abs x > 89.0f || Single.IsNaN y then Single.PositiveInfinity else y

/// The shared core of SLEEF's atan2kf_u1: atan(s/t) + q·π/2 in double-float, for the quotient already oriented
/// (s, t) and the quadrant count q.
let private atan2kfCore (s: struct (float32 * float32)) (t: struct (float32 * float32)) (q: int) =
    let s = dfDiv s t
    let t = dfNormalize (dfSqu s)
    let struct (th, _) = t
    let mutable u = -0.00176397908944636583328247f
    u <- fma u th 0.0107900900766253471374512f
    u <- fma u th -0.0309564601629972457885742f
    u <- fma u th 0.0577365085482597351074219f
    u <- fma u th -0.0838950723409652709960938f
    u <- fma u th 0.109463557600975036621094f
    u <- fma u th -0.142626821994781494140625f
    u <- fma u th 0.199983194470405578613281f
    let t = dfMulDD t (dfAddFF -0.333332866430282592773438f (u * th))
    let t = dfMulDD s (dfAddFD 1.0f t)
    dfAddDD (dfMulDF (struct (1.5707963705062866211f, -4.3711388286737928865e-08f)) (float32 q)) t

/// SLEEF atanf_u1 (atan2kf_u1 with x = 1: argument halving by the reciprocal above 1, degree-8 polynomial in
/// double-float).
let atanf_u1 (d: float32) : float32 =
    let y = MathF.Abs d
    // atan2kf_u1((|d|, 0), (1, 0)): x = 1 is positive, so only the y > x swap applies.
    let p = 1.0f < y
    let q = if p then 1 else 0
    let s = if p then struct (-1.0f, -0.0f) else struct (y, 0.0f)
    let t = if p then struct (y, 0.0f) else struct (1.0f, 0.0f)
    let t = atan2kfCore s t q
    let r = sum t
    let r = if Single.IsInfinity d then float32 1.570796326794896557998982 else r
    mulsign r d

/// SLEEF atan2f_u1 (Sleef_atan2f8_u10, which torch 1.13's AVX2 complex angle calls on full chunks): atan2kf_u1
/// on (|y|, x) in double-float, then the quadrant, infinity, zero and NaN fix-ups.
let atan2f_u1 (y: float32) (x: float32) : float32 =
    let o = MathF.Abs x < 2.9387372783541830947e-39f
    let x = if o then x * 16777216.0f else x
    let y = if o then y * 16777216.0f else y
    let ay = MathF.Abs y
    let neg = x < 0.0f
    let q = if neg then -2 else 0
    let xa = if neg then -x else x
    let p = xa < ay
    let q = if p then q + 1 else q
    let s = if p then struct (-xa, (if neg then 0.0f else -0.0f)) else struct (ay, 0.0f)
    let t = if p then struct (ay, 0.0f) else struct (xa, (if neg then -0.0f else 0.0f))
    let t = atan2kfCore s t q
    let r = mulsign (sum t) x
    let halfPi = float32 (Math.PI / 2.0)
    let inf2 (d: float32) (m: float32) = if Single.IsInfinity d then mulsign m d else 0.0f
    let r = if Single.IsInfinity x || x = 0.0f then halfPi - inf2 x (mulsign halfPi x) else r
    let r = if Single.IsInfinity y then halfPi - inf2 x (mulsign (float32 (Math.PI / 4.0)) x) else r
    let r = if y = 0.0f then (if fToBits x < 0 then float32 Math.PI else 0.0f) else r
    if Single.IsNaN x || Single.IsNaN y then Single.NaN else mulsign r y

// Double-double helpers of SLEEF's dd.h, FMA variants (AVX2 builds define ENABLE_FMA_DP); (hi, lo) pairs.
let inline private dma (a: float) (b: float) (c: float) = Math.FusedMultiplyAdd(a, b, c)
let inline private ddNormalize (struct (h: float, l: float)) = let s = h + l in struct (s, (h - s) + l)
let inline private ddAdd (struct (xh: float, xl: float)) (struct (yh: float, yl: float)) =
    let s = xh + yh
    struct (s, (((xh - s) + yh) + xl) + yl)
let inline private ddDiv (struct (nh: float, nl: float)) (struct (dh: float, dl: float)) =
    let t = 1.0 / dh
    let s = nh * t
    let u = dma t nh (-s)
    let v = dma (-dl) t (dma (-dh) t 1.0)
    struct (s, dma s v (dma nl t u))
let inline private ddSqu (struct (h: float, l: float)) =
    let s = h * h
    struct (s, dma (h + h) l (dma h h (-s)))
let inline private ddMulDD (struct (xh: float, xl: float)) (struct (yh: float, yl: float)) =
    let s = xh * yh
    struct (s, dma xh yl (dma xl yh (dma xh yh (-s))))
let inline private ddMulD (struct (xh: float, xl: float)) (y: float) =
    let s = xh * y
    struct (s, dma xl y (dma xh y (-s)))
let inline private mulsignD (x: float) (y: float) =
    BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits x ^^^ (BitConverter.DoubleToInt64Bits y &&& Int64.MinValue))

/// SLEEF atan2d_u1 (Sleef_atan2d4_u10, which torch 1.13's AVX2 complex128 angle calls on full chunks):
/// atan2k_u1 on (|y|, x) in double-double with a degree-19 polynomial in s² (Estrin for the upper sixteen
/// terms, Horner for the last four), then the quadrant, infinity, zero and NaN fix-ups.
let atan2_u1 (y: float) (x: float) : float =
    let o = Math.Abs x < 5.5626846462680083984e-309
    let x = if o then x * 9007199254740992.0 else x
    let y = if o then y * 9007199254740992.0 else y
    let ay = Math.Abs y
    // atan2k_u1((|y|, 0), (x, 0)): the sign bit of x picks q = -2, a negative x is negated, and the larger
    // of |x|, |y| becomes the denominator.
    let q = if BitConverter.DoubleToInt64Bits x < 0L then -2 else 0
    let neg = x < 0.0
    let xd = if neg then struct (-x, -0.0) else struct (x, 0.0)
    let struct (xh, _) = xd
    let p = xh < ay
    let q = if p then q + 1 else q
    let s = if p then (let struct (h, l) = xd in struct (-h, -l)) else struct (ay, 0.0)
    let t = if p then struct (ay, 0.0) else xd
    let s = ddDiv s t
    let t = ddNormalize (ddSqu s)
    let struct (th, _) = t
    let t2 = th * th
    let t4 = t2 * t2
    let t8 = t4 * t4
    let poly4 c3 c2 c1 c0 = dma t2 (dma th c3 c2) (dma th c1 c0)
    let hi = dma t4 (poly4 1.06298484191448746607415e-05 -0.000125620649967286867384336 0.00070557664296393412389774 -0.00251865614498713360352999)
                    (poly4 0.00646262899036991172313504 -0.0128281333663399031014274 0.0208024799924145797902497 -0.0289002344784740315686289)
    let lo = dma t4 (poly4 0.0359785005035104590853656 -0.041848579703592507506027 0.0470843011653283988193763 -0.0524914210588448421068719)
                    (poly4 0.0587946590969581003860434 -0.0666620884778795497194182 0.0769225330296203768654095 -0.0909090442773387574781907)
    let mutable u = dma t8 hi lo
    u <- dma u th 0.111111108376896236538123
    u <- dma u th -0.142857142756268568062339
    u <- dma u th 0.199999999997977351284817
    u <- dma u th -0.333333333333317605173818
    let t = ddAdd s (ddMulD (ddMulDD s t) u)
    let struct (dh, dl) = ddAdd (ddMulD (struct (1.570796326794896557998982, 6.12323399573676603586882e-17)) (float q)) t
    let r = mulsignD (dh + dl) x
    let halfPi = Math.PI / 2.0
    let inf2 (d: float) (m: float) = if Double.IsInfinity d then mulsignD m d else 0.0
    let r = if Double.IsInfinity x || x = 0.0 then halfPi - inf2 x (mulsignD halfPi x) else r
    let r = if Double.IsInfinity y then halfPi - inf2 x (mulsignD (Math.PI / 4.0) x) else r
    let r = if y = 0.0 then (if BitConverter.DoubleToInt64Bits x < 0L then Math.PI else 0.0) else r
    if Double.IsNaN x || Double.IsNaN y then Double.NaN else mulsignD r y

// The shared polynomial part of asinf_u1 / acosf_u1 (x2 = x² near 0, (1 - |d|)/2 beyond 0.5).
let inline private asinCore (d: float32) =
    let a = MathF.Abs d
    let o = a < 0.5f
    let x2 = if o then d * d else (1.0f - a) * 0.5f
    let x = if o then struct (a, 0.0f) else dfSqrtF x2
    let x = if a = 1.0f then struct (0.0f, 0.0f) else x
    let mutable u = float32 0.4197454825e-1
    u <- fma u x2 (float32 0.2424046025e-1)
    u <- fma u x2 (float32 0.4547423869e-1)
    u <- fma u x2 (float32 0.7495029271e-1)
    u <- fma u x2 (float32 0.1666677296e+0)
    let struct (xh, _) = x
    struct (o, x, u * (x2 * xh))

/// SLEEF asinf_u1.
let asinf_u1 (d: float32) : float32 =
    let struct (o, x, u) = asinCore d
    let struct (xh, _) = x
    let y = dfSubDF (dfSubDD (struct (3.1415927410125732422f / 4.0f, -8.7422776573475857731e-08f / 4.0f)) x) u
    let r = if o then u + xh else sum y * 2.0f
    mulsign r d

/// SLEEF acosf_u1.
let acosf_u1 (d: float32) : float32 =
    let struct (o, x, u) = asinCore d
    let struct (xh, _) = x
    let y = dfSubDD (struct (3.1415927410125732422f / 2.0f, -8.7422776573475857731e-08f / 2.0f)) (dfAddFF (mulsign xh d) (mulsign u d))
    let x = dfAddDF x u
    let y = if o then y else dfScale x 2.0f
    let y = if not o && d < 0.0f then dfSubDD (struct (3.1415927410125732422f, -8.7422776573475857731e-08f)) y else y
    sum y

let private piA2 = 3.1414794921875f
let private piB2 = 0.00011315941810607910156f
let private piC2 = 1.9841872589410058936e-09f
/// SLEEF leaves its Cody-Waite reduction when any lane of the vector has |x| >= 125 (or is not finite).
let tanRangeMax = 125.0f

// SLEEF's Sleef_rempitabsp: for each exponent band, 1/(2 pi) scaled to it, split over four floats.
let private rempitab : float32[] =
    [|
        0.159154892f; 5.112411827e-08f; 3.626141271e-15f; -2.036222915e-22f
        0.03415493667f; 6.420638243e-09f; 7.342738037e-17f; 8.135951656e-24f
        0.03415493667f; 6.420638243e-09f; 7.342738037e-17f; 8.135951656e-24f
        0.002904943191f; -9.861969574e-11f; -9.839336547e-18f; -1.790215892e-24f
        0.002904943191f; -9.861969574e-11f; -9.839336547e-18f; -1.790215892e-24f
        0.002904943191f; -9.861969574e-11f; -9.839336547e-18f; -1.790215892e-24f
        0.002904943191f; -9.861969574e-11f; -9.839336547e-18f; -1.790215892e-24f
        0.0009518179577f; 1.342109202e-10f; 1.791623576e-17f; 1.518506657e-24f
        0.0009518179577f; 1.342109202e-10f; 1.791623576e-17f; 1.518506657e-24f
        0.0004635368241f; 1.779561221e-11f; 4.038449606e-18f; -1.358546052e-25f
        0.0002193961991f; 1.779561221e-11f; 4.038449606e-18f; -1.358546052e-25f
        9.73258866e-05f; 1.779561221e-11f; 4.038449606e-18f; -1.358546052e-25f
        3.62907449e-05f; 3.243700447e-12f; 5.690024473e-19f; 7.09405479e-26f
        5.773168596e-06f; 1.424711477e-12f; 1.3532163e-19f; 1.92417627e-26f
        5.773168596e-06f; 1.424711477e-12f; 1.3532163e-19f; 1.92417627e-26f
        5.773168596e-06f; 1.424711477e-12f; 1.3532163e-19f; 1.92417627e-26f
        1.958472239e-06f; 5.152167755e-13f; 1.3532163e-19f; 1.92417627e-26f
        5.112411827e-08f; 3.626141271e-15f; -2.036222915e-22f; 6.177847236e-30f
        5.112411827e-08f; 3.626141271e-15f; -2.036222915e-22f; 6.177847236e-30f
        5.112411827e-08f; 3.626141271e-15f; -2.036222915e-22f; 6.177847236e-30f
        5.112411827e-08f; 3.626141271e-15f; -2.036222915e-22f; 6.177847236e-30f
        5.112411827e-08f; 3.626141271e-15f; -2.036222915e-22f; 6.177847236e-30f
        5.112411827e-08f; 3.626141271e-15f; -2.036222915e-22f; 6.177847236e-30f
        2.132179588e-08f; 3.626141271e-15f; -2.036222915e-22f; 6.177847236e-30f
        6.420638243e-09f; 7.342738037e-17f; 8.135951656e-24f; -1.330400526e-31f
        6.420638243e-09f; 7.342738037e-17f; 8.135951656e-24f; -1.330400526e-31f
        2.695347945e-09f; 7.342738037e-17f; 8.135951656e-24f; -1.330400526e-31f
        8.327027956e-10f; 7.342738037e-17f; 8.135951656e-24f; -1.330400526e-31f
        8.327027956e-10f; 7.342738037e-17f; 8.135951656e-24f; -1.330400526e-31f
        3.670415083e-10f; 7.342738037e-17f; 8.135951656e-24f; -1.330400526e-31f
        1.342109202e-10f; 1.791623576e-17f; 1.518506361e-24f; 2.613904e-31f
        1.779561221e-11f; 4.038449606e-18f; -1.358545683e-25f; -3.443243946e-32f
        1.779561221e-11f; 4.038449606e-18f; -1.358545683e-25f; -3.443243946e-32f
        1.779561221e-11f; 4.038449606e-18f; -1.358545683e-25f; -3.443243946e-32f
        3.243700447e-12f; 5.690024473e-19f; 7.094053557e-26f; 1.487136711e-32f
        3.243700447e-12f; 5.690024473e-19f; 7.094053557e-26f; 1.487136711e-32f
        3.243700447e-12f; 5.690024473e-19f; 7.094053557e-26f; 1.487136711e-32f
        1.424711477e-12f; 1.3532163e-19f; 1.924175961e-26f; 2.545416018e-33f
        5.152167755e-13f; 1.3532163e-19f; 1.924175961e-26f; 2.545416018e-33f
        6.046956013e-14f; -2.036222915e-22f; 6.177846108e-30f; 1.082084378e-36f
        6.046956013e-14f; -2.036222915e-22f; 6.177846108e-30f; 1.082084378e-36f
        6.046956013e-14f; -2.036222915e-22f; 6.177846108e-30f; 1.082084378e-36f
        3.626141271e-15f; -2.036222915e-22f; 6.177846108e-30f; 1.082084378e-36f
        3.626141271e-15f; -2.036222915e-22f; 6.177846108e-30f; 1.082084378e-36f
        3.626141271e-15f; -2.036222915e-22f; 6.177846108e-30f; 1.082084378e-36f
        3.626141271e-15f; -2.036222915e-22f; 6.177846108e-30f; 1.082084378e-36f
        7.342738037e-17f; 8.135951656e-24f; -1.330400526e-31f; 6.296048013e-40f
        7.342738037e-17f; 8.135951656e-24f; -1.330400526e-31f; 6.296048013e-40f
        7.342738037e-17f; 8.135951656e-24f; -1.330400526e-31f; 6.296048013e-40f
        7.342738037e-17f; 8.135951656e-24f; -1.330400526e-31f; 6.296048013e-40f
        7.342738037e-17f; 8.135951656e-24f; -1.330400526e-31f; 6.296048013e-40f
        7.342738037e-17f; 8.135951656e-24f; -1.330400526e-31f; 6.296048013e-40f
        1.791623576e-17f; 1.518506361e-24f; 2.61390353e-31f; 4.764937743e-38f
        1.791623576e-17f; 1.518506361e-24f; 2.61390353e-31f; 4.764937743e-38f
        4.038449606e-18f; -1.358545683e-25f; -3.443243946e-32f; 6.296048013e-40f
        4.038449606e-18f; -1.358545683e-25f; -3.443243946e-32f; 6.296048013e-40f
        5.690024473e-19f; 7.094053557e-26f; 1.487136711e-32f; 6.296048013e-40f
        5.690024473e-19f; 7.094053557e-26f; 1.487136711e-32f; 6.296048013e-40f
        5.690024473e-19f; 7.094053557e-26f; 1.487136711e-32f; 6.296048013e-40f
        1.3532163e-19f; 1.924175961e-26f; 2.545415467e-33f; 6.296048013e-40f
        1.3532163e-19f; 1.924175961e-26f; 2.545415467e-33f; 6.296048013e-40f
        2.690143217e-20f; -1.452834402e-28f; -6.441077673e-36f; -1.764234767e-42f
        2.690143217e-20f; -1.452834402e-28f; -6.441077673e-36f; -1.764234767e-42f
        2.690143217e-20f; -1.452834402e-28f; -6.441077673e-36f; -1.764234767e-42f
        1.334890502e-20f; -1.452834402e-28f; -6.441077673e-36f; -1.764234767e-42f
        6.572641438e-21f; -1.452834402e-28f; -6.441077673e-36f; -1.764234767e-42f
        0.05874381959f; 1.222115387e-08f; 7.693612965e-16f; 1.792054435e-22f
        0.02749382704f; 4.77057327e-09f; 7.693612965e-16f; 1.792054435e-22f
        0.01186883077f; 1.045283415e-09f; 3.252721926e-16f; 7.332633139e-23f
        0.00405633077f; 1.045283415e-09f; 3.252721926e-16f; 7.332633139e-23f
        0.000150081818f; -2.454155802e-12f; 1.161414894e-20f; 1.291319272e-27f
        0.000150081818f; -2.454155802e-12f; 1.161414894e-20f; 1.291319272e-27f
        0.000150081818f; -2.454155802e-12f; 1.161414894e-20f; 1.291319272e-27f
        0.000150081818f; -2.454155802e-12f; 1.161414894e-20f; 1.291319272e-27f
        0.000150081818f; -2.454155802e-12f; 1.161414894e-20f; 1.291319272e-27f
        2.801149822e-05f; 4.821800945e-12f; 8.789757674e-19f; 1.208447639e-25f
        2.801149822e-05f; 4.821800945e-12f; 8.789757674e-19f; 1.208447639e-25f
        2.801149822e-05f; 4.821800945e-12f; 8.789757674e-19f; 1.208447639e-25f
        1.275271279e-05f; 1.183823005e-12f; 1.161414894e-20f; 1.291319272e-27f
        5.12331826e-06f; 1.183823005e-12f; 1.161414894e-20f; 1.291319272e-27f
        1.308621904e-06f; 2.743283031e-13f; 1.161414894e-20f; 1.291319272e-27f
        1.308621904e-06f; 2.743283031e-13f; 1.161414894e-20f; 1.291319272e-27f
        3.549478151e-07f; 4.695462769e-14f; 1.161414894e-20f; 1.291319272e-27f
        3.549478151e-07f; 4.695462769e-14f; 1.161414894e-20f; 1.291319272e-27f
        1.165292645e-07f; 1.853292503e-14f; 4.837885366e-21f; 1.291319272e-27f
        1.165292645e-07f; 1.853292503e-14f; 4.837885366e-21f; 1.291319272e-27f
        5.69246339e-08f; 4.322073705e-15f; 1.449754789e-21f; 7.962890365e-29f
        2.712231151e-08f; 4.322073705e-15f; 1.449754789e-21f; 7.962890365e-29f
        1.222115387e-08f; 7.693612965e-16f; 1.792054182e-22f; 2.91418027e-29f
        4.77057327e-09f; 7.693612965e-16f; 1.792054182e-22f; 2.91418027e-29f
        1.045283415e-09f; 3.252721926e-16f; 7.332632508e-23f; 3.898253736e-30f
        1.045283415e-09f; 3.252721926e-16f; 7.332632508e-23f; 3.898253736e-30f
        1.139611461e-10f; 1.996093359e-17f; 5.344349223e-25f; 1.511644828e-31f
        1.139611461e-10f; 1.996093359e-17f; 5.344349223e-25f; 1.511644828e-31f
        1.139611461e-10f; 1.996093359e-17f; 5.344349223e-25f; 1.511644828e-31f
        1.139611461e-10f; 1.996093359e-17f; 5.344349223e-25f; 1.511644828e-31f
        5.575349904e-11f; 6.083145782e-18f; 5.344349223e-25f; 1.511644828e-31f
        2.664967552e-11f; -8.557475018e-19f; -8.595036458e-26f; -2.139883875e-32f
        1.209775682e-11f; 2.61369883e-18f; 5.344349223e-25f; 1.511644828e-31f
        4.821800945e-12f; 8.789757674e-19f; 1.208447639e-25f; 3.253064536e-33f
        1.183823005e-12f; 1.161414894e-20f; 1.29131908e-27f; 1.715766248e-34f
        1.183823005e-12f; 1.161414894e-20f; 1.29131908e-27f; 1.715766248e-34f
        2.743283031e-13f; 1.161414894e-20f; 1.29131908e-27f; 1.715766248e-34f
    |]

// Argument reduction x mod pi/2 of tanf_u1's fast branch (Cody-Waite by pi/2 in three parts).
let inline private reduceFast (d: float32) =
    let u = MathF.Round(d * float32 (2.0 * (1.0 / Math.PI)), MidpointRounding.ToEven)
    let q = rintToInt u
    let v = fma u (-piA2 * 0.5f) d
    let s = dfAdd2FF v (u * (-piB2 * 0.5f))
    struct (q, dfAddDF s (u * (-piC2 * 0.5f)))

// SLEEF's rempisubf (FULL_FP_ROUNDING): x minus its nearest quarter, and that quarter's count mod 4.
let inline private rempisub (x: float32) =
    let y = MathF.Round(x * 4.0f, MidpointRounding.ToEven)
    let vi = truncToInt (y - MathF.Round(x, MidpointRounding.ToEven) * 4.0f)
    struct (x - y * 0.25f, vi)

// SLEEF's rempif: Payne-Hanek reduction by 2 pi / 4 with the table above, for vectors with a lane at or beyond 125.
let private rempi (a: float32) =
    let ex = ilogb2k a - 25
    let q = if ex > 90 - 25 then -64 else 0
    let a = ldexp3 a q
    let ex = (if ex < 0 then 0 else ex) <<< 2
    // A non-finite lane reads past the table in SLEEF; its result is NaN whatever it reads.
    let ex = min ex (rempitab.Length - 4)
    let x = dfMulFF a rempitab[ex]
    let struct (xh, xl) = x
    let struct (xh, q) = rempisub xh
    let x = dfNormalize (struct (xh, xl))
    let y = dfMulFF a rempitab[ex + 1]
    let struct (xh, xl) = dfAdd2DD x y
    let struct (xh, q2) = rempisub xh
    let q = q + q2
    let x = dfNormalize (struct (xh, xl))
    let y = dfMulDF (struct (rempitab[ex + 2], rempitab[ex + 3])) a
    let x = dfNormalize (dfAdd2DD x y)
    let x = dfMulDD x (struct (3.1415927410125732422f * 2.0f, -8.7422776573475857731e-08f * 2.0f))
    let x = if MathF.Abs a < 0.7f then struct (a, 0.0f) else x
    struct (q, x)

// tanf_u1 after the reduction: tan of the reduced double-float s, the reciprocal for odd quadrants.
let private tanCore (d: float32) (q: int) (s: struct (float32 * float32)) =
    let o = q &&& 1 = 1
    let s = if o then dfNeg s else s
    let t = s
    let s = dfNormalize (dfSqu s)
    let struct (sh, _) = s
    let mutable u = 0.00446636462584137916564941f
    u <- fma u sh -8.3920182078145444393158e-05f
    u <- fma u sh 0.0109639242291450500488281f
    u <- fma u sh 0.0212360303848981857299805f
    u <- fma u sh 0.0540687143802642822265625f
    let x = dfAddFF 0.133325666189193725585938f (u * sh)
    let x = dfAddFD 1.0f (dfMulDD (dfAddFD 0.33333361148834228515625f (dfMulDD s x)) s)
    let x = dfMulDD t x
    let x = if o then dfRecD x else x
    let r = sum x
    if d = 0.0f && fToBits d <> 0 then d else r

/// SLEEF tanf_u1 in its fast branch (every lane of the vector below 125 in magnitude).
let tanf_u1 (d: float32) : float32 =
    let struct (q, s) = reduceFast d
    tanCore d q s

/// SLEEF tanf_u1 in its Payne-Hanek branch (taken by every lane of a vector with a lane at or beyond 125, or
/// not finite).
let tanf_u1_wide (d: float32) : float32 =
    if not (Single.IsFinite d) then Single.NaN
    else
        let struct (q, s) = rempi d
        tanCore d q s

/// SLEEF erff_u1: three polynomial ranges split at 1.1 and 2.4, 1 - exp(...) beyond 1.1, 1 from 4 on.
let erff_u1 (x: float32) : float32 =
    let a = MathF.Abs x
    if Single.IsNaN a then Single.NaN
    else
        let o0 = a < float32 1.1
        let o1 = a < float32 2.4
        let o2 = a < float32 4.0
        let inline sel (c0: float32) (c1: float32) (c2: float32) = if o0 then c0 elif o1 then c1 else c2
        let inline selD (c0: float) (c1: float) (c2: float) = castD (if o0 then c0 elif o1 then c1 else c2)
        let u = if o0 then a * a else a
        let mutable t = sel +0.7089292194e-4f -0.1792667899e-4f -0.9495757695e-5f
        t <- fma t u (sel -0.7768311189e-3f +0.3937633010e-3f +0.2481465926e-3f)
        t <- fma t u (sel +0.5159463733e-2f -0.3949181177e-2f -0.2918176819e-2f)
        t <- fma t u (sel -0.2683781274e-1f +0.2445474640e-1f +0.2059706673e-1f)
        t <- fma t u (sel +0.1128318012e+0f -0.1070996150e+0f -0.9901899844e-1f)
        let d = dfMulFF t u
        let d = dfAdd2DD d (selD -0.376125876000657465175213237214e+0 -0.634588905908410389971210809210e+0 -0.643598050547891613081201721633e+0)
        let d = dfMulDF d u
        let d = dfAdd2DD d (selD +0.112837916021059138255978217023e+1 -0.112879855826694507209862753992e+1 -0.112461487742845562801052956293e+1)
        let d = dfMulDF d a
        let d = if o0 then d else dfAddFD 1.0f (dfNeg (expk2 d))
        mulsign (if o2 then sum d else 1.0f) x

/// ln|x| as a double-float (SLEEF's logkf).
let private logk (d: float32) =
    let o = d < bitsToF 0x00800000
    let d = if o then d * (4294967296.0f * 4294967296.0f) else d
    let e = ilogb2k (d * (1.0f / 0.75f))
    let m = ldexp3 d (-e)
    let e = if o then e - 64 else e
    let x = dfDiv (dfAdd2FF -1.0f m) (dfAdd2FF 1.0f m)
    let x2 = dfSqu x
    let struct (x2h, _) = x2
    let mutable t = float32 0.240320354700088500976562
    t <- fma t x2h (float32 0.285112679004669189453125)
    t <- fma t x2h (float32 0.400007992982864379882812)
    let c = struct (0.66666662693023681640625f, 3.69183861259614332084311e-09f)
    let s = dfMulDF (struct (0.69314718246459960938f, -1.904654323148236017e-09f)) (float32 e)
    let s = dfAddDD s (dfScale x 2.0f)
    dfAddDD s (dfMulDD (dfMulDD x2 x) (dfAdd2DD (dfMulDF x2 t) c))

/// e^(h + l) rounded to float (SLEEF's expkf); zero below -104.
let private expk (d: struct (float32 * float32)) =
    let struct (dh, _) = d
    let q = rintToInt (sum d * rln2)
    let qf = float32 q
    let s = dfAdd2DF d (qf * -l2u)
    let s = dfAdd2DF s (qf * -l2l)
    let s = dfNormalize s
    let struct (sh, _) = s
    let mutable u = 0.00136324646882712841033936f
    u <- fma u sh 0.00836596917361021041870117f
    u <- fma u sh 0.0416710823774337768554688f
    u <- fma u sh 0.166665524244308471679688f
    u <- fma u sh 0.499999850988388061523438f
    let t = dfAddDD s (dfMulDF (dfSqu s) u)
    let t = dfAddFD 1.0f t
    let u = ldexp (sum t) q
    if dh < -104.0f then 0.0f else u

/// SLEEF powf_u10: exp(y * log|x|) in double-float, then the sign and the IEEE special cases.
let powf_u10 (x: float32) (y: float32) : float32 =
    let ay = MathF.Abs y
    let yisint = MathF.Truncate y = y || ay > 16777216.0f
    let yisodd = (truncToInt y &&& 1) = 1 && yisint && ay < 16777216.0f
    let mutable result = expk (dfMulDF (logk (MathF.Abs x)) y)
    if Single.IsNaN result then result <- Single.PositiveInfinity
    result <- result * (if x > 0.0f then 1.0f elif yisint then (if yisodd then -1.0f else 1.0f) else Single.NaN)
    let efx = mulsign (MathF.Abs x - 1.0f) y
    if Single.IsInfinity y then
        result <- if efx < 0.0f then 0.0f elif efx = 0.0f then 1.0f else Single.PositiveInfinity
    if Single.IsInfinity x || x = 0.0f then
        let sign = if yisodd then mulsign 1.0f x else 1.0f
        let e = if x = 0.0f then -y else y
        result <- sign * (if e < 0.0f then 0.0f else Single.PositiveInfinity)
    if Single.IsNaN x || Single.IsNaN y then result <- Single.NaN
    if y = 0.0f || x = 1.0f then 1.0f else result

/// SLEEF log1pf_u10: log(1 + d) with the reduction taken on d itself, double-float core.
let log1pf_u10 (d: float32) : float32 =
    let dp1 = d + 1.0f
    let o = dp1 < bitsToF 0x00800000
    let dp1 = if o then dp1 * (4294967296.0f * 4294967296.0f) else dp1
    let e = ilogb2k (dp1 * (1.0f / 0.75f))
    let t = ldexp3 1.0f (-e)
    let m = fma d t (t - 1.0f)
    let e = if o then e - 64 else e
    let s = dfMulDF (struct (0.69314718246459960938f, -1.904654323148236017e-09f)) (float32 e)
    let x = dfDiv (struct (m, 0.0f)) (dfAddFF 2.0f m)
    let struct (xh, _) = x
    let x2 = xh * xh
    let mutable t = 0.3027294874e+0f
    t <- fma t x2 0.3996108174e+0f
    t <- fma t x2 0.6666694880e+0f
    let s = dfAddDD s (dfScale x 2.0f)
    let s = dfAddDF s ((x2 * xh) * t)
    let r = sum s
    if d > 1e+38f then Single.PositiveInfinity
    elif -1.0f > d || Single.IsNaN d then Single.NaN
    elif d = -1.0f then Single.NegativeInfinity
    elif d = 0.0f && fToBits d <> 0 then d
    else r

// ---- torch 1.13's loops around them ----

let private check (fn: string) (n: int) (m: int) =
    if n <> m then invalidArg "dst" (sprintf "%s: dst length %d must equal src length %d" fn m n)

// cpu_kernel_vec: the vector op on full chunks of 2 x 8 floats, the scalar (libm) op on the rest.
let inline private split (fn: string) (src: ReadOnlySpan<float32>) (dst: Span<float32>)
                         ([<InlineIfLambda>] vec: float32 -> float32) ([<InlineIfLambda>] scalar: float32 -> float32) =
    check fn src.Length dst.Length
    let full = (src.Length / 16) * 16
    for i in 0 .. full - 1 do dst[i] <- vec src[i]
    for i in full .. src.Length - 1 do dst[i] <- scalar src[i]

// vml map (IMPLEMENT_VML ops): SLEEF on every element, the partial last vector too.
let inline private every (fn: string) (src: ReadOnlySpan<float32>) (dst: Span<float32>) ([<InlineIfLambda>] f: float32 -> float32) =
    check fn src.Length dst.Length
    for i in 0 .. src.Length - 1 do dst[i] <- f src[i]

/// torch.tan (vml map, vectors of 8; a vector with any lane at or beyond 125 leaves the fast reduction).
let tan32 (src: ReadOnlySpan<float32>) (dst: Span<float32>) : unit =
    check "SleefMath.tan32" src.Length dst.Length
    let mutable i = 0
    while i < src.Length do
        let w = min 8 (src.Length - i)
        let mutable fast = true
        for l in 0 .. w - 1 do
            if not (MathF.Abs src[i + l] < tanRangeMax) then fast <- false
        for l in 0 .. w - 1 do
            dst[i + l] <- if fast then tanf_u1 src[i + l] else tanf_u1_wide src[i + l]
        i <- i + w

/// torch.atan (vml map: SLEEF on every element).
let atan32 (src: ReadOnlySpan<float32>) (dst: Span<float32>) : unit = every "SleefMath.atan32" src dst atanf_u1
/// torch.asin (vml map).
let asin32 (src: ReadOnlySpan<float32>) (dst: Span<float32>) : unit = every "SleefMath.asin32" src dst asinf_u1
/// torch.acos (vml map).
let acos32 (src: ReadOnlySpan<float32>) (dst: Span<float32>) : unit = every "SleefMath.acos32" src dst acosf_u1
/// torch.erf (vml map).
let erf32 (src: ReadOnlySpan<float32>) (dst: Span<float32>) : unit = every "SleefMath.erf32" src dst erff_u1
/// torch.sinh (cpu_kernel_vec: SLEEF in chunks of 16, glibc sinhf on the tail).
let sinh32 (src: ReadOnlySpan<float32>) (dst: Span<float32>) : unit = split "SleefMath.sinh32" src dst sinhf_u10 MathF.Sinh
/// torch.cosh (cpu_kernel_vec: SLEEF in chunks of 16, glibc coshf on the tail).
let cosh32 (src: ReadOnlySpan<float32>) (dst: Span<float32>) : unit = split "SleefMath.cosh32" src dst coshf_u10 MathF.Cosh

/// torch.pow(x, e) for an exponent without a special kernel: SLEEF powf with e as a float in chunks of 16, the
/// double pow of libm (std::pow(float, double)) rounded to float on the tail.
let powScalar32 (e: float) (src: ReadOnlySpan<float32>) (dst: Span<float32>) : unit =
    let ef = float32 e
    split "SleefMath.powScalar32" src dst (fun x -> powf_u10 x ef) (fun x -> float32 (Math.Pow(float x, e)))

/// glibc 2.36's log1pf (the fdlibm algorithm in float: reduction to [sqrt2/2, sqrt2] with a correction term,
/// s = f/(2+f), degree-7 polynomial in s²), which torch's scalar tails reach through std::log1p.
let log1pfLibm (x: float32) : float32 =
    let hx = fToBits x
    let ax = hx &&& 0x7fffffff
    let ln2Hi = bitsToF 0x3f317180
    let ln2Lo = bitsToF 0x3717f7d1
    if hx < 0x3ed413d7 && ax >= 0x3f800000 then (if x = -1.0f then Single.NegativeInfinity else Single.NaN)
    elif hx < 0x3ed413d7 && ax < 0x31000000 then (if ax < 0x24800000 then x else x - x * x * 0.5f)
    elif hx >= 0x7f800000 then x + x
    else
        let mutable k = 1
        let mutable f = 0.0f
        let mutable hu = 0
        let mutable c = 0.0f
        if hx < 0x3ed413d7 && (hx > 0 || hx <= int 0xbe95f61fu) then
            k <- 0
            f <- x
            hu <- 1
        else
            let mutable u = x
            if hx < 0x5a000000 then
                u <- 1.0f + x
                hu <- fToBits u
                k <- (hu >>> 23) - 127
                c <- (if k > 0 then 1.0f - (u - x) else x - (u - 1.0f)) / u
            else
                hu <- fToBits u
                k <- (hu >>> 23) - 127
            hu <- hu &&& 0x007fffff
            if hu < 0x3504f7 then u <- bitsToF (hu ||| 0x3f800000)
            else
                k <- k + 1
                u <- bitsToF (hu ||| 0x3f000000)
                hu <- (0x00800000 - hu) >>> 2
            f <- u - 1.0f
        let kf = float32 k
        let hfsq = 0.5f * f * f
        if hu = 0 then
            if f = 0.0f then (if k = 0 then 0.0f else kf * ln2Hi + (c + kf * ln2Lo))
            else
                let r = hfsq * (1.0f - float32 0.66666666666666666 * f)
                if k = 0 then f - r else kf * ln2Hi - ((r - (kf * ln2Lo + c)) - f)
        else
            let s = f / (2.0f + f)
            let z = s * s
            let r = z * (bitsToF 0x3f2aaaab + z * (bitsToF 0x3ecccccd + z * (bitsToF 0x3e924925 + z * (bitsToF 0x3e638e29
                        + z * (bitsToF 0x3e3a3325 + z * (bitsToF 0x3e1cd04f + z * bitsToF 0x3e178897))))))
            if k = 0 then f - (hfsq - s * (hfsq + r))
            else kf * ln2Hi - ((hfsq - (s * (hfsq + r) + (kf * ln2Lo + c))) - f)

/// F.softplus(x) with beta 1 and threshold 20 (cpu_kernel_vec: SLEEF log1p(exp x) in chunks of 16, glibc's
/// log1pf(expf x) on the tail; x itself above 20).
let softplus32 (src: ReadOnlySpan<float32>) (dst: Span<float32>) : unit =
    split "SleefMath.softplus32" src dst
        (fun x -> if x > 20.0f then x else log1pf_u10 (Sleef.expf_u10 x))
        (fun x -> if x > 20.0f then x else log1pfLibm (MathF.Exp x))

/// The e^x that softplus_backward (beta 1) multiplies by: SLEEF's in chunks of 16, glibc's on the tail.
let softplusExp32 (src: ReadOnlySpan<float32>) (dst: Span<float32>) : unit =
    split "SleefMath.softplusExp32" src dst Sleef.expf_u10 MathF.Exp

// glibc 2.36's hypot kernel (Borges' corrected sqrt(ax² + ay²), the variant without FMA that x86-64's baseline
// build uses), for ax >= ay >= 0 whose squares neither overflow nor underflow.
let private hypotKernel (ax: float) (ay: float) =
    let h = Math.Sqrt(ax * ax + ay * ay)
    let t1, t2 =
        if h <= 2.0 * ay then
            let delta = h - ay
            ax * (2.0 * delta - ax), (delta - 2.0 * (ax - ay)) * delta
        else
            let delta = h - ax
            2.0 * delta * (ax - 2.0 * ay), (4.0 * delta - ay) * ay + delta * delta
    h - (t1 + t2) / (2.0 * h)

/// glibc 2.36's hypot, which torch's scalar tails reach through std::abs of a complex128 (.NET's Double.Hypot
/// rounds differently in the last bit): the kernel above with scaling by 2^±600 for huge or tiny operands.
let hypotLibm (x: float) (y: float) : float =
    if not (Double.IsFinite x && Double.IsFinite y) then
        if Double.IsInfinity x || Double.IsInfinity y then Double.PositiveInfinity else x + y
    else
        let x = Math.Abs x
        let y = Math.Abs y
        let ax = if x < y then y else x
        let ay = if x < y then x else y
        let scale = Math.ScaleB(1.0, -600)
        let eps = Math.ScaleB(1.0, -54)
        if ax > Math.ScaleB(1.0, 511) then
            if ay <= ax * eps then ax + ay else hypotKernel (ax * scale) (ay * scale) / scale
        elif ay < Math.ScaleB(1.0, -459) then
            if ax >= ay / eps then ax + ay else hypotKernel (ax / scale) (ay / scale) * scale
        elif ay <= ax * eps then ax + ay
        else hypotKernel ax ay
