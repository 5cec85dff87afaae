/// The batched Hessian (all columns in one forward-over-reverse sweep) against the column-by-column Hessian (bit
/// for bit: the same kernels round each column alike), closed-form Hessians and central differences.
module BatchedHessianTests

open System
open Expecto
open Fluxion
open GradCheck

/// The Rosenbrock Hessian by hand: tridiagonal, H[i,i] = 1200 x_i² − 400 x_{i+1} + 2 (i < n−1) plus 200 (i > 0),
/// H[i,i+1] = H[i+1,i] = −400 x_i.
let private rosenbrockHessian (x: float[]) =
    let n = x.Length
    let h = Array.zeroCreate (n * n)
    for i in 0 .. n - 1 do
        let mutable d = 0.0
        if i < n - 1 then
            d <- d + 1200.0 * x.[i] * x.[i] - 400.0 * x.[i + 1] + 2.0
            h.[i * n + i + 1] <- -400.0 * x.[i]
            h.[(i + 1) * n + i] <- -400.0 * x.[i]
        if i > 0 then d <- d + 200.0
        h.[i * n + i] <- d
    h

/// Exact equality, element by element, with the first difference named.
let private identical (what: string) (actual: Tensor) (expected: Tensor) =
    Expect.sequenceEqual actual.Shape expected.Shape (what + ": shape")
    Expect.equal actual.Dtype expected.Dtype (what + ": dtype")
    let a = vals actual
    let e = vals expected
    for i in 0 .. a.Length - 1 do
        if BitConverter.DoubleToInt64Bits a.[i] <> BitConverter.DoubleToInt64Bits e.[i] then
            failtestf "%s: element %d is %.17g but the column-by-column Hessian has %.17g" what i a.[i] e.[i]

let private w = t64 [| 3; 4 |] [| 0.3; -0.2; 0.5; 0.1; -0.4; 0.2; 0.1; 0.3; 0.2; 0.1; -0.3; 0.4 |]

/// Matrix-vector product, exp, sin and sums.
let private mixed (x: Tensor) = Tensor.sum (Tensor.exp (Tensor.matmul w x)) + Tensor.sum (Tensor.sin x * x)

/// A matrix input: products with the input's transpose, tanh, division, log, sums over one dim, reshape.
let private matrixFn (x: Tensor) =
    let g = Tensor.matmul x x.T
    let s = (Tensor.tanh g).Sum(1, false)
    let r = x.Reshape [| 6 |]
    Tensor.sum (s * s) + Tensor.sum (Tensor.log (1.0 + r * r) / (2.0 + r))

/// Scalar powers, the sum over a dim and a broadcast (expand) back, a permute, pow by a tensor.
let private broadcastFn (x: Tensor) =
    let m = x.Reshape [| 2; 3 |]
    let c = m - m.Sum(0, true) / 2.0
    Tensor.sum (Tensor.pow 3.0 c) + Tensor.sum (m.Permute [| 1; 0 |] * Tensor.sqrt (Tensor.exp m.T))

let private point (n: int) = t64 [| n |] (Array.init n (fun i -> 0.5 + 0.01 * float i))

