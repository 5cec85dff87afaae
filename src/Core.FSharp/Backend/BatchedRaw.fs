namespace Fluxion.Backend

open System
open System.Numerics.Tensors
open Fluxion

/// A stack of tensors of one logical shape held as one physical tensor with a leading batch dimension (functorch's
/// BatchedTensor, at the raw level): every kernel runs once over the whole stack. Autodiff sees only the logical
/// shape, so the derivative rules, written for one tensor, run unchanged on a batch of tangents (the batched
/// Hessian pushes all n columns through one forward-over-reverse sweep). The physical batch is either the full
/// batch or 1 (a plain tensor lifted to meet a batched one, broadcast along the batch). A kernel without a batch
/// rule, and every read of the data as one tensor, raises NotSupportedException, so a caller can fall back to one
/// tensor at a time; a batched tensor never passes for a plain one.
[<Sealed>]
type internal BatchedRaw(phys: RawTensor, logical: int[]) =
    inherit RawTensor(logical)

    /// The physical tensor, shape [batch or 1] ++ the logical shape.
    member _.Physical = phys
    /// The physical batch size (1 for a lifted plain tensor).
    member _.PhysBatch = phys.Shape.[0]

    /// Wraps a physical result (its first dimension is the batch).
    static member Wrap(p: RawTensor) : RawTensor = BatchedRaw(p, p.Shape.[1..]) :> RawTensor

    /// True when a raw tensor is batched.
    static member inline Is(r: RawTensor) = r :? BatchedRaw

    /// A raw tensor as a batched one: itself, or a plain tensor with a physical batch of 1.
    static member Lift(r: RawTensor) : BatchedRaw =
        match r with
        | :? BatchedRaw as b -> b
        | _ -> BatchedRaw(r.Reshape(Array.append [| 1 |] r.Shape), r.Shape)

    /// The physical tensor with size-1 dimensions inserted after the batch so that the logical rank is `rank`
    /// (broadcasting aligns trailing dimensions; the batch must stay in front).
    member _.Padded(rank: int) : RawTensor =
        let r = logical.Length
        if r >= rank then phys
        else phys.Reshape(Array.concat [ [| phys.Shape.[0] |]; Array.create (rank - r) 1; logical ])

    /// The physical tensor broadcast to a physical batch of `batch` (materialised by the backend's Expand).
    member _.WithBatch(batch: int) : RawTensor =
        if phys.Shape.[0] = batch then phys else phys.Expand(Array.append [| batch |] logical)

    static member private Unsupported(what: string) : 'T =
        raise (NotSupportedException(sprintf "batched tangents: %s has no batch rule (differentiate one column at a time)" what))

    /// Runs an elementwise kernel over two operands, batch against batch (or 1), logical shapes broadcast.
    static member private Pair(a: RawTensor, b: RawTensor, kernel: RawTensor * RawTensor -> RawTensor) : RawTensor =
        let la = BatchedRaw.Lift a
        let lb = BatchedRaw.Lift b
        let rank = max a.Shape.Length b.Shape.Length
        BatchedRaw.Wrap(kernel (la.Padded rank, lb.Padded rank))

    static member private Kernel(k: BinaryKind, x: float[], xo: int, y: float[], yo: int, r: float[], ro: int, m: int) =
        let u = ReadOnlySpan<float>(x, xo, m)
        let v = ReadOnlySpan<float>(y, yo, m)
        let d = Span<float>(r, ro, m)
        match k with
        | BinaryKind.Add -> TensorPrimitives.Add(u, v, d)
        | BinaryKind.Sub -> TensorPrimitives.Subtract(u, v, d)
        | BinaryKind.Mul -> TensorPrimitives.Multiply(u, v, d)
        | _ -> TensorPrimitives.Divide(u, v, d)

    /// + − × ÷ on managed float64 storage, vectorised, when one operand's physical elements are the other's or
    /// repeat along its leading dims (a batch against one value); null otherwise. IEEE arithmetic rounds each
    /// element alike however it is vectorised, so the bits are the scalar kernel's.
    static member private Arith(k: BinaryKind, a: RawTensor, b: RawTensor) : RawTensor =
        let pa = (BatchedRaw.Lift a).Physical
        let pb = (BatchedRaw.Lift b).Physical
        match pa, pb with
        | (:? RawFloat<float> as fa), (:? RawFloat<float> as fb) ->
            let x = fa.Data
            let y = fb.Data
            let rank = max a.Shape.Length b.Shape.Length
            let la = BatchedRaw.Lift a
            let lb = BatchedRaw.Lift b
            let sa = (la.Padded rank).Shape
            let sb = (lb.Padded rank).Shape
            let outShape = Shape.broadcast "binary" sa sb
            let n = Shape.numel outShape
            if x.Length = n && y.Length = n then
                let r = SweepBuffers.OutUninitialized<float> n
                BatchedRaw.Kernel(k, x, 0, y, 0, r, 0, n)
                BatchedRaw.Wrap(RawFloat<float>(r, outShape))
            elif x.Length = n && y.Length >= 8 && n % y.Length = 0 && Loops.isTrailing sb outShape then
                let r = SweepBuffers.OutUninitialized<float> n
                let m = y.Length
                for o in 0 .. m .. n - 1 do BatchedRaw.Kernel(k, x, o, y, 0, r, o, m)
                BatchedRaw.Wrap(RawFloat<float>(r, outShape))
            elif y.Length = n && x.Length >= 8 && n % x.Length = 0 && Loops.isTrailing sa outShape then
                let r = SweepBuffers.OutUninitialized<float> n
                let m = x.Length
                for o in 0 .. m .. n - 1 do BatchedRaw.Kernel(k, x, 0, y, o, r, o, m)
                BatchedRaw.Wrap(RawFloat<float>(r, outShape))
            else Unchecked.defaultof<RawTensor>
        | _ -> Unchecked.defaultof<RawTensor>

    static member private Shift(dims: int[]) = dims |> Array.map (fun d -> d + 1)

    override _.Dtype = phys.Dtype
    override _.Backend = phys.Backend
    override _.ReplayTarget = phys
    override _.UnaryImpl k = BatchedRaw.Wrap(phys.Unary k)
    override t.BinaryImpl(k, o) =
        let fast =
            if k = BinaryKind.Add || k = BinaryKind.Sub || k = BinaryKind.Mul || k = BinaryKind.Div then
                BatchedRaw.Arith(k, t, o)
            else Unchecked.defaultof<RawTensor>
        if isNull (box fast) then BatchedRaw.Pair(t, o, fun (a, b) -> a.Binary(k, b)) else fast
    override _.BinaryScalarImpl(k, s, first) = BatchedRaw.Wrap(phys.BinaryScalar(k, s, first))
    override t.CompareImpl(k, o) = BatchedRaw.Pair(t, o, fun (a, b) -> a.Compare(k, b))
    override _.CompareScalarImpl(k, s) = BatchedRaw.Wrap(phys.CompareScalar(k, s))
    override t.WhereImpl(cond, other) =
        let rank = max t.Shape.Length (max cond.Shape.Length other.Shape.Length)
        let lc = BatchedRaw.Lift cond
        let lo = BatchedRaw.Lift other
        BatchedRaw.Wrap((t.Padded rank).Where(lc.Padded rank, lo.Padded rank))
    override _.UnaryParamImpl(k, p) = BatchedRaw.Wrap(phys.UnaryParam(k, p))
    override _.ClampImpl(lo, hi) = BatchedRaw.Wrap(phys.Clamp(lo, hi))
    override t.SumAllImpl() =
        // Each row is one contiguous sum, the order SumAll takes for a single tensor.
        let b = phys.Shape.[0]
        if logical.Length = 0 then t :> RawTensor
        else BatchedRaw.Wrap(phys.Reshape([| b; t.Numel |]).SumDims([| 1 |], false))
    override _.SumDimsImpl(dims, keepDim) = BatchedRaw.Wrap(phys.SumDims(BatchedRaw.Shift dims, keepDim))
    override _.ExtremeDimImpl(dim, keepDim, isMax) =
        let struct (v, i) = phys.ExtremeDim(dim + 1, keepDim, isMax)
        struct (BatchedRaw.Wrap v, BatchedRaw.Wrap i)
    override _.ExtremeAllImpl _ = BatchedRaw.Unsupported "max/min over all elements"
    override t.MatMulImpl(o, ta, tb) =
        // One product per batch item (a 3-D product batch), so each item takes the kernel a single product takes.
        let lo = BatchedRaw.Lift o
        let batch = max t.PhysBatch lo.PhysBatch
        let a = t.WithBatch batch
        let b = lo.WithBatch batch
        if logical.Length = 2 && o.Shape.Length = 2 then BatchedRaw.Wrap(a.MatMul(b, ta, tb))
        elif logical.Length = 3 && o.Shape.Length = 3 then
            let inner = logical.[0]
            let fold (p: RawTensor) = p.Reshape(Array.append [| batch * inner |] p.Shape.[2..])
            let r = (fold a).MatMul(fold b, ta, tb)
            BatchedRaw.Wrap(r.Reshape(Array.append [| batch; inner |] r.Shape.[1..]))
        else BatchedRaw.Unsupported "this matrix product"
    override _.ReshapeImpl s = BatchedRaw.Wrap(phys.Reshape(Array.append [| phys.Shape.[0] |] s))
    override _.PermuteImpl perm = BatchedRaw.Wrap(phys.Permute(Array.append [| 0 |] (BatchedRaw.Shift perm)))
    override t.ExpandImpl s = BatchedRaw.Wrap((t.Padded s.Length).Expand(Array.append [| phys.Shape.[0] |] s))
    override _.SliceImpl(starts, lengths, steps) =
        BatchedRaw.Wrap(phys.Slice(Array.append [| 0 |] starts, Array.append [| phys.Shape.[0] |] lengths, Array.append [| 1 |] steps))
    override _.SliceScatterImpl(fullShape, starts, steps) =
        BatchedRaw.Wrap(phys.SliceScatter(Array.append [| phys.Shape.[0] |] fullShape, Array.append [| 0 |] starts, Array.append [| 1 |] steps))
    override t.CatImpl(others, dim) =
        let all = Array.append [| t :> RawTensor |] others |> Array.map BatchedRaw.Lift
        let batch = all |> Array.map (fun b -> b.PhysBatch) |> Array.max
        let ps = all |> Array.map (fun b -> b.WithBatch batch)
        BatchedRaw.Wrap(ps.[0].Cat(ps.[1..], dim + 1))
    override t.GatherImpl(dim, index) =
        let li = BatchedRaw.Lift index
        let batch = max t.PhysBatch li.PhysBatch
        BatchedRaw.Wrap((t.WithBatch batch).Gather(dim + 1, li.WithBatch batch))
    override t.ScatterAddIntoImpl(shape, dim, index) =
        let li = BatchedRaw.Lift index
        let batch = max t.PhysBatch li.PhysBatch
        BatchedRaw.Wrap((t.WithBatch batch).ScatterAddInto(Array.append [| batch |] shape, dim + 1, li.WithBatch batch))
    override _.FlipImpl dims = BatchedRaw.Wrap(phys.Flip(BatchedRaw.Shift dims))
    override _.Conv1dImpl(_, _, _, _, _) = BatchedRaw.Unsupported "conv1d"
    override _.Conv1dGradInputImpl(_, _, _, _, _, _) = BatchedRaw.Unsupported "conv1d"
    override _.Conv1dGradWeightImpl(_, _, _, _, _, _) = BatchedRaw.Unsupported "conv1d"
    override _.MaxPool1dImpl(_, _, _, _) = BatchedRaw.Unsupported "max_pool1d"
    override _.AvgPool1dImpl(_, _, _) = BatchedRaw.Unsupported "avg_pool1d"
    override _.AvgPool1dGradImpl(_, _, _, _) = BatchedRaw.Unsupported "avg_pool1d"
    override _.CastImpl d = BatchedRaw.Wrap(phys.Cast d)
    override _.CloneImpl() = BatchedRaw.Wrap(phys.Clone())
    override _.GetDoubleImpl _ = BatchedRaw.Unsupported "reading one element"
    override _.ToDoubleArrayImpl() = BatchedRaw.Unsupported "reading the elements"
    override _.ToFloat32ArrayImpl() = BatchedRaw.Unsupported "reading the elements"
    override _.ToInt64ArrayImpl() = BatchedRaw.Unsupported "reading the elements"
    override _.ToBoolArrayImpl() = BatchedRaw.Unsupported "reading the elements"
    override _.AddInPlaceImpl(_, _) = BatchedRaw.Unsupported "an in-place update"
    override _.CopyFromImpl _ = BatchedRaw.Unsupported "an in-place update"
    override _.FillInPlaceImpl _ = BatchedRaw.Unsupported "an in-place update"
    override t.ReluGradImpl grad =
        let lg = BatchedRaw.Lift grad
        let batch = max t.PhysBatch lg.PhysBatch
        let rank = max logical.Length grad.Shape.Length
        if rank <> logical.Length || rank <> grad.Shape.Length then BatchedRaw.Unsupported "relu's adjoint with broadcasting"
        else BatchedRaw.Wrap((t.WithBatch batch).ReluGrad(lg.WithBatch batch))
    // No strided views: the autodiff layer then asks for the Expand, Slice, Permute and Reshape kernels above.
    override _.AsStridedView(_, _, _) = Unchecked.defaultof<RawTensor>
