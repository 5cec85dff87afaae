/// Nn.Utils.ClipGradNorm / ClipGradValue: the C# spelling of torch.nn.utils.clip_grad_norm_ / clip_grad_value_.
module NnUtilsFacadeTests

open Expecto
open Fluxion
open Fluxion.Nn

[<Tests>]
let tests =
    testList "Facade.NnUtils" [
        testCase "ClipGradNorm returns the joint 2-norm and scales gradients to max_norm / (norm + 1e-6)" <| fun () ->
            let a = Parameter(Tensor.zeros [| 2 |])
            let b = Parameter(Tensor.zeros [| 1 |])
            let loss = (a.Value * Tensor.ofArray [| 2 |] [| 3.0f; 4.0f |]).Sum() + (b.Value * Tensor.ofArray [| 1 |] [| 12.0f |]).Sum()
            loss.Backward()
            // torch 1.13: clip_grad_norm_ gives tensor(13.) and grads [0.4615384, 0.6153846], [1.8461535] (float32).
            let total = Fluxion.CSharp.Nn.Utils.ClipGradNorm([ a; b ], 2.0)
            Expect.equal (total.ToFloat32Array()) [| 13.0f |] "sqrt(5² + 12²)"
            let coef = (1.0f / (13.0f + float32 1e-6)) * 2.0f
            Expect.equal (a.Grad.ToFloat32Array()) [| 3.0f * coef; 4.0f * coef |] "a scaled"
            Expect.equal (b.Grad.ToFloat32Array()) [| 12.0f * coef |] "b scaled"
            Fluxion.CSharp.Nn.Utils.ClipGradValue([ a; b ], 1.0)
            Expect.equal (b.Grad.ToFloat32Array()) [| 1.0f |] "clamped to 1"
            Expect.equal (a.Grad.ToFloat32Array()) [| 3.0f * coef; 4.0f * coef |] "within range: unchanged"
    ]
