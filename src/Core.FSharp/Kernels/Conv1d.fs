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

    /// Whether PyTorch 1.13 (Debian's build, oneDNN 2.6.3) runs this float32 convolution through oneDNN for the
    /// one case reproduced here: one input and one output channel, stride 1, no dilation. Its dispatch
    /// (ConvParams::use_mkldnn on the (N, 1, 1, L) view) picks oneDNN from batch 2 on, or for more than 20480
    /// input values; a 1-tap kernel also needs a batch of 16 (or more than one thread, which is not modelled).
    let followsOneDnn (nb: int) (cin: int) (cout: int) (len: int) (k: int) (stride: int) (dilation: int) (groups: int) =
        cin = 1 && cout = 1 && groups = 1 && stride = 1 && dilation = 1
        && (nb > 1 || nb * len > 20480) && (k <> 1 || nb >= 16)

    /// oneDNN's forward for `followsOneDnn` shapes (jit:avx512_core direct convolution): every output is a chain of
    /// fused multiply-adds over the taps in order, from zero (padding taps add exact zeros).
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let oneDnnForward32 (data: float32[], w: float32[], nb: int, len: int, k: int, padding: int) : float32[] =
        let lp = len + 2 * padding
        let lout = lp - k + 1
        let xp = padRows (data, nb, len, padding, 0)
        let r : float32[] = Array.zeroCreate (nb * lout)
        let vw = Vector256<float32>.Count
        for b in 0 .. nb - 1 do
            let xb = b * lp
            let ro = b * lout
            let mutable ol = 0
            if X86.Fma.IsSupported then
                while ol + vw <= lout do
                    let mutable acc = Vector256<float32>.Zero
                    for kk in 0 .. k - 1 do
                        acc <- X86.Fma.MultiplyAdd(Vector256.Create<float32>(ReadOnlySpan<float32>(xp, xb + ol + kk, vw)), Vector256.Create(w.[kk]), acc)
                    acc.CopyTo(Span<float32>(r, ro + ol, vw))
                    ol <- ol + vw
            while ol < lout do
                let mutable acc = 0.0f
                for kk in 0 .. k - 1 do acc <- MathF.FusedMultiplyAdd(xp.[xb + ol + kk], w.[kk], acc)
                r.[ro + ol] <- acc
                ol <- ol + 1
        r

    /// The sum oneDNN's transposed gemv kernel (jit_avx_gemv_t_f32) forms for one dot product of `n` terms
    /// a[ai + p]·x[xi + p]: blocks of 16 terms feed 8 lanes by fused multiply-adds (lane l takes the terms
    /// p ≡ l mod 8), then a remainder of 8, 4, 2 and 1 terms in fresh lanes; each block's lanes are reduced as
    /// ((l0 + l1) + (l4 + l5)) + ((l2 + l3) + (l6 + l7)) and added to y (one rounding each).
    let private gemvTDot (a: float32[]) (ai: int) (x: float32[]) (xi: int) (n: int) (y: float32) : float32 =
        let lanes : float32[] = Array.zeroCreate 8
        let reduce () =
            let h0 = lanes.[0] + lanes.[1]
            let h1 = lanes.[2] + lanes.[3]
            let h2 = lanes.[4] + lanes.[5]
            let h3 = lanes.[6] + lanes.[7]
            (h0 + h2) + (h1 + h3)
        let mutable y = y
        let main = n / 16 * 16
        if main > 0 then
            for p in 0 .. main - 1 do
                let l = p &&& 7
                lanes.[l] <- MathF.FusedMultiplyAdd(x.[xi + p], a.[ai + p], lanes.[l])
            y <- y + reduce ()
        let mutable p = main
        let mutable ux = 8
        while ux > 0 do
            if (n - main) &&& ux <> 0 then
                Array.Clear lanes
                for l in 0 .. ux - 1 do lanes.[l] <- MathF.FusedMultiplyAdd(x.[xi + p + l], a.[ai + p + l], 0.0f)
                y <- y + reduce ()
                p <- p + ux
            ux <- ux >>> 1
        y

    /// Whether oneDNN computes the weight gradient of a `followsOneDnn` convolution with x64:gemm:jit, the
    /// implementation reproduced by `oneDnnGradWeight32`: from 15 taps on (measured with DNNL_VERBOSE on an
    /// AVX-512 CPU); shorter kernels go to jit:avx512_core, whose order is not reproduced.
    let followsOneDnnGemmGradWeight (nb: int) (cin: int) (cout: int) (len: int) (k: int) (stride: int) (dilation: int) (groups: int) =
        followsOneDnn nb cin cout len k stride dilation groups && k >= 15

    /// oneDNN's weight gradient for `followsOneDnnGemmGradWeight` shapes (x64:gemm:jit): per batch element,
    /// im2col and a transposed gemv whose dot products (`gemvTDot`) are added to the gradient, element by element.
    let oneDnnGradWeight32 (gy: float32[], x: float32[], nb: int, len: int, k: int, padding: int) : float32[] =
        let lp = len + 2 * padding
        let lout = lp - k + 1
        let xp = padRows (x, nb, len, padding, 0)
        let r : float32[] = Array.zeroCreate k
        for b in 0 .. nb - 1 do
            for kk in 0 .. k - 1 do
                r.[kk] <- gemvTDot xp (b * lp + kk) gy (b * lout) lout (if b = 0 then 0.0f else r.[kk])
        r

    /// Whether PyTorch 1.13 hands a float32 conv1d to oneDNN (ConvParams::use_mkldnn on the (N, C, 1, L) view,
    /// one intra-op thread): a 1-tap kernel needs stride, dilation or a batch of 16; then groups, a batch of
    /// two or more than 20480 input values.
    let private usesOneDnn (nb: int) (cin: int) (len: int) (k: int) (stride: int) (dilation: int) (groups: int) =
        (stride > 1 || dilation > 1 || nb >= 16 || k <> 1) && (groups > 1 || nb > 1 || nb * cin * len > 20480)

    /// Ungrouped convolutions oneDNN runs as jit:avx512_core direct convolution (measured with ONEDNN_VERBOSE):
    /// at most 16 input channels (one channel block) and a kernel of 2 taps or more.
    let followsOneDnnDirect (nb: int) (cin: int) (len: int) (k: int) (stride: int) (dilation: int) (groups: int) =
        groups = 1 && cin <= 16 && k >= 2 && usesOneDnn nb cin len k stride dilation groups

    /// Grouped convolutions oneDNN runs as x64:gemm:jit (im2col and sgemm per group): 2 to 15 input and at most 15
    /// output channels per group (depthwise ones go to jit_dw, wider groups to blocked kernels).
    let followsOneDnnGrouped (nb: int) (cin: int) (cout: int) (len: int) (k: int) (stride: int) (dilation: int) (groups: int) =
        groups > 1 && cin / groups >= 2 && cin / groups <= 15 && cout / groups <= 15 && usesOneDnn nb cin len k stride dilation groups

    /// Input gradients oneDNN computes with the direct jit kernel, in `directGradInput32`'s order: up to 16 channels
    /// each way, 2 to 12 taps, not both strided and dilated, the kernel reaching past the padding.
    let followsOneDnnDirectGradInput (nb: int) (cin: int) (cout: int) (len: int) (k: int) (stride: int) (padding: int) (dilation: int) (groups: int) =
        followsOneDnnDirect nb cin len k stride dilation groups && cout <= 16 && k <= 12
        && not (stride > 1 && dilation > 1) && dilation * (k - 1) + 1 > padding

    /// Weight gradients oneDNN computes with a direct jit kernel (avx512_core or avx2), as `directGradWeight32`
    /// does: below 15 taps (from 15 on it is x64:gemm:jit, see `gemmGradWeight32`).
    let followsOneDnnDirectGradWeight (nb: int) (cin: int) (len: int) (k: int) (stride: int) (dilation: int) (groups: int) =
        groups = 1 && k >= 2 && k < 15 && usesOneDnn nb cin len k stride dilation groups

    /// Weight gradients oneDNN computes with x64:gemm:jit in `gemmGradWeight32`'s order: grouped convolutions of
    /// `followsOneDnnGrouped`, ungrouped ones from 15 taps on (at most 15 output channels).
    let followsOneDnnGemmGradWeightMulti (nb: int) (cin: int) (cout: int) (len: int) (k: int) (stride: int) (dilation: int) (groups: int) =
        followsOneDnnGrouped nb cin cout len k stride dilation groups
        || (groups = 1 && k >= 15 && cout <= 15 && usesOneDnn nb cin len k stride dilation groups)

    /// How PyTorch's oneDNN kernel sums a float32 bias gradient, as measured: 1 for one chain over the batch and
    /// the positions (the direct weight-gradient kernels), 2 for a sum per signal from zero added to the gradient
    /// (x64:gemm:jit, whose SIMD-reduction pragma privatises the sum per row), 0 where oneDNN is not followed.
    let oneDnnBiasGradOrder (nb: int) (cin: int) (cout: int) (len: int) (k: int) (stride: int) (dilation: int) (groups: int) =
        if followsOneDnnDirectGradWeight nb cin len k stride dilation groups then 1
        elif followsOneDnnGemmGradWeightMulti nb cin cout len k stride dilation groups
             || followsOneDnnGemmGradWeight nb cin cout len k stride dilation groups then 2
        else 0

    /// jit:avx512_core direct forward: every output is one chain of fused multiply-adds from zero, taps outer and
    /// input channels inner (taps in the padding add exact zeros, which leave the chain's value unchanged).
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let directForward32 (x: float32[], w: float32[], nb: int, cin: int, len: int, cout: int, k: int, lout: int,
                         stride: int, padding: int, dilation: int) : float32[] =
        let r : float32[] = Array.zeroCreate (nb * cout * lout)
        let vw = Vector256<float32>.Count
        let lp = len + 2 * padding
        let xp = if stride = 1 && dilation = 1 && X86.Fma.IsSupported then padRows (x, nb * cin, len, padding, 0) else [||]
        for b in 0 .. nb - 1 do
            for oc in 0 .. cout - 1 do
                let ro = (b * cout + oc) * lout
                let mutable ol = 0
                if xp.Length > 0 then
                    // Eight outputs per vector, each lane keeping the scalar chain's order.
                    while ol + vw <= lout do
                        let mutable acc = Vector256<float32>.Zero
                        for kk in 0 .. k - 1 do
                            for ic in 0 .. cin - 1 do
                                let xv = Vector256.Create<float32>(ReadOnlySpan<float32>(xp, (b * cin + ic) * lp + ol + kk, vw))
                                acc <- X86.Fma.MultiplyAdd(xv, Vector256.Create(w.[(oc * cin + ic) * k + kk]), acc)
                        acc.CopyTo(Span<float32>(r, ro + ol, vw))
                        ol <- ol + vw
                while ol < lout do
                    let mutable acc = 0.0f
                    for kk in 0 .. k - 1 do
                        let pos = ol * stride - padding + kk * dilation
                        if pos >= 0 && pos < len then
                            for ic in 0 .. cin - 1 do
                                acc <- MathF.FusedMultiplyAdd(x.[(b * cin + ic) * len + pos], w.[(oc * cin + ic) * k + kk], acc)
                    r.[ro + ol] <- acc
                    ol <- ol + 1
        r

    /// jit:avx512_core backward data: every input gradient is one chain of fused multiply-adds from zero over the
    /// taps (ascending) and, per tap, the output channels.
    let directGradInput32 (gy: float32[], w: float32[], nb: int, cin: int, len: int, cout: int, k: int, lout: int,
                           stride: int, padding: int, dilation: int) : float32[] =
        let r : float32[] = Array.zeroCreate (nb * cin * len)
        for b in 0 .. nb - 1 do
            for ic in 0 .. cin - 1 do
                for pos in 0 .. len - 1 do
                    let mutable acc = 0.0f
                    for kk in 0 .. k - 1 do
                        let t = pos + padding - kk * dilation
                        if t >= 0 && t % stride = 0 && t / stride < lout then
                            let ol = t / stride
                            for oc in 0 .. cout - 1 do
                                acc <- MathF.FusedMultiplyAdd(gy.[(b * cout + oc) * lout + ol], w.[(oc * cin + ic) * k + kk], acc)
                    r.[(b * cin + ic) * len + pos] <- acc
        r

    /// The direct kernels' weight gradient: every weight is one chain of fused multiply-adds from zero over the
    /// batch, then the output positions (positions in the padding add exact zeros).
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let directGradWeight32 (gy: float32[], x: float32[], nb: int, cin: int, len: int, cout: int, k: int, lout: int,
                            stride: int, padding: int, dilation: int) : float32[] =
        let r : float32[] = Array.zeroCreate (cout * cin * k)
        let vw = Vector256<float32>.Count
        if stride = 1 && dilation = 1 && X86.Fma.IsSupported then
            // Eight taps per vector, each lane one weight's chain.
            let lp = len + 2 * padding
            let xp = padRows (x, nb * cin, len, padding, vw)
            let tmp : float32[] = Array.zeroCreate vw
            for oc in 0 .. cout - 1 do
                for ic in 0 .. cin - 1 do
                    let rb = (oc * cin + ic) * k
                    let mutable kk0 = 0
                    while kk0 < k do
                        let mutable acc = Vector256<float32>.Zero
                        for b in 0 .. nb - 1 do
                            let gb = (b * cout + oc) * lout
                            let xb = (b * cin + ic) * lp + kk0
                            for ol in 0 .. lout - 1 do
                                acc <- X86.Fma.MultiplyAdd(Vector256.Create(gy.[gb + ol]), Vector256.Create<float32>(ReadOnlySpan<float32>(xp, xb + ol, vw)), acc)
                        acc.CopyTo(Span<float32>(tmp, 0, vw))
                        Array.Copy(tmp, 0, r, rb + kk0, min vw (k - kk0))
                        kk0 <- kk0 + vw
        else
            for oc in 0 .. cout - 1 do
                for ic in 0 .. cin - 1 do
                    for kk in 0 .. k - 1 do
                        let mutable acc = 0.0f
                        for b in 0 .. nb - 1 do
                            let gb = (b * cout + oc) * lout
                            let xb = (b * cin + ic) * len
                            for ol in 0 .. lout - 1 do
                                let pos = ol * stride - padding + kk * dilation
                                if pos >= 0 && pos < len then acc <- MathF.FusedMultiplyAdd(gy.[gb + ol], x.[xb + pos], acc)
                        r.[(oc * cin + ic) * k + kk] <- acc
        r

    /// x64:gemm:jit forward per group: the sgemm chains its fused multiply-adds over the im2col rows, input
    /// channel outer and tap inner.
    let gemmForward32 (x: float32[], w: float32[], nb: int, cin: int, len: int, cout: int, cpg: int, k: int, lout: int,
                       stride: int, padding: int, dilation: int, groups: int) : float32[] =
        let opg = cout / groups
        let r : float32[] = Array.zeroCreate (nb * cout * lout)
        for b in 0 .. nb - 1 do
            for oc in 0 .. cout - 1 do
                let g = oc / opg
                for ol in 0 .. lout - 1 do
                    let mutable acc = 0.0f
                    for ic in 0 .. cpg - 1 do
                        let xb = (b * cin + g * cpg + ic) * len
                        for kk in 0 .. k - 1 do
                            let pos = ol * stride - padding + kk * dilation
                            if pos >= 0 && pos < len then acc <- MathF.FusedMultiplyAdd(w.[(oc * cpg + ic) * k + kk], x.[xb + pos], acc)
                    r.[(b * cout + oc) * lout + ol] <- acc
        r

    /// x64:gemm:jit backward data per group: an sgemm gives each im2col cell a chain of fused multiply-adds over
    /// the group's output channels, then col2im adds the cells into the input gradient, tap by tap.
    let gemmGradInput32 (gy: float32[], w: float32[], nb: int, cin: int, len: int, cout: int, cpg: int, k: int, lout: int,
                         stride: int, padding: int, dilation: int, groups: int) : float32[] =
        let opg = cout / groups
        let r : float32[] = Array.zeroCreate (nb * cin * len)
        for b in 0 .. nb - 1 do
            for g in 0 .. groups - 1 do
                for ic in 0 .. cpg - 1 do
                    let rb = (b * cin + g * cpg + ic) * len
                    for kk in 0 .. k - 1 do
                        for ol in 0 .. lout - 1 do
                            let pos = ol * stride - padding + kk * dilation
                            if pos >= 0 && pos < len then
                                let mutable t = 0.0f
                                for oc in g * opg .. (g + 1) * opg - 1 do
                                    t <- MathF.FusedMultiplyAdd(w.[(oc * cpg + ic) * k + kk], gy.[(b * cout + oc) * lout + ol], t)
                                r.[rb + pos] <- r.[rb + pos] + t
        r

    /// The dot product oneDNN's jit_avx512_core_gemm_smalln_tn_f32 kernel forms (2 to 15 gemm columns, A
    /// transposed): 16 lanes of fused multiply-adds (lane l takes the terms p ≡ l mod 16), then the lanes fold
    /// as ((l0 + l8) + (l4 + l12)) for each of l0..l3, and those four as (s0 + s2) + (s1 + s3).
    let private smallnDot (a: float32[]) (x: float32[]) (xi: int) (n: int) =
        let lanes : float32[] = Array.zeroCreate 16
        for p in 0 .. n - 1 do
            let l = p &&& 15
            lanes.[l] <- MathF.FusedMultiplyAdd(a.[p], x.[xi + p], lanes.[l])
        let s j = (lanes.[j] + lanes.[j + 8]) + (lanes.[j + 4] + lanes.[j + 12])
        (s 0 + s 2) + (s 1 + s 3)

    /// x64:gemm:jit weight gradient: per batch element and group, im2col and an sgemm over the output positions
    /// (gemv_t for one output channel per group, the smalln_tn kernel for 2 to 15), added to the gradient.
    let gemmGradWeight32 (gy: float32[], x: float32[], nb: int, cin: int, len: int, cout: int, cpg: int, k: int, lout: int,
                          stride: int, padding: int, dilation: int, groups: int) : float32[] =
        let opg = cout / groups
        let r : float32[] = Array.zeroCreate (cout * cpg * k)
        let col : float32[] = Array.zeroCreate lout
        for b in 0 .. nb - 1 do
            for oc in 0 .. cout - 1 do
                let g = oc / opg
                for ic in 0 .. cpg - 1 do
                    let xb = (b * cin + g * cpg + ic) * len
                    for kk in 0 .. k - 1 do
                        for ol in 0 .. lout - 1 do
                            let pos = ol * stride - padding + kk * dilation
                            col.[ol] <- if pos >= 0 && pos < len then x.[xb + pos] else 0.0f
                        let p = (oc * cpg + ic) * k + kk
                        let gi = (b * cout + oc) * lout
                        r.[p] <-
                            if opg = 1 then gemvTDot col 0 gy gi lout (if b = 0 then 0.0f else r.[p])
                            else
                                let d = smallnDot col gy gi lout
                                if b = 0 then d else d + r.[p]
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
