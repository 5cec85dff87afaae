/// Torch.Capture from C# (tests/Api.Tests.CSharp/CaptureScenarios.cs): a captured step replays to the eager loop's bits.
module CaptureFacadeTests

open Expecto
open ApiScenarios

[<Tests>]
let tests =
    testList "Api.Capture (C#)" [
        testCase "a step captured with Torch.Capture and replayed trains to the eager loop's bits" <| fun () ->
            let struct (eagerLosses, eagerWeights, _) = CaptureScenarios.Train(false, 40)
            let struct (losses, weights, kernels) = CaptureScenarios.Train(true, 40)
            Expect.isGreaterThan kernels 0 "kernels recorded"
            Expect.sequenceEqual losses eagerLosses "every loss"
            Expect.sequenceEqual (weights |> Array.map System.BitConverter.SingleToInt32Bits) (eagerWeights |> Array.map System.BitConverter.SingleToInt32Bits) "final weights, bit for bit"
    ]
