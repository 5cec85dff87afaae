namespace Fluxion.Random

open System

/// Float32 sine/cosine of SLEEF's u10 routines (Sleef_sinf8_u10 / Sleef_cosf8_u10) as ATen's AVX2 kernels call them.
/// Double-float arithmetic uses the FMA variants SLEEF selects for AVX2.
module SleefTrig =
    let inline private fma (a: float32) (b: float32) (c: float32) = MathF.FusedMultiplyAdd(a, b, c)
    // x*y - z with one rounding (SLEEF's vfmapn).
    let inline private fmapn (a: float32) (b: float32) (c: float32) = MathF.FusedMultiplyAdd(a, b, -c)

    let private piA2 = 3.1414794921875f
    let private piB2 = 0.00011315941810607910156f
    let private piC2 = 1.9841872589410058936e-09f
    let private oneOverPi = float32 (1.0 / Math.PI)
    /// SLEEF leaves its fast reduction for |x| >= 125 (the whole vector switches to Payne-Hanek reduction).
    let rangeMax = 125.0f

    [<Struct>]
    type private DF = { H: float32; L: float32 }

    let inline private add2VfVf (x: float32) (y: float32) =
        let s = x + y
        let v = s - x
        { H = s; L = (x - (s - v)) + (y - v) }

    let inline private add2Vf2Vf (x: DF) (y: float32) =
        let s = x.H + y
        let v = s - x.H
        let t = (x.H - (s - v)) + (y - v)
        { H = s; L = t + x.L }

    let inline private addVf2Vf (x: DF) (y: float32) =
        let s = x.H + y
        { H = s; L = ((x.H - s) + y) + x.L }

    let inline private addVfVf (x: float32) (y: float32) =
        let s = x + y
        { H = s; L = (x - s) + y }

    let inline private addVfVf2 (x: float32) (y: DF) =
        let s = x + y.H
        { H = s; L = ((x - s) + y.H) + y.L }

    let inline private squ (x: DF) =
        let s = x.H * x.H
        { H = s; L = fma (x.H + x.H) x.L (fmapn x.H x.H s) }

    let inline private mul (x: DF) (y: DF) =
        let s = x.H * y.H
        { H = s; L = fma x.H y.L (fma x.L y.H (fmapn x.H y.H s)) }

    let inline private mulToF (x: DF) (y: DF) = fma x.H y.H (fma x.L y.H (x.H * y.L))

    // Shared polynomial: sin(t) for the reduced argument t (double-float).
    let inline private poly (t: DF) =
        let s = squ t
        let mutable u = 2.6083159809786593541503e-06f
        u <- fma u s.H (-0.0001981069071916863322258f)
        u <- fma u s.H 0.00833307858556509017944336f
        let x = addVfVf2 1.0f (mul (addVfVf (-0.166666597127914428710938f) (u * s.H)) s)
        mulToF t x

    /// SLEEF cosf_u1 for |x| < 125 (the fast-reduction branch).
    let private cosFast (d: float32) =
        let dq = fma (MathF.Round(fma d oneOverPi (-0.5f))) 2.0f 1.0f
        let q = int dq
        let mutable s = add2VfVf d (dq * (-piA2 * 0.5f))
        s <- add2Vf2Vf s (dq * (-piB2 * 0.5f))
        s <- add2Vf2Vf s (dq * (-piC2 * 0.5f))
        let u = poly s
        if q &&& 2 = 0 then -u else u

    /// SLEEF sinf_u1 for |x| < 125 (the fast-reduction branch).
    let private sinFast (d: float32) =
        let u = MathF.Round(d * oneOverPi)
        let q = int u
        let v = fma u (-piA2) d
        let mutable s = add2VfVf v (u * (-piB2))
        s <- addVf2Vf s (u * (-piC2))
        let r = poly s
        let r = if q &&& 1 = 1 then -r else r
        // sin(-0) keeps its sign.
        if d = 0.0f && BitConverter.SingleToInt32Bits d <> 0 then d else r

    // Lanes of a vector that leaves the fast branch go through SLEEF's Payne-Hanek path, not ported here:
    // those (|x| >= 125 or non-finite in the same vector) are rounded from the double result instead.
    let private cosSlow (d: float32) = if Single.IsFinite d then float32 (Math.Cos(float d)) else Single.NaN
    let private sinSlow (d: float32) = if Single.IsFinite d then float32 (Math.Sin(float d)) else Single.NaN

    /// Cosine of one lane when every lane of its vector is in the fast range (bit-exact with Sleef_cosf8_u10 there).
    let cosf (x: float32) : float32 = if MathF.Abs x < rangeMax then cosFast x else cosSlow x

    /// Sine of one lane when every lane of its vector is in the fast range (bit-exact with Sleef_sinf8_u10 there).
    let sinf (x: float32) : float32 = if MathF.Abs x < rangeMax then sinFast x else sinSlow x

    let private vectorWidth = 8

    let private applyVectors (fast: float32 -> float32) (slow: float32 -> float32) (src: ReadOnlySpan<float32>) (dst: Span<float32>) =
        if src.Length <> dst.Length then
            raise (ArgumentException(sprintf "SleefTrig: source length %d differs from destination length %d" src.Length dst.Length))
        let n = src.Length
        let mutable i = 0
        while i < n do
            let w = min vectorWidth (n - i)
            // A partial last vector is padded with zeros by ATen's loadu, which stay in the fast range.
            let mutable allFast = true
            for l in 0 .. w - 1 do
                if not (MathF.Abs src[i + l] < rangeMax) then allFast <- false
            for l in 0 .. w - 1 do
                dst[i + l] <- if allFast then fast src[i + l] else slow src[i + l]
            i <- i + w

    /// torch.cos on a contiguous float32 buffer (1.13 AVX2: vml map over vectors of 8 lanes, partial last vector included).
    let cosInto (src: ReadOnlySpan<float32>) (dst: Span<float32>) = applyVectors cosFast cosSlow src dst

    /// torch.sin on a contiguous float32 buffer (same vector rule as cosInto).
    let sinInto (src: ReadOnlySpan<float32>) (dst: Span<float32>) = applyVectors sinFast sinSlow src dst

    /// torch.cos of a float32 array.
    let cosArray (src: float32[]) : float32[] =
        let r = Array.zeroCreate src.Length
        cosInto (ReadOnlySpan src) (Span r)
        r

    /// torch.sin of a float32 array.
    let sinArray (src: float32[]) : float32[] =
        let r = Array.zeroCreate src.Length
        sinInto (ReadOnlySpan src) (Span r)
        r
