namespace Fluxion

/// Element type of a tensor (PyTorch's dtype); float32 is the default as in PyTorch.
type Dtype =
    /// 32-bit IEEE float (torch.float32), the default.
    | Float32 = 0
    /// 64-bit IEEE float (torch.float64).
    | Float64 = 1
    /// 64-bit signed integer (torch.int64), used for class indices.
    | Int64 = 2
    /// Boolean (torch.bool), used for masks.
    | Bool = 3
    /// 32-bit signed integer (torch.int32), e.g. image pixels.
    | Int32 = 4

/// Helpers on dtypes.
module Dtype =
    /// PyTorch's name of a dtype, e.g. `torch.float32`.
    let name (d: Dtype) =
        match d with
        | Dtype.Float32 -> "torch.float32"
        | Dtype.Float64 -> "torch.float64"
        | Dtype.Int64 -> "torch.int64"
        | Dtype.Int32 -> "torch.int32"
        | Dtype.Bool -> "torch.bool"
        | _ -> "torch.unknown"

    /// True for float32 and float64.
    let isFloat (d: Dtype) = d = Dtype.Float32 || d = Dtype.Float64

    /// Bytes per element.
    let size (d: Dtype) =
        match d with
        | Dtype.Float32 | Dtype.Int32 -> 4
        | Dtype.Bool -> 1
        | _ -> 8

    /// True for int32 and int64.
    let isInteger (d: Dtype) = d = Dtype.Int32 || d = Dtype.Int64

    /// The dtype of a binary op's result under PyTorch's promotion (bool < int32 < int64 < float32 < float64).
    let promote (a: Dtype) (b: Dtype) =
        let rank d =
            match d with
            | Dtype.Bool -> 0
            | Dtype.Int32 -> 1
            | Dtype.Int64 -> 2
            | Dtype.Float32 -> 3
            | _ -> 4
        if rank a >= rank b then a else b
