/// The Himmelblau function f(u,v) = (u² + v − 11)² + (u + v² − 7)²: gradient and Hessian from every
/// API against the hand-derived formulas.
module HimmelblauTests

open Expecto
open Fluxion
open GradCheck

let private himmelblau (x: Tensor) =
    let u, v = x.[0], x.[1]
    let a = u * u + v - 11.0
    let b = u + v * v - 7.0
    a * a + b * b

// Hand derivation: with a = u² + v − 11 and b = u + v² − 7,
//   ∂f/∂u = 4u·a + 2b            ∂f/∂v = 2a + 4v·b
//   ∂²f/∂u² = 12u² + 4v − 42      ∂²f/∂u∂v = 4u + 4v      ∂²f/∂v² = 4u + 12v² − 26
let private gradFormula u v =
    let a = u * u + v - 11.0
    let b = u + v * v - 7.0
    [| 4.0 * u * a + 2.0 * b; 2.0 * a + 4.0 * v * b |]
let private hessFormula u v =
    [| 12.0 * u * u + 4.0 * v - 42.0; 4.0 * u + 4.0 * v
       4.0 * u + 4.0 * v; 4.0 * u + 12.0 * v * v - 26.0 |]

/// The four minima, the local maximum and two arbitrary points.
let private points =
    [ 3.0, 2.0
      -2.805118, 3.131312
      -3.779310, -3.283186
      3.584428, -1.848126
      -0.270845, -0.923039
      0.0, 0.0
      1.5, -2.5 ]

[<Tests>]
let tests =
    testList "Diff.Himmelblau" [
        for (u, v) in points do
            testCase (sprintf "gradient and Hessian at (%g, %g)" u v) <| fun () ->
                let x = t64 [| 2 |] [| u; v |]
                let value, g = Diff.valueAndGrad himmelblau x
                let a, b = u * u + v - 11.0, v * v + u - 7.0
                Expect.floatClose Accuracy.veryHigh (value.ToDouble()) (a * a + b * b) "value"
                close 1e-13 "Diff.grad" g (t64 [| 2 |] (gradFormula u v))
                close 1e-13 "Diff.hessian" (Diff.hessian himmelblau x) (t64 [| 2; 2 |] (hessFormula u v))
                close 1e-13 "Diff.jacobian of the gradient" (Diff.jacobian (Diff.grad himmelblau) x) (t64 [| 2; 2 |] (hessFormula u v))
                close 1e-13 "Diff.hvp along (1, -2)" (Diff.hvp himmelblau x (t64 [| 2 |] [| 1.0; -2.0 |]))
                    (let h = hessFormula u v in t64 [| 2 |] [| h.[0] - 2.0 * h.[1]; h.[2] - 2.0 * h.[3] |])
                let h = hessFormula u v
                close 1e-13 "Diff.laplacian" (Diff.laplacian himmelblau x) (t64 [||] [| h.[0] + h.[3] |])
                close 1e-6 "NumericalDiff.grad" (NumericalDiff.grad 1e-6 himmelblau x) (t64 [| 2 |] (gradFormula u v))
                close 1e-5 "NumericalDiff.hessian" (NumericalDiff.hessian 1e-4 himmelblau x) (t64 [| 2; 2 |] (hessFormula u v))
                // imperative mode on the same function
                let leaf = x.RequiresGrad_()
                (himmelblau leaf).Backward()
                close 1e-13 "Backward()" leaf.Grad (t64 [| 2 |] (gradFormula u v))
        testCase "the gradient vanishes at the four minima (to the precision of the published points)" <| fun () ->
            for (u, v) in points |> List.take 4 do
                let g = Diff.grad himmelblau (t64 [| 2 |] [| u; v |])
                for gi in vals g do Expect.isLessThan (abs gi) 1e-4 (sprintf "∇f(%g, %g)" u v)
        testCase "Hessian at (3, 2) is positive definite with the exact entries 74, 20, 34" <| fun () ->
            let h = vals (Diff.hessian himmelblau (t64 [| 2 |] [| 3.0; 2.0 |]))
            Expect.sequenceEqual h [| 74.0; 20.0; 20.0; 34.0 |] "12·9+8−42, 4·3+4·2, 12+48−26"
        testCase "two-argument form with Diff.grads" <| fun () ->
            let f (xs: Tensor[]) =
                let a = xs.[0] * xs.[0] + xs.[1] - 11.0
                let b = xs.[0] + xs.[1] * xs.[1] - 7.0
                a * a + b * b
            let gs = Diff.grads f [| t64 [||] [| 1.5 |]; t64 [||] [| -2.5 |] |]
            let expected = gradFormula 1.5 -2.5
            Expect.equal (gs.[0].ToDouble()) expected.[0] "∂f/∂u"
            Expect.equal (gs.[1].ToDouble()) expected.[1] "∂f/∂v"
    ]
