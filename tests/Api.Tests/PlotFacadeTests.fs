/// The C# plotting API that Fluxion.Plot adds to the facade's namespace: tensors in, Plotly figures out.
module PlotFacadeTests

open System
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.CSharp

let private values (e: JsonElement) = [| for v in e.EnumerateArray() -> v.GetDouble() |]

[<Tests>]
let tests =
    testList "Api.Plot" [
        testCase "Plots.ModelFit draws the points and the model's output on linspace(start, end, 100)" <| fun () ->
            let x = Torch.Tensor([| 0.5; 1.0; 1.5 |])
            let y = Torch.Tensor([| 1.0; 2.0; 3.0 |])
            let fig = Plots.ModelFit(x, y, Func<Tensor, Tensor>(fun t -> t * 3.0), 0.0, 1.0)
            use doc = JsonDocument.Parse(fig.ToJson())
            let data = doc.RootElement.GetProperty "data"
            Expect.equal (data.GetArrayLength()) 2 "the points and the curve"
            Expect.equal (values (data[0].GetProperty "x")) [| 0.5; 1.0; 1.5 |] "points: x"
            Expect.equal (values (data[0].GetProperty "y")) [| 1.0; 2.0; 3.0 |] "points: y"
            let cx, cy = values (data[1].GetProperty "x"), values (data[1].GetProperty "y")
            Expect.equal cx.Length 100 "100 grid points"
            Expect.equal (cx[0], cx[99]) (0.0, 1.0) "the grid spans start to end"
            // The model runs in float32 on the (100, 1) column; a product of two float32 values rounds once.
            Expect.equal cy (cx |> Array.map (fun v -> float (float32 (v * 3.0)))) "curve = model(grid)"

        testCase "a Report renders its text and figures in order on one page, plotly.js once" <| fun () ->
            let r = Report("Plots from C#")
            r.AddHeading "Data"
            r.AddText "Iteration 1000 | Loss = 0.126692"
            r.AddFigure(Plots.TrainingPairs(Torch.Tensor([| 1.0; 2.0 |]), Torch.Tensor([| 3.0; 4.0 |])))
            r.AddFigure(Plots.LossCurves([ struct ("SGD", [| 1.0; 0.5; 0.25 |]) ]))
            let html = r.Render()
            let at (s: string) = html.IndexOf(s, StringComparison.Ordinal)
            Expect.isTrue (at "<h2>Data</h2>" >= 0 && at "<h2>Data</h2>" < at "Loss = 0.126692") "heading, then text"
            Expect.isTrue (at "Loss = 0.126692" < at "id=\"figure-1\"" && at "id=\"figure-1\"" < at "id=\"figure-2\"") "text, then the figures in order"
            Expect.equal (html.Split("Plotly.newPlot(el").Length - 1) 2 "one draw call per figure"

        testCase "Plots reject a null tensor or model, naming the parameter" <| fun () ->
            let x = Torch.Tensor([| 1.0 |])
            let paramName (f: unit -> Figure) =
                try f () |> ignore; failtest "expected ArgumentNullException" with :? ArgumentNullException as e -> e.ParamName
            Expect.equal (paramName (fun () -> Plots.ModelFit(x, x, null))) "model" "null model"
            Expect.equal (paramName (fun () -> Plots.TrainingPairs(x, Unchecked.defaultof<Tensor>))) "tensor" "null tensor"
    ]
