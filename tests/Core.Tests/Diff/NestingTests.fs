/// Nested differentiation: perturbation confusion in every mix of modes, higher derivatives and
/// thread safety of the nesting tags.
module NestingTests

open System
open System.Threading.Tasks
open Expecto
open Fluxion
open GradCheck

let private s (v: float) = t64 [||] [| v |]

/// Ways of taking the derivative of a scalar function of a scalar, in both modes.
let private modes : (string * ((Tensor -> Tensor) -> Tensor -> Tensor)) list =
    [ "diff (forward)", Diff.diff
      "jvp (forward)", (fun f x -> Diff.jvp f x (x.OnesLike()))
      "grad (reverse)", Diff.grad
      "vjp (reverse)", (fun f x -> Diff.vjp f x (x.OnesLike())) ]

let private combos = [ for o in modes do for i in modes -> o, i ]

/// x ↦ xⁿ by repeated products so every nesting level goes through mul's rules.
let private powN n (x: Tensor) = Seq.fold (fun (acc: Tensor) _ -> acc * x) x (seq { 2 .. n })

[<Tests>]
let tests =
    testList "Diff.Nesting" [
        testList "perturbation confusion: d/dx [x · d/dy (x·y) at y=3] at x=2 is 4" [
            for (on, outer), (inn, inner) in combos ->
                testCase (sprintf "outer %s, inner %s" on inn) <| fun () ->
                    let r = outer (fun x -> x * inner (fun y -> x * y) (s 3.0)) (s 2.0)
                    Expect.equal (r.ToDouble()) 4.0 "2x at x = 2" ]
        testList "perturbation confusion: d/dx [x · d/dy (x + y)] is 1" [
            for (on, outer), (inn, inner) in combos ->
                testCase (sprintf "outer %s, inner %s" on inn) <| fun () ->
                    let r = outer (fun x -> x * inner (fun y -> x + y) (s 1.0)) (s 5.0)
                    Expect.equal (r.ToDouble()) 1.0 "inner derivative is 1, so the outer is d/dx x = 1" ]
        testList "three levels: d/dx [x · d/dy [y · d/dz (x·y·z)]] = d/dx [x · 2xy·...]" [
            for (on, outer), (inn, inner) in combos ->
                testCase (sprintf "outer %s, middle %s, inner %s" on inn on) <| fun () ->
                    // d/dz (xyz) = xy; d/dy [y · xy] = 2xy; x · 2xy = 2x²y; d/dx = 4xy = 4·2·3
                    let r = outer (fun x -> x * inner (fun y -> y * outer (fun z -> x * y * z) (s 7.0)) (s 3.0)) (s 2.0)
                    Expect.equal (r.ToDouble()) 24.0 "4xy at x = 2, y = 3" ]
        testList "derivatives of x⁴ at x = 1.5 up to order 4 in every chain of modes" [
            // x⁴ → 4x³ → 12x² → 24x → 24
            let expected = [| 5.0625; 13.5; 27.0; 36.0; 24.0 |]
            for (on, m1) in modes do
                for (mn, m2) in modes ->
                    testCase (sprintf "%s of %s" on mn) <| fun () ->
                        let f = powN 4
                        Expect.equal ((m1 (m2 f) (s 1.5)).ToDouble()) expected.[2] "second derivative"
                        Expect.equal ((m1 (m2 (m1 f)) (s 1.5)).ToDouble()) expected.[3] "third derivative"
                        Expect.equal ((m2 (m1 (m2 (m1 f))) (s 1.5)).ToDouble()) expected.[4] "fourth derivative" ]
        testCase "grad (grad f): third derivative of x⁴ by nested reverse mode" <| fun () ->
            let g3 = Diff.grad (Diff.grad (Diff.grad (powN 4))) (s 1.5)
            Expect.equal (g3.ToDouble()) 36.0 "24x"
        testCase "diffn 0..4 of x⁴ and of sin" <| fun () ->
            let x = s 1.5
            let expected = [| 5.0625; 13.5; 27.0; 36.0; 24.0 |]
            for n in 0 .. 4 do
                Expect.equal ((Diff.diffn n (powN 4) x).ToDouble()) expected.[n] (sprintf "order %d of x⁴" n)
            let sinDerivs = [| sin 0.7; cos 0.7; -(sin 0.7); -(cos 0.7); sin 0.7 |]
            for n in 0 .. 4 do
                Expect.floatClose Accuracy.veryHigh ((Diff.diffn n Tensor.sin (s 0.7)).ToDouble()) sinDerivs.[n] (sprintf "order %d of sin" n)
        testCase "diffn of a vector input differentiates elementwise" <| fun () ->
            let x = t64 [| 3 |] [| -1.0; 0.5; 2.0 |]
            let d3 = Diff.diffn 3 (powN 4) x
            Expect.sequenceEqual (vals d3) [| -24.0; 12.0; 48.0 |] "24x"
        testCase "diffn rejects a negative order" <| fun () ->
            Expect.throwsT<ArgumentException> (fun () -> Diff.diffn -1 Tensor.sin (s 1.0) |> ignore) "negative order"
        testCase "mixed partials of x²y³ by every mode pair" <| fun () ->
            // ∂²/∂x∂y (x² y³) = 6 x y²
            for (on, outer) in modes do
                for (inn, inner) in modes do
                    let r = outer (fun x -> inner (fun y -> x * x * y * y * y) (s 2.0)) (s 1.5)
                    Expect.equal (r.ToDouble()) (6.0 * 1.5 * 4.0) (sprintf "outer %s, inner %s" on inn)
        testCase "a closed-over outer variable used at an inner level keeps its own tangent" <| fun () ->
            // f(x) = d/dy [sin(x·y)] at y = x... evaluated with the inner derivative in one mode and outer in the other
            let f (x: Tensor) = Diff.grad (fun y -> Tensor.sin (x * y)) x   // = x cos(x²)
            // d/dx [x cos(x²)] = cos(x²) - 2x² sin(x²)
            let x0 = 0.8
            let expected = cos (x0 * x0) - 2.0 * x0 * x0 * sin (x0 * x0)
            Expect.floatClose Accuracy.veryHigh ((Diff.diff f (s x0)).ToDouble()) expected "forward over reverse"
            Expect.floatClose Accuracy.veryHigh ((Diff.grad f (s x0)).ToDouble()) expected "reverse over reverse"
        testCase "nested derivatives on many threads at once give the right answers" <| fun () ->
            let n = 64
            // per task: every mode pair of d/dx [x · d/dy (x·y²) at y = x+1] = 6x² + 4x (the inner
            // point depends on x) and of the classic d/dx [x · d/dy (x·y) at y = 3] = 2x
            let errors = Array.zeroCreate n
            Parallel.For(0, n, ParallelOptions(MaxDegreeOfParallelism = 8), fun i ->
                let x0 = 1.0 + float i / 16.0
                let mutable worst = 0.0
                for (_, outer), (_, inner) in combos do
                    let a = (outer (fun x -> x * inner (fun y -> x * y * y) (x + 1.0)) (s x0)).ToDouble()
                    let b = (outer (fun x -> x * inner (fun y -> x * y) (s 3.0)) (s x0)).ToDouble()
                    worst <- max worst (max (abs (a - (6.0 * x0 * x0 + 4.0 * x0))) (abs (b - 2.0 * x0)))
                errors.[i] <- worst) |> ignore
            for i in 0 .. n - 1 do
                Expect.isLessThanOrEqual errors.[i] 1e-12 (sprintf "task %d: largest error over all mode pairs" i)
    ]
