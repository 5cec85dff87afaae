namespace Fluxion.Ops

open System
open Fluxion
open Fluxion.Backend

/// Shape manipulation: views, joins, splits, tiling, padding.
module Shapes =
    /// Inserts a size-1 dimension at `dim` (negative counts from the end, like PyTorch).
    let unsqueeze (dim: int) (x: Tensor) =
        let s = x.Shape
        let d = if dim < 0 then dim + s.Length + 1 else dim
        if d < 0 || d > s.Length then
            raise (ShapeException(sprintf "unsqueeze: dimension %d is out of range for a tensor of shape %s" dim (Shape.toString s)))
        x.ReshapeNamed(Array.concat [ s.[.. d - 1]; [| 1 |]; s.[d ..] ], "UnsqueezeBackward0")

    /// Removes all size-1 dimensions.
    let squeeze (x: Tensor) =
        x.ReshapeNamed(x.Shape |> Array.filter (fun d -> d <> 1), "SqueezeBackward0")

    /// Removes dimension `dim` if it has size 1 (otherwise returns x unchanged, like PyTorch).
    let squeezeDim (dim: int) (x: Tensor) =
        let s = x.Shape
        if s.Length = 0 then x
        else
            let d = Shape.normDim "squeeze" s.Length dim
            if s.[d] <> 1 then x else x.ReshapeNamed(Array.append s.[.. d - 1] s.[d + 1 ..], "SqueezeBackward1")

    /// Flattens dimensions startDim..endDim into one.
    let flatten (startDim: int) (endDim: int) (x: Tensor) =
        let s = x.Shape
        if s.Length = 0 then x.Reshape [| 1 |]
        else
            let a = Shape.normDim "flatten" s.Length startDim
            let b = Shape.normDim "flatten" s.Length endDim
            if a > b then raise (ShapeException(sprintf "flatten: start_dim %d comes after end_dim %d" startDim endDim))
            let mid = Shape.numel s.[a .. b]
            x.ReshapeNamed(Array.concat [ s.[.. a - 1]; [| mid |]; s.[b + 1 ..] ], "ReshapeAliasBackward0")

    /// Concatenates tensors along an existing dimension; like PyTorch, 1-D empty tensors of shape (0,) are
    /// skipped whatever the other shapes are (a legacy rule code relies on to grow a tensor from `zeros(0)`).
    let cat (dim: int) (xs: Tensor[]) =
        if isNull xs then raise (ArgumentNullException("xs", "cat: the list of tensors is null"))
        if xs.Length = 0 then invalidArg "xs" "cat: expected a non-empty list of tensors"
        xs |> Array.iteri (fun i x -> if isNull (box x) then raise (ArgumentNullException("xs", sprintf "cat: expected Tensor as element %d in argument 0, but got null" i)))
        xs |> Array.iteri (fun i x ->
            if x.Dim = 0 then raise (ShapeException(sprintf "cat: zero-dimensional tensor (at position %d) cannot be concatenated" i)))
        let legacyEmpty (x: Tensor) = x.Dim = 1 && x.Shape.[0] = 0
        let all = xs
        let xs = match xs |> Array.filter (legacyEmpty >> not) with [||] -> [| xs.[0] |] | kept -> kept
        let s0 = xs.[0].Shape
        let d = Shape.normDim "cat" s0.Length dim
        xs |> Array.iteri (fun i x ->
            let s = x.Shape
            if s.Length <> s0.Length || (s |> Array.mapi (fun j v -> j = d || v = s0.[j]) |> Array.forall id |> not) then
                raise (ShapeException(sprintf "cat: tensor %d has shape %s but tensor 0 has shape %s; sizes must match except in dimension %d" i (Shape.toString s) (Shape.toString s0) d)))
        let total = xs |> Array.sumBy (fun x -> int64 x.Shape.[d])
        let outShape = Array.copy s0
        outShape.[d] <- int (min total (int64 Int32.MaxValue))
        if total > int64 Int32.MaxValue then
            raise (ShapeException(sprintf "cat: the result would have size %d in dimension %d; a tensor holds at most %d elements" total d Shape.MaxNumel))
        Shape.validate "cat" outShape |> ignore
        let dtype = all |> Array.map (fun x -> x.Dtype) |> Array.reduce Dtype.promote
        if xs.Length = 1 then (if xs.[0].Dtype = dtype then xs.[0] else xs.[0].Cast dtype)
        else
            let xs = xs |> Array.map (fun x -> x.Cast dtype)
            let offsets = xs |> Array.scan (fun acc (x: Tensor) -> acc + x.Shape.[d]) 0
            Tensor.ApplyNary({ new NaryOp("CatBackward0") with
                member _.Forward rs = rs.[0].Backend.Cat(rs, d)
                member _.Jvp(xs, i, dxi, y) =
                    let full = y.Shape
                    let starts = Array.zeroCreate full.Length
                    starts.[d] <- offsets.[i]
                    dxi.SliceScatterRaw(full, starts, Array.create full.Length 1)
                member _.Vjp(xs, i, _, g) = g.Narrow(d, offsets.[i], xs.[i].Shape.[d]) }, xs)

    /// Stacks equally shaped tensors along a new dimension.
    let stack (dim: int) (xs: Tensor[]) =
        if isNull xs then raise (ArgumentNullException("xs", "stack: the list of tensors is null"))
        if xs.Length = 0 then invalidArg "xs" "stack: expected a non-empty list of tensors"
        xs |> Array.iteri (fun i x -> if isNull (box x) then raise (ArgumentNullException("xs", sprintf "stack: expected Tensor as element %d in argument 0, but got null" i)))
        // The new dim ranges over ndim + 1 positions; check here so the error names stack, not unsqueeze.
        Shape.normDim "stack" (xs.[0].Dim + 1) dim |> ignore
        let s0 = xs.[0].Shape
        xs |> Array.iteri (fun i x ->
            if not (Shape.equal x.Shape s0) then
                raise (ShapeException(sprintf "stack: expects each tensor to be equal size, but got %s at entry 0 and %s at entry %d" (Shape.toString s0) (Shape.toString x.Shape) i)))
        let d = if dim < 0 then dim + s0.Length + 1 else dim
        cat d (xs |> Array.map (unsqueeze d))

    /// Splits into pieces of the given sizes along a dimension.
    let splitSizes (sizes: int[]) (dim: int) (x: Tensor) =
        let d = Shape.normDim "split" x.Dim dim
        if Array.sum sizes <> x.Shape.[d] then
            raise (ShapeException(sprintf "split: sizes %A add up to %d but dimension %d has size %d" sizes (Array.sum sizes) d x.Shape.[d]))
        let offs = Array.scan (+) 0 sizes
        Array.init sizes.Length (fun i -> x.Narrow(d, offs.[i], sizes.[i]))

    /// Splits into pieces of `size` along a dimension (the last may be smaller).
    let split (size: int) (dim: int) (x: Tensor) =
        if size <= 0 then invalidArg "size" (sprintf "split: size must be positive, got %d" size)
        if x.Dim = 0 then raise (ShapeException("split: split expects at least a 1-dimensional tensor", "x"))
        let d = Shape.normDim "split" x.Dim dim
        let n = x.Shape.[d]
        // An empty dimension still splits into one (empty) piece, as in PyTorch.
        if n = 0 then splitSizes [| 0 |] d x
        else splitSizes [| for s in 0 .. size .. n - 1 -> min size (n - s) |] d x

    /// Splits into `chunks` nearly equal pieces along a dimension.
    let chunk (chunks: int) (dim: int) (x: Tensor) =
        if chunks <= 0 then invalidArg "chunks" (sprintf "chunk: chunks must be positive, got %d" chunks)
        if x.Dim = 0 then raise (ShapeException("chunk: chunk expects at least a 1-dimensional tensor", "x"))
        let d = Shape.normDim "chunk" x.Dim dim
        let n = x.Shape.[d]
        // PyTorch gives `chunks` empty pieces for an empty dimension.
        if n = 0 then splitSizes (Array.zeroCreate chunks) d x
        else split ((n + chunks - 1) / chunks) d x

    /// Reverses the order along the given dimensions.
    let rec flip (dims: int[]) (x: Tensor) : Tensor =
        if isNull dims then raise (ArgumentNullException("dims", "flip: the list of dims is null"))
        let dims = dims |> Array.map (Shape.normDim "flip" x.Dim)
        if (Array.distinct dims).Length <> dims.Length then
            let dup = dims |> Array.countBy id |> Array.find (fun (_, c) -> c > 1) |> fst
            raise (ShapeException(sprintf "flip: dim %d appears multiple times in the list of dims" dup, "dims"))
        Tensor.ApplyUnary({ new UnaryOp("FlipBackward0") with
            member _.Forward r = r.Flip dims
            member _.Jvp(_, dx, _) = flip dims dx
            member _.Vjp(_, _, g) = flip dims g }, x)

    /// Tiles the tensor `repeats.[i]` times along dimension i (PyTorch's `repeat`).
    let repeat (repeats: int[]) (x: Tensor) =
        if isNull repeats then raise (ArgumentNullException("repeats", "repeat: the repeats array is null"))
        let s = x.Shape
        let orig = s
        if repeats.Length < s.Length then
            raise (ShapeException(sprintf "repeat: number of repeats %d cannot be smaller than the number of dimensions %d" repeats.Length s.Length))
        let s = Array.append (Array.create (repeats.Length - s.Length) 1) s
        let x = x.Reshape s
        let inter = Array.init (2 * s.Length) (fun i -> if i % 2 = 0 then 1 else s.[i / 2])
        let target = Array.init (2 * s.Length) (fun i -> if i % 2 = 0 then repeats.[i / 2] else s.[i / 2])
        let big = Array.init s.Length (fun i -> int64 s.[i] * int64 repeats.[i])
        if big |> Array.exists (fun v -> v > int64 Int32.MaxValue) then
            let total = big |> Array.fold (fun (acc: Numerics.BigInteger) v -> acc * Numerics.BigInteger v) Numerics.BigInteger.One
            raise (ShapeException(sprintf "repeat: repeating %s by %s gives %s elements; a tensor holds at most %d" (Shape.toString x.Shape) (Shape.toString repeats) (total.ToString()) Shape.MaxNumel))
        let final = Array.map int big
        Shape.validate "repeat" final |> ignore
        let tile (t: Tensor) = t.Reshape(inter).Expand(target).Reshape final
        let lead = repeats.Length - orig.Length
        Tensor.ApplyUnary({ new UnaryOp("RepeatBackward0") with
            member _.Forward r =
                // PyTorch's repeat always copies; the reshape of an expanded view may stay a view (stride 0), and
                // writes into one would reach every repetition.
                let t = Tensor.OfRaw r
                let y = tile t
                if y.SharesStorageWith t then y.Raw.Clone() else y.Raw
            member _.Jvp(_, dx, _) = tile dx
            member _.Vjp(_, _, g) =
                // PyTorch's repeat_backward: the added leading dims summed one at a time, then every repeated
                // dim split into (repeat, size) and the repeat axes summed together.
                if Array.contains 0 repeats then Tensor.SumToShape(g.Reshape target, inter).Reshape s
                else
                    let mutable g = g
                    for _ in 1 .. lead do g <- g.Sum([| 0 |], false)
                    let sizes = ResizeArray<int>()
                    let sumDims = ResizeArray<int>()
                    for i in 0 .. orig.Length - 1 do
                        let rep = repeats.[i + lead]
                        if rep <> 1 then
                            sizes.Add rep
                            sumDims.Add(sizes.Count - 1)
                        sizes.Add orig.[i]
                    let g = g.Reshape(sizes.ToArray())
                    (if sumDims.Count = 0 then g else g.Sum(sumDims.ToArray(), false)).Reshape s }, x)

    /// Constant padding of the last dimensions: `pads` = (left_last, right_last, left_prev, right_prev, ...).
    let pad (pads: int[]) (value: float) (x: Tensor) =
        if isNull pads then raise (ArgumentNullException("pads", "pad: the padding array is null"))
        if pads.Length % 2 <> 0 || pads.Length / 2 > x.Dim then
            raise (ShapeException(sprintf "pad: padding length %d must be even and at most twice the number of dimensions (%d)" pads.Length x.Dim, "pads"))
        let s = x.Shape
        let full = Array.copy s
        let starts = Array.zeroCreate s.Length
        for i in 0 .. pads.Length / 2 - 1 do
            let d = s.Length - 1 - i
            if pads.[2 * i] < 0 || pads.[2 * i + 1] < 0 then invalidArg "pads" "pad: negative padding is not supported"
            let size = int64 s.[d] + int64 pads.[2 * i] + int64 pads.[2 * i + 1]
            if size > int64 Int32.MaxValue then
                raise (ShapeException(sprintf "pad: padding %s by %s gives dimension %d size %d; a tensor holds at most %d elements" (Shape.toString s) (Shape.toString pads) d size Shape.MaxNumel))
            full.[d] <- int size
            starts.[d] <- pads.[2 * i]
        Shape.validate "pad" full |> ignore
        let placed = x.SliceScatterRaw(full, starts, Array.create s.Length 1)
        if value = 0.0 then placed
        else
            let border = x.OnesLike().SliceScatterRaw(full, starts, Array.create s.Length 1)
            placed + (1.0 - border.Detach()) * value
