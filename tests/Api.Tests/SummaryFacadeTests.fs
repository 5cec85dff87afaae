/// Nn.Summary with torchinfo's col_width from C# (tables from torchinfo 1.8.0 on PyTorch 1.13, verbose=0).
module SummaryFacadeTests

open System
open Expecto
open Fluxion.CSharp

type private CNn = Fluxion.CSharp.Nn

let private table (shapeHeader: string) (rows: string list) (divider: string) =
    String.Join("\n",
        [ yield divider
          yield "Layer (type:depth-idx)                   " + shapeHeader
          yield divider
          yield! rows
          yield divider
          yield "Total params: 246"
          yield "Trainable params: 246"
          yield "Non-trainable params: 0"
          yield "Total mult-adds (Units.MEGABYTES): 0.01"
          yield divider
          yield "Input size (MB): 0.01"
          yield "Forward/backward pass size (MB): 0.00"
          yield "Params size (MB): 0.00"
          yield "Estimated Total Size (MB): 0.01"
          yield divider ])

[<Tests>]
let tests =
    // The layers and the summary's random input draw from the global generator (only shapes are compared).
    testSequenced <| testList "Facade.Summary" [
        testCase "col_width 20 and 12 lay out the columns as torchinfo does" <| fun () ->
            let model = CNn.Sequential(CNn.Flatten(), Fluxion.Nn.Linear(40, 6))
            let wide =
                table "Output Shape         Param #"
                    [ "Sequential                               [32, 6]              --"
                      "├─Flatten: 1-1                           [32, 40]             --"
                      "├─Linear: 1-2                            [32, 6]              246" ]
                    (String('=', 80))
            Expect.equal ((CNn.Summary(model, [| 32; 1; 40 |], 20)).TrimEnd('\n')) wide "summary(model, input_size=(32, 1, 40), col_width=20)"
            let narrow =
                table "Output Shape Param #"
                    [ "Sequential                               [32, 6]      --"
                      "├─Flatten: 1-1                           [32, 40]     --"
                      "├─Linear: 1-2                            [32, 6]      246" ]
                    (String('=', 64))
            Expect.equal ((CNn.Summary(model, [| 32; 1; 40 |], 12)).TrimEnd('\n')) narrow "col_width=12"

        testCase "a negative col_width and a null input size are refused" <| fun () ->
            let model = CNn.Sequential(CNn.Flatten(), Fluxion.Nn.Linear(40, 6))
            try
                CNn.Summary(model, [| 32; 40 |], -1) |> ignore
                failtest "a negative width must throw"
            with :? ArgumentOutOfRangeException as e -> Expect.stringContains e.Message "col_width" "names the argument"
            Expect.throwsT<ArgumentNullException> (fun () -> CNn.Summary(model, (null: int[]), 20) |> ignore) "null input size"
    ]
