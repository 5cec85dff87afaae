/// SLEEF float32 elementary functions as PyTorch 1.13 (AVX2, FMA) runs them, plus torch's vector/tail split.
module Fluxion.Kernels.Sleef

open System

let inline private bitsToF (b: int) = BitConverter.Int32BitsToSingle b
let inline private fToBits (f: float32) = BitConverter.SingleToInt32Bits f
let inline private fma (a: float32) (b: float32) (c: float32) = MathF.FusedMultiplyAdd(a, b, c)
// 2^k as a float32 for -126 <= k <= 127 (SLEEF's vpow2i).
let inline private pow2i (k: int) = bitsToF ((k + 127) <<< 23)

/// SLEEF expf_u10 (Cody-Waite reduction by ln 2, degree-6 polynomial, two-step scaling).
let expf_u10 (d: float32) : float32 =
    if d < -104.0f then 0.0f
    elif d > 100.0f then Single.PositiveInfinity
    elif Single.IsNaN d then d
    else
        let q = int (MathF.Round(d * bitsToF 0x3fb8aa3b, MidpointRounding.ToEven))
        let qf = float32 q
        let s = fma qf (-(bitsToF 0x3f317200)) d
        let s = fma qf (-(bitsToF 0x35bfbe8e)) s
        let mutable u = bitsToF 0x39502bda
        u <- fma u s (bitsToF 0x3ab696c9)
        u <- fma u s (bitsToF 0x3c0888a6)
        u <- fma u s (bitsToF 0x3d2aaa7a)
        u <- fma u s (bitsToF 0x3e2aaaab)
        u <- fma u s (bitsToF 0x3f000000)
        u <- 1.0f + fma (s * s) u s
        let h = q >>> 1
        (u * pow2i h) * pow2i (q - h)

/// SLEEF logf_u10 (double-float evaluation of 2*atanh((m-1)/(m+1)) plus e*ln 2).
let logf_u10 (d: float32) : float32 =
    if Single.IsNaN d || d < 0.0f then Single.NaN
    elif d = 0.0f then Single.NegativeInfinity
    elif Single.IsPositiveInfinity d then d
    else
        let tiny = d < bitsToF 0x00800000
        let d = if tiny then d * pow2i 64 else d
        let e = ((fToBits (d * bitsToF 0x3faaaaab) >>> 23) &&& 0xff) - 127
        let m = bitsToF (fToBits d - (e <<< 23))
        let e = if tiny then e - 64 else e
        let ef = float32 e
        // S = (ln2 hi, ln2 lo) * e as a double-float.
        let lh = bitsToF 0x3f317218
        let ll = bitsToF 0xb102e308
        let sh = lh * ef
        let sl = fma ll ef (fma lh ef (-sh))
        // X = (m - 1) / (m + 1) in double-float.
        let nh = -1.0f + m
        let nv = nh - -1.0f
        let nl = (-1.0f - (nh - nv)) + (m - nv)
        let dh = 1.0f + m
        let dv = dh - 1.0f
        let dl = (1.0f - (dh - dv)) + (m - dv)
        let t = 1.0f / dh
        let xh = nh * t
        let u = fma t nh (-xh)
        let w = fma (-dl) t (fma (-dh) t 1.0f)
        let xl = fma xh w (fma nl t u)
        let x2 = xh * xh
        let p = fma (fma (bitsToF 0x3e9aff5c) x2 (bitsToF 0x3ecc99ca)) x2 (bitsToF 0x3f2aaada)
        // S += (2Xh, 2Xl)
        let ah = sh + 2.0f * xh
        let al = (((sh - ah) + 2.0f * xh) + sl) + 2.0f * xl
        // S += x2*Xh*p
        let y = (x2 * xh) * p
        let bh = ah + y
        let bl = ((ah - bh) + y) + al
        bh + bl

// ATen's cpu_kernel_vec runs the vector op on full chunks of 2W = 16 floats and the scalar op on the tail.
let inline private mapSplit (fn: string) (src: ReadOnlySpan<float32>) (dst: Span<float32>)
                            ([<InlineIfLambda>] vec: float32 -> float32) ([<InlineIfLambda>] scalar: float32 -> float32) =
    if dst.Length <> src.Length then
        invalidArg "dst" (sprintf "%s: dst length %d must equal src length %d" fn dst.Length src.Length)
    let full = (src.Length / 16) * 16
    for i in 0 .. full - 1 do dst[i] <- vec src[i]
    for i in full .. src.Length - 1 do dst[i] <- scalar src[i]

// Measured on torch 1.13 (kernels_torch_extra.json): exp, log and tanh of a contiguous tensor go through ATen's
// vml map, which runs SLEEF on every element, the partial last vector included (no libm tail, unlike spec §7's
// note); sigmoid goes through cpu_kernel_vec and does use libm on the tail.

/// torch.exp on a contiguous float32 vector: SLEEF expf_u10 on every element.
let exp32 (src: ReadOnlySpan<float32>) (dst: Span<float32>) : unit =
    mapSplit "Sleef.exp32" src dst expf_u10 expf_u10

