namespace Fluxion.Kernels

open System
open System.Numerics

/// 1-D pooling over the last dimension of (N, C, L) data, `rows` = N·C rows of length `len`, `lout` outputs each.
module internal Pool1d =
    /// Max pooling: values and the argmax position in L per output; NaN wins, and ties keep the first position.
    let maxPool<'T when 'T :> IFloatingPointIeee754<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>
            (data: 'T[], rows: int, len: int, lout: int, k: int, stride: int, padding: int, dilation: int) : 'T[] * int64[] =
        let r : 'T[] = Array.zeroCreate (rows * lout)
        let idx = Array.zeroCreate<int64> (rows * lout)
        for bc in 0 .. rows - 1 do
            for ol in 0 .. lout - 1 do
                let mutable best = 'T.NegativeInfinity
                let mutable bi = -1
                for kk in 0 .. k - 1 do
                    let pos = ol * stride - padding + kk * dilation
                    if pos >= 0 && pos < len then
                        let x = data.[bc * len + pos]
                        if bi < 0 || 'T.op_GreaterThan(x, best) || 'T.IsNaN x then
                            best <- x
                            bi <- pos
                r.[bc * lout + ol] <- best
                idx.[bc * lout + ol] <- int64 bi
        r, idx

    /// Average pooling; padding counts as zeros (PyTorch's count_include_pad default).
    let avgPool<'T when 'T :> IFloatingPointIeee754<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>
            (data: 'T[], rows: int, len: int, lout: int, k: int, stride: int, padding: int) : 'T[] =
        let r : 'T[] = Array.zeroCreate (rows * lout)
        let kv = 'T.CreateTruncating(float k)
        for bc in 0 .. rows - 1 do
            for ol in 0 .. lout - 1 do
                let mutable s : 'T = 'T.Zero
                for kk in 0 .. k - 1 do
                    let pos = ol * stride - padding + kk
                    if pos >= 0 && pos < len then s <- s + data.[bc * len + pos]
                r.[bc * lout + ol] <- s / kv
        r

    /// The adjoint of `avgPool`: `g` holds the (rows, lout) output gradient; the result is (rows, len).
    let avgPoolGrad<'T when 'T :> IFloatingPointIeee754<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>
            (g: 'T[], rows: int, len: int, lout: int, k: int, stride: int, padding: int) : 'T[] =
        let r : 'T[] = Array.zeroCreate (rows * len)
        let kv = 'T.CreateTruncating(float k)
        for bc in 0 .. rows - 1 do
            for ol in 0 .. lout - 1 do
                let gv : 'T = g.[bc * lout + ol] / kv
                for kk in 0 .. k - 1 do
                    let pos = ol * stride - padding + kk
                    if pos >= 0 && pos < len then r.[bc * len + pos] <- r.[bc * len + pos] + gv
        r
