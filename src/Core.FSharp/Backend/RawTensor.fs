namespace Fluxion.Backend

open Fluxion

/// Elementwise unary kernels a backend provides.
type UnaryKind =
    | Neg = 0 | Abs = 1 | Sign = 2 | Exp = 3 | Log = 4 | Sqrt = 5 | Sin = 6 | Cos = 7 | Tan = 8
    | Tanh = 9 | Sigmoid = 10 | Relu = 11 | Floor = 12 | Ceil = 13 | Round = 14 | Log1p = 15
    | Expm1 = 16 | Square = 17 | Reciprocal = 18 | Erf = 19 | Softplus = 20 | StepPositive = 21
    | Atan = 22 | Asin = 23 | Acos = 24 | Sinh = 25 | Cosh = 26 | Trunc = 27

/// Elementwise binary kernels a backend provides (with broadcasting).
type BinaryKind =
    | Add = 0 | Sub = 1 | Mul = 2 | Div = 3 | Pow = 4 | Max = 5 | Min = 6 | Atan2 = 7

/// Elementwise comparisons; results are bool tensors.
type CompareKind =
    | Eq = 0 | Ne = 1 | Lt = 2 | Le = 3 | Gt = 4 | Ge = 5

/// Raw tensor data plus the kernels of one backend: contiguous, row-major, no autodiff.
/// The autodiff layer only talks to this type, so another backend can plug in underneath.
[<AbstractClass>]
type RawTensor(shape: int[]) =
    [<DefaultValue>] val mutable private version: int
    // A view shares the version counter of the storage it was made from (kept as a link to its root).
    [<DefaultValue(false)>] val mutable private versionRoot: RawTensor
    // The element count, with the sign bit set once the tensor is retired (no extra field: a raw tensor's size
    // is paid on every op, and a count never needs the sign bit).
    let mutable numelBits = Shape.numel shape
    /// The shape (row-major, contiguous).
    member _.Shape = shape
    /// How many in-place modifications this storage has seen (PyTorch's `_version`), shared with its views.
    member t.Version = if isNull (box t.versionRoot) then t.version else t.versionRoot.version
    /// Records one in-place modification of the storage.
    member internal t.BumpVersion() =
        if isNull (box t.versionRoot) then t.version <- t.version + 1
        else t.versionRoot.version <- t.versionRoot.version + 1
    /// Makes this tensor (a view of `source`'s storage) share its version counter.
    member internal t.ShareVersionWith(source: RawTensor) =
        let root = if isNull (box source.versionRoot) then source else source.versionRoot
        if not (obj.ReferenceEquals(t, root)) then t.versionRoot <- root
    /// Number of elements.
    member _.Numel = numelBits &&& 0x7FFFFFFF
    /// True once a step scope that made this tensor ended and recycled its storage (Tensor reads then raise).
    member internal _.Retired = numelBits < 0
    /// Marks the tensor as retired by its step scope.
    member internal _.Retire() = numelBits <- numelBits ||| 0x80000000
    /// Number of dimensions.
    member _.Dim = shape.Length
    /// The element type.
    abstract Dtype: Dtype
    /// The backend that owns this data.
    abstract Backend: IBackend
    /// Elementwise unary kernel.
    member t.Unary(k: UnaryKind) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.UnaryImpl k) else t.UnaryImpl k
    /// The backend's kernel behind `Unary` (called through it, which records it inside a capture).
    abstract UnaryImpl: UnaryKind -> RawTensor
    /// Elementwise binary kernel with broadcasting; both operands share the dtype.
    member t.Binary(k: BinaryKind, o: RawTensor) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.BinaryImpl(k, o)) else t.BinaryImpl(k, o)
    /// The backend's kernel behind `Binary` (called through it, which records it inside a capture).
    abstract BinaryImpl: BinaryKind * RawTensor -> RawTensor
    /// Elementwise binary kernel with a scalar; `scalarFirst` computes `s op x`.
    member t.BinaryScalar(k: BinaryKind, s: float, scalarFirst: bool) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.BinaryScalarImpl(k, s, scalarFirst)) else t.BinaryScalarImpl(k, s, scalarFirst)
    /// The backend's kernel behind `BinaryScalar` (called through it, which records it inside a capture).
    abstract BinaryScalarImpl: BinaryKind * float * scalarFirst: bool -> RawTensor
    /// Elementwise comparison with broadcasting, giving a bool tensor.
    member t.Compare(k: CompareKind, o: RawTensor) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.CompareImpl(k, o)) else t.CompareImpl(k, o)
    /// The backend's kernel behind `Compare` (called through it, which records it inside a capture).
    abstract CompareImpl: CompareKind * RawTensor -> RawTensor
    /// Comparison with a scalar.
    member t.CompareScalar(k: CompareKind, s: float) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.CompareScalarImpl(k, s)) else t.CompareScalarImpl(k, s)
    /// The backend's kernel behind `CompareScalar` (called through it, which records it inside a capture).
    abstract CompareScalarImpl: CompareKind * float -> RawTensor
    /// `cond ? this : other` with broadcasting (cond is bool).
    member t.Where(cond: RawTensor, other: RawTensor) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.WhereImpl(cond, other)) else t.WhereImpl(cond, other)
    /// The backend's kernel behind `Where` (called through it, which records it inside a capture).
    abstract WhereImpl: cond: RawTensor * other: RawTensor -> RawTensor
    /// Leaky ReLU / ELU style kernels with one scalar parameter.
    member t.UnaryParam(k: ParamUnaryKind, p: float) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.UnaryParamImpl(k, p)) else t.UnaryParamImpl(k, p)
    /// The backend's kernel behind `UnaryParam` (called through it, which records it inside a capture).
    abstract UnaryParamImpl: ParamUnaryKind * float -> RawTensor
    /// Clamp into [lo, hi] (NaN bounds mean no bound).
    member t.Clamp(lo: float, hi: float) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.ClampImpl(lo, hi)) else t.ClampImpl(lo, hi)
    /// The backend's kernel behind `Clamp` (called through it, which records it inside a capture).
    abstract ClampImpl: lo: float * hi: float -> RawTensor
    /// Sum of all elements as a 0-dim tensor (PyTorch's float32 cascade order on the managed backend).
    member t.SumAll() =
        if CaptureState.Active then Capture.Op(t, fun () -> t.SumAllImpl()) else t.SumAllImpl()
    /// The backend's kernel behind `SumAll` (called through it, which records it inside a capture).
    abstract SumAllImpl: unit -> RawTensor
    /// Sum over the given (sorted, distinct) dimensions.
    member t.SumDims(dims: int[], keepDim: bool) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.SumDimsImpl(dims, keepDim)) else t.SumDimsImpl(dims, keepDim)
    /// The backend's kernel behind `SumDims` (called through it, which records it inside a capture).
    abstract SumDimsImpl: dims: int[] * keepDim: bool -> RawTensor
    /// Max (or min) along one dimension, with int64 indices of the first extreme element.
    member t.ExtremeDim(dim: int, keepDim: bool, isMax: bool) =
        if CaptureState.Active then Capture.Op2(fun () -> t.ExtremeDimImpl(dim, keepDim, isMax)) else t.ExtremeDimImpl(dim, keepDim, isMax)
    /// The backend's kernel behind `ExtremeDim` (called through it, which records it inside a capture).
    abstract ExtremeDimImpl: dim: int * keepDim: bool * isMax: bool -> struct (RawTensor * RawTensor)
    /// Max (or min) of all elements as a 0-dim tensor and the flat index.
    member t.ExtremeAll(isMax: bool) =
        CaptureState.CheckAccess "ExtremeAll"
        t.ExtremeAllImpl isMax
    /// The backend's kernel behind `ExtremeAll` (called through it, which records it inside a capture).
    abstract ExtremeAllImpl: isMax: bool -> struct (RawTensor * int)
    /// Matrix product of 2-D tensors, or batched 3-D tensors with equal batch size.
    member t.MatMul(o: RawTensor, transA: bool, transB: bool) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.MatMulImpl(o, transA, transB)) else t.MatMulImpl(o, transA, transB)
    /// The backend's kernel behind `MatMul` (called through it, which records it inside a capture).
    abstract MatMulImpl: RawTensor * transA: bool * transB: bool -> RawTensor
    /// Same data, new shape (same number of elements).
    member t.Reshape(s: int[]) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.ReshapeImpl s) else t.ReshapeImpl s
    /// The backend's kernel behind `Reshape` (called through it, which records it inside a capture).
    abstract ReshapeImpl: int[] -> RawTensor
    /// Dimensions reordered (materialised).
    member t.Permute(perm: int[]) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.PermuteImpl perm) else t.PermuteImpl perm
    /// The backend's kernel behind `Permute` (called through it, which records it inside a capture).
    abstract PermuteImpl: int[] -> RawTensor
    /// Broadcast to a larger shape (materialised).
    member t.Expand(s: int[]) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.ExpandImpl s) else t.ExpandImpl s
    /// The backend's kernel behind `Expand` (called through it, which records it inside a capture).
    abstract ExpandImpl: int[] -> RawTensor
    /// Strided slice: per dimension start, length and step (materialised).
    member t.Slice(starts: int[], lengths: int[], steps: int[]) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.SliceImpl(starts, lengths, steps)) else t.SliceImpl(starts, lengths, steps)
    /// The backend's kernel behind `Slice` (called through it, which records it inside a capture).
    abstract SliceImpl: starts: int[] * lengths: int[] * steps: int[] -> RawTensor
    /// Zeros of `fullShape` with this tensor added at a strided slice (the adjoint of Slice).
    member t.SliceScatter(fullShape: int[], starts: int[], steps: int[]) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.SliceScatterImpl(fullShape, starts, steps)) else t.SliceScatterImpl(fullShape, starts, steps)
    /// The backend's kernel behind `SliceScatter` (called through it, which records it inside a capture).
    abstract SliceScatterImpl: fullShape: int[] * starts: int[] * steps: int[] -> RawTensor
    /// Concatenation along a dimension (this first).
    member t.Cat(others: RawTensor[], dim: int) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.CatImpl(others, dim)) else t.CatImpl(others, dim)
    /// The backend's kernel behind `Cat` (called through it, which records it inside a capture).
    abstract CatImpl: others: RawTensor[] * dim: int -> RawTensor
    /// Gather along a dimension with int64 indices.
    member t.Gather(dim: int, index: RawTensor) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.GatherImpl(dim, index)) else t.GatherImpl(dim, index)
    /// The backend's kernel behind `Gather` (called through it, which records it inside a capture).
    abstract GatherImpl: dim: int * index: RawTensor -> RawTensor
    /// Zeros of `shape` with `this` scatter-added at `index` along `dim` (the adjoint of Gather).
    member t.ScatterAddInto(shape: int[], dim: int, index: RawTensor) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.ScatterAddIntoImpl(shape, dim, index)) else t.ScatterAddIntoImpl(shape, dim, index)
    /// The backend's kernel behind `ScatterAddInto` (called through it, which records it inside a capture).
    abstract ScatterAddIntoImpl: shape: int[] * dim: int * index: RawTensor -> RawTensor
    /// Reverse the order along the given dimensions.
    member t.Flip(dims: int[]) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.FlipImpl dims) else t.FlipImpl dims
    /// The backend's kernel behind `Flip` (called through it, which records it inside a capture).
    abstract FlipImpl: dims: int[] -> RawTensor
    /// 1-D convolution: input (N, Cin, L), weight (Cout, Cin/groups, K).
    member t.Conv1d(weight: RawTensor, stride: int, padding: int, dilation: int, groups: int) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.Conv1dImpl(weight, stride, padding, dilation, groups)) else t.Conv1dImpl(weight, stride, padding, dilation, groups)
    /// The backend's kernel behind `Conv1d` (called through it, which records it inside a capture).
    abstract Conv1dImpl: weight: RawTensor * stride: int * padding: int * dilation: int * groups: int -> RawTensor
    /// Gradient of Conv1d with respect to its input.
    member t.Conv1dGradInput(weight: RawTensor, inputShape: int[], stride: int, padding: int, dilation: int, groups: int) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.Conv1dGradInputImpl(weight, inputShape, stride, padding, dilation, groups)) else t.Conv1dGradInputImpl(weight, inputShape, stride, padding, dilation, groups)
    /// The backend's kernel behind `Conv1dGradInput` (called through it, which records it inside a capture).
    abstract Conv1dGradInputImpl: weight: RawTensor * inputShape: int[] * stride: int * padding: int * dilation: int * groups: int -> RawTensor
    /// Gradient of Conv1d with respect to its weight (this is the output gradient).
    member t.Conv1dGradWeight(input: RawTensor, weightShape: int[], stride: int, padding: int, dilation: int, groups: int) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.Conv1dGradWeightImpl(input, weightShape, stride, padding, dilation, groups)) else t.Conv1dGradWeightImpl(input, weightShape, stride, padding, dilation, groups)
    /// The backend's kernel behind `Conv1dGradWeight` (called through it, which records it inside a capture).
    abstract Conv1dGradWeightImpl: input: RawTensor * weightShape: int[] * stride: int * padding: int * dilation: int * groups: int -> RawTensor
    /// Max pooling over the last dim of (N, C, L): values and flat int64 argmax positions in L.
    member t.MaxPool1d(kernel: int, stride: int, padding: int, dilation: int) =
        if CaptureState.Active then Capture.Op2(fun () -> t.MaxPool1dImpl(kernel, stride, padding, dilation)) else t.MaxPool1dImpl(kernel, stride, padding, dilation)
    /// The backend's kernel behind `MaxPool1d` (called through it, which records it inside a capture).
    abstract MaxPool1dImpl: kernel: int * stride: int * padding: int * dilation: int -> struct (RawTensor * RawTensor)
    /// Average pooling over the last dim of (N, C, L) (zero padding counted, like PyTorch's default).
    member t.AvgPool1d(kernel: int, stride: int, padding: int) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.AvgPool1dImpl(kernel, stride, padding)) else t.AvgPool1dImpl(kernel, stride, padding)
    /// The backend's kernel behind `AvgPool1d` (called through it, which records it inside a capture).
    abstract AvgPool1dImpl: kernel: int * stride: int * padding: int -> RawTensor
    /// Adjoint of AvgPool1d.
    member t.AvgPool1dGrad(inputShape: int[], kernel: int, stride: int, padding: int) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.AvgPool1dGradImpl(inputShape, kernel, stride, padding)) else t.AvgPool1dGradImpl(inputShape, kernel, stride, padding)
    /// The backend's kernel behind `AvgPool1dGrad` (called through it, which records it inside a capture).
    abstract AvgPool1dGradImpl: inputShape: int[] * kernel: int * stride: int * padding: int -> RawTensor
    /// Element conversion.
    member t.Cast(d: Dtype) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.CastImpl d) else t.CastImpl d
    /// The backend's kernel behind `Cast` (called through it, which records it inside a capture).
    abstract CastImpl: Dtype -> RawTensor
    /// A deep copy.
    member t.Clone() =
        if CaptureState.Active then Capture.Op(t, fun () -> t.CloneImpl()) else t.CloneImpl()
    /// The backend's kernel behind `Clone` (called through it, which records it inside a capture).
    abstract CloneImpl: unit -> RawTensor
    /// Element at a flat index as a double.
    member t.GetDouble(i: int) =
        CaptureState.CheckAccess "GetDouble"
        t.GetDoubleImpl i
    /// The backend's kernel behind `GetDouble` (called through it, which records it inside a capture).
    abstract GetDoubleImpl: int -> float
    /// All elements as doubles (row-major copy).
    member t.ToDoubleArray() =
        CaptureState.CheckAccess "ToDoubleArray"
        t.ToDoubleArrayImpl()
    /// The backend's kernel behind `ToDoubleArray` (called through it, which records it inside a capture).
    abstract ToDoubleArrayImpl: unit -> float[]
    /// All elements as float32 (row-major copy).
    member t.ToFloat32Array() =
        CaptureState.CheckAccess "ToFloat32Array"
        t.ToFloat32ArrayImpl()
    /// The backend's kernel behind `ToFloat32Array` (called through it, which records it inside a capture).
    abstract ToFloat32ArrayImpl: unit -> float32[]
    /// All elements as int64 (row-major copy).
    member t.ToInt64Array() =
        CaptureState.CheckAccess "ToInt64Array"
        t.ToInt64ArrayImpl()
    /// The backend's kernel behind `ToInt64Array` (called through it, which records it inside a capture).
    abstract ToInt64ArrayImpl: unit -> int64[]
    /// All elements as bools (row-major copy).
    member t.ToBoolArray() =
        CaptureState.CheckAccess "ToBoolArray"
        t.ToBoolArrayImpl()
    /// The backend's kernel behind `ToBoolArray` (called through it, which records it inside a capture).
    abstract ToBoolArrayImpl: unit -> bool[]
    /// In place: this <- this + alpha * other (same shape); used by no-grad parameter updates.
    member t.AddInPlace(other: RawTensor, alpha: float) =
        if CaptureState.Active then Capture.InPlace(t, fun () -> t.AddInPlaceImpl(other, alpha)) else t.AddInPlaceImpl(other, alpha)
    /// The backend's kernel behind `AddInPlace` (called through it, which records it inside a capture).
    abstract AddInPlaceImpl: other: RawTensor * alpha: float -> unit
    /// In place: overwrite with another tensor's values (same shape).
    member t.CopyFrom(o: RawTensor) =
        if CaptureState.Active then Capture.InPlace(t, fun () -> t.CopyFromImpl o) else t.CopyFromImpl o
    /// The backend's kernel behind `CopyFrom` (called through it, which records it inside a capture).
    abstract CopyFromImpl: RawTensor -> unit
    /// In place: fill with a value.
    member t.FillInPlace(v: float) =
        if CaptureState.Active then Capture.InPlace(t, fun () -> t.FillInPlaceImpl v) else t.FillInPlaceImpl v
    /// The backend's kernel behind `FillInPlace` (called through it, which records it inside a capture).
    abstract FillInPlaceImpl: float -> unit
    /// ReLU's adjoint with this tensor as ReLU's output (saved, as PyTorch's ReluBackward0 does): `grad` where
    /// this > 0, else 0 (threshold_backward). The output is positive exactly where the input is.
    member t.ReluGrad(grad: RawTensor) =
        if CaptureState.Active then Capture.Op(t, fun () -> t.ReluGradImpl grad) else t.ReluGradImpl grad
    /// The backend's kernel behind `ReluGrad`.
    abstract ReluGradImpl: grad: RawTensor -> RawTensor
    default x.ReluGradImpl(grad) =
        let keep = x.CompareScalar(CompareKind.Gt, 0.0)
        grad.Where(keep, x.Backend.Full(grad.Shape, 0.0, grad.Dtype))
    /// Marks this storage as long-lived state (optimizer buffers) that must outlive any scope freeing a step's
    /// temporaries, such as the Torch backend's dispose scopes; nothing to do for garbage-collected storage.
    abstract KeepAlive: unit -> unit
    default _.KeepAlive() = ()
    /// Elements to skip in the storage per step along each dimension (PyTorch's `stride()`).
    abstract Strides: int[]
    default t.Strides = Shape.strides t.Shape
    /// Where the first element sits in the storage, in elements (PyTorch's `storage_offset()`).
    abstract StorageOffset: int
    default _.StorageOffset = 0
    /// The object that owns the elements; tensors sharing memory return the same object.
    abstract StorageKey: obj
    default t.StorageKey = box t
    /// Number of elements of the whole storage (more than Numel for a view of part of it).
    abstract StorageNumel: int
    default t.StorageNumel = t.Numel
    /// The whole storage as a 1-D tensor sharing its elements (this tensor's own elements where views are not supported).
    abstract StorageTensor: unit -> RawTensor
    default t.StorageTensor() = t.Reshape [| t.Numel |]
    /// A view of this tensor's storage with the given shape, strides and storage offset (sharing the elements),
    /// or null when the backend does not support strided views (callers then materialise).
    abstract AsStridedView: shape: int[] * strides: int[] * offset: int -> RawTensor
    default _.AsStridedView(_, _, _) = Unchecked.defaultof<RawTensor>
    /// True when the elements lie row-major without gaps from the storage offset (PyTorch's `is_contiguous()`).
    abstract IsContiguous: bool
    default _.IsContiguous = true
    /// The raw tensor a captured step's replay copies a recomputed result into (a wrapper's underlying storage).
    abstract ReplayTarget: RawTensor
    default t.ReplayTarget = t
    /// True when this tensor is its whole storage in row-major order (no view of part of it, no strides to follow).
    member t.IsCompact = t.IsContiguous && t.StorageOffset = 0 && t.Numel = t.StorageNumel

