/// The Torch backend's public types expose no F# type to C# (reflection only: libtorch need not load).
module TorchSurfaceTests

open System
open Expecto
open Fluxion.Backends.Torch
open SurfaceScan

[<Tests>]
let tests =
    testList "Torch.Surface" [
        testCase "no public type of Fluxion.Backends.Torch outside F# modules exposes an F# type or System.Tuple" <| fun () ->
            let types = csharpTypes typeof<TorchBackend>.Assembly
            Expect.contains (types |> Array.map (fun t -> t.Name)) "TorchBackend" "TorchBackend is scanned"
            Expect.isFalse (types |> Array.exists (fun t -> t.Name = "TorchLoader")) "the TorchLoader module is F#'s API"
            let found = leaksOf types
            Expect.isEmpty found (sprintf "F# types leak into the C# surface of the Torch backend:\n%s" (String.Join("\n", found)))
    ]
