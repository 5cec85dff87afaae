/// Torch.Save / Torch.Load: the C# spelling of torch.save / torch.load.
module CheckpointFacadeTests

open System
open System.Collections.Generic
open System.IO
open Expecto
open Fluxion
open Fluxion.CSharp
open Fluxion.Nn
open Fluxion.Optim

[<Tests>]
let tests =
    testSequenced <| testList "Api.Checkpoint" [
        testCase "model.LoadStateDict(Torch.Load(path)) restores a saved model in both formats" <| fun () ->
            let dir = Path.Combine(Path.GetTempPath(), "fluxion-api-ckpt-" + Guid.NewGuid().ToString("N"))
            Directory.CreateDirectory dir |> ignore
            let a = Sequential(Linear(2, 3), ReLU(), Linear(3, 1))
            let x = Torch.Tensor([| [| 0.5; -1.0 |]; [| 2.0; 0.25 |] |])
            for file in [ "model.pt"; "model.safetensors" ] do
                let path = Path.Combine(dir, file)
                Torch.Save(a.StateDict(), path)
                let b = Sequential(Linear(2, 3), ReLU(), Linear(3, 1))
                b.LoadStateDict(Torch.Load path)
                Expect.equal ((b.Call x).ToFloat32Array()) ((a.Call x).ToFloat32Array()) file
            Directory.Delete(dir, true)

        testCase "an optimizer state dict comes back with Torch.Load<T>; a wrong T names the file and the type" <| fun () ->
            let dir = Path.Combine(Path.GetTempPath(), "fluxion-api-ckpt-" + Guid.NewGuid().ToString("N"))
            Directory.CreateDirectory dir |> ignore
            let p = Parameter(Torch.Tensor([| 1.0; -2.0 |]))
            let opt = SGD([ p ], 0.1, momentum = 0.9)
            (p.Value * p.Value).Sum().Backward()
            opt.Step()
            let path = Path.Combine(dir, "opt.pt")
            Torch.Save(opt.StateDict(), path)
            let back = Torch.Load<Dictionary<string, obj>> path
            let state = (back.["state"] :?> Dictionary<int64, obj>).[0L] :?> Dictionary<string, obj>
            Expect.equal ((state.["momentum_buffer"] :?> Tensor).ToFloat32Array()) [| 2.0f; -4.0f |] "momentum buffer = first gradient"
            let opt2 = SGD([ Parameter(Torch.Tensor([| 1.0; -2.0 |])) ], 0.1, momentum = 0.9)
            opt2.LoadStateDict back
            let ex = Expect.throwsC (fun () -> Torch.Load<List<obj>> path |> ignore) id
            Expect.equal (ex.GetType()) typeof<InvalidDataException> "type"
            Expect.stringContains ex.Message (path + ": holds a Dictionary`2, not a List`1") "message"
            Expect.stringContains (Expect.throwsC (fun () -> Torch.Load path |> ignore) (fun e -> e.Message)) "not a state dict" "Load wants a state dict"
            Directory.Delete(dir, true)
    ]
