/// PyTorch's autograd rules through the C# facade: retainGraph, in-place ops and version errors, DetectAnomaly.
module AutogradTests

open System
open Expecto
open Fluxion
open Fluxion.CSharp

let private secondTime =
    "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward."

let private message (f: unit -> unit) =
    let caught = try f (); None with e -> Some e
    match caught with
    | Some(:? InvalidOperationException as e) -> e.Message
    | Some e -> failtestf "expected InvalidOperationException, got %s: %s" (e.GetType().Name) e.Message
    | None -> failtest "expected InvalidOperationException, nothing was raised"

[<Tests>]
let tests =
    testList "Api.Autograd" [
        testCase "Backward(retainGraph: true) lets a second backward accumulate; without it the second raises" <| fun () ->
            let a = Torch.Tensor([| 1.0; 2.0; 3.0 |]).RequiresGrad()
            let b = Torch.Tensor([| 4.0; 5.0; 6.0 |]).RequiresGrad()
            let loss = (a * b).Sum()
            loss.Backward(retainGraph = true)
            loss.Backward()
            Expect.equal (a.Grad.ToFloat32Array()) [| 8.0f; 10.0f; 12.0f |] "torch: a.grad = 2b"
            Expect.equal (message (fun () -> loss.Backward())) secondTime "PyTorch's text"

        testCase "in-place ops from C#: the leaf rule, NoGrad updates, Clamp_ with one bound, the version error" <| fun () ->
            let x = Torch.Tensor([| 1.0; 2.0; 3.0 |]).RequiresGrad()
            Expect.equal (message (fun () -> x.Mul_(2.0) |> ignore)) "a leaf Variable that requires grad is being used in an in-place operation." "leaf rule"
            (use _ = Torch.NoGrad()
             TensorExtensions.Clamp_(x, max = Nullable 2.5) |> ignore)
            Expect.equal (x.ToFloat32Array()) [| 1.0f; 2.0f; 2.5f |] "clamp_(max=2.5)"
            Expect.equal x.Version 1 "one in-place op"
            let y = x.Exp()
            (use _ = Torch.NoGrad()
             y.Zero_() |> ignore)
            let msg = message (fun () -> y.Sum().Backward())
            Expect.stringStarts msg "one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]], which is output 0 of ExpBackward0, is at version 1; expected version 0 instead." "PyTorch's structure"

        testCase "DetectAnomaly names the backward node that made nan, and is off after dispose" <| fun () ->
            let x = Torch.Tensor([| 0.0; 4.0 |]).RequiresGrad()
            (use _ = Torch.DetectAnomaly()
             Expect.isTrue Torch.IsAnomalyEnabled "on inside"
             let loss = (x.Sqrt() * 0.0).Sum()
             Expect.equal (message (fun () -> loss.Backward())) "Function 'SqrtBackward0' returned nan values in its 0th output." "PyTorch's text")
            Expect.isFalse Torch.IsAnomalyEnabled "off after dispose"
            (x.Sqrt() * 0.0).Sum().Backward()
            Expect.isTrue (Single.IsNaN (x.Grad.ToFloat32Array().[0])) "outside anomaly mode the gradient is silently nan"
    ]
