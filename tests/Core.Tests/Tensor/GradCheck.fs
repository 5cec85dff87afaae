/// Helpers for the engine's derivative checks: deterministic float64 inputs, element-wise
/// comparison with a relative tolerance, and the first- and second-order checks of one op.
module GradCheck

open System
open Expecto
open Fluxion
open Fluxion.Ops

/// A float64 tensor from a shape and row-major values.
let t64 (shape: int[]) (data: float[]) = Tensor.ofArray64 shape data
/// The values of a tensor as doubles.
let vals (t: Tensor) = t.Cast(Dtype.Float64).ToDoubleArray()

/// A stable (not per-process randomised) hash, so every op gets the same inputs on every run.
let stableSeed (s: string) =
    let mutable h = 17
    for c in s do h <- h * 31 + int c
    h &&& 0x7fffffff

/// An input generator: draws one tensor from a seeded random source.
type Gen = Random -> Tensor

/// Uniform values in [lo, hi).
let uniform (lo: float) (hi: float) (shape: int[]) : Gen =
    fun r -> t64 shape (Array.init (Shape.numel shape) (fun _ -> lo + (hi - lo) * r.NextDouble()))

/// Uniform values in [lo, hi) kept at least `margin` away from each of `points` (kinks of an op).
let awayFrom (points: float list) (margin: float) (lo: float) (hi: float) (shape: int[]) : Gen =
    fun r ->
        let rec draw () =
            let v = lo + (hi - lo) * r.NextDouble()
            if points |> List.exists (fun p -> abs (v - p) < margin) then draw () else v
        t64 shape (Array.init (Shape.numel shape) (fun _ -> draw ()))

/// Values in (-1.5, 1.5).
let normal shape = uniform -1.5 1.5 shape
/// Values in [0.5, 2).
let positive shape = uniform 0.5 2.0 shape
/// Values in ±[0.2, 1.5): away from 0, the kink of relu/abs and the pole of 1/x.
let nonzero shape = awayFrom [ 0.0 ] 0.2 -1.5 1.5 shape
/// Pairwise distinct values at least 0.2 apart (unique maxima/minima), in shuffled order.
let distinct (shape: int[]) : Gen =
    fun r ->
        let n = Shape.numel shape
        let perm = Array.init n id
        for i in n - 1 .. -1 .. 1 do
            let j = r.Next(i + 1)
            let tmp = perm.[i]
            perm.[i] <- perm.[j]
            perm.[j] <- tmp
        t64 shape (perm |> Array.map (fun p -> (float p - float n / 2.0) * 0.3 + 0.05 * r.NextDouble()))

/// Fails unless the tensors have equal shapes and |a - e| <= tol * (1 + |e|) everywhere.
let close (tol: float) (what: string) (actual: Tensor) (expected: Tensor) =
    Expect.sequenceEqual actual.Shape expected.Shape (what + ": shape")
    let a = vals actual
    let e = vals expected
    for i in 0 .. a.Length - 1 do
        let err = abs (a.[i] - e.[i])
        if not (err <= tol * (1.0 + abs e.[i])) then
            failtestf "%s: element %d is %.17g but expected %.17g (error %.3g, tolerance %.1g)" what i a.[i] e.[i] err tol

/// One differentiable op in the gradient-check table.
type OpCase =
    { Name: string
      /// Draws the op's inputs (all float64).
      Inputs: Random -> Tensor[]
      /// The op, as a function of all its differentiable inputs.
      F: Tensor[] -> Tensor
      /// Whether second-order checks apply (false for piecewise-linear ops).
      Smooth: bool }

/// A one-input case.
let unary name (g: Gen) (f: Tensor -> Tensor) smooth =
    { Name = name; Inputs = (fun r -> [| g r |]); F = (fun xs -> f xs.[0]); Smooth = smooth }
/// A two-input case.
let binary name (ga: Gen) (gb: Gen) (f: Tensor -> Tensor -> Tensor) smooth =
    { Name = name; Inputs = (fun r -> [| ga r; gb r |]); F = (fun xs -> f xs.[0] xs.[1]); Smooth = smooth }
