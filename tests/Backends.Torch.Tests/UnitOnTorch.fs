/// The whole course unit on the Torch backend: examples/Unit05.Torch runs the unchanged C# unit program with
/// libtorch tensors and must print what PyTorch printed (with the unit program's documented exceptions).
module UnitOnTorch

open Expecto
open TorchTestUtil

[<Tests>]
let tests =
    testList "Torch.Unit" [
        torchCase "the C# unit program on libtorch prints what PyTorch printed for the whole unit" <| fun () ->
            let code, out, err = ExampleRunner.runExample "Unit05.Torch" "Unit05.Torch" "--no-report"
            Expect.equal code 0 (sprintf "exit code (stderr: %s)" err)
            ExampleRunner.compareWithGolden out

        torchCase "FLUXION_BACKEND=managed runs the same launcher on the managed backend" <| fun () ->
            // The launcher honours the variable; the printed numbers are then the managed backend's, equally golden.
            let saved = System.Environment.GetEnvironmentVariable "FLUXION_BACKEND"
            System.Environment.SetEnvironmentVariable("FLUXION_BACKEND", "managed")
            try
                let code, out, err = ExampleRunner.runExample "Unit05.Torch" "Unit05.Torch" "--part modules --no-report"
                Expect.equal code 0 (sprintf "exit code (stderr: %s)" err)
                Expect.stringContains out "Learned parameters: a = 1.4412,  b = -2.0275,  c = 1.7172" "c23 result"
            finally System.Environment.SetEnvironmentVariable("FLUXION_BACKEND", saved)
    ]
