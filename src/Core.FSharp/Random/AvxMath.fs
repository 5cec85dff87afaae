namespace Fluxion.Random

open System

/// Float32 log and sincos of ATen's AVX2 Box-Muller kernel (Cephes-style polynomials, every step rounded as the SIMD code does).
module AvxMath =
    let inline private bitsF (u: uint32) = BitConverter.UInt32BitsToSingle u
    let inline private fma (a: float32) (b: float32) (c: float32) = MathF.FusedMultiplyAdd(a, b, c)

    let private sqrtHf = bitsF 0x3f3504f3u
    let private p0 = bitsF 0x3d9021bbu
    let private p1 = bitsF 0xbdebd1b8u
    let private p2 = bitsF 0x3def251au
    let private p3 = bitsF 0xbdfe5d4fu
    let private p4 = bitsF 0x3e11e9bfu
    let private p5 = bitsF 0xbe2aae50u
    let private p6 = bitsF 0x3e4cceacu
    let private p7 = bitsF 0xbe7ffffcu
    let private p8 = bitsF 0x3eaaaaaau
    let private q1 = bitsF 0xb95e8083u
    let private q2 = bitsF 0x3f318000u
    let private minNormal = bitsF 0x00800000u

    /// Natural log for x in (0,1] exactly as the AVX2 normal kernel computes it.
    let logf (x0: float32) : float32 =
        let x = if x0 > minNormal then x0 else minNormal
        let bits = BitConverter.SingleToUInt32Bits x
        let mutable e = float32 (int (bits >>> 23) - 127) + 1.0f
        let m = bitsF ((bits &&& ~~~0x7f800000u) ||| 0x3f000000u)
        let t =
            if m < sqrtHf then
                e <- e - 1.0f
                (m - 1.0f) + m
            else m - 1.0f
        let z = t * t
        let mutable y = p0
        y <- fma y t p1
        y <- fma y t p2
        y <- fma y t p3
        y <- fma y t p4
        y <- fma y t p5
        y <- fma y t p6
        y <- fma y t p7
        y <- fma y t p8
        y <- y * t
        y <- fma y z (e * q1)
        y <- y - z * 0.5f
        (t + y) + e * q2

    let private fopi = bitsF 0x3fa2f983u
    let private dp1 = bitsF 0xbf490000u
    let private dp2 = bitsF 0xb97da000u
    let private dp3 = bitsF 0xb3222169u
    let private c0 = bitsF 0x37ccf5ceu
    let private c1 = bitsF 0xbab6061au
    let private c2 = bitsF 0x3d2aaaa5u
    let private s0 = bitsF 0xb94ca1f9u
    let private s1 = bitsF 0x3c08839eu
    let private s2 = bitsF 0xbe2aaaa3u

    /// Sine and cosine for a in [0, 2pi) exactly as the AVX2 normal kernel computes them.
    let sincosf (a: float32) (sinOut: byref<float32>) (cosOut: byref<float32>) =
        let mutable j = int (a * fopi)
        j <- (j + 1) &&& ~~~1
        let y = float32 j
        let mutable x = fma y dp1 a
        x <- fma y dp2 x
        x <- fma y dp3 x
        let z = x * x
        let mutable p = fma (fma c0 z c1) z c2
        p <- p * z
        p <- fma p z (-(z * 0.5f))
        let pc = p + 1.0f
        let mutable q = fma (fma s0 z s1) z s2
        q <- q * z
        let ps = fma q x x
        let mutable s = if j &&& 2 = 0 then ps else pc
        let mutable c = if j &&& 2 = 0 then pc else ps
        if j &&& 4 <> 0 then s <- -s
        if (j - 2) &&& 4 = 0 then c <- -c
        sinOut <- s
        cosOut <- c