/// A recorded op: on replay the kernel runs again on the same input storages and its result lands in the storage
/// the capture's result owns (ops whose result shares the receiver's storage, views, are not recorded).
and [<Sealed>] internal OpStep(f: unit -> RawTensor, out: RawTensor, name: string) =
    inherit CaptureStep()
    override _.Run() =
        // The result's storage is offered to the op's first output allocation of its length: when that is the
        // result, nothing is copied; when it was a temporary, the copy below overwrites it after the op is done.
        let target = out.ReplayTarget
        CaptureState.SetTarget target.StorageKey
        let r = f ()
        CaptureState.SetTarget null
        let rt = r.ReplayTarget
        if not (obj.ReferenceEquals(rt.StorageKey, target.StorageKey)) then target.CopyFromImpl rt
    override _.Describe() = "op " + (if isNull name then f.GetType().Name else name)

/// A recorded op with two results (values and indices).
and [<Sealed>] internal OpStep2(f: unit -> struct (RawTensor * RawTensor), a: RawTensor, b: RawTensor) =
    inherit CaptureStep()
    override _.Run() =
        // No step leaves a target for this one's allocations (an ArrayStep whose kernel returned its output
        // without allocating leaves it set): steps that do not set their own clear it first.
        CaptureState.SetTarget null
        let struct (x, y) = f ()
        a.ReplayTarget.CopyFromImpl x.ReplayTarget
        b.ReplayTarget.CopyFromImpl y.ReplayTarget

