namespace Fluxion.Ops

open System
open Fluxion
open Fluxion.Backend

/// PyTorch's indexing ops: gather/scatter, index_select, masks, stacking helpers and einsum (all differentiable
/// where PyTorch's are).
module Indexing =
    let private shp (s: int[]) = Shape.toString s

    let private checkIndexShape (op: string) (index: Tensor) (x: Tensor) (d: int) =
        if isNull (box index) then nullArg "index"
        if index.Dtype <> Dtype.Int64 then invalidArg "index" (sprintf "%s(): Expected dtype int64 for index, got %s" op (Dtype.name index.Dtype))
        if index.Dim <> x.Dim then
            raise (ShapeException(sprintf "%s: index has shape %s but input has shape %s; they need the same number of dimensions" op (shp index.Shape) (shp x.Shape)))
        index.Shape |> Array.iteri (fun i s ->
            if i <> d && s > x.Shape.[i] then
                raise (ShapeException(sprintf "%s: index shape %s exceeds input shape %s in dimension %d" op (shp index.Shape) (shp x.Shape) i)))

    // Value bounds need the indices on the host, so only the user-facing scatter ops check them (gather is also
    // the inner step of pooling, padding and reductions, whose indices are valid by construction).
    let private checkIndex (op: string) (index: Tensor) (x: Tensor) (d: int) =
        checkIndexShape op index x d
        let size = int64 x.Shape.[d]
        for v in index.ToInt64Array() do
            if v < 0L || v >= size then
                raise (ArgumentOutOfRangeException("index", sprintf "%s: index %d is out of bounds for dimension %d with size %d" op v d size))

    /// out[i][j] = x[index[i][j]][j] along `dim` (PyTorch's `gather`).
    let gather (dim: int) (index: Tensor) (x: Tensor) : Tensor =
        let d = Shape.normDim "gather" x.Dim dim
        checkIndexShape "gather" index x d
        Tensor.GatherAlong("GatherBackward0", d, index.Raw, x)

    /// Zeros of `shape` with `src` added at `index` along `dim` (the adjoint of gather; `index` has src's shape).
    let scatterAddInto (shape: int[]) (dim: int) (index: Tensor) (src: Tensor) : Tensor =
        Tensor.ScatterAddAlong("ScatterAddBackward0", shape, dim, index.Raw, src)

    let private srcFor (op: string) (index: Tensor) (src: Tensor) =
        if src.Dim <> index.Dim then
            raise (ShapeException(sprintf "%s: src has shape %s but index has shape %s; they need the same number of dimensions" op (shp src.Shape) (shp index.Shape)))
        if Array.exists2 (fun i s -> i > s) index.Shape src.Shape then
            raise (ShapeException(sprintf "%s: index shape %s exceeds src shape %s" op (shp index.Shape) (shp src.Shape)))
        if Shape.equal index.Shape src.Shape then src
        else src.SliceRaw(Array.zeroCreate src.Dim, index.Shape, Array.create src.Dim 1)

    /// x with `src` added at `index` along `dim`: x[index[i][j]][j] += src[i][j] for dim 0 (PyTorch's `scatter_add`).
    let scatterAdd (dim: int) (index: Tensor) (src: Tensor) (x: Tensor) : Tensor =
        let d = Shape.normDim "scatter_add" x.Dim dim
        checkIndex "scatter_add" index x d
        x + scatterAddInto x.Shape d index (srcFor "scatter_add" index src)

    /// x with `src` written at `index` along `dim` (PyTorch's `scatter`); written positions take no gradient from x.
    /// Duplicate target positions are undefined in PyTorch; here they add up.
    let scatter (dim: int) (index: Tensor) (src: Tensor) (x: Tensor) : Tensor =
        let d = Shape.normDim "scatter" x.Dim dim
        checkIndex "scatter" index x d
        let src = srcFor "scatter" index src
        let hit = Tensor.OfRaw(index.Raw.Backend.Full(index.Shape, 1.0, Dtype.Float32).ScatterAddInto(x.Shape, d, index.Raw))
        let keep = hit.CompareScalar(CompareKind.Eq, 0.0)
        Tensor.Where(keep, x, scatterAddInto x.Shape d index src)

    /// Slices along `dim` picked by an int64 index vector (PyTorch's `index_select(dim, index)`).
    let indexSelect (dim: int) (index: Tensor) (x: Tensor) : Tensor =
        if isNull (box index) then nullArg "index"
        if isNull (box x) then nullArg "x"
        let d = Shape.normDim "index_select" x.Dim dim
        if index.Dim > 1 then raise (ShapeException(sprintf "index_select(): Index is supposed to be a vector, got shape %s; flatten it or use t[index]" (Shape.toString index.Shape), "index"))
        if index.Dtype <> Dtype.Int64 then invalidArg "index" (sprintf "index_select(): Expected dtype int64 for index, got %s" (Dtype.name index.Dtype))
        let size = if x.Dim = 0 then 1L else int64 x.Shape.[d]
        let picks = index.ToInt64Array()
        for v in picks do
            if v < 0L || v >= size then
                raise (ArgumentOutOfRangeException("index", sprintf "index_select(): index out of range in self: index %d, dimension %d has size %d" v d size))
        if x.Dim = 0 then x.Reshape([| 1 |]).Expand([| picks.Length |]) * 1.0
        else Tensor.TakeAlong("IndexSelectBackward0", x, d, picks)

    /// PyTorch's `t[index]`: int64 indices pick along dimension 0, a bool mask picks the true positions.
    let index (index: Tensor) (x: Tensor) : Tensor = x.[index]

    /// Elements where a bool mask is true, as a 1-D tensor (PyTorch's `masked_select`; the mask broadcasts).
    let maskedSelect (mask: Tensor) (x: Tensor) =
        if mask.Dtype <> Dtype.Bool then invalidArg "mask" (sprintf "masked_select: expected a bool mask, got %s" (Dtype.name mask.Dtype))
        let shape = Shape.broadcast "masked_select" mask.Shape x.Shape
        let m = mask.Raw.Expand(shape).ToBoolArray()
        let x = if Shape.equal x.Shape shape then x else x.Expand shape
        let picks = [| for i in 0 .. m.Length - 1 do if m.[i] then yield int64 i |]
        Tensor.TakeAlong("MaskedSelectBackward0", x.Reshape [| -1 |], 0, picks)

    /// x with `value` where the bool mask is true (PyTorch's `masked_fill`; no gradient through filled positions).
    let maskedFill (mask: Tensor) (value: float) (x: Tensor) =
        if mask.Dtype <> Dtype.Bool then invalidArg "mask" (sprintf "masked_fill_ only supports boolean masks, but got mask with dtype %s" (Dtype.name mask.Dtype))
        Tensor.Where(mask, x.FullLike(value), x)

    /// Picks `a` where `cond` is true and `b` elsewhere, with broadcasting (PyTorch's `where`).
    let where (cond: Tensor) (a: Tensor) (b: Tensor) = Tensor.Where(cond, a, b)

    /// Stacks tensors row-wise (PyTorch's `vstack`): 1-D tensors become rows, then concatenation along 0.
    let vstack (xs: Tensor[]) =
        if isNull xs then nullArg "xs"
        if xs.Length = 0 then invalidArg "xs" "vstack expects a non-empty TensorList"
        xs |> Array.map (fun t -> if t.Dim = 0 then t.Reshape [| 1; 1 |] elif t.Dim = 1 then t.Reshape [| 1; -1 |] else t) |> Shapes.cat 0

    /// Stacks tensors column-wise (PyTorch's `hstack`): along 0 for 1-D tensors, along 1 otherwise.
    let hstack (xs: Tensor[]) =
        if isNull xs then nullArg "xs"
        if xs.Length = 0 then invalidArg "xs" "hstack expects a non-empty TensorList"
        let xs = xs |> Array.map (fun t -> if t.Dim = 0 then t.Reshape [| 1 |] else t)
        if xs |> Array.forall (fun t -> t.Dim = 1) then Shapes.cat 0 xs else Shapes.cat 1 xs

    /// Repeats each element `repeats.[i]` times along `dim`, or of the flattened tensor when dim is None
    /// (PyTorch's `repeat_interleave` with a repeats tensor or list).
    let repeatInterleaveBy (repeats: int[]) (dim: int option) (x: Tensor) =
        let x, d = match dim with None -> x.Reshape [| -1 |], 0 | Some d -> x, Shape.normDim "repeat_interleave" x.Dim d
        let n = x.Shape.[d]
        if repeats |> Array.exists (fun r -> r < 0) then invalidArg "repeats" "repeats can not be negative"
        let repeats = if repeats.Length = 1 then Array.create n repeats.[0] else repeats
        if repeats.Length <> n then
            raise (ShapeException(sprintf "repeat_interleave: repeats must have the same size as input along dim, got %d repeats for size %d" repeats.Length n))
        let picks = [| for i in 0 .. n - 1 do for _ in 1 .. repeats.[i] do yield int64 i |]
        Tensor.TakeAlong("IndexSelectBackward0", x, d, picks)

    /// Repeats each element `repeats` times along `dim`, or of the flattened tensor when dim is None (PyTorch's `repeat_interleave`).
    let repeatInterleave (repeats: int) (dim: int option) (x: Tensor) =
        if repeats < 0 then invalidArg "repeats" "repeats can not be negative"
        repeatInterleaveBy [| repeats |] dim x

    /// Tiles the tensor (PyTorch's `tile`): like `repeat`, but fewer reps than dimensions are padded with leading 1s.
    let tile (reps: int[]) (x: Tensor) =
        if isNull reps then nullArg "reps"
        let reps = if reps.Length < x.Dim then Array.append (Array.create (x.Dim - reps.Length) 1) reps else reps
        Shapes.repeat reps x

    // ------------------------------------------------------------------ einsum

    let private einsumFail fmt = Printf.ksprintf (fun s -> raise (ArgumentException s)) fmt

    /// Takes the diagonal of two dimensions with the same letter, so each operand has distinct letters.
    let rec private dedupe (t: Tensor) (letters: char list) : Tensor * char list =
        let arr = List.toArray letters
        match arr |> Array.tryFindIndex (fun c -> (arr |> Array.filter ((=) c)).Length > 1) with
        | None -> t, letters
        | Some p ->
            let q = Array.findIndexBack ((=) arr.[p]) arr
            let n = t.Shape.[p]
            if t.Shape.[q] <> n then
                einsumFail "einsum(): subscript %c is repeated for operand but the sizes don't match, %d != %d" arr.[p] n t.Shape.[q]
            let rest = [| for i in 0 .. arr.Length - 1 do if i <> p && i <> q then yield i |]
            let moved = t.Permute(Array.append rest [| p; q |])
            let lead = rest |> Array.map (fun i -> t.Shape.[i])
            let diag = moved.Reshape(Array.append lead [| n * n |]).Slice(lead.Length, 0, n * n, n + 1)
            dedupe diag (List.ofArray (Array.append (rest |> Array.map (fun i -> arr.[i])) [| arr.[p] |]))

    let private sumOut (t: Tensor) (letters: char list) (keep: char -> bool) =
        let dims = letters |> List.indexed |> List.filter (fun (_, c) -> not (keep c)) |> List.map fst |> List.toArray
        if dims.Length = 0 then t, letters
        else t.Sum(dims, false), letters |> List.filter keep

    let private permuteTo (t: Tensor) (letters: char list) (target: char list) =
        let perm = target |> List.map (fun c -> List.findIndex ((=) c) letters) |> List.toArray
        if perm = Array.init perm.Length id then t else t.Permute perm

    /// Einstein summation (PyTorch's `einsum`): "ij,jk->ik", "bij,bjk->bik", "ii->", "i,j->ij" and implicit
    /// outputs ("ij,jk" sums j). Built from permute, reshape, matmul and sum, so it differentiates to any order.
    let einsum (equation: string) (operands: Tensor[]) : Tensor =
        if isNull equation then nullArg "equation"
        if isNull operands then nullArg "operands"
        if operands.Length = 0 then invalidArg "operands" "einsum(): must provide at least one operand"
        let eq = equation.Replace(" ", "")
        if eq.Contains "..." then invalidArg "equation" "einsum(): ellipsis ('...') is not supported; write the dimensions out"
        let lhs, rhs =
            match eq.IndexOf "->" with
            | -1 -> eq, None
            | i -> eq.Substring(0, i), Some(eq.Substring(i + 2))
        let terms = lhs.Split ','
        if terms.Length <> operands.Length then
            einsumFail "einsum(): more operands were provided than specified in the equation" |> ignore
        for term in Array.append terms (Option.toArray rhs) do
            for c in term do
                if not (Char.IsAsciiLetter c) then einsumFail "einsum(): invalid subscript given at index %d in the equation string, subscripts must be in [a-zA-Z]" (eq.IndexOf c)
        let sizes = Collections.Generic.Dictionary<char, int>()
        terms |> Array.iteri (fun k term ->
            let t = operands.[k]
            if term.Length <> t.Dim then
                einsumFail "einsum(): the number of subscripts in the equation (%d) does not match the number of dimensions (%d) for operand %d and no ellipsis was given" term.Length t.Dim k
            term |> Seq.iteri (fun i c ->
                let s = t.Shape.[i]
                match sizes.TryGetValue c with
                | true, prev when prev <> s && prev <> 1 && s <> 1 ->
                    einsumFail "einsum(): subscript %c has size %d for operand %d which does not broadcast with previously seen size %d" c s k prev
                | true, prev when prev <> 1 -> ()
                | _ -> sizes.[c] <- s))
        let output =
            match rhs with
            | Some r ->
                for c in r do
                    if not (sizes.ContainsKey c) then einsumFail "einsum(): output subscript %c does not appear in the equation for any input operand" c
                    if (r |> Seq.filter ((=) c) |> Seq.length) > 1 then einsumFail "einsum(): output subscript %c appears more than once in the output" c
                List.ofSeq r
            | None ->
                let all = String.Concat terms
                sizes.Keys |> Seq.filter (fun c -> (all |> Seq.filter ((=) c) |> Seq.length) = 1) |> Seq.sort |> List.ofSeq
        // Each operand as (tensor, distinct letters), broadcast to the common sizes.
        let ops =
            terms |> Array.mapi (fun k term ->
                let t, letters = dedupe operands.[k] (List.ofSeq term)
                let target = letters |> List.map (fun c -> sizes.[c]) |> List.toArray
                (if Shape.equal t.Shape target then t else t.Expand target), letters)
        let needed (later: (Tensor * char list)[]) (c: char) =
            List.contains c output || later |> Array.exists (fun (_, l) -> List.contains c l)
        let t0, l0 = ops.[0]
        let first = sumOut t0 l0 (fun c -> needed ops.[1..] c)
        let mutable acc = fst first
        let mutable la = snd first
        for k in 1 .. ops.Length - 1 do
            let later = ops.[k + 1 ..]
            let keep c = needed later c
            let b, lb = ops.[k]
            let a, la' = sumOut acc la (fun c -> keep c || List.contains c lb)
            let b, lb = sumOut b lb (fun c -> keep c || List.contains c la')
            let batch = la' |> List.filter (fun c -> List.contains c lb && keep c)
            let contr = la' |> List.filter (fun c -> List.contains c lb && not (keep c))
            let aOnly = la' |> List.filter (fun c -> not (List.contains c lb))
            let bOnly = lb |> List.filter (fun c -> not (List.contains c la'))
            let size (cs: char list) = cs |> List.fold (fun p c -> p * sizes.[c]) 1
            let a3 = (permuteTo a la' (batch @ aOnly @ contr)).Reshape [| size batch; size aOnly; size contr |]
            let b3 = (permuteTo b lb (batch @ contr @ bOnly)).Reshape [| size batch; size contr; size bOnly |]
            let letters = batch @ aOnly @ bOnly
            acc <- Tensor.MatMul(a3, b3).Reshape(letters |> List.map (fun c -> sizes.[c]) |> List.toArray)
            la <- letters
        let t, l = sumOut acc la (fun c -> List.contains c output)
        permuteTo t l output
