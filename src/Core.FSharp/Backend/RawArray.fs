namespace Fluxion.Backend

open System
open System.Reflection
open Fluxion

/// Where storages compiled before `ManagedBackend` (RawBool, RawInt64, this base) find it: F# cannot name a type
/// from a later file, so the backend records itself here as its type initialises.
[<AbstractClass; Sealed>]
type internal ManagedHome =
    [<DefaultValue>] static val mutable private backend: IBackend
    /// The managed backend's single instance.
    static member Backend
        with get () : IBackend =
            if isNull (box ManagedHome.backend) then
                // A storage was built by its constructor before anything touched ManagedBackend: initialise it now.
                typeof<ManagedHome>.Assembly.GetType("Fluxion.Backend.ManagedBackend", true)
                    .GetProperty("Instance", BindingFlags.Public ||| BindingFlags.Static).GetValue(null) |> ignore
            ManagedHome.backend
        and set (v: IBackend) = ManagedHome.backend <- v

/// Data shared by every managed raw tensor: a contiguous array and its shape.
[<AbstractClass>]
type RawArray<'T>(data: 'T[], shape: int[]) =
    inherit RawTensor(shape)
    /// The storage (row-major). Mutating it mutates the tensor.
    member _.Data =
        CaptureState.CheckAccess "direct storage access"
        data
    /// The storage without the capture check, for metadata (identity, length) only.
    member internal _.Array = data
    /// A new tensor of the same concrete kind.
    abstract Make: 'T[] * int[] -> RawTensor

    /// The elements of `o` (this tensor's kind) as a contiguous row-major array: the storage itself for an
    /// array, a fresh copy for a strided view.
    member t.Arr(o: RawTensor) : 'T[] =
        match o with
        | :? RawArray<'T> as r -> r.Data
        | :? RawStrided<'T> as v -> v.DenseData()
        | _ when not (obj.ReferenceEquals(o.Backend, t.Backend)) ->
            // Mixing backends is the usual cause: say which two met, since the dtypes may well agree.
            raise (ArgumentException(sprintf "managed backend: expected a %s tensor on the %s backend, got a %s tensor on the %s backend; move one operand with Backends.toBackend or create both on the same backend" (Dtype.name t.Dtype) t.Backend.Name (Dtype.name o.Dtype) o.Backend.Name))
        | _ -> raise (ArgumentException(sprintf "managed backend: expected a %s tensor, got %s" (Dtype.name t.Dtype) (Dtype.name o.Dtype)))

    override t.Backend = ManagedHome.Backend
    override _.StorageKey = box data
    override _.StorageNumel = data.Length
    override t.StorageTensor() = if shape.Length = 1 then t :> RawTensor else t.Make(data, [| data.Length |])
    override t.AsStridedView(s, st, off) = RawStrided<'T>.Over(t, s, st, off)
    override t.ReshapeImpl(s) = t.Make(data, s)
    override t.PermuteImpl(perm) =
        let outShape = Array.map (fun p -> shape.[p]) perm
        t.Make(Loops.stridedCopy data 0 (Loops.permuteStrides shape perm) outShape, outShape)
    override t.ExpandImpl(target) =
        if Shape.equal target shape then t :> RawTensor
        else t.Make(Loops.stridedCopy data 0 (Loops.broadcastStrides shape target) target, target)
    override t.SliceImpl(starts, lengths, steps) =
        let st = Shape.strides shape
        let mutable start = 0
        for i in 0 .. shape.Length - 1 do start <- start + starts.[i] * st.[i]
        let strides = Array.init shape.Length (fun i -> st.[i] * steps.[i])
        t.Make(Loops.stridedCopy data start strides lengths, lengths)
    override t.CatImpl(others, dim) =
        let parts = Array.append [| t :> RawTensor |] others
        let outShape = Array.copy shape
        outShape.[dim] <- parts |> Array.sumBy (fun p -> p.Shape.[dim])
        let r = Array.zeroCreate (Shape.numel outShape)
        let outer = Shape.numel shape.[.. dim - 1]
        let innerOut = Shape.numel outShape.[dim ..]
        let mutable colOff = 0
        for p in parts do
            let pd = t.Arr p
            let innerP = Shape.numel p.Shape.[dim ..]
            for o in 0 .. outer - 1 do
                Array.blit pd (o * innerP) r (o * innerOut + colOff) innerP
            colOff <- colOff + innerP
        t.Make(r, outShape)
    override t.GatherImpl(dim, index) =
        let idx = index.ToInt64Array()
        let outShape = index.Shape
        let r = Array.zeroCreate idx.Length
        let st = Shape.strides shape
        let ost = Shape.strides outShape
        for o in 0 .. idx.Length - 1 do
            let mutable rem = o
            let mutable p = 0
            for d in 0 .. outShape.Length - 1 do
                let c = rem / ost.[d]
                rem <- rem % ost.[d]
                let c' = if d = dim then int idx.[o] else c
                if c' < 0 || c' >= shape.[d] then
                    raise (ArgumentOutOfRangeException("index", sprintf "gather: index %d is out of bounds for dimension %d with size %d" c' d shape.[d]))
                p <- p + c' * st.[d]
            r.[o] <- data.[p]
        t.Make(r, outShape)
    override t.FlipImpl(dims) =
        let st = Shape.strides shape
        let mutable start = 0
        let strides = Array.copy st
        for d in dims do
            start <- start + (shape.[d] - 1) * st.[d]
            strides.[d] <- -st.[d]
        t.Make(Loops.stridedCopy data start strides shape, shape)
    override t.WhereImpl(cond, other) =
        let c =
            match cond with
            | :? RawArray<bool> as b -> b.Data
            | _ -> cond.ToBoolArray()
        let o = t.Arr other
        let outShape = Shape.broadcast "where" (Shape.broadcast "where" cond.Shape shape) other.Shape
        let a = Loops.stridedCopy data 0 (Loops.broadcastStrides shape outShape) outShape
        let cc = Loops.stridedCopy c 0 (Loops.broadcastStrides cond.Shape outShape) outShape
        let oo = Loops.stridedCopy o 0 (Loops.broadcastStrides other.Shape outShape) outShape
        for i in 0 .. a.Length - 1 do
            if not cc.[i] then a.[i] <- oo.[i]
        t.Make(a, outShape)
    override t.CloneImpl() = t.Make(Array.copy data, shape)
    override t.CopyFromImpl(o) = Array.blit (t.Arr o) 0 data 0 data.Length

/// A strided view of a managed array (PyTorch's non-contiguous tensor): shape, strides and offset over the shared
/// storage. Kernels read a contiguous copy made at entry (so their values are those of the materialised op, bit
/// for bit); in-place kernels write through the strides into the storage, where the base and every other view see it.
and [<Sealed>] RawStrided<'T> private (storage: RawArray<'T>, shape: int[], strides: int[], offset: int) =
    inherit RawTensor(shape)
    let contiguous = Shape.isContiguous shape strides

    /// A view of `storage` (offset and strides in its elements): the array itself, reshaped, when the view covers
    /// the whole storage in order, so the contiguous kernels' fast paths still apply.
    static member Over(storage: RawArray<'T>, shape: int[], strides: int[], offset: int) : RawTensor =
        let n = Shape.numel shape
        if offset = 0 && n = storage.Array.Length && Shape.isContiguous shape strides then storage.Make(storage.Array, shape)
        else RawStrided<'T>(storage, shape, strides, offset) :> RawTensor

    /// The array whose elements this view reads and writes.
    member _.Storage = storage
    /// The elements in row-major order, as a new array.
    member _.DenseData() : 'T[] =
        if Shape.numel shape = 0 then [||]
        elif contiguous then Array.sub storage.Data offset (Shape.numel shape)
        else Loops.stridedCopy storage.Data offset strides shape
    /// A contiguous copy of the same kind.
    member t.Dense() : RawTensor = storage.Make(t.DenseData(), shape)
    /// Writes the elements in row-major order into `dst` (a replay's refresh of the copy a kernel read).
    member internal _.DenseInto(dst: 'T[]) =
        let src = storage.Array
        Loops.walk shape strides offset (fun o p -> dst.[o] <- src.[p])
    /// Runs a kernel on a contiguous copy. Inside a capture, when the kernel on the copy offers its step, the
    /// offer is passed on with a refresh of the copy in front, so a replay reads the view's current elements.
    member private t.ViaDense(f: RawTensor -> RawTensor) : RawTensor =
        let d = t.Dense()
        if CaptureState.CanOffer t then
            CaptureState.OpenOffer d
            let r = f d
            match CaptureState.TakeOffer r.StorageKey with
            | null -> ()
            | inner ->
                let dd = (d :?> RawArray<'T>).Array
                CaptureState.Offer(r.StorageKey, { new CaptureStep() with
                    member _.Run() =
                        t.DenseInto dd
                        inner.Run()
                    member _.Describe() = "view " + inner.Describe() })
            r
        else f d

    // Writes row-major values through the strides; PyTorch refuses overlapping destinations (expanded views).
    member private _.WriteBack(values: 'T[], checkOverlap: bool) =
        if checkOverlap then
            for i in 0 .. shape.Length - 1 do
                if strides.[i] = 0 && shape.[i] > 1 then
                    invalidOp "unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation."
        let d = storage.Data
        Loops.walk shape strides offset (fun o p -> d.[p] <- values.[o])

    override _.Strides = strides
    override _.IsContiguous = contiguous
    override _.StorageOffset = offset
    override _.StorageKey = box storage.Array
    override _.StorageNumel = storage.Array.Length
    override _.StorageTensor() = storage.StorageTensor()
    override _.AsStridedView(s, st, off) = RawStrided<'T>.Over(storage, s, st, off)
    override _.Dtype = storage.Dtype
    override _.Backend = storage.Backend
    override t.UnaryImpl(k) = t.ViaDense(fun d -> d.Unary k)
    override t.BinaryImpl(k, o) = t.ViaDense(fun d -> d.Binary(k, o))
    override t.BinaryScalarImpl(k, s, first) = t.ViaDense(fun d -> d.BinaryScalar(k, s, first))
    override t.CompareImpl(k, o) = t.Dense().Compare(k, o)
    override t.CompareScalarImpl(k, s) = t.Dense().CompareScalar(k, s)
    override t.WhereImpl(c, o) = t.Dense().Where(c, o)
    override t.UnaryParamImpl(k, p) = t.ViaDense(fun d -> d.UnaryParam(k, p))
    override t.ClampImpl(lo, hi) = t.Dense().Clamp(lo, hi)
    override t.SumAllImpl() = t.Dense().SumAll()
    override t.SumDimsImpl(dims, keepDim) = t.Dense().SumDims(dims, keepDim)
    override t.ExtremeDimImpl(dim, keepDim, isMax) = t.Dense().ExtremeDim(dim, keepDim, isMax)
    override t.ExtremeAllImpl(isMax) = t.Dense().ExtremeAll(isMax)
    override t.MatMulImpl(o, ta, tb) = t.Dense().MatMul(o, ta, tb)
    override t.ReshapeImpl(s) = t.Dense().Reshape s
    override t.PermuteImpl(p) = t.Dense().Permute p
    override t.ExpandImpl(s) = t.Dense().Expand s
    override t.SliceImpl(a, b, c) = t.Dense().Slice(a, b, c)
    override t.SliceScatterImpl(f, a, b) = t.Dense().SliceScatter(f, a, b)
    override t.CatImpl(o, d) = t.Dense().Cat(o, d)
    override t.GatherImpl(d, i) = t.Dense().Gather(d, i)
    override t.ScatterAddIntoImpl(s, d, i) = t.Dense().ScatterAddInto(s, d, i)
    override t.FlipImpl(d) = t.Dense().Flip d
    override t.Conv1dImpl(w, a, b, c, d) = t.Dense().Conv1d(w, a, b, c, d)
    override t.Conv1dGradInputImpl(w, s, a, b, c, d) = t.Dense().Conv1dGradInput(w, s, a, b, c, d)
    override t.Conv1dGradWeightImpl(w, s, a, b, c, d) = t.Dense().Conv1dGradWeight(w, s, a, b, c, d)
    override t.MaxPool1dImpl(a, b, c, d) = t.Dense().MaxPool1d(a, b, c, d)
    override t.AvgPool1dImpl(a, b, c) = t.Dense().AvgPool1d(a, b, c)
    override t.AvgPool1dGradImpl(s, a, b, c) = t.Dense().AvgPool1dGrad(s, a, b, c)
    override t.CastImpl(d) = if d = storage.Dtype then t :> RawTensor else t.Dense().Cast d
    override t.CloneImpl() = t.Dense()
    override t.GetDoubleImpl(i) =
        // Unravel the row-major index into a storage position.
        let mutable rem = i
        let mutable p = offset
        // A while loop: a downward range with a step allocates an enumerator.
        let mutable d = shape.Length - 1
        while d >= 0 do
            let size = shape.[d]
            if size > 0 then
                p <- p + (rem % size) * strides.[d]
                rem <- rem / size
            d <- d - 1
        storage.GetDouble p
    override t.ToDoubleArrayImpl() = t.Dense().ToDoubleArray()
    override t.ToFloat32ArrayImpl() = t.Dense().ToFloat32Array()
    override t.ToInt64ArrayImpl() = t.Dense().ToInt64Array()
    override t.ToBoolArrayImpl() = t.Dense().ToBoolArray()
    override t.AddInPlaceImpl(o, alpha) =
        // The dense kernel's arithmetic (fused or not, as for an array), then written back.
        let d = t.Dense() :?> RawArray<'T>
        d.AddInPlace(o, alpha)
        t.WriteBack(d.Data, true)
    override t.CopyFromImpl(o) = t.WriteBack(storage.Arr o, true)
    override t.FillInPlaceImpl(v) =
        let d = t.Dense() :?> RawArray<'T>
        d.FillInPlace v
        // fill_ writes one value, so PyTorch allows overlapping (expanded) destinations.
        t.WriteBack(d.Data, false)
    override t.ReluGradImpl(g) = t.Dense().ReluGrad g