/// torch.log on a contiguous float32 vector: SLEEF logf_u10 on every element.
let log32 (src: ReadOnlySpan<float32>) (dst: Span<float32>) : unit =
    mapSplit "Sleef.log32" src dst logf_u10 logf_u10

/// torch.sigmoid on a contiguous float32 vector: 1/(1+exp(-x)) with SLEEF exp in full chunks, libm on the tail.
let sigmoid32 (src: ReadOnlySpan<float32>) (dst: Span<float32>) : unit =
    mapSplit "Sleef.sigmoid32" src dst (fun x -> 1.0f / (1.0f + expf_u10 (0.0f - x))) (fun x -> 1.0f / (1.0f + MathF.Exp(-x)))

// Double-float helpers of SLEEF's df.h (FMA variants); a pair is (hi, lo) with hi + lo the value.
let inline private dfAdd2FF (xh: float32) (xl: float32) (y: float32) =
    let s = xh + y
    let v = s - xh
    struct (s, ((xh - (s - v)) + (y - v)) + xl)
let inline private dfAdd2PP (xh: float32) (xl: float32) (yh: float32) (yl: float32) =
    let s = xh + yh
    let v = s - xh
    struct (s, ((xh - (s - v)) + (yh - v)) + (xl + yl))
let inline private dfAddPP (xh: float32) (xl: float32) (yh: float32) (yl: float32) =
    let s = xh + yh
    struct (s, (((xh - s) + yh) + xl) + yl)
let inline private dfMulPF (xh: float32) (xl: float32) (y: float32) =
    let s = xh * y
    struct (s, fma xl y (fma xh y (-s)))
let inline private dfMulPP (xh: float32) (xl: float32) (yh: float32) (yl: float32) =
    let s = xh * yh
    struct (s, fma xh yl (fma xl yh (fma xh yh (-s))))
let inline private dfDiv (nh: float32) (nl: float32) (dh: float32) (dl: float32) =
    let t = 1.0f / dh
    let s = nh * t
    let u = fma t nh (-s)
    let v = fma (-dl) t (fma (-dh) t 1.0f)
    struct (s, fma s v (fma nl t u))
// SLEEF's vldexp2: scale in two halves so that 2^q never overflows on the way.
let inline private ldexp2 (x: float32) (q: int) = (x * pow2i (q >>> 1)) * pow2i (q - (q >>> 1))

/// SLEEF tanhf_u10: (e - 1/e) / (e + 1/e) with e = exp|x| in double-float (expk2f), sign restored, 1 beyond 8.66.
let tanhf_u10 (x: float32) : float32 =
    if Single.IsNaN x then x
    elif MathF.Abs x > 8.664339742f then MathF.CopySign(1.0f, x)
    else
        let y = MathF.Abs x
        // expk2f((y, 0))
        let q = int (MathF.Round(y * bitsToF 0x3fb8aa3b, MidpointRounding.ToEven))
        let qf = float32 q
        let struct (sh, sl) = dfAdd2FF y 0.0f (qf * -(bitsToF 0x3f317200))
        let struct (sh, sl) = dfAdd2FF sh sl (qf * -(bitsToF 0x35bfbe8e))
        let mutable u = 0.1980960224e-3f
        u <- fma u sh 0.1394256484e-2f
        u <- fma u sh 0.8333456703e-2f
        u <- fma u sh 0.4166637361e-1f
        let struct (ah, al) = dfMulPF sh sl u
        let struct (th, tl) = dfAdd2FF ah al 0.166666659414234244790680580464e+0f
        let struct (bh, bl) = dfMulPP sh sl th tl
        let struct (th, tl) = dfAdd2FF bh bl 0.5f
        let qh = sh * sh
        let ql = fma (sh + sh) sl (fma sh sh (-qh))
        let struct (ch, cl) = dfMulPP qh ql th tl
        let struct (th, tl) = dfAdd2PP sh sl ch cl
        let eh = 1.0f + th
        let el = ((1.0f - eh) + th) + tl
        let dh = ldexp2 eh q
        let dl = ldexp2 el q
        // e = 1 / d as a double-float (dfrec).
        let rh = 1.0f / dh
        let rl = rh * fma (-dl) rh (fma (-dh) rh 1.0f)
        let struct (nh, nl) = dfAddPP dh dl (-rh) (-rl)
        let struct (mh, ml) = dfAddPP dh dl rh rl
        let struct (zh, zl) = dfDiv nh nl mh ml
        let r = zh + zl
        let r = if Single.IsNaN r then 1.0f else r
        bitsToF (fToBits r ^^^ (fToBits x &&& 0x80000000))

/// torch.tanh on a contiguous float32 vector: SLEEF tanhf_u10 on every element (ATen's vml map path).
let tanh32 (src: ReadOnlySpan<float32>) (dst: Span<float32>) : unit =
    if dst.Length <> src.Length then
        invalidArg "dst" (sprintf "Sleef.tanh32: dst length %d must equal src length %d" dst.Length src.Length)
    for i in 0 .. src.Length - 1 do dst[i] <- tanhf_u10 src[i]
