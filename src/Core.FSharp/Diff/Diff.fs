namespace Fluxion

open System
open Fluxion.Ops

/// Functional differentiation (DiffSharp style): every function takes the function to differentiate
/// and the point, works on tensors of any shape and nests to any depth in any mix of modes.
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Diff =
    let private fail fmt = Printf.ksprintf (fun s -> raise (ArgumentException s)) fmt
    let private shapeFail fmt = Printf.ksprintf (fun s -> raise (ShapeException s)) fmt

    /// Reverse mode: the value of f at x and the vector-Jacobian product vᵀ·J (in x's shape).
    let valueAndVjp (f: Tensor -> Tensor) (x: Tensor) (v: Tensor) : Tensor * Tensor =
        let tag = NestTag.next ()
        let leaf = LeafNode()
        let y = f (TR(x, leaf, tag))
        if not (Shape.equal v.Shape y.Shape) then
            shapeFail "vjp: the cotangent has shape %s but f returns shape %s" (Shape.toString v.Shape) (Shape.toString y.Shape)
        match y with
        | TR(yp, _, n) when n = tag ->
            Tensor.ReverseSweep(y, v)
            let g = leaf.Adj
            leaf.Adj <- Unchecked.defaultof<Tensor>
            yp, (if isNull (box g) then x.ZerosLike() else g)
        | _ -> y, x.ZerosLike()

    /// Reverse mode: vᵀ·J.
    let vjp f x v = snd (valueAndVjp f x v)

    /// The value of a scalar function and its gradient (in x's shape).
    let valueAndGrad (f: Tensor -> Tensor) (x: Tensor) : Tensor * Tensor =
        if isNull (box f) then raise (ArgumentNullException("f", "grad: the function is null"))
        if isNull (box x) then raise (ArgumentNullException("x", "grad: the input tensor is null"))
        let tag = NestTag.next ()
        let leaf = LeafNode()
        let y = f (TR(x, leaf, tag))
        if y.Numel <> 1 then
            shapeFail "grad: f must return a scalar (one element), got shape %s; use jacobian or vjp" (Shape.toString y.Shape)
        match y with
        | TR(yp, _, n) when n = tag ->
            Tensor.ReverseSweep(y, yp.Detach().OnesLike())
            let g = leaf.Adj
            leaf.Adj <- Unchecked.defaultof<Tensor>
            yp, (if isNull (box g) then x.ZerosLike() else g)
        | _ -> y, x.ZerosLike()

    /// The gradient of a scalar function (reverse mode).
    let grad f x = snd (valueAndGrad f x)

    /// Gradients of a scalar function of several tensors, one per input (reverse mode).
    let valueAndGrads (f: Tensor[] -> Tensor) (xs: Tensor[]) : Tensor * Tensor[] =
        let tag = NestTag.next ()
        let leaves = xs |> Array.map (fun _ -> LeafNode())
        let y = f (Array.map2 (fun x l -> TR(x, l, tag)) xs leaves)
        if y.Numel <> 1 then shapeFail "grad: f must return a scalar, got shape %s" (Shape.toString y.Shape)
        match y with
        | TR(yp, _, n) when n = tag ->
            Tensor.ReverseSweep(y, yp.Detach().OnesLike())
            let gs = Array.map2 (fun (l: LeafNode) (x: Tensor) ->
                        let g = l.Adj
                        l.Adj <- Unchecked.defaultof<Tensor>
                        if isNull (box g) then x.ZerosLike() else g) leaves xs
            yp, gs
        | _ -> y, xs |> Array.map (fun x -> x.ZerosLike())

    /// Gradients with respect to several tensors at once.
    let grads f xs = snd (valueAndGrads f xs)

    /// Forward mode: the value of f at x and the Jacobian-vector product J·v (in f's output shape).
    let valueAndJvp (f: Tensor -> Tensor) (x: Tensor) (v: Tensor) : Tensor * Tensor =
        if not (Shape.equal v.Shape x.Shape) then
            shapeFail "jvp: the tangent has shape %s but x has shape %s" (Shape.toString v.Shape) (Shape.toString x.Shape)
        let tag = NestTag.next ()
        let y = f (TF(x, v, tag))
        match y with
        | TF(yp, t, n) when n = tag -> yp, t
        | _ -> y, y.ZerosLike()

    /// Forward mode: J·v.
    let jvp f x v = snd (valueAndJvp f x v)

    /// Directional derivative of f at x along v (forward mode).
    let gradv f x v = jvp f x v

    /// Derivative of f at x along all-ones (for a scalar x, the ordinary derivative), forward mode.
    let diff (f: Tensor -> Tensor) (x: Tensor) = jvp f x (x.OnesLike())

    /// The n-th derivative by nested forward mode (n = 0 gives f x).
    let rec diffn (n: int) (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        if n < 0 then fail "diffn: order must be non-negative, got %d" n
        elif n = 0 then f x
        else diff (fun x -> diffn (n - 1) f x) x

    /// The Jacobian with shape (f's output shape) ++ (x's shape): forward columns when x has at most
    /// as many elements as f's output, reverse rows otherwise.
    let jacobian (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        let n = x.Numel
        let y0 = f x
        let m = y0.Numel
        let outShape = Array.append y0.Shape x.Shape
        if n <= m then
            let cols = Array.init n (fun j -> (jvp f x (Creation.oneHotFlat x.Shape j x.Dtype)).Reshape [| m |])
            (Shapes.stack 1 cols).Reshape outShape
        else
            let rows = Array.init m (fun i -> (vjp f x (Creation.oneHotFlat y0.Shape i y0.Dtype)).Reshape [| n |])
            (Shapes.stack 0 rows).Reshape outShape

    /// The Hessian of a scalar function one column at a time (one forward-over-reverse sweep per element of x),
    /// shape x.Shape ++ x.Shape; `hessian` gives the same values with fewer sweeps.
    let hessianColumns (f: Tensor -> Tensor) (x: Tensor) : Tensor = jacobian (grad f) x

    // Columns per batched sweep: each intermediate tangent holds columns × numel elements.
    let private batchElements = 1 <<< 17

    /// Columns j0 .. j0+c-1 of the Hessian at a constant x as a raw [c; n] block (row k = column j0+k), from one
    /// forward-over-reverse sweep whose tangent is the batch of basis vectors.
    let private hessianBlock (f: Tensor -> Tensor) (x: Tensor) (j0: int) (c: int) : Backend.RawTensor =
        let n = x.Numel
        let raw = x.Raw
        let d = Array.zeroCreate (c * n)
        for k in 0 .. c - 1 do d.[k * n + j0 + k] <- 1.0
        let basis = raw.Backend.OfFloat64(d, Array.append [| c |] x.Shape)
        let basis = if raw.Dtype = Dtype.Float64 then basis else basis.Cast raw.Dtype
        let tag = NestTag.next ()
        let g = grad f (TF(x, TC(Backend.BatchedRaw(basis, x.Shape)), tag))
        let block (t: Backend.RawTensor) =
            match t with
            | :? Backend.BatchedRaw as b -> (b.WithBatch c).Reshape [| c; n |]
            // A tangent that is the same for every column (a broadcast constant).
            | t -> t.Reshape([| 1; n |]).Expand [| c; n |]
        match g with
        | TF(TC _, TC t, m) when m = tag -> block t
        // The gradient does not depend on x: every column is zero.
        | TC gp -> raw.Backend.Full([| c; n |], 0.0, gp.Dtype)
        | _ -> raise (NotSupportedException "hessian: f mixes x with tensors differentiated at an outer level; the columns are taken one at a time")

    /// The Hessian with all columns pushed through one forward-over-reverse sweep (a batch of tangents, as
    /// jax.vmap over jvp of grad); raises NotSupportedException when f uses an op without a batch rule or
    /// x is not a constant float tensor. Equal to `hessianColumns` wherever the kernels round each column alike.
    let hessianBatched (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        if isNull (box f) then raise (ArgumentNullException("f", "hessian: the function is null"))
        if isNull (box x) then raise (ArgumentNullException("x", "hessian: the input tensor is null"))
        match x with
        | TC raw when Dtype.isFloat raw.Dtype && raw.Numel > 0 ->
            let n = raw.Numel
            let c = max 1 (min n (batchElements / n))
            let blocks = [| for j0 in 0 .. c .. n - 1 -> hessianBlock f x j0 (min c (n - j0)) |]
            let cols = if blocks.Length = 1 then blocks.[0] else blocks.[0].Cat(blocks.[1..], 0)
            // Row j of the blocks is column j of the Hessian.
            TC(cols.Permute([| 1; 0 |]).Reshape(Array.append x.Shape x.Shape))
        | _ -> raise (NotSupportedException "hessian: batched columns need a constant floating-point x with at least one element")

    /// The Hessian of a scalar function (forward-over-reverse), shape x.Shape ++ x.Shape: all columns in one
    /// batched sweep when every op of f has a batch rule, else one column at a time.
    let hessian (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        match x with
        | TC raw when not (isNull (box f)) && Dtype.isFloat raw.Dtype && raw.Numel > 1 ->
            try hessianBatched f x
            with _ -> hessianColumns f x
        | _ -> hessianColumns f x

    /// The Jacobians of f(x₀, x₁, ...) with respect to each input, shapes f(xs).Shape ++ xᵢ.Shape
    /// (torch.autograd.functional.jacobian with a tuple of inputs).
    let jacobianN (f: Tensor[] -> Tensor) (xs: Tensor[]) : Tensor[] =
        if isNull xs then nullArg "xs"
        xs |> Array.mapi (fun i xi ->
            jacobian (fun v -> f (Array.init xs.Length (fun j -> if j = i then v else xs.[j]))) xi)

    /// The Hessian blocks of a scalar f(x₀, x₁, ...): result.[i].[j] has shape xᵢ.Shape ++ xⱼ.Shape
    /// (torch.autograd.functional.hessian with a tuple of inputs), forward-over-reverse.
    let hessianN (f: Tensor[] -> Tensor) (xs: Tensor[]) : Tensor[][] =
        if isNull xs then nullArg "xs"
        let n = xs.Length
        Array.init n (fun i ->
            Array.init n (fun j ->
                let gi (v: Tensor) = (grads f (Array.init n (fun k -> if k = j then v else xs.[k]))).[i]
                jacobian gi xs.[j]))

    /// Hessian-vector product (forward-over-reverse), in x's shape.
    let hvp (f: Tensor -> Tensor) (x: Tensor) (v: Tensor) : Tensor = jvp (grad f) x v

    /// The Laplacian (trace of the Hessian) of a scalar function.
    let laplacian (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        let n = x.Numel
        let g = grad f
        Array.init n (fun i ->
            let e = Creation.oneHotFlat x.Shape i x.Dtype
            ((jvp g x e).Reshape [| n |]).Select(0, i))
        |> Array.reduce (+)

    /// The divergence (trace of the Jacobian) of a vector field f: Rⁿ → Rⁿ.
    let divergence (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        let n = x.Numel
        Array.init n (fun i ->
            let e = Creation.oneHotFlat x.Shape i x.Dtype
            ((jvp f x e).Reshape [| -1 |]).Select(0, i))
        |> Array.reduce (+)

    /// The curl of a vector field f: R³ → R³.
    let curl (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        if x.Numel <> 3 then shapeFail "curl: needs a point in R³, got shape %s" (Shape.toString x.Shape)
        let j = (jacobian f x).Reshape [| 3; 3 |]
        Shapes.stack 0 [| j.[2, 1] - j.[1, 2]; j.[0, 2] - j.[2, 0]; j.[1, 0] - j.[0, 1] |]

/// Finite-difference twins of `Diff`, computed in float64 with central differences (for tests).
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module NumericalDiff =
    let private perturb (x: Tensor) (i: int) (h: float) =
        let d = x.Detach().Cast(Dtype.Float64).ToDoubleArray()
        d.[i] <- d.[i] + h
        Creation.ofFloat64 x.Shape d

    /// Central-difference gradient of a scalar function.
    let grad (eps: float) (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        let g = Array.init x.Numel (fun i -> ((f (perturb x i eps)).ToDouble() - (f (perturb x i (-eps))).ToDouble()) / (2.0 * eps))
        Creation.ofFloat64 x.Shape g

    /// Central-difference Jacobian, shape (f's output shape) ++ (x's shape).
    let jacobian (eps: float) (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        let y0 = f (x.Cast Dtype.Float64)
        let m = y0.Numel
        let n = x.Numel
        let j = Array.zeroCreate (m * n)
        for c in 0 .. n - 1 do
            let yp = (f (perturb x c eps)).Cast(Dtype.Float64).ToDoubleArray()
            let ym = (f (perturb x c (-eps))).Cast(Dtype.Float64).ToDoubleArray()
            for r in 0 .. m - 1 do j.[r * n + c] <- (yp.[r] - ym.[r]) / (2.0 * eps)
        Creation.ofFloat64 (Array.append y0.Shape x.Shape) j

    /// Central-difference Jacobian-vector product.
    let jvp (eps: float) (f: Tensor -> Tensor) (x: Tensor) (v: Tensor) : Tensor =
        let x64 = x.Cast Dtype.Float64
        let v64 = v.Cast Dtype.Float64
        ((f (x64 + v64 * eps)).Cast Dtype.Float64 - (f (x64 - v64 * eps)).Cast Dtype.Float64) / (2.0 * eps)

    /// Central-difference Hessian (differences of numerical gradients; use a larger eps).
    let hessian (eps: float) (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        jacobian eps (fun x -> grad eps f x) x

    /// Central-difference derivative of a function of a scalar.
    let diff (eps: float) (f: Tensor -> Tensor) (x: Tensor) : Tensor = jvp eps f x (x.OnesLike())
