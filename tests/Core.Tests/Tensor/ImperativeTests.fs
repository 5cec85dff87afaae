/// PyTorch-style imperative autodiff: leaves that require grad, accumulating Backward, NoGrad, Detach.
module ImperativeTests

open System
open Expecto
open Fluxion
open Fluxion.Ops
open GradCheck

let private leaf (data: float[]) = (t64 [| data.Length |] data).RequiresGrad_()

[<Tests>]
let tests =
    testList "Tensor.Imperative" [
        testCase "relu's gradient passes where the input is positive and is +0 at and below the kink, as threshold_backward" <| fun () ->
            let x = (Tensor.ofArray [| 5 |] [| -2.0f; 0.0f; 0.5f; -0.0f; 3.0f |]).RequiresGrad_()
            let y = Tensor.relu x
            y.Backward(Tensor.ofArray [| 5 |] [| -1.0f; -2.0f; 3.0f; -4.0f; -5.0f |])
            let g = x.Grad.ToFloat32Array()
            Expect.equal g [| 0.0f; 0.0f; 3.0f; 0.0f; -5.0f |] "values"
            Expect.isTrue (g |> Array.forall (fun v -> v <> 0.0f || not (Single.IsNegative v))) "zeros are +0 (no -0 from g * 0)"
        testCase "a leaf that requires grad reports it and starts without a gradient" <| fun () ->
            let x = leaf [| 1.0; 2.0 |]
            Expect.isTrue x.RequiresGrad "requires grad"
            Expect.isTrue x.IsLeaf "is a leaf"
            Expect.isNull (box x.Grad) "no gradient before backward"
            let y = x * 3.0
            Expect.isTrue y.RequiresGrad "results of ops on it record too"
            Expect.isFalse y.IsLeaf "an op result is not a leaf"

        testCase "Backward accumulates into Grad across calls until ZeroGrad" <| fun () ->
            let x = leaf [| 1.5; -2.0; 0.5 |]
            let step () = (x * x * x).Sum().Backward()
            step ()
            Expect.sequenceEqual (vals x.Grad) [| 6.75; 12.0; 0.75 |] "first backward: 3x²"
            step ()
            Expect.sequenceEqual (vals x.Grad) [| 13.5; 24.0; 1.5 |] "second backward adds another 3x²"
            x.ZeroGrad()
            Expect.isNull (box x.Grad) "ZeroGrad clears the gradient"
            (x * 2.0).Sum().Backward()
            Expect.sequenceEqual (vals x.Grad) [| 2.0; 2.0; 2.0 |] "after ZeroGrad only the new gradient"

        testCase "Backward reaches every leaf of a shared graph, summing over paths" <| fun () ->
            let w = leaf [| 0.5; -1.0 |]
            let b = (t64 [||] [| 0.25 |]).RequiresGrad_()
            let x = t64 [| 3; 2 |] [| 1.0; 2.0; 3.0; 4.0; 5.0; 6.0 |]
            let z = Tensor.matmul x w + b // (3,)
            let loss = (z * z).Sum() + z.Sum()
            loss.Backward()
            let zs = vals z
            let dz = zs |> Array.map (fun v -> 2.0 * v + 1.0)
            let xs = vals x
            let gw = [| for j in 0 .. 1 -> Array.init 3 (fun i -> dz.[i] * xs.[i * 2 + j]) |> Array.sum |]
            close 1e-14 "dL/dw = Xᵀ(2z + 1)" w.Grad (t64 [| 2 |] gw)
            close 1e-14 "dL/db = Σ(2z + 1)" b.Grad (t64 [||] [| Array.sum dz |])
            Expect.equal w.Grad.Shape [| 2 |] "gradient has the leaf's shape"
            Expect.equal b.Grad.Shape [||] "broadcast bias gets a 0-dim gradient"

        testCase "Backward with an explicit output gradient" <| fun () ->
            let x = leaf [| 1.0; 2.0; 3.0 |]
            (x * x).Backward(t64 [| 3 |] [| 1.0; 0.0; -1.0 |])
            Expect.sequenceEqual (vals x.Grad) [| 2.0; 0.0; -6.0 |] "vᵀJ with J = diag(2x)"

        testCase "NoGrad scopes stop recording and recording resumes afterwards" <| fun () ->
            let x = leaf [| 1.0; 2.0 |]
            let inside =
                use _ = GradMode.NoGrad()
                Expect.isFalse GradMode.IsEnabled "disabled inside"
                let y = x * x
                Expect.isFalse y.RequiresGrad "no graph inside NoGrad"
                Expect.isNull y.GradFnName "no grad_fn inside NoGrad"
                y
            Expect.isTrue GradMode.IsEnabled "enabled again after the scope"
            Expect.throwsC (fun () -> inside.Sum().Backward()) (fun e -> Expect.stringContains e.Message "backward" "message names backward")
            let outside = x * x
            Expect.isTrue outside.RequiresGrad "recording again after the scope"
            Expect.equal outside.GradFnName "MulBackward0" "grad_fn recorded"

        testCase "NoGrad scopes nest" <| fun () ->
            let x = leaf [| 1.0 |]
            use _outer = GradMode.NoGrad()
            (use _inner = GradMode.NoGrad()
             Expect.isFalse (x * 2.0).RequiresGrad "inner scope")
            Expect.isFalse (x * 2.0).RequiresGrad "still inside the outer scope"

        testCase "NoGrad is per thread" <| fun () ->
            let x = leaf [| 1.0 |]
            use _ = GradMode.NoGrad()
            // a dedicated thread: a waited-on Task may run inline on this very thread
            let mutable other = false
            let t = Threading.Thread(fun () -> other <- (x * 2.0).RequiresGrad)
            t.Start()
            t.Join()
            Expect.isTrue other "another thread still records"

        testCase "Detach cuts the graph: detached values act as constants" <| fun () ->
            let x = leaf [| 2.0; 3.0 |]
            let y = x * x
            let d = y.Detach()
            Expect.isFalse d.RequiresGrad "detached tensor does not require grad"
            Expect.isTrue d.IsLeaf "detached tensor is a leaf"
            Expect.sequenceEqual (vals d) [| 4.0; 9.0 |] "same values"
            (x * d).Sum().Backward()
            Expect.sequenceEqual (vals x.Grad) [| 4.0; 9.0 |] "gradient treats x² as a constant (not 3x²)"

        testCase "Backward on a non-scalar output fails naming the shape" <| fun () ->
            let x = (t64 [| 2; 3 |] (Array.init 6 float)).RequiresGrad_()
            let e = Expect.throwsC (fun () -> (x * 2.0).Backward()) id
            Expect.stringContains e.Message "backward" "names backward"
            Expect.stringContains e.Message "(2, 3)" "names the shape"
            Expect.stringContains e.Message "scalar" "names the rule"

        testCase "Backward on a tensor without grad fails" <| fun () ->
            let e = Expect.throwsC (fun () -> (t64 [||] [| 1.0 |]).Backward()) id
            Expect.stringContains e.Message "does not require grad" "explains why"

        testCase "RequiresGrad_ on an int64 tensor is rejected" <| fun () ->
            Expect.throwsT<ArgumentException> (fun () -> (Creation.ofInt64 [| 2 |] [| 1L; 2L |]).RequiresGrad_() |> ignore) "only floats"

        testCase "AddInPlace under NoGrad updates a parameter, which then trains on" <| fun () ->
            // one SGD step on L = Σ (w - t)², the course's update pattern
            let w = leaf [| 1.0; -1.0 |]
            let target = t64 [| 2 |] [| 0.5; 0.5 |]
            let loss () = let d = w - target in (d * d).Sum()
            loss().Backward()
            Expect.sequenceEqual (vals w.Grad) [| 1.0; -3.0 |] "2(w - t)"
            (use _ = GradMode.NoGrad()
             w.AddInPlace(w.Grad, -0.25))
            w.ZeroGrad()
            Expect.sequenceEqual (vals w) [| 0.75; -0.25 |] "w - 0.25·grad"
            Expect.isTrue (w.RequiresGrad && w.IsLeaf) "still a leaf that requires grad"
            let l2 = loss ()
            Expect.floatClose Accuracy.veryHigh (l2.ToDouble()) (0.0625 + 0.5625) "loss uses the updated values"
            l2.Backward()
            Expect.sequenceEqual (vals w.Grad) [| 0.5; -1.5 |] "fresh gradient at the new point"

        testCase "AddInPlace with mismatched shapes names both" <| fun () ->
            let w = leaf [| 1.0; 2.0 |]
            let e = Expect.throwsC (fun () -> w.AddInPlace(t64 [| 3 |] [| 1.0; 2.0; 3.0 |], 1.0)) id
            Expect.stringContains e.Message "(2,)" "first shape"
            Expect.stringContains e.Message "(3,)" "second shape"

        testCase "functional Diff.grad inside an imperative computation leaves Grad untouched" <| fun () ->
            let w = leaf [| 2.0 |]
            let g = Diff.grad (fun x -> (x * x * w.Detach()).Sum()) (t64 [| 1 |] [| 3.0 |])
            Expect.sequenceEqual (vals g) [| 12.0 |] "2xw"
            Expect.isNull (box w.Grad) "no imperative gradient accumulated"
    ]