/// A recorded in-place kernel or a library routine that reads its host state again on every replay.
and [<Sealed>] internal ActionStep(f: unit -> unit) =
    inherit CaptureStep()
    override _.Run() =
        CaptureState.SetTarget null
        f ()
    override _.Describe() = "action " + f.GetType().Name

/// Records raw ops into this thread's capture while running them once.
and [<AbstractClass; Sealed>] internal Capture =
    static member Op(t: RawTensor, f: unit -> RawTensor) : RawTensor =
        if not CaptureState.Recording then
            // Inside a recorded op (or another thread's capture): runs as is, and any offer made before is void.
            CaptureState.Invalidate()
            f ()
        else
        CaptureState.OpenOffer t
        let r = Capture.Run f
        Capture.Keep(r, not (isNull (box r)) && obj.ReferenceEquals(r.StorageKey, t.StorageKey), f, null)
    /// Records an op over several inputs (its result is a view when it shares any input's storage).
    static member OpOf(inputs: RawTensor[], f: unit -> RawTensor, name: string) : RawTensor =
        // The slot is the first input's for one or two inputs (a kernel on it may offer), the array's otherwise
        // (only an op written for it offers).
        CaptureState.OpenOffer(if inputs.Length <= 2 then box inputs.[0] else box inputs)
        let r = Capture.Run f
        Capture.Keep(r, not (isNull (box r)) && inputs |> Array.exists (fun i -> obj.ReferenceEquals(i.StorageKey, r.StorageKey)), f, name)
    static member private Run(f: unit -> RawTensor) =
        CaptureState.Enter()
        try f () finally CaptureState.Exit()
    // Adds the op's step (the kernel's offer when it recomputes this result, else the generic one), unless the
    // result is a view of an input or null (an optional fast path that declined runs the same way on replay).
    static member private Keep(r: RawTensor, view: bool, f: unit -> RawTensor, name: string) : RawTensor =
        if isNull (box r) || view then CaptureState.CloseOffer()
        else
            match CaptureState.TakeOffer r.StorageKey with
            | null -> CaptureState.Add(OpStep(f, r, name))
            | step -> CaptureState.Add step
        r
    static member Op2(f: unit -> struct (RawTensor * RawTensor)) =
        if not CaptureState.Recording then
            CaptureState.Invalidate()
            f ()
        else
        CaptureState.CloseOffer()
        CaptureState.Enter()
        let struct (a, b) as r = try f () finally CaptureState.Exit()
        CaptureState.Add(OpStep2(f, a, b))
        r
    static member InPlace(t: RawTensor, f: unit -> unit) =
        if not CaptureState.Recording then
            CaptureState.Invalidate()
            f ()
        else
        if CaptureState.Recorder.HostMade.Contains t.StorageKey then
            raise (System.NotSupportedException(sprintf "Tensor.Capture: an in-place op writes a tensor (shape %s) made from host values inside the capture; a replay would start from its last contents. Make it before Capture, or out of place." (Shape.toString t.Shape)))
        Capture.Action f
    /// Runs a routine now and again on every replay (in-place kernels, optimizer steps reading their step count).
    static member Action(f: unit -> unit) =
        CaptureState.Enter()
        try f () finally CaptureState.Exit()
        CaptureState.Add(ActionStep f)

