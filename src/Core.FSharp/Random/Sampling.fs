namespace Fluxion.Random

open System

/// PyTorch 1.13 CPU sampling (rand, uniform_, randn, normal_, randint, randperm) at array level, draw for draw.
module Sampling =
    [<Literal>]
    let private TwoPow24 = 5.9604644775390625e-08f
    [<Literal>]
    let private TwoPow53 = 1.1102230246251565e-16
    let private twoPiF = BitConverter.UInt32BitsToSingle 0x40c90fdbu

    let private badArg (fn: string) (msg: string) = raise (ArgumentException(sprintf "Sampling.%s: %s" fn msg))

    let private checkCount fn (n: int) =
        if n < 0 then badArg fn (sprintf "n must be >= 0, got %d" n)

    let private checkGen fn (g: Generator) =
        if isNull g then
            raise (ArgumentNullException("generator", sprintf "Sampling.%s: generator is null; pass a Generator (Generator.Default for the global one)" fn))

    // Every public operation below takes the generator's lock once and draws all its numbers through these
    // unlocked primitives, so a whole fill is atomic with respect to other threads (PyTorch's generator mutex).
    let inline private u24 (g: Generator) = float32 (g.Draw32() &&& 0xFFFFFFu) * TwoPow24
    let inline private u53 (g: Generator) = float (g.Draw64() &&& 0x1FFFFFFFFFFFFFUL) * TwoPow53

    /// One float32 uniform in [0,1): the low 24 bits of a 32-bit draw.
    let inline nextFloat32 (g: Generator) = float32 (g.Next32() &&& 0xFFFFFFu) * TwoPow24

    /// One float64 uniform in [0,1): the low 53 bits of a 64-bit draw.
    let inline nextFloat64 (g: Generator) = float (g.Next64() &&& 0x1FFFFFFFFFFFFFUL) * TwoPow53

    /// Reseeds the process-wide default generator like torch.manual_seed (negative seeds wrap modulo 2^64).
    let manualSeed (seed: int64) = Generator.Default.ManualSeed seed |> ignore

    // ---- uniform ----------------------------------------------------------------------------

    let private rand32U (g: Generator) (dst: Span<float32>) =
        for i in 0 .. dst.Length - 1 do
            dst[i] <- u24 g

    let private rand64U (g: Generator) (dst: Span<float>) =
        for i in 0 .. dst.Length - 1 do
            dst[i] <- u53 g

    /// Fills dst with torch.rand float32 values, one 32-bit draw per element in order (one locked operation).
    let fillRand32 (g: Generator) (dst: Span<float32>) =
        checkGen "fillRand32" g
        g.Gate.Enter()
        try rand32U g dst finally g.Gate.Exit()

    /// Fills dst with torch.rand float64 values, one 64-bit draw per element in order (one locked operation).
    let fillRand64 (g: Generator) (dst: Span<float>) =
        checkGen "fillRand64" g
        g.Gate.Enter()
        try rand64U g dst finally g.Gate.Exit()

    /// torch.rand(n) in float32.
    let rand32 (g: Generator) (n: int) : float32[] =
        checkCount "rand32" n
        let a = Array.zeroCreate n
        fillRand32 g (Span a)
        a

    /// torch.rand(n, dtype=float64).
    let rand64 (g: Generator) (n: int) : float[] =
        checkCount "rand64" n
        let a = Array.zeroCreate n
        fillRand64 g (Span a)
        a

    /// Fills dst like float32 tensor.uniform_(a, b): fma(x, f32(B-A), A) with A=f32(a), B=f32(b) (AVX2 fuses).
    let fillUniform32 (g: Generator) (dst: Span<float32>) (a: float) (b: float) =
        checkGen "fillUniform32" g
        if not (a <= b) then badArg "fillUniform32" (sprintf "expects a <= b, got a=%g b=%g" a b)
        let lo = float32 a
        let d = float32 b - lo
        g.Gate.Enter()
        try
            for i in 0 .. dst.Length - 1 do
                dst[i] <- MathF.FusedMultiplyAdd(u24 g, d, lo)
        finally g.Gate.Exit()

    /// Fills dst like float64 tensor.uniform_(a, b): fma(x, b-a, a).
    let fillUniform64 (g: Generator) (dst: Span<float>) (a: float) (b: float) =
        checkGen "fillUniform64" g
        if not (a <= b) then badArg "fillUniform64" (sprintf "expects a <= b, got a=%g b=%g" a b)
        let d = b - a
        g.Gate.Enter()
        try
            for i in 0 .. dst.Length - 1 do
                dst[i] <- Math.FusedMultiplyAdd(u53 g, d, a)
        finally g.Gate.Exit()

    /// torch.empty(n).uniform_(a, b) in float32.
    let uniform32 (g: Generator) (n: int) (a: float) (b: float) : float32[] =
        checkCount "uniform32" n
        let r = Array.zeroCreate n
        fillUniform32 g (Span r) a b
        r

    /// torch.empty(n, dtype=float64).uniform_(a, b).
    let uniform64 (g: Generator) (n: int) (a: float) (b: float) : float[] =
        checkCount "uniform64" n
        let r = Array.zeroCreate n
        fillUniform64 g (Span r) a b
        r

    // ---- normal -----------------------------------------------------------------------------

    // 1.13 uses log(1-u2); 2.x uses log1p(-u2), which differs in the last bit for some draws.
    let private normalU (g: Generator) : float =
        let cached = g.NextDoubleNormal
        if cached.HasValue then
            g.NextDoubleNormal <- Nullable()
            cached.Value
        else
            let u1 = u53 g
            let u2 = u53 g
            let r = Math.Sqrt(-2.0 * Math.Log(1.0 - u2))
            let theta = 2.0 * Math.PI * u1
            g.NextDoubleNormal <- Nullable(r * Math.Sin theta)
            r * Math.Cos theta

    /// One scalar-path standard normal (double Box-Muller; returns the cached sine sample when present).
    let nextNormal (g: Generator) : float =
        checkGen "nextNormal" g
        g.Gate.Enter()
        try normalU g finally g.Gate.Exit()

    let private normal32ScalarU (g: Generator) (dst: Span<float32>) (mean: float) (std: float) =
        for i in 0 .. dst.Length - 1 do
            dst[i] <- float32 (Math.FusedMultiplyAdd(normalU g, std, mean))

    let private normal64ScalarU (g: Generator) (dst: Span<float>) (mean: float) (std: float) =
        for i in 0 .. dst.Length - 1 do
            dst[i] <- Math.FusedMultiplyAdd(normalU g, std, mean)

    /// Fills dst through the scalar path (the one torch uses for n < 16, 0-dim and non-contiguous tensors).
    let fillNormal32Scalar (g: Generator) (dst: Span<float32>) (mean: float) (std: float) =
        checkGen "fillNormal32Scalar" g
        if not (std >= 0.0) then badArg "fillNormal32Scalar" (sprintf "std must be >= 0, got %g" std)
        g.Gate.Enter()
        try normal32ScalarU g dst mean std finally g.Gate.Exit()

    /// Float64 scalar path.
    let fillNormal64Scalar (g: Generator) (dst: Span<float>) (mean: float) (std: float) =
        checkGen "fillNormal64Scalar" g
        if not (std >= 0.0) then badArg "fillNormal64Scalar" (sprintf "std must be >= 0, got %g" std)
        g.Gate.Enter()
        try normal64ScalarU g dst mean std finally g.Gate.Exit()

    let private block32 (d: Span<float32>) (mean: float32) (std: float32) =
        for j in 0 .. 7 do
            let u1 = 1.0f - d[j]
            let u2 = d[j + 8]
            let radius = MathF.Sqrt(-2.0f * AvxMath.logf u1)
            let theta = twoPiF * u2
            let mutable s = 0.0f
            let mutable c = 0.0f
            AvxMath.sincosf theta &s &c
            d[j] <- MathF.FusedMultiplyAdd(radius * c, std, mean)
            d[j + 8] <- MathF.FusedMultiplyAdd(radius * s, std, mean)

    let private block64 (d: Span<float>) (mean: float) (std: float) =
        for j in 0 .. 7 do
            let u1 = 1.0 - d[j]
            let u2 = d[j + 8]
            let radius = Math.Sqrt(-2.0 * Math.Log u1)
            let theta = 2.0 * Math.PI * u2
            d[j] <- Math.FusedMultiplyAdd(radius * Math.Cos theta, std, mean)
            d[j + 8] <- Math.FusedMultiplyAdd(radius * Math.Sin theta, std, mean)

    /// Fills a contiguous float32 buffer like normal_(mean, std): vector path when length >= 16, else scalar path.
    let fillNormal32 (g: Generator) (dst: Span<float32>) (mean: float) (std: float) =
        checkGen "fillNormal32" g
        if not (std >= 0.0) then badArg "fillNormal32" (sprintf "std must be >= 0, got %g" std)
        let n = dst.Length
        g.Gate.Enter()
        try
            if n < 16 then normal32ScalarU g dst mean std
            else
                let m = float32 mean
                let s = float32 std
                rand32U g dst
                let mutable i = 0
                while i + 16 <= n do
                    block32 (dst.Slice(i, 16)) m s
                    i <- i + 16
                if n % 16 <> 0 then
                    // torch redraws the last 16 slots (overwriting some finished values) and transforms them.
                    let tail = dst.Slice(n - 16, 16)
                    rand32U g tail
                    block32 tail m s
        finally g.Gate.Exit()

    /// Fills a contiguous float64 buffer like normal_(mean, std): block path (double log/sin/cos) when length >= 16.
    let fillNormal64 (g: Generator) (dst: Span<float>) (mean: float) (std: float) =
        checkGen "fillNormal64" g
        if not (std >= 0.0) then badArg "fillNormal64" (sprintf "std must be >= 0, got %g" std)
        let n = dst.Length
        g.Gate.Enter()
        try
            if n < 16 then normal64ScalarU g dst mean std
            else
                rand64U g dst
                let mutable i = 0
                while i + 16 <= n do
                    block64 (dst.Slice(i, 16)) mean std
                    i <- i + 16
                if n % 16 <> 0 then
                    let tail = dst.Slice(n - 16, 16)
                    rand64U g tail
                    block64 tail mean std
        finally g.Gate.Exit()

    /// torch.empty(n).normal_(mean, std) for a contiguous float32 tensor.
    let normal32 (g: Generator) (n: int) (mean: float) (std: float) : float32[] =
        checkCount "normal32" n
        let r = Array.zeroCreate n
        fillNormal32 g (Span r) mean std
        r

    /// torch.randn(n) for a contiguous float32 tensor (randn(()) = randn32 g 1).
    let randn32 (g: Generator) (n: int) : float32[] = normal32 g n 0.0 1.0

    /// Standard normals through the scalar path regardless of n (non-contiguous targets).
    let randn32Scalar (g: Generator) (n: int) : float32[] =
        checkCount "randn32Scalar" n
        let r = Array.zeroCreate n
        fillNormal32Scalar g (Span r) 0.0 1.0
        r

    /// torch.empty(n, dtype=float64).normal_(mean, std).
    let normal64 (g: Generator) (n: int) (mean: float) (std: float) : float[] =
        checkCount "normal64" n
        let r = Array.zeroCreate n
        fillNormal64 g (Span r) mean std
        r

    /// torch.randn(n, dtype=float64).
    let randn64 (g: Generator) (n: int) : float[] = normal64 g n 0.0 1.0

    // ---- integers ---------------------------------------------------------------------------

    /// torch.randint(low, high, (n,)): draw mod (high-low) + low, 64-bit draws when the range is >= 2^32.
    let randint (g: Generator) (low: int64) (high: int64) (n: int) : int64[] =
        checkGen "randint" g
        checkCount "randint" n
        if low >= high then
            badArg "randint" (sprintf "expects low < high, got low=%d high=%d" low high)
        let range = uint64 (high - low)
        let r = Array.zeroCreate n
        g.Gate.Enter()
        try
            for i in 0 .. n - 1 do
                let draw = if range >= (1UL <<< 32) then g.Draw64() else uint64 (g.Draw32())
                r[i] <- int64 (draw % range) + low
        finally g.Gate.Exit()
        r

    /// torch.randperm(n) on CPU in 1.13: Fisher-Yates from the front, swap i with i + next32() mod (n-i).
    let randperm (g: Generator) (n: int) : int64[] =
        checkGen "randperm" g
        checkCount "randperm" n
        let r = Array.init n int64
        g.Gate.Enter()
        try
            for i in 0 .. n - 2 do
                let z = int (uint64 (g.Draw32()) % uint64 (n - i))
                let t = r[i]
                r[i] <- r[i + z]
                r[i + z] <- t
        finally g.Gate.Exit()
        r
