/// PyTorch 1.13's fused CPU softmax and log_softmax kernels (AVX2 build) on contiguous float32 arrays, bit for bit.
/// An array is viewed as (outer, size, inner) with the softmax taken over the middle axis.
module Fluxion.Kernels.SoftmaxKernels

open System

let private check (fn: string) (len: int) (outer: int) (size: int) (inner: int) =
    if outer < 0 || size < 1 || inner < 1 || int64 outer * int64 size * int64 inner <> int64 len then
        invalidArg "x" (sprintf "%s: outer=%d size=%d inner=%d need size, inner >= 1 and an array of length outer*size*inner (got %d)" fn outer size inner len)

// vec::reduce_all's lane tree for 8 float lanes (128-bit, 64-bit, 32-bit shuffles; lane 0 kept).
let inline private tree (l: Span<float32>) = ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]))

/// vec::reduce_all with + over a row: a left fold below 8 elements, else 8 lanes, a masked tail and the lane tree.
let private reduceSum (v: ReadOnlySpan<float32>) =
    let n = v.Length
    if n < 8 then
        let mutable s = v[0]
        for k in 1 .. n - 1 do s <- s + v[k]
        s
    else
        let l = Span<float32>(Array.zeroCreate 8)
        for j in 0 .. 7 do l[j] <- v[j]
        let full = (n / 8) * 8
        let mutable b = 8
        while b < full do
            for j in 0 .. 7 do l[j] <- l[j] + v[b + j]
            b <- b + 8
        for j in 0 .. n - full - 1 do l[j] <- l[j] + v[b + j]
        tree l

/// vec::map2_reduce_all(x * y, +): products summed in 8 lanes; the AVX2 build contracts each later step to an FMA.
let private dotRow (g: ReadOnlySpan<float32>) (y: ReadOnlySpan<float32>) =
    let n = g.Length
    if n < 8 then
        let mutable s = g[0] * y[0]
        for k in 1 .. n - 1 do s <- s + g[k] * y[k]
        s
    else
        let l = Span<float32>(Array.zeroCreate 8)
        for j in 0 .. 7 do l[j] <- g[j] * y[j]
        let full = (n / 8) * 8
        let mutable b = 8
        while b < full do
            for j in 0 .. 7 do l[j] <- MathF.FusedMultiplyAdd(g[b + j], y[b + j], l[j])
            b <- b + 8
        for j in 0 .. n - full - 1 do l[j] <- MathF.FusedMultiplyAdd(g[b + j], y[b + j], l[j])
        tree l

let private rowMax (x: ReadOnlySpan<float32>) =
    let mutable mx = x[0]
    for k in 1 .. x.Length - 1 do
        let v = x[k]
        if v > mx || Single.IsNaN v then mx <- v
    mx

// The non-last-dim kernels handle 8 adjacent inner positions per vector with SLEEF's exp; the inner positions
// left over at the end of each outer slice go through the scalar path with glibc's expf (MathF.Exp).
let inline private vectorised (i: int) (inner: int) = (i / 8) * 8 + 8 <= inner
let inline private expAt (vec: bool) (v: float32) = if vec then Sleef.expf_u10 v else MathF.Exp v

/// softmax over the middle axis: _vec_softmax_lastdim (exp, lane-tree sum, times 1/sum) when inner = 1, else
/// _vec_softmax (column max, left-to-right sum from 0, exp divided by the sum).
let softmax32 (x: float32[]) (outer: int) (size: int) (inner: int) (dst: float32[]) : unit =
    check "SoftmaxKernels.softmax32" x.Length outer size inner
    check "SoftmaxKernels.softmax32 (dst)" dst.Length outer size inner
    if inner = 1 then
        for r in 0 .. outer - 1 do
            let o = r * size
            let mx = rowMax (ReadOnlySpan(x, o, size))
            for k in o .. o + size - 1 do dst[k] <- Sleef.expf_u10 (x[k] - mx)
            let rs = 1.0f / reduceSum (ReadOnlySpan(dst, o, size))
            for k in o .. o + size - 1 do dst[k] <- dst[k] * rs
    else
        for r in 0 .. outer - 1 do
            let b = r * size * inner
            for i in 0 .. inner - 1 do
                let vec = vectorised i inner
                let mutable mx = x[b + i]
                for d in 1 .. size - 1 do
                    let v = x[b + d * inner + i]
                    if v > mx || Single.IsNaN v then mx <- v
                let mutable s = 0.0f
                for d in 0 .. size - 1 do
                    let k = b + d * inner + i
                    let e = expAt vec (x[k] - mx)
                    dst[k] <- e
                    s <- s + e
                for d in 0 .. size - 1 do
                    let k = b + d * inner + i
                    dst[k] <- dst[k] / s