/// Synthetic storage addresses for `data_ptr()`: each storage object gets its own 2^36-byte range on first use, so
/// two tensors' first elements have equal addresses exactly when they share a storage and an offset.
and [<AbstractClass; Sealed>] StorageAddress =
    static member val private Table = System.Runtime.CompilerServices.ConditionalWeakTable<obj, obj>()
    static member val private Next = 0L with get, set
    static member private Gate = obj ()
    /// The base address of a storage (stable for the storage's lifetime).
    static member Of(key: obj) : int64 =
        lock StorageAddress.Gate (fun () ->
            match StorageAddress.Table.TryGetValue key with
            | true, v -> unbox<int64> v
            | _ ->
                StorageAddress.Next <- StorageAddress.Next + 1L
                let a = StorageAddress.Next <<< 36
                StorageAddress.Table.Add(key, box a)
                a)

/// Unary kernels with one scalar parameter.
and ParamUnaryKind =
    | LeakyRelu = 0 | Elu = 1 | PowScalar = 2 | SoftplusBeta = 3 | GeluTanh = 4

/// A backend: creates raw tensors of its kind.
and IBackend =
    /// The backend's name (e.g. "managed").
    abstract Name: string
    /// A tensor filled with one value.
    abstract Full: shape: int[] * value: float * dtype: Dtype -> RawTensor
    /// A float32 tensor from data (the array is owned by the result).
    abstract OfFloat32: data: float32[] * shape: int[] -> RawTensor
    /// A float64 tensor from data (the array is owned by the result).
    abstract OfFloat64: data: float[] * shape: int[] -> RawTensor
    /// An int64 tensor from data (the array is owned by the result).
    abstract OfInt64: data: int64[] * shape: int[] -> RawTensor
    /// A bool tensor from data (the array is owned by the result).
    abstract OfBool: data: bool[] * shape: int[] -> RawTensor
    /// Stacks/concatenates raw tensors along a dimension.
    abstract Cat: parts: RawTensor[] * dim: int -> RawTensor
