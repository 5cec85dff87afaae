namespace Fluxion

open System

/// Shape algebra on `int[]` shapes (row-major, contiguous).
module Shape =
    /// The most elements one tensor holds: its storage is a single .NET array, indexed by `int`.
    [<Literal>]
    let MaxNumel = 2147483647

    /// Shape as PyTorch writes a tuple: `(100, 3)`, `(5,)`, `()`.
    let toString (s: int[]) =
        match s.Length with
        | 0 -> "()"
        | 1 -> sprintf "(%d,)" s.[0]
        | _ -> "(" + String.Join(", ", s) + ")"

    /// The element count of `s`, or a ShapeException naming `op` for a negative size or a count past MaxNumel.
    let validate (op: string) (s: int[]) : int =
        if isNull s then raise (ArgumentNullException("shape", sprintf "%s: the shape is null; pass an int array such as [| 2; 3 |] ([||] for a 0-dim tensor)" op))
        let mutable n = 1L
        let mutable huge = false
        for d in s do
            if d < 0 then
                raise (ShapeException(sprintf "%s: Trying to create tensor with negative dimension %d: [%s]" op d (String.Join(", ", s))))
            // Once past MaxNumel the exact count only matters for the message, so finish it in BigInteger.
            if not huge then
                n <- n * int64 d
                if n > int64 MaxNumel then huge <- true
        if huge then
            let exact = s |> Array.fold (fun (acc: Numerics.BigInteger) d -> acc * Numerics.BigInteger d) Numerics.BigInteger.One
            if not exact.IsZero then
                raise (ShapeException(sprintf "%s: shape %s has %s elements; a tensor holds at most %d" op (toString s) (exact.ToString()) MaxNumel))
            0
        else int n

    /// Number of elements of a shape (1 for a 0-dim tensor); a ShapeException for a shape no tensor can have.
    let numel (s: int[]) = validate "tensor" s

    /// Structural equality of two shapes.
    let equal (a: int[]) (b: int[]) =
        if obj.ReferenceEquals(a, b) then true
        elif a.Length <> b.Length then false
        else
            let mutable eq = true
            let mutable i = 0
            while eq && i < a.Length do
                if a.[i] <> b.[i] then eq <- false
                i <- i + 1
            eq

    /// Row-major strides of a contiguous shape.
    let strides (s: int[]) =
        let st = Array.zeroCreate s.Length
        let mutable acc = 1
        // A while loop: a downward range with a step allocates an enumerator.
        let mutable i = s.Length - 1
        while i >= 0 do
            st.[i] <- acc
            acc <- acc * s.[i]
            i <- i - 1
        st

    /// True when `strides` lay `s` out row-major without gaps (sizes 0 and 1 place no constraint, as in PyTorch).
    let isContiguous (s: int[]) (strides: int[]) =
        let mutable expected = 1
        let mutable ok = true
        let mutable empty = false
        for d in s do if d = 0 then empty <- true
        if not empty then
            // A while loop: a downward range with a step allocates an enumerator.
            let mutable i = s.Length - 1
            while i >= 0 do
                if s.[i] <> 1 then
                    if strides.[i] <> expected then ok <- false
                    expected <- expected * s.[i]
                i <- i - 1
        ok

    /// Strides that view a tensor of shape `s` and strides `st` as `target` without copying (PyTorch's
    /// computeStride), or null when some target dimension would span two non-contiguous subspaces.
    let viewStrides (s: int[]) (st: int[]) (target: int[]) : int[] =
        let numel = s |> Array.fold (fun a d -> a * int64 d) 1L
        let newSt = Array.zeroCreate target.Length
        if s.Length = 0 then
            // A 0-dim tensor's one element: every target dimension has size 1, any stride addresses it.
            Array.create target.Length 1
        elif numel = 0L then
            // Any strides address an empty tensor; give the contiguous ones.
            let mutable acc = 1
            // A while loop: a downward range with a step allocates an enumerator.
            let mutable i = target.Length - 1
            while i >= 0 do
                newSt.[i] <- acc
                acc <- acc * max target.[i] 1
                i <- i - 1
            newSt
        else
            let mutable viewD = target.Length - 1
            let mutable chunkBase = if st.Length = 0 then 1 else st.[st.Length - 1]
            let mutable tensorNumel = 1L
            let mutable viewNumel = 1L
            let mutable ok = true
            let mutable tensorD = s.Length - 1
            while ok && tensorD >= 0 do
                tensorNumel <- tensorNumel * int64 s.[tensorD]
                if tensorD = 0 || (s.[tensorD - 1] <> 1 && st.[tensorD - 1] <> int (tensorNumel * int64 chunkBase)) then
                    while viewD >= 0 && (viewNumel < tensorNumel || target.[viewD] = 1) do
                        newSt.[viewD] <- int (viewNumel * int64 chunkBase)
                        viewNumel <- viewNumel * int64 target.[viewD]
                        viewD <- viewD - 1
                    if viewNumel <> tensorNumel then ok <- false
                    if tensorD > 0 then
                        chunkBase <- st.[tensorD - 1]
                        tensorNumel <- 1L
                        viewNumel <- 1L
                tensorD <- tensorD - 1
            if ok && viewD <> -1 then ok <- false
            if ok then newSt else null

    /// The broadcast shape of two shapes under NumPy/PyTorch rules, or an error naming the op.
    let broadcast (op: string) (a: int[]) (b: int[]) =
        if equal a b then a
        else
            let n = max a.Length b.Length
            let r = Array.zeroCreate n
            for i in 0 .. n - 1 do
                let da = if i < n - a.Length then 1 else a.[i - (n - a.Length)]
                let db = if i < n - b.Length then 1 else b.[i - (n - b.Length)]
                if da = db || db = 1 then r.[i] <- da
                elif da = 1 then r.[i] <- db
                else
                    raise (ShapeException(sprintf "%s: shapes %s and %s cannot be broadcast: size %d and size %d differ at dimension %d (sizes must match or one must be 1)" op (toString a) (toString b) da db i))
            r

    /// True when shape `a` can be broadcast to shape `target`.
    let canExpand (a: int[]) (target: int[]) =
        if a.Length > target.Length then false
        else
            let off = target.Length - a.Length
            let mutable ok = true
            for i in 0 .. a.Length - 1 do
                if a.[i] <> 1 && a.[i] <> target.[off + i] then ok <- false
            ok

    /// Normalises a possibly negative dimension index for a tensor of `ndim` dimensions.
    let normDim (op: string) (ndim: int) (dim: int) =
        let n = max ndim 1
        let d = if dim < 0 then dim + n else dim
        if d < 0 || d >= n then
            raise (ShapeException(sprintf "%s: dimension %d is out of range for a tensor with %d dimension(s) (expected %d..%d)" op dim ndim (-n) (n - 1)))
        d

    /// Resolves a reshape target with at most one -1 entry against a number of elements.
    let resolveReshape (op: string) (from: int[]) (target: int[]) =
        let n = numel from
        // int64 so that sizes whose int product wraps around (65536 * 65536 = 0) cannot pass for a valid target.
        let mutable known = 1L
        let mutable inferred = -1
        for i in 0 .. target.Length - 1 do
            if target.[i] = -1 then
                if inferred >= 0 then raise (ShapeException(sprintf "%s: only one dimension can be inferred, got %s" op (toString target)))
                inferred <- i
            elif target.[i] < 0 then raise (ShapeException(sprintf "%s: invalid shape dimension %d in %s" op target.[i] (toString target)))
            else known <- min (known * int64 target.[i]) (int64 MaxNumel + 1L)
        let r = Array.copy target
        if inferred >= 0 then
            if known = 0L || int64 n % known <> 0L then
                raise (ShapeException(sprintf "%s: shape %s is invalid for input of size %d (shape %s)" op (toString target) n (toString from)))
            r.[inferred] <- int (int64 n / known)
        elif known <> int64 n then
            raise (ShapeException(sprintf "%s: shape %s is invalid for input of size %d (shape %s)" op (toString target) n (toString from)))
        r

/// A tensor's shape as PyTorch shows it (`torch.Size([100, 2])`); an indexable, read-only list of sizes.
[<Sealed>]
type Size(dims: int[]) =
    /// The size of dimension i.
    member _.Item with get (i: int) = dims.[if i < 0 then i + dims.Length else i]
    /// Number of dimensions.
    member _.Count = dims.Length
    /// The sizes as a new array.
    member _.ToArray() = Array.copy dims
    /// Number of elements (product of the sizes).
    member _.Numel = Shape.numel dims
    /// `torch.Size([100, 2])`.
    override _.ToString() = Fluxion.Printing.TensorFormat.formatSize dims
    override _.Equals(o) =
        match o with
        | :? Size as s -> Shape.equal dims (s.ToArray())
        | _ -> false
    override _.GetHashCode() = dims |> Array.fold (fun h d -> h * 31 + d) 17
    interface System.Collections.Generic.IReadOnlyList<int> with
        member _.Item with get (i) = dims.[i]
        member _.Count = dims.Length
        member _.GetEnumerator() : System.Collections.Generic.IEnumerator<int> = (Seq.ofArray dims).GetEnumerator()
        member _.GetEnumerator() : System.Collections.IEnumerator = dims.GetEnumerator()
