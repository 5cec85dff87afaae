namespace Fluxion.Ops

open System
open Fluxion
open Fluxion.Backend

/// Creating tensors from values and shapes (constants; call RequiresGrad_() to make a leaf).
module Creation =
    /// The backend new tensors are created on.
    let mutable defaultBackend: IBackend = ManagedBackend.Instance
    /// The dtype of tensors made from floating-point data (PyTorch's default dtype).
    let mutable defaultDtype = Dtype.Float32

    let private checkShape (op: string) (shape: int[]) = Shape.validate op shape |> ignore

    /// A tensor filled with one value, shape errors naming `op` (the function the user called).
    let fullNamed (op: string) (shape: int[]) (value: float) (dtype: Dtype) =
        checkShape op shape
        Tensor.OfRaw(defaultBackend.Full(shape, value, dtype))
    /// A tensor filled with one value.
    let full (shape: int[]) (value: float) (dtype: Dtype) = fullNamed "full" shape value dtype
    /// Zeros.
    let zeros (shape: int[]) (dtype: Dtype) = fullNamed "zeros" shape 0.0 dtype
    /// Ones.
    let ones (shape: int[]) (dtype: Dtype) = fullNamed "ones" shape 1.0 dtype
    /// A 0-dim tensor.
    let scalar (value: float) (dtype: Dtype) = full [||] value dtype

    /// A float32 tensor from data in row-major order (the array is copied).
    let ofFloat32 (shape: int[]) (data: float32[]) =
        checkShape "tensor" shape
        if isNull data then raise (ArgumentNullException("data", "tensor: the data array is null"))
        if Shape.numel shape <> data.Length then
            raise (ShapeException(sprintf "tensor: %d values do not fill shape %s (%d elements)" data.Length (Shape.toString shape) (Shape.numel shape)))
        Tensor.OfRaw(defaultBackend.OfFloat32(Array.copy data, shape))
    /// A float64 tensor from data in row-major order (the array is copied).
    let ofFloat64 (shape: int[]) (data: float[]) =
        checkShape "tensor" shape
        if isNull data then raise (ArgumentNullException("data", "tensor: the data array is null"))
        if Shape.numel shape <> data.Length then
            raise (ShapeException(sprintf "tensor: %d values do not fill shape %s (%d elements)" data.Length (Shape.toString shape) (Shape.numel shape)))
        Tensor.OfRaw(defaultBackend.OfFloat64(Array.copy data, shape))
    /// An int64 tensor from data in row-major order (the array is copied).
    let ofInt64 (shape: int[]) (data: int64[]) =
        checkShape "tensor" shape
        if isNull data then raise (ArgumentNullException("data", "tensor: the data array is null"))
        if Shape.numel shape <> data.Length then
            raise (ShapeException(sprintf "tensor: %d values do not fill shape %s" data.Length (Shape.toString shape)))
        Tensor.OfRaw(defaultBackend.OfInt64(Array.copy data, shape))
    /// An int32 tensor from data in row-major order (the array is copied).
    let ofInt32 (shape: int[]) (data: int[]) =
        checkShape "tensor" shape
        if isNull data then raise (ArgumentNullException("data", "tensor: the data array is null"))
        if Shape.numel shape <> data.Length then
            raise (ShapeException(sprintf "tensor: %d values do not fill shape %s" data.Length (Shape.toString shape)))
        // IBackend has no int32 constructor (keeping backends small): build int64 and narrow, exact for int32 values.
        Tensor.OfRaw(defaultBackend.OfInt64(Array.map int64 data, shape).Cast Dtype.Int32)
    /// A bool tensor from data in row-major order (the array is copied).
    let ofBool (shape: int[]) (data: bool[]) =
        checkShape "tensor" shape
        if isNull data then raise (ArgumentNullException("data", "tensor: the data array is null"))
        if Shape.numel shape <> data.Length then
            raise (ShapeException(sprintf "tensor: %d values do not fill shape %s" data.Length (Shape.toString shape)))
        Tensor.OfRaw(defaultBackend.OfBool(Array.copy data, shape))

    /// A tensor of the given dtype from doubles (rounded once to float32 when the dtype is float32).
    let ofDoubles (shape: int[]) (dtype: Dtype) (data: float[]) =
        match dtype with
        | Dtype.Float32 -> ofFloat32 shape (Array.map float32 data)
        | Dtype.Float64 -> ofFloat64 shape data
        | Dtype.Int64 -> ofInt64 shape (Array.map int64 data)
        | Dtype.Int32 -> ofInt32 shape (Array.map (fun v -> int32 (int64 v)) data)
        | _ -> ofBool shape (Array.map (fun v -> v <> 0.0) data)

    /// A tensor from a rectangular nested array (`float[]`, `float[][]`, `float32[][]`, `int[][][]`, ...):
    /// floats become the default dtype, integers int64, bools bool.
    let ofNested (data: obj) : Tensor =
        if isNull data then raise (ArgumentNullException("data", "tensor: Could not infer dtype of null; pass a number, a bool or a (nested) array of them"))
        let rec shapeOf (o: obj) =
            match o with
            | :? Array as a when a.Rank = 1 ->
                if a.Length = 0 then [ 0 ]
                else a.Length :: shapeOf (a.GetValue 0)
            | :? Array -> invalidArg "data" "tensor: use jagged arrays (T[][]) rather than multidimensional arrays"
            | _ -> []
        let shape = shapeOf data |> Array.ofList
        let values = ResizeArray<obj>()
        let rec collect (depth: int) (o: obj) =
            match o with
            | :? Array as a ->
                if depth >= shape.Length || a.Length <> shape.[depth] then
                    raise (ShapeException(sprintf "tensor: the nested data is not rectangular (expected %d entries at depth %d, got %d)" (if depth < shape.Length then shape.[depth] else 0) depth a.Length, "data"))
                for v in a do collect (depth + 1) v
            | v when not (isNull v || v :? string || v :? char || v :? DateTime) && (v :? IConvertible) -> values.Add v
            | v ->
                let what = if isNull v then "null" else v.GetType().Name
                raise (ArgumentException(sprintf "tensor: invalid data type '%s'; use numbers or bools" what, "data"))
        collect 0 data
        if values.Count = 0 then zeros shape defaultDtype
        else
            match values.[0] with
            | :? bool -> ofBool shape [| for v in values -> unbox<bool> v |]
            | :? int | :? int64 | :? int16 | :? byte -> ofInt64 shape [| for v in values -> Convert.ToInt64 v |]
            | :? float32 when defaultDtype = Dtype.Float32 -> ofFloat32 shape [| for v in values -> unbox<float32> v |]
            | _ -> ofDoubles shape defaultDtype [| for v in values -> Convert.ToDouble v |]

    /// The n×m identity matrix.
    let eye (n: int) (m: int) (dtype: Dtype) =
        checkShape "eye" [| n; m |]
        let d = Array.init (n * m) (fun i -> if i / m = i % m then 1.0 else 0.0)
        ofDoubles [| n; m |] dtype d

    /// A tensor with a single 1 at flat index i (a basis direction), zeros elsewhere.
    let oneHotFlat (shape: int[]) (i: int) (dtype: Dtype) =
        let d = Array.zeroCreate (Shape.numel shape)
        d.[i] <- 1.0
        ofDoubles shape dtype d
