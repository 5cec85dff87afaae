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
    abstract Unary: UnaryKind -> RawTensor
    /// Elementwise binary kernel with broadcasting; both operands share the dtype.
    abstract Binary: BinaryKind * RawTensor -> RawTensor
    /// Elementwise binary kernel with a scalar; `scalarFirst` computes `s op x`.
    abstract BinaryScalar: BinaryKind * float * scalarFirst: bool -> RawTensor
    /// Elementwise comparison with broadcasting, giving a bool tensor.
    abstract Compare: CompareKind * RawTensor -> RawTensor
    /// Comparison with a scalar.
    abstract CompareScalar: CompareKind * float -> RawTensor
    /// `cond ? this : other` with broadcasting (cond is bool).
    abstract Where: cond: RawTensor * other: RawTensor -> RawTensor
    /// Leaky ReLU / ELU style kernels with one scalar parameter.
    abstract UnaryParam: ParamUnaryKind * float -> RawTensor
    /// Clamp into [lo, hi] (NaN bounds mean no bound).
    abstract Clamp: lo: float * hi: float -> RawTensor
    /// Sum of all elements as a 0-dim tensor (PyTorch's float32 cascade order on the managed backend).
    abstract SumAll: unit -> RawTensor
    /// Sum over the given (sorted, distinct) dimensions.
    abstract SumDims: dims: int[] * keepDim: bool -> RawTensor
    /// Max (or min) along one dimension, with int64 indices of the first extreme element.
    abstract ExtremeDim: dim: int * keepDim: bool * isMax: bool -> struct (RawTensor * RawTensor)
    /// Max (or min) of all elements as a 0-dim tensor and the flat index.
    abstract ExtremeAll: isMax: bool -> struct (RawTensor * int)
    /// Matrix product of 2-D tensors, or batched 3-D tensors with equal batch size.
    abstract MatMul: RawTensor * transA: bool * transB: bool -> RawTensor
    /// Same data, new shape (same number of elements).
    abstract Reshape: int[] -> RawTensor
    /// Dimensions reordered (materialised).
    abstract Permute: int[] -> RawTensor
    /// Broadcast to a larger shape (materialised).
    abstract Expand: int[] -> RawTensor
    /// Strided slice: per dimension start, length and step (materialised).
    abstract Slice: starts: int[] * lengths: int[] * steps: int[] -> RawTensor
    /// Zeros of `fullShape` with this tensor added at a strided slice (the adjoint of Slice).
    abstract SliceScatter: fullShape: int[] * starts: int[] * steps: int[] -> RawTensor
    /// Concatenation along a dimension (this first).
    abstract Cat: others: RawTensor[] * dim: int -> RawTensor
    /// Gather along a dimension with int64 indices.
    abstract Gather: dim: int * index: RawTensor -> RawTensor
    /// Zeros of `shape` with `this` scatter-added at `index` along `dim` (the adjoint of Gather).
    abstract ScatterAddInto: shape: int[] * dim: int * index: RawTensor -> RawTensor
    /// Reverse the order along the given dimensions.
    abstract Flip: dims: int[] -> RawTensor
    /// 1-D convolution: input (N, Cin, L), weight (Cout, Cin/groups, K).
    abstract Conv1d: weight: RawTensor * stride: int * padding: int * dilation: int * groups: int -> RawTensor
    /// Gradient of Conv1d with respect to its input.
    abstract Conv1dGradInput: weight: RawTensor * inputShape: int[] * stride: int * padding: int * dilation: int * groups: int -> RawTensor
    /// Gradient of Conv1d with respect to its weight (this is the output gradient).
    abstract Conv1dGradWeight: input: RawTensor * weightShape: int[] * stride: int * padding: int * dilation: int * groups: int -> RawTensor
    /// Max pooling over the last dim of (N, C, L): values and flat int64 argmax positions in L.
    abstract MaxPool1d: kernel: int * stride: int * padding: int * dilation: int -> struct (RawTensor * RawTensor)
    /// Average pooling over the last dim of (N, C, L) (zero padding counted, like PyTorch's default).
    abstract AvgPool1d: kernel: int * stride: int * padding: int -> RawTensor
    /// Adjoint of AvgPool1d.
    abstract AvgPool1dGrad: inputShape: int[] * kernel: int * stride: int * padding: int -> RawTensor
    /// Element conversion.
    abstract Cast: Dtype -> RawTensor
    /// A deep copy.
    abstract Clone: unit -> RawTensor
    /// Element at a flat index as a double.
    abstract GetDouble: int -> float
    /// All elements as doubles (row-major copy).
    abstract ToDoubleArray: unit -> float[]
    /// All elements as float32 (row-major copy).
    abstract ToFloat32Array: unit -> float32[]
    /// All elements as int64 (row-major copy).
    abstract ToInt64Array: unit -> int64[]
    /// All elements as bools (row-major copy).
    abstract ToBoolArray: unit -> bool[]
    /// In place: this <- this + alpha * other (same shape); used by no-grad parameter updates.
    abstract AddInPlace: other: RawTensor * alpha: float -> unit
    /// In place: overwrite with another tensor's values (same shape).
    abstract CopyFrom: RawTensor -> unit
    /// In place: fill with a value.
    abstract FillInPlace: float -> unit
    /// ReLU's adjoint with this tensor as ReLU's output (saved, as PyTorch's ReluBackward0 does): `grad` where
    /// this > 0, else 0 (threshold_backward). The output is positive exactly where the input is.
    abstract ReluGrad: grad: RawTensor -> RawTensor
    default x.ReluGrad(grad) =
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
    /// True when this tensor is its whole storage in row-major order (no view of part of it, no strides to follow).
    member t.IsCompact = t.IsContiguous && t.StorageOffset = 0 && t.Numel = t.StorageNumel

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
