namespace Fluxion.Kernels

open System
open System.Numerics
open System.Runtime.CompilerServices
open System.Runtime.Intrinsics

/// 1-D convolution over (N, Cin, L) inputs and (Cout, Cin/groups, K) weights, with its two adjoints. Every output
/// sums its terms channel by channel, tap by tap (padding contributes nothing), the order of the vector kernels too,
/// so both paths give the same bits.
module internal Conv1d =
    /// The (N, C, L) input copied into rows of length L + 2·padding with zero borders, plus `slack` zeros at
    /// the end, so the vector kernels below run without bounds branches.
    let private padRows<'T when 'T :> IFloatingPointIeee754<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>
            (data: 'T[], rows: int, len: int, padding: int, slack: int) : 'T[] =
        let lp = len + 2 * padding
        let xp : 'T[] = Array.zeroCreate (rows * lp + slack)
        for r in 0 .. rows - 1 do Array.Copy(data, r * len, xp, r * lp + padding, len)
        xp

    /// Stride-1, undilated, ungrouped conv1d, 8 (float32) outputs per vector: each lane sums its terms in
    /// the scalar kernel's order (channel, then tap; padding adds exact zeros), so the bits are the same.
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let vectorised<'T when 'T :> IFloatingPointIeee754<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>
            (data: 'T[], w: 'T[], nb: int, cin: int, len: int, cout: int, k: int, padding: int) : 'T[] =
        let lp = len + 2 * padding
        let lout = lp - k + 1
        let vw = Vector256<'T>.Count
        let xp = padRows (data, nb * cin, len, padding, 0)
        let r : 'T[] = Array.zeroCreate (nb * cout * lout)
        for b in 0 .. nb - 1 do
            for oc in 0 .. cout - 1 do
                let ro = (b * cout + oc) * lout
                let mutable ol = 0
                while ol + 2 * vw <= lout do
                    let mutable a0 = Vector256<'T>.Zero
                    let mutable a1 = Vector256<'T>.Zero
                    for ic in 0 .. cin - 1 do
                        let xb = (b * cin + ic) * lp + ol
                        let wb = (oc * cin + ic) * k
                        for kk in 0 .. k - 1 do
                            let wv = Vector256.Create<'T>(w.[wb + kk])
                            a0 <- Vector256.Add(a0, Vector256.Multiply(Vector256.Create<'T>(ReadOnlySpan<'T>(xp, xb + kk, vw)), wv))
                            a1 <- Vector256.Add(a1, Vector256.Multiply(Vector256.Create<'T>(ReadOnlySpan<'T>(xp, xb + kk + vw, vw)), wv))
                    a0.CopyTo(Span<'T>(r, ro + ol, vw))
                    a1.CopyTo(Span<'T>(r, ro + ol + vw, vw))
                    ol <- ol + 2 * vw
                while ol < lout do
                    let mutable s : 'T = 'T.Zero
                    for ic in 0 .. cin - 1 do
                        let xb = (b * cin + ic) * lp + ol
                        let wb = (oc * cin + ic) * k
                        for kk in 0 .. k - 1 do s <- s + xp.[xb + kk] * w.[wb + kk]
                    r.[ro + ol] <- s
                    ol <- ol + 1
        r

    /// Any stride, padding, dilation and groups; the result is (nb, cout, lout).
    let forward<'T when 'T :> IFloatingPointIeee754<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>
            (data: 'T[], w: 'T[], nb: int, cin: int, len: int, cout: int, cpg: int, k: int, lout: int,
             stride: int, padding: int, dilation: int, groups: int) : 'T[] =
        let opg = cout / groups
        let r : 'T[] = Array.zeroCreate (nb * cout * lout)
        for b in 0 .. nb - 1 do
            for oc in 0 .. cout - 1 do
                let g = oc / opg
                for ol in 0 .. lout - 1 do
                    let mutable s : 'T = 'T.Zero
                    for ic in 0 .. cpg - 1 do
                        let xc = g * cpg + ic
                        for kk in 0 .. k - 1 do
                            let pos = ol * stride - padding + kk * dilation
                            if pos >= 0 && pos < len then
                                s <- s + data.[(b * cin + xc) * len + pos] * w.[(oc * cpg + ic) * k + kk]
                    r.[(b * cout + oc) * lout + ol] <- s
        r

    /// The input adjoint: `gy` is the (nb, cout, lout) output gradient; the result is (nb, cin, len).
    let gradInput<'T when 'T :> IFloatingPointIeee754<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>
            (gy: 'T[], w: 'T[], nb: int, cin: int, len: int, cout: int, cpg: int, k: int, lout: int,
             stride: int, padding: int, dilation: int, groups: int) : 'T[] =
        let opg = cout / groups
        let r : 'T[] = Array.zeroCreate (nb * cin * len)
        for b in 0 .. nb - 1 do
            for oc in 0 .. cout - 1 do
                let g = oc / opg
                for ol in 0 .. lout - 1 do
                    let gv : 'T = gy.[(b * cout + oc) * lout + ol]
                    for ic in 0 .. cpg - 1 do
                        let xc = g * cpg + ic
                        for kk in 0 .. k - 1 do
                            let pos = ol * stride - padding + kk * dilation
                            if pos >= 0 && pos < len then
                                let p = (b * cin + xc) * len + pos
                                r.[p] <- r.[p] + gv * w.[(oc * cpg + ic) * k + kk]
        r

    /// The weight adjoint of `vectorised`, vectorised over taps: every weight sums gy·x over (batch, position)
    /// in the scalar kernel's order.
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let gradWeightVectorised<'T when 'T :> IFloatingPointIeee754<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>
            (gy: 'T[], x: 'T[], nb: int, cin: int, len: int, cout: int, k: int, padding: int) : 'T[] =
        let lp = len + 2 * padding
        let lout = lp - k + 1
        let vw = Vector256<'T>.Count
        let xp = padRows (x, nb * cin, len, padding, 4 * vw)
        let r : 'T[] = Array.zeroCreate (cout * cin * k)
        let tmp : 'T[] = Array.zeroCreate (4 * vw)
        for oc in 0 .. cout - 1 do
            for ic in 0 .. cin - 1 do
                let rb = (oc * cin + ic) * k
                let mutable kk0 = 0
                while kk0 < k do
                    let mutable a0 = Vector256<'T>.Zero
                    let mutable a1 = Vector256<'T>.Zero
                    let mutable a2 = Vector256<'T>.Zero
                    let mutable a3 = Vector256<'T>.Zero
                    for b in 0 .. nb - 1 do
                        let gb = (b * cout + oc) * lout
                        let xb = (b * cin + ic) * lp + kk0
                        for ol in 0 .. lout - 1 do
                            let g = Vector256.Create<'T>(gy.[gb + ol])
                            let xo = xb + ol
                            a0 <- Vector256.Add(a0, Vector256.Multiply(g, Vector256.Create<'T>(ReadOnlySpan<'T>(xp, xo, vw))))
                            a1 <- Vector256.Add(a1, Vector256.Multiply(g, Vector256.Create<'T>(ReadOnlySpan<'T>(xp, xo + vw, vw))))
                            a2 <- Vector256.Add(a2, Vector256.Multiply(g, Vector256.Create<'T>(ReadOnlySpan<'T>(xp, xo + 2 * vw, vw))))
                            a3 <- Vector256.Add(a3, Vector256.Multiply(g, Vector256.Create<'T>(ReadOnlySpan<'T>(xp, xo + 3 * vw, vw))))
                    a0.CopyTo(Span<'T>(tmp, 0, vw))
                    a1.CopyTo(Span<'T>(tmp, vw, vw))
                    a2.CopyTo(Span<'T>(tmp, 2 * vw, vw))
                    a3.CopyTo(Span<'T>(tmp, 3 * vw, vw))
                    let n = min (4 * vw) (k - kk0)
                    Array.Copy(tmp, 0, r, rb + kk0, n)
                    kk0 <- kk0 + 4 * vw
        r

    /// The weight adjoint for any stride, dilation and groups; the result is (cout, cpg, k).
    let gradWeight<'T when 'T :> IFloatingPointIeee754<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>
            (gy: 'T[], x: 'T[], nb: int, cin: int, len: int, cout: int, cpg: int, k: int, lout: int,
             stride: int, padding: int, dilation: int, groups: int) : 'T[] =
        let opg = cout / groups
        let r : 'T[] = Array.zeroCreate (cout * cpg * k)
        for b in 0 .. nb - 1 do
            for oc in 0 .. cout - 1 do
                let g = oc / opg
                for ol in 0 .. lout - 1 do
                    let gv : 'T = gy.[(b * cout + oc) * lout + ol]
                    for ic in 0 .. cpg - 1 do
                        let xc = g * cpg + ic
                        for kk in 0 .. k - 1 do
                            let pos = ol * stride - padding + kk * dilation
                            if pos >= 0 && pos < len then
                                let p = (oc * cpg + ic) * k + kk
                                r.[p] <- r.[p] + gv * x.[(b * cin + xc) * len + pos]
        r
