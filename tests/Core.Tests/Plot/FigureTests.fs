module PlotFigureTests

open System
open System.Text.Json
open Expecto
open Fluxion.Plot

let private parse chart = JsonDocument.Parse(Html.figureJson chart).RootElement
let private traces (fig: JsonElement) = [| for t in fig.GetProperty("data").EnumerateArray() -> t |]
let private arr (t: JsonElement) (key: string) = TestData.nums (t.GetProperty key)
let private str (t: JsonElement) (key: string) = t.GetProperty(key).GetString()

// Serialising the 400x400 heatmap is the costly part; the Himmelblau tests share one parse.
let private himmelblauFig = lazy (parse (PlotData.himmelblauFigure ()))

let private argMessage (f: unit -> 'a) =
    try f () |> ignore; failtest "expected an ArgumentException"
    with :? ArgumentException as e -> e.Message

[<Tests>]
let tests =
    testList "Plot.Figures" [
        testCase "polynomialCurve evaluates a + b x + c x^2 on the grid" <| fun () ->
            let gx, gy = Figures.polynomialCurve 1.0 2.0 3.0 [| 0.0; 1.0; 2.0; -1.5 |]
            Expect.equal gx [| 0.0; 1.0; 2.0; -1.5 |] "grid returned as given"
            Expect.equal gy [| 1.0; 6.0; 17.0; 1.0 - 3.0 + 3.0 * 2.25 |] "values"

        testCase "polynomialCurve of the learned course parameters matches PyTorch's curve to float32 rounding" <| fun () ->
            let a, b, c = PlotData.polyParams ()
            let _, y = Figures.polynomialCurve a b c (PlotData.grid "linspace(0,2,100)")
            let golden = PlotData.polyCurveY ()
            for i in 0 .. 99 do
                Expect.floatClose { absolute = 1e-6; relative = 1e-6 } y.[i] golden.[i] (sprintf "curve point %d" i)

        testCase "trainingPairs: points equal the data and the red line equals the learned curve" <| fun () ->
            let x, y = PlotData.trainX (), PlotData.trainY ()
            let a, b, c = PlotData.polyParams ()
            let cx, cy = Figures.polynomialCurve a b c (PlotData.grid "linspace(0,2,100)")
            let t = traces (parse (Figures.trainingPairs x y (Some (cx, cy))))
            Expect.equal t.Length 2 "points + curve"
            Expect.equal (arr t.[0] "x") x "point x = training x"
            Expect.equal (arr t.[0] "y") y "point y = training y"
            Expect.equal (str t.[0] "mode") "markers" "points are markers"
            Expect.equal (arr t.[1] "x") cx "curve x = grid"
            Expect.equal (arr t.[1] "y") cy "curve y = model output on the grid"
            Expect.equal (str t.[1] "mode") "lines" "curve is a line"
            Expect.equal (t.[1].GetProperty("line").GetProperty("color").GetString()) "red" "curve is red"
            Expect.equal (str t.[1] "name") "Learned function" "legend entry"

        testCase "trainingPairs without a curve draws only the points" <| fun () ->
            let t = traces (parse (Figures.trainingPairs [| 1.0; 2.0 |] [| 3.0; 4.0 |] None))
            Expect.equal t.Length 1 "points only"

        testCase "trainingPairs rejects x and y of different lengths, naming the function" <| fun () ->
            let m = argMessage (fun () -> Figures.trainingPairs [| 1.0; 2.0 |] [| 3.0 |] None)
            Expect.stringContains m "Figures.trainingPairs" "names the function"
            Expect.stringContains m "2" "names the lengths"

        testCase "activationGrid: four panels on four axes with formula titles and the given curves" <| fun () ->
            let x, r, s, th, l = PlotData.activations ()
            let fig = parse (Figures.activationGrid x r s th l)
            let t = traces fig
            Expect.equal t.Length 4 "four curves"
            Expect.equal [ for tr in t -> str tr "name" ] [ "ReLU"; "Sigmoid"; "Tanh"; "Leaky ReLU" ] "panel order"
            Expect.equal [ for tr in t -> str tr "xaxis" ] [ "x"; "x2"; "x3"; "x4" ] "one axis pair per panel"
            for (tr, ys) in Array.zip t [| r; s; th; l |] do
                Expect.equal (arr tr "x") x "input grid"
                Expect.equal (arr tr "y") ys "activation values"
            let layout = fig.GetProperty("layout").GetRawText()
            for title in [ "ReLU(x) = max(0, x)"; "Sigmoid(x) = 1 / (1 + e"; "Tanh(x) = (e"; "Leaky ReLU(x) = x if x > 0 else 0.1" ] do
                Expect.stringContains (JsonDocument.Parse(layout).RootElement.ToString()) title "formula title present"
            Expect.equal (fig.GetProperty("layout").GetProperty("grid").GetProperty("rows").GetInt32()) 2 "2 rows"
            Expect.equal (fig.GetProperty("layout").GetProperty("grid").GetProperty("columns").GetInt32()) 2 "2 columns"

        testCase "activationGrid rejects a curve of the wrong length" <| fun () ->
            let m = argMessage (fun () -> Figures.activationGrid [| 1.0; 2.0 |] [| 1.0; 2.0 |] [| 1.0 |] [| 1.0; 2.0 |] [| 1.0; 2.0 |])
            Expect.stringContains m "Figures.activationGrid" "names the function"
            Expect.stringContains m "sigmoid" "names the bad argument"

        testCase "curveFit: data points, red curve and title" <| fun () ->
            let dx, dy, cx, cy = PlotData.capacity ()
            let fig = parse (Figures.curveFit dx dy cx cy "Four-layer fit")
            let t = traces fig
            Expect.equal (dx.Length, cx.Length) (16, 100) "the course's 16 points and 100-point grid"
            Expect.equal (arr t.[0] "x") dx "data x"
            Expect.equal (arr t.[0] "y") dy "data y"
            Expect.equal (arr t.[1] "x") cx "curve x"
            Expect.equal (arr t.[1] "y") cy "curve y"
            Expect.equal (t.[1].GetProperty("line").GetProperty("color").GetString()) "red" "curve is red"
            Expect.equal (fig.GetProperty("layout").GetProperty("title").GetProperty("text").GetString()) "Four-layer fit" "title"

        testCase "himmelblauContours: 400x400 heatmap of log10(f + eps) over [-6, 6]^2" <| fun () ->
            let fig = himmelblauFig.Value
            let heat = (traces fig).[0]
            Expect.equal (str heat "type") "heatmap" "first trace is the heatmap"
            let gx, gy = arr heat "x", arr heat "y"
            Expect.equal (gx.Length, gy.Length) (400, 400) "400 grid points per axis"
            Expect.equal (gx.[0], gx.[399], gy.[0], gy.[399]) (-6.0, 6.0, -6.0, 6.0) "grid spans [-6, 6]"
            let z = [| for row in heat.GetProperty("z").EnumerateArray() -> TestData.nums row |]
            Expect.equal z.Length 400 "400 rows"
            Expect.isTrue (z |> Array.forall (fun r -> r.Length = 400)) "400 columns each"
            // Independent evaluation: row j is v = y[j], column i is u = x[i].
            let f u v = (u * u + v - 11.0) ** 2.0 + (u + v * v - 7.0) ** 2.0
            for (j, i) in [ (0, 0); (399, 399); (0, 399); (200, 150); (123, 321) ] do
                Expect.floatClose Accuracy.veryHigh z.[j].[i] (Math.Log10(f gx.[i] gy.[j] + 0.01)) (sprintf "z[%d][%d] is log10(f + 0.01)" j i)
            // f(6, 6) = 2186 is the largest value: its colour value is log10(2186.01), not 2186.
            Expect.floatClose Accuracy.veryHigh z.[399].[399] (Math.Log10 2186.01) "log-transformed corner"

        testCase "himmelblauContours: colour bar ticks sit at log10(f + eps) and are labelled with f" <| fun () ->
            let heat = (traces (himmelblauFig.Value)).[0]
            let cb = heat.GetProperty("colorbar")
            let text = [ for t in cb.GetProperty("ticktext").EnumerateArray() -> t.GetString() ]
            Expect.equal text [ "0.01"; "0.1"; "1"; "10"; "100"; "1000" ] "decade labels in f"
            let vals = TestData.nums (cb.GetProperty "tickvals")
            for (v, l) in List.zip (List.ofArray vals) text do
                Expect.floatClose Accuracy.veryHigh v (Math.Log10(float l + 0.01)) (sprintf "tick %s placed at log10(%s + eps)" l l)
            Expect.equal (cb.GetProperty("tickmode").GetString()) "array" "explicit ticks"

        testCase "himmelblauContours: trajectories equal the optimizer history, one colour and legend entry each, plus a start marker" <| fun () ->
            let runs = PlotData.himmelblauRuns "-1,0.0"
            Expect.equal (List.length runs) 3 "three golden runs from (-1, 0)"
            let fig = himmelblauFig.Value
            let t = traces fig
            Expect.equal t.Length 5 "heatmap + 3 trajectories + start"
            let colours =
                [ for (k, (name, u, v, _)) in List.indexed runs do
                    let tr = t.[k + 1]
                    Expect.equal (str tr "name") name "legend name"
                    Expect.equal (arr tr "x") u "u history"
                    Expect.equal (arr tr "y") v "v history"
                    Expect.equal (str tr "mode") "lines+markers" "lines with markers"
                    yield tr.GetProperty("line").GetProperty("color").GetString() ]
            Expect.equal (List.distinct colours).Length 3 "one colour per trajectory"
            let start = t.[4]
            Expect.equal (str start "name") "Start" "start marker"
            Expect.equal (arr start "x", arr start "y") ([| -1.0 |], [| 0.0 |]) "at the start point"
            let layout = fig.GetProperty "layout"
            Expect.equal (TestData.nums (layout.GetProperty("xaxis").GetProperty "range")) [| -4.0; -0.5 |] "course's u limits"
            Expect.equal (TestData.nums (layout.GetProperty("yaxis").GetProperty "range")) [| -1.0; 5.0 |] "course's v limits"
            Expect.stringContains (layout.GetProperty("title").GetProperty("text").GetString()) "Himmelblau" "title"

        testCase "himmelblauContours uses the course's limits for (3, 0) and the full square elsewhere" <| fun () ->
            Expect.equal (Himmelblau.courseView (3.0, 0.0)) ((2.8, 3.8), (-3.0, 3.0)) "second example"
            Expect.equal (Himmelblau.courseView (0.5, 0.5)) ((-6.0, 6.0), (-6.0, 6.0)) "default"
            let fig = parse (Figures.himmelblauContours [ "GD", [| 0.5; 1.0 |], [| 0.5; 1.5 |] ] (0.5, 0.5))
            Expect.equal (TestData.nums (fig.GetProperty("layout").GetProperty("xaxis").GetProperty "range")) [| -6.0; 6.0 |] "full square"

        testCase "himmelblauContours rejects a trajectory whose u and v differ in length" <| fun () ->
            let m = argMessage (fun () -> Figures.himmelblauContours [ "Adam", [| 1.0; 2.0 |], [| 1.0 |] ] (1.0, 1.0))
            Expect.stringContains m "Figures.himmelblauContours" "names the function"
            Expect.stringContains m "Adam" "names the trajectory"

        testCase "lossCurve: one line per series against 1-based iterations on a log y axis" <| fun () ->
            let runs = PlotData.himmelblauRuns "3.0,0.0"
            let fig = parse (PlotData.lossFigure ())
            let t = traces fig
            Expect.equal t.Length (List.length runs) "one line per run"
            for (tr, (name, _, _, losses)) in Seq.zip t runs do
                Expect.equal (str tr "name") name "series name"
                Expect.equal (arr tr "y") losses "loss history"
                Expect.equal (arr tr "x") (Array.init losses.Length (fun i -> float (i + 1))) "iterations 1..n"
            Expect.equal (fig.GetProperty("layout").GetProperty("yaxis").GetProperty("type").GetString()) "log" "log y axis"

        testCase "lossCurve rejects an empty list and an empty series" <| fun () ->
            Expect.stringContains (argMessage (fun () -> Figures.lossCurve [])) "Figures.lossCurve" "empty list"
            Expect.stringContains (argMessage (fun () -> Figures.lossCurve [ "sgd", [||] ])) "sgd" "empty series named"

        testCase "LogScale.decadeTicks lists the powers of ten inside the range" <| fun () ->
            Expect.equal (LogScale.decadeTicks 0.01 2186.0) [| 0.01; 0.1; 1.0; 10.0; 100.0; 1000.0 |] "course range"
            Expect.equal (LogScale.decadeTicks 3.0 9.0) [||] "no decade inside"
            Expect.equal (LogScale.label 0.01, LogScale.label 1000.0) ("0.01", "1000") "plain labels"
            Expect.floatClose Accuracy.veryHigh (LogScale.inverse (LogScale.transform 123.0)) 123.0 "inverse"

        testCase "Himmelblau.value is zero at the minimum (3, 2) and matches the formula elsewhere" <| fun () ->
            Expect.equal (Himmelblau.value 3.0 2.0) 0.0 "minimum"
            Expect.equal (Himmelblau.value -1.0 0.0) 164.0 "course's first start: loss 164"
            Expect.equal (Himmelblau.value 3.0 0.0) 20.0 "course's second start: loss 20"

        testCase "widen converts float32 values exactly" <| fun () ->
            Expect.equal (Figures.widen [| 0.1f; -2.5f |]) [| float 0.1f; -2.5 |] "exact widening"

        testCase "peakPicks: both curves, markers at the picked peaks' values, and the height line" <| fun () ->
            let yRef = [| 0.0; 1.0; 0.2; 0.0; 0.9 |]
            let yPred = [| 0.1; 0.7; 0.3; 0.6; 0.2 |]
            let fig = parse (SignalFigures.peakPicks "t" yRef [| 1L; 4L |] yPred [| 1L; 3L |] 0.4)
            let ts = traces fig
            Expect.equal ts.Length 5 "reference, prediction, two marker sets, height line"
            Expect.equal (arr ts.[0] "y") yRef "reference curve"
            Expect.equal (arr ts.[1] "y") yPred "prediction curve"
            Expect.equal (arr ts.[2] "x") [| 1.0; 4.0 |] "reference peak positions"
            Expect.equal (arr ts.[2] "y") [| 1.0; 0.9 |] "reference peak heights"
            Expect.equal (arr ts.[3] "x") [| 1.0; 3.0 |] "predicted peak positions"
            Expect.equal (arr ts.[3] "y") [| 0.7; 0.6 |] "predicted peak heights"
            Expect.equal (arr ts.[4] "y") [| 0.4; 0.4 |] "minimum height"
            Expect.equal (arr ts.[4] "x") [| 0.0; 4.0 |] "height line spans the curve"

        testCase "peakPicks rejects curves of different lengths and a peak outside the curve" <| fun () ->
            let m = argMessage (fun () -> SignalFigures.peakPicks "t" [| 0.0; 1.0 |] [||] [| 0.0 |] [||] 0.5)
            Expect.stringContains m "SignalFigures.peakPicks" "names the function"
            Expect.stringContains m "2 values but the prediction has 1" "names the lengths"
            let m = argMessage (fun () -> SignalFigures.peakPicks "t" [| 0.0; 1.0 |] [| 2L |] [| 0.0; 1.0 |] [||] 0.5)
            Expect.stringContains m "peak index 2 is outside 0..1" "names the bad index"
    ]