/// log_softmax over the middle axis: _vec_log_softmax_lastdim when inner = 1, else per column the max, a
/// left-to-right sum of exp(x - max) from 0, SLEEF's log of it, and (x - max) - log-sum.
let logSoftmax32 (x: float32[]) (outer: int) (size: int) (inner: int) (dst: float32[]) : unit =
    check "SoftmaxKernels.logSoftmax32" x.Length outer size inner
    check "SoftmaxKernels.logSoftmax32 (dst)" dst.Length outer size inner
    if inner = 1 then LossKernels.logSoftmaxRows32 x outer size dst
    else
        for r in 0 .. outer - 1 do
            let b = r * size * inner
            for i in 0 .. inner - 1 do
                let vec = vectorised i inner
                let mutable mx = x[b + i]
                for d in 1 .. size - 1 do
                    let v = x[b + d * inner + i]
                    if v > mx || Single.IsNaN v then mx <- v
                let mutable s = 0.0f
                for d in 0 .. size - 1 do s <- s + expAt vec (x[b + d * inner + i] - mx)
                let ls = Sleef.logf_u10 s
                for d in 0 .. size - 1 do
                    let k = b + d * inner + i
                    dst[k] <- (x[k] - mx) - ls

/// softmax's backward from the output y and the incoming gradient g: y * (g - sum(g * y)), the sum as
/// map2_reduce_all when inner = 1, else a left-to-right chain of fused multiply-adds from 0.
let softmaxBackward32 (y: float32[]) (g: float32[]) (outer: int) (size: int) (inner: int) (dst: float32[]) : unit =
    check "SoftmaxKernels.softmaxBackward32" y.Length outer size inner
    check "SoftmaxKernels.softmaxBackward32 (grad)" g.Length outer size inner
    check "SoftmaxKernels.softmaxBackward32 (dst)" dst.Length outer size inner
    if inner = 1 then
        for r in 0 .. outer - 1 do
            let o = r * size
            let s = dotRow (ReadOnlySpan(g, o, size)) (ReadOnlySpan(y, o, size))
            for k in o .. o + size - 1 do dst[k] <- (g[k] - s) * y[k]
    else
        for r in 0 .. outer - 1 do
            let b = r * size * inner
            for i in 0 .. inner - 1 do
                let mutable s = 0.0f
                for d in 0 .. size - 1 do
                    let k = b + d * inner + i
                    s <- MathF.FusedMultiplyAdd(g[k], y[k], s)
                for d in 0 .. size - 1 do
                    let k = b + d * inner + i
                    dst[k] <- y[k] * (g[k] - s)

/// log_softmax's backward from the output y and the incoming gradient g: g - exp(y) * sum(g) as one fused
/// multiply-add, the sum as reduce_all when inner = 1, else left to right from 0.
let logSoftmaxBackward32 (y: float32[]) (g: float32[]) (outer: int) (size: int) (inner: int) (dst: float32[]) : unit =
    check "SoftmaxKernels.logSoftmaxBackward32" y.Length outer size inner
    check "SoftmaxKernels.logSoftmaxBackward32 (grad)" g.Length outer size inner
    check "SoftmaxKernels.logSoftmaxBackward32 (dst)" dst.Length outer size inner
    if inner = 1 then
        for r in 0 .. outer - 1 do
            let o = r * size
            let s = reduceSum (ReadOnlySpan(g, o, size))
            for k in o .. o + size - 1 do dst[k] <- MathF.FusedMultiplyAdd(-(Sleef.expf_u10 y[k]), s, g[k])
    else
        for r in 0 .. outer - 1 do
            let b = r * size * inner
            for i in 0 .. inner - 1 do
                let vec = vectorised i inner
                let mutable s = 0.0f
                for d in 0 .. size - 1 do s <- s + g[b + d * inner + i]
                for d in 0 .. size - 1 do
                    let k = b + d * inner + i
                    dst[k] <- MathF.FusedMultiplyAdd(-(expAt vec y[k]), s, g[k])
