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
    member _.Data = data
    /// A new tensor of the same concrete kind.
    abstract Make: 'T[] * int[] -> RawTensor

    member t.Arr(o: RawTensor) : 'T[] =
        match o with
        | :? RawArray<'T> as r -> r.Data
        | _ when not (obj.ReferenceEquals(o.Backend, t.Backend)) ->
            // Mixing backends is the usual cause: say which two met, since the dtypes may well agree.
            raise (ArgumentException(sprintf "managed backend: expected a %s tensor on the %s backend, got a %s tensor on the %s backend; move one operand with Backends.toBackend or create both on the same backend" (Dtype.name t.Dtype) t.Backend.Name (Dtype.name o.Dtype) o.Backend.Name))
        | _ -> raise (ArgumentException(sprintf "managed backend: expected a %s tensor, got %s" (Dtype.name t.Dtype) (Dtype.name o.Dtype)))

    override t.Backend = ManagedHome.Backend
    override t.Reshape(s) = t.Make(data, s)
    override t.Permute(perm) =
        let outShape = Array.map (fun p -> shape.[p]) perm
        t.Make(Loops.stridedCopy data 0 (Loops.permuteStrides shape perm) outShape, outShape)
    override t.Expand(target) =
        if Shape.equal target shape then t :> RawTensor
        else t.Make(Loops.stridedCopy data 0 (Loops.broadcastStrides shape target) target, target)
    override t.Slice(starts, lengths, steps) =
        let st = Shape.strides shape
        let mutable start = 0
        for i in 0 .. shape.Length - 1 do start <- start + starts.[i] * st.[i]
        let strides = Array.init shape.Length (fun i -> st.[i] * steps.[i])
        t.Make(Loops.stridedCopy data start strides lengths, lengths)
    override t.Cat(others, dim) =
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
    override t.Gather(dim, index) =
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
    override t.Flip(dims) =
        let st = Shape.strides shape
        let mutable start = 0
        let strides = Array.copy st
        for d in dims do
            start <- start + (shape.[d] - 1) * st.[d]
            strides.[d] <- -st.[d]
        t.Make(Loops.stridedCopy data start strides shape, shape)
    override t.Where(cond, other) =
        let c = (cond :?> RawArray<bool>).Data
        let o = t.Arr other
        let outShape = Shape.broadcast "where" (Shape.broadcast "where" cond.Shape shape) other.Shape
        let a = Loops.stridedCopy data 0 (Loops.broadcastStrides shape outShape) outShape
        let cc = Loops.stridedCopy c 0 (Loops.broadcastStrides cond.Shape outShape) outShape
        let oo = Loops.stridedCopy o 0 (Loops.broadcastStrides other.Shape outShape) outShape
        for i in 0 .. a.Length - 1 do
            if not cc.[i] then a.[i] <- oo.[i]
        t.Make(a, outShape)
    override t.Clone() = t.Make(Array.copy data, shape)
    override t.CopyFrom(o) = Array.blit (t.Arr o) 0 data 0 data.Length