/// A case with any number of inputs.
let nary name (gs: Gen list) (f: Tensor[] -> Tensor) smooth =
    { Name = name; Inputs = (fun r -> gs |> List.map (fun g -> g r) |> Array.ofList); F = f; Smooth = smooth }

/// Central-difference step and tolerance for first derivatives.
let eps1, tol1 = 1e-6, 1e-6
/// Step and tolerance for the numerical Hessian (differences of differences).
let eps2, tol2 = 1e-4, 1e-5
/// Agreement required between exact derivative modes (they differ only by rounding).
let tolExact = 1e-9

/// Packs several tensors into one flat vector, and the differentiable inverse.
let packer (xs: Tensor[]) =
    let shapes = xs |> Array.map (fun x -> x.Shape)
    let sizes = shapes |> Array.map Shape.numel
    let offs = Array.scan (+) 0 sizes
    let p = t64 [| offs.[xs.Length] |] (xs |> Array.collect vals)
    let unpack (p: Tensor) =
        if xs.Length = 1 then [| p.Reshape shapes.[0] |]
        else Array.init xs.Length (fun i -> p.Narrow(0, offs.[i], sizes.[i]).Reshape shapes.[i])
    p, unpack

/// The generated checks of one op: reverse and forward first order, and for smooth ops the Hessian
/// by forward-over-reverse, reverse-over-reverse, reverse-over-forward and finite differences.
let checks (c: OpCase) : Test list =
    let setup () =
        let r = Random(stableSeed c.Name)
        let xs = c.Inputs r
        let y0 = c.F xs
        let w = uniform -1.0 1.0 y0.Shape r
        let v = uniform -1.0 1.0 [| xs |> Array.sumBy (fun x -> x.Numel) |] r
        xs, y0, w, v
    [ yield testCase (c.Name + ": reverse gradient matches central differences") <| fun () ->
        let xs, _, w, _ = setup ()
        let loss (xs: Tensor[]) = (c.F xs * w).Sum()
        let gs = Diff.grads loss xs
        for i in 0 .. xs.Length - 1 do
            Expect.equal gs.[i].Dtype Dtype.Float64 "gradient keeps the input's dtype"
            let num = NumericalDiff.grad eps1 (fun xi -> loss (Array.updateAt i xi xs)) xs.[i]
            close tol1 (sprintf "gradient of input %d" i) gs.[i] num
      yield testCase (c.Name + ": forward JVP matches central differences") <| fun () ->
        let xs, y0, _, v = setup ()
        let p, unpack = packer xs
        let f p = c.F (unpack p)
        let y, jv = Diff.valueAndJvp f p v
        close 0.0 "primal of the dual equals the plain value" y y0
        close tol1 "J·v" jv (NumericalDiff.jvp eps1 f p v)
      if c.Smooth then
        yield testCase (c.Name + ": Hessians agree across all mode nestings and finite differences") <| fun () ->
            let xs, _, w, v = setup ()
            let p, unpack = packer xs
            let n = p.Numel
            // sin of the output makes the Hessian nonzero even for linear ops.
            let loss p = (w * Tensor.sin (c.F (unpack p))).Sum()
            let h = Diff.hessian loss p
            close tol2 "forward-over-reverse vs numerical Hessian" h (NumericalDiff.hessian eps2 loss p)
            let rowsRR = Array.init n (fun i -> Diff.grad (fun p -> (Diff.grad loss p).[i]) p)
            close tolExact "reverse-over-reverse rows" (Tensor.stack 0 rowsRR) h
            let rowsRF = Array.init n (fun i -> Diff.grad (fun p -> Diff.jvp loss p (Creation.oneHotFlat [| n |] i Dtype.Float64)) p)
            close tolExact "reverse-over-forward rows" (Tensor.stack 0 rowsRF) h
            close tolExact "hvp equals H·v" (Diff.hvp loss p v) (Tensor.matmul h v) ]

/// The n-dimensional Rosenbrock function, sum 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2 (the Hessian tests' function).
let rosenbrock (x: Tensor) =
    let n = x.Numel
    let a = x.Narrow(0, 0, n - 1)
    let b = x.Narrow(0, 1, n - 1)
    let d = b - a * a
    let e = 1.0 - a
    Tensor.sum (100.0 * (d * d) + e * e)
