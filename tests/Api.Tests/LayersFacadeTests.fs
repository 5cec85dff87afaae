/// The C# spelling of BatchNorm1d's keywords, AdaptiveAvgPool1d, Unflatten, Torch.InferenceMode and Copy.DeepCopy.
module LayersFacadeTests

open System
open Expecto
open Fluxion
open Fluxion.Nn
open Fluxion.CSharp

type private CNn = Fluxion.CSharp.Nn

[<Tests>]
let tests =
    testList "Facade.Layers" [
        testCase "BatchNorm1d keywords (momentum null is PyTorch's None) print as PyTorch 1.13" <| fun () ->
            Expect.equal (CNn.BatchNorm1d(8).ToString()) "BatchNorm1d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)" "defaults"
            Expect.equal (CNn.BatchNorm1d(8, momentum = Nullable()).ToString()) "BatchNorm1d(8, eps=1e-05, momentum=None, affine=True, track_running_stats=True)" "None"
            let bn = CNn.BatchNorm1d(4, eps = 1e-3, momentum = Nullable 0.01, affine = false, trackRunningStats = false)
            Expect.equal (bn.ToString()) "BatchNorm1d(4, eps=0.001, momentum=0.01, affine=False, track_running_stats=False)" "all keywords"
            Expect.isNull bn.Weight "no affine parameters"
            Expect.isEmpty (bn.StateDict().Keys) "no buffers without tracking"

        testCase "AdaptiveAvgPool1d and Unflatten from C#" <| fun () ->
            let x = Tensor.ofArray [| 1; 2; 3 |] [| 1.0f; 2.0f; 6.0f; -1.0f; 0.0f; 4.0f |]
            Expect.equal ((CNn.AdaptiveAvgPool1d(1)).Call(x).ToFloat32Array()) [| 3.0f; 1.0f |] "global average"
            Expect.equal ((CNn.AdaptiveAvgPool1d(1)).ToString()) "AdaptiveAvgPool1d(output_size=1)" "repr"
            let u = CNn.Unflatten(1, 2, -1)
            Expect.equal (u.Call(Tensor.zeros [| 5; 6 |]).Shape) [| 5; 2; 3 |] "inferred size"
            Expect.equal (u.ToString()) "Unflatten(dim=1, unflattened_size=(2, -1))" "repr"

        testCase "Torch.InferenceMode records nothing and reports itself" <| fun () ->
            let w = Tensor.ones([| 2 |]).RequiresGrad_()
            let y =
                use _ = Torch.InferenceMode()
                Expect.isTrue Torch.IsInferenceModeEnabled "inside"
                Expect.isFalse Torch.IsGradEnabled "grad off inside"
                w * 3.0
            Expect.isFalse y.RequiresGrad "not recorded"
            Expect.isFalse Torch.IsInferenceModeEnabled "outside"
            Expect.isTrue Torch.IsGradEnabled "grad back on"

        testCase "Copy.DeepCopy of a model and of its state dict" <| fun () ->
            let m = CNn.Sequential(CNn.Linear(2, 2, generator = Fluxion.Random.Generator(1UL)), CNn.BatchNorm1d(2))
            let c = Copy.DeepCopy m
            Expect.isFalse (obj.ReferenceEquals(c, m)) "a new object of the same type"
            Expect.equal (c.ToString()) (m.ToString()) "same repr"
            let sd = Copy.DeepCopy(m.StateDict())
            for p in c.Parameters() do p.Data.CopyInPlace(p.Data + 1.0)
            for KeyValue(k, v) in m.StateDict() do
                Expect.equal (v.ToDoubleArray()) (sd.[k].ToDoubleArray()) ("original unchanged: " + k)
            Expect.throwsT<ArgumentNullException> (fun () -> Copy.DeepCopy(null: Module) |> ignore) "null model"
    ]
