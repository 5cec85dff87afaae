namespace Fluxion.Backend

open Fluxion

/// Generic loops shared by the managed kernels: broadcasting, strided copies, index walks.
module internal Loops =
    /// Strides of `src` seen from `out` (0 along broadcast dimensions).
    let broadcastStrides (src: int[]) (out: int[]) =
        let st = Array.zeroCreate out.Length
        let off = out.Length - src.Length
        let mutable acc = 1
        // A while loop: a downward range with a step allocates an enumerator.
        let mutable i = src.Length - 1
        while i >= 0 do
            st.[i + off] <- (if src.[i] = 1 then 0 else acc)
            acc <- acc * src.[i]
            i <- i - 1
        st

    /// Calls `body outIndex srcOffset` for every element of `outShape` in row-major order,
    /// where the source offset walks with the given strides from `start`.
    let inline walk (outShape: int[]) (strides: int[]) (start: int) ([<InlineIfLambda>] body: int -> int -> unit) =
        let n = Shape.numel outShape
        let nd = outShape.Length
        if n > 0 then
            if nd = 0 then body 0 start
            else
                let idx = Array.zeroCreate nd
                let inner = outShape.[nd - 1]
                let si = strides.[nd - 1]
                let mutable p = start
                let mutable o = 0
                while o < n do
                    let mutable q = p
                    for j in 0 .. inner - 1 do
                        body (o + j) q
                        q <- q + si
                    o <- o + inner
                    let mutable d = nd - 2
                    let mutable carry = true
                    while carry && d >= 0 do
                        idx.[d] <- idx.[d] + 1
                        p <- p + strides.[d]
                        if idx.[d] = outShape.[d] then
                            p <- p - strides.[d] * outShape.[d]
                            idx.[d] <- 0
                            d <- d - 1
                        else carry <- false

    /// Like `walk` with two sources.
    let inline walk2 (outShape: int[]) (sa: int[]) (sb: int[]) ([<InlineIfLambda>] body: int -> int -> int -> unit) =
        let n = Shape.numel outShape
        let nd = outShape.Length
        if n > 0 then
            if nd = 0 then body 0 0 0
            else
                let idx = Array.zeroCreate nd
                let inner = outShape.[nd - 1]
                let ia = sa.[nd - 1]
                let ib = sb.[nd - 1]
                let mutable pa = 0
                let mutable pb = 0
                let mutable o = 0
                while o < n do
                    let mutable qa = pa
                    let mutable qb = pb
                    for j in 0 .. inner - 1 do
                        body (o + j) qa qb
                        qa <- qa + ia
                        qb <- qb + ib
                    o <- o + inner
                    let mutable d = nd - 2
                    let mutable carry = true
                    while carry && d >= 0 do
                        idx.[d] <- idx.[d] + 1
                        pa <- pa + sa.[d]
                        pb <- pb + sb.[d]
                        if idx.[d] = outShape.[d] then
                            pa <- pa - sa.[d] * outShape.[d]
                            pb <- pb - sb.[d] * outShape.[d]
                            idx.[d] <- 0
                            d <- d - 1
                        else carry <- false

    /// Elementwise map. (Outputs here are written whole, so a replay's target is not cleared first.)
    let inline map ([<InlineIfLambda>] f: 'A -> 'R) (a: 'A[]) : 'R[] =
        let r = SweepBuffers.OutUninitialized<'R> a.Length
        for i in 0 .. a.Length - 1 do r.[i] <- f a.[i]
        r

    /// Elementwise binary map with broadcasting to `outShape`.
    /// True when `shape`, without its leading size-1 dims, equals the trailing dims of `outShape` (its elements
    /// repeat contiguously along outShape's leading dims).
    let isTrailing (shape: int[]) (outShape: int[]) =
        let mutable lead = 0
        while lead < shape.Length && shape.[lead] = 1 do lead <- lead + 1
        let k = shape.Length - lead
        if k > outShape.Length then false
        else
            let mutable ok = true
            for i in 0 .. k - 1 do
                if shape.[lead + i] <> outShape.[outShape.Length - k + i] then ok <- false
            ok

    let inline zip ([<InlineIfLambda>] f: 'A -> 'B -> 'R) (a: 'A[]) (ash: int[]) (b: 'B[]) (bsh: int[]) (outShape: int[]) : 'R[] =
        let n = Shape.numel outShape
        let r = SweepBuffers.OutUninitialized<'R> n
        if a.Length = n && b.Length = n then
            for i in 0 .. n - 1 do r.[i] <- f a.[i] b.[i]
        elif a.Length = n && b.Length = 1 then
            let bv = b.[0]
            for i in 0 .. n - 1 do r.[i] <- f a.[i] bv
        elif b.Length = n && a.Length = 1 then
            let av = a.[0]
            for i in 0 .. n - 1 do r.[i] <- f av b.[i]
        elif a.Length = n && b.Length > 1 && isTrailing bsh outShape then
            // b repeats along the leading dims (a row against a matrix, a batch of tangents against one value).
            let m = b.Length
            let mutable o = 0
            while o < n do
                for j in 0 .. m - 1 do r.[o + j] <- f a.[o + j] b.[j]
                o <- o + m
        elif b.Length = n && a.Length > 1 && isTrailing ash outShape then
            let m = a.Length
            let mutable o = 0
            while o < n do
                for j in 0 .. m - 1 do r.[o + j] <- f a.[j] b.[o + j]
                o <- o + m
        else
            let sa = broadcastStrides ash outShape
            let sb = broadcastStrides bsh outShape
            walk2 outShape sa sb (fun o ia ib -> r.[o] <- f a.[ia] b.[ib])
        r

    /// Copies a strided view into a new contiguous array.
    let stridedCopy (src: 'T[]) (start: int) (strides: int[]) (outShape: int[]) : 'T[] =
        let r = SweepBuffers.OutUninitialized<'T> (Shape.numel outShape)
        walk outShape strides start (fun o p -> r.[o] <- src.[p])
        r

    /// Strides for a permutation of a contiguous shape.
    let permuteStrides (shape: int[]) (perm: int[]) =
        let st = Shape.strides shape
        Array.init perm.Length (fun i -> st.[perm.[i]])

    /// Output shape and input strides mapping for a reduction over `dims` (kept as size 1).
    let reducedShape (shape: int[]) (dims: int[]) =
        let r = Array.copy shape
        for d in dims do r.[d] <- 1
        r

    /// Removes the size-1 reduced dims when keepDim is false.
    let dropDims (shape: int[]) (dims: int[]) =
        // Counted, then filled: an array comprehension allocates an enumerator and a collector per call.
        let mutable n = 0
        for i in 0 .. shape.Length - 1 do
            if not (Array.contains i dims) then n <- n + 1
        let r = Array.zeroCreate n
        let mutable k = 0
        for i in 0 .. shape.Length - 1 do
            if not (Array.contains i dims) then
                r.[k] <- shape.[i]
                k <- k + 1
        r

    /// The product of shape.[lo .. hi - 1] (1 when empty), for sizes of an existing tensor (no slice copy).
    let sizeProduct (shape: int[]) (lo: int) (hi: int) =
        let mutable n = 1
        for i in lo .. hi - 1 do n <- n * shape.[i]
        n