[<Tests>]
let tests =
    testList "Diff.Hessian.Batched" [
        testCase "Rosenbrock 100-d: batched equals the columns bit for bit and the hand formula" <| fun () ->
            let x = point 100
            let hb = Diff.hessianBatched rosenbrock x
            identical "hessianBatched" hb (Diff.hessianColumns rosenbrock x)
            identical "hessian" (Diff.hessian rosenbrock x) hb
            close 1e-12 "formula" hb (t64 [| 100; 100 |] (rosenbrockHessian (vals x)))

        testCase "Rosenbrock 400-d takes several batches of columns, still bit for bit" <| fun () ->
            let x = point 400
            let hb = Diff.hessianBatched rosenbrock x
            identical "hessianBatched" hb (Diff.hessianColumns rosenbrock x)
            close 1e-12 "formula" hb (t64 [| 400; 400 |] (rosenbrockHessian (vals x)))

        testCase "matmul, exp, sin: batched equals the columns and central differences" <| fun () ->
            let x = t64 [| 4 |] [| 0.2; -0.7; 1.1; 0.4 |]
            let hb = Diff.hessianBatched mixed x
            identical "hessianBatched" hb (Diff.hessianColumns mixed x)
            close 1e-6 "finite differences" hb (NumericalDiff.hessian 1e-4 mixed x)

        testCase "matrix input (3x2): shape 3x2x3x2, bit for bit, central differences" <| fun () ->
            let x = t64 [| 3; 2 |] [| 0.3; -0.5; 0.8; 0.1; -0.2; 0.6 |]
            let hb = Diff.hessianBatched matrixFn x
            Expect.sequenceEqual hb.Shape [| 3; 2; 3; 2 |] "shape x.Shape ++ x.Shape"
            identical "hessianBatched" hb (Diff.hessianColumns matrixFn x)
            close 1e-6 "finite differences" hb (NumericalDiff.hessian 1e-4 matrixFn x)

        testCase "sum over a dim, expand, permute, pow, sqrt: bit for bit, central differences" <| fun () ->
            let x = t64 [| 6 |] [| 0.3; -0.5; 0.8; 0.1; -0.2; 0.6 |]
            let hb = Diff.hessianBatched broadcastFn x
            identical "hessianBatched" hb (Diff.hessianColumns broadcastFn x)
            close 1e-6 "finite differences" hb (NumericalDiff.hessian 1e-4 broadcastFn x)

        testCase "float32 input: batched equals the columns bit for bit" <| fun () ->
            let x = (point 20).Cast Dtype.Float32
            let hb = Diff.hessianBatched rosenbrock x
            Expect.equal hb.Dtype Dtype.Float32 "dtype"
            identical "hessianBatched" hb (Diff.hessianColumns rosenbrock x)

        testCase "a quadratic form has the constant Hessian A + Aᵀ; a linear function has zeros" <| fun () ->
            let a = t64 [| 3; 3 |] [| 1.0; 2.0; 0.0; -1.0; 3.0; 4.0; 0.5; 0.0; 2.0 |]
            let x = t64 [| 3 |] [| 0.7; -1.2; 2.5 |]
            let quad (v: Tensor) = Tensor.sum (v * Tensor.matmul a v)
            close 0.0 "quadratic" (Diff.hessianBatched quad x) (a + a.T)
            let lin (v: Tensor) = Tensor.sum (v * 3.0)
            close 0.0 "linear" (Diff.hessianBatched lin x) (Tensor.zeros [| 3; 3 |])

        testCase "an op without a batch rule: hessianBatched says so, hessian falls back to the columns" <| fun () ->
            let weight = t64 [| 1; 1; 3 |] [| 0.2; -0.5; 0.3 |]
            let f (v: Tensor) =
                let y = Tensor.conv1d 1 1 1 1 weight None (v.Reshape [| 1; 1; 5 |])
                Tensor.sum (y * y * y)
            let x = t64 [| 5 |] [| 0.4; -0.3; 0.9; 0.2; -0.8 |]
            Expect.throwsT<NotSupportedException> (fun () -> Diff.hessianBatched f x |> ignore) "conv1d has no batch rule"
            identical "fallback" (Diff.hessian f x) (Diff.hessianColumns f x)
            close 1e-6 "finite differences" (Diff.hessian f x) (NumericalDiff.hessian 1e-4 f x)

        testCase "a Hessian inside a gradient (f closes over the outer variable) falls back and stays right" <| fun () ->
            // d/dw of trace(H) for f(x) = w · sum(x³): H = 6w·diag(x), so the derivative is 6·sum(x).
            let x = t64 [| 3 |] [| 0.5; -1.0; 2.0 |]
            let g =
                Diff.grad (fun (w: Tensor) ->
                    let h = Diff.hessian (fun v -> w * Tensor.sum (v * v * v)) x
                    (h * Tensor.eye 3).Sum()) (Tensor.scalar64 1.5)
            close 1e-12 "d trace H / dw" g (Tensor.scalar64 (6.0 * 1.5))

        testCase "null arguments name the parameter" <| fun () ->
            try
                Diff.hessianBatched rosenbrock (Unchecked.defaultof<Tensor>) |> ignore
                failtest "expected ArgumentNullException"
            with :? ArgumentNullException as e -> Expect.equal e.ParamName "x" "param"

        testCase "a row against a matrix (the repeated-row broadcast path), both orders, every op, element by element" <| fun () ->
            let m = Array.init 12 (fun i -> 0.1 * float i - 0.45)
            let r = [| 0.7; -1.3; 2.1; 0.25 |]
            let mt = t64 [| 3; 4 |] m
            let rt = t64 [| 1; 4 |] r
            for name, op, f in [ "+", (fun (a: Tensor) b -> a + b), (fun (a: float) b -> a + b)
                                 "-", (fun a b -> a - b), (fun a b -> a - b)
                                 "*", (fun a b -> a * b), (fun a b -> a * b)
                                 "/", (fun a b -> a / b), (fun a b -> a / b) ] do
                identical (name + " matrix,row") (op mt rt) (t64 [| 3; 4 |] (Array.init 12 (fun i -> f m.[i] r.[i % 4])))
                identical (name + " row,matrix") (op rt mt) (t64 [| 3; 4 |] (Array.init 12 (fun i -> f r.[i % 4] m.[i])))

        testProperty "random points and sizes: batched equals the columns bit for bit, and central differences" <| fun (seed: int) ->
            let rng = Random(seed)
            let n = 2 + rng.Next 7
            let data = Array.init n (fun _ -> rng.NextDouble() * 2.0 - 1.0)
            let x = t64 [| n |] data
            let f (v: Tensor) = rosenbrock v + Tensor.sum (Tensor.exp (v * 0.5) * Tensor.sin v) + (Tensor.sum v) * (Tensor.sum (v * v))
            let hb = Diff.hessianBatched f x
            identical "hessianBatched" hb (Diff.hessianColumns f x)
            close 1e-5 "finite differences" hb (NumericalDiff.hessian 1e-4 f x)
    ]
