/// The unit's real numbers (golden PyTorch run) shaped for the figure builders.
module PlotData

open System.Text.Json
open Fluxion.Plot

let private golden = lazy (TestData.json "unit05_golden.json")
let private g (path: string list) =
    path |> List.fold (fun (e: JsonElement) (k: string) -> e.GetProperty k) golden.Value

/// Flattens [[a], [b], ...] or [a, b, ...] into a float array.
let private flat (e: JsonElement) =
    [| for x in e.EnumerateArray() do
         if x.ValueKind = JsonValueKind.Array then yield! TestData.nums x else yield TestData.num x |]

let grid (name: string) = TestData.nums (g [ "grids"; name ])

let trainX () = TestData.nums (g [ "training_pairs"; "x" ])
let trainY () = TestData.nums (g [ "training_pairs"; "y" ])
let polyParams () =
    let l = g [ "c09_poly_linear_manual_sgd"; "learned" ]
    TestData.num (l.GetProperty "a"), TestData.num (l.GetProperty "b"), TestData.num (l.GetProperty "c")
let polyCurveY () = TestData.nums (g [ "c09_poly_linear_manual_sgd"; "curve_y" ])

/// The activation curves of exercise 1 and their x grid (linspace(-5, 5, 400) evaluated in double).
let activations () =
    let a = g [ "ex1_activation_curves" ]
    let x = Array.init 400 (fun i -> -5.0 + 10.0 * float i / 399.0)
    x, TestData.nums (a.GetProperty "relu"), TestData.nums (a.GetProperty "sigmoid"),
    TestData.nums (a.GetProperty "tanh"), TestData.nums (a.GetProperty "leaky_relu_0.1")

let capacity () =
    let c = g [ "ex2_model_capacity" ]
    flat (c.GetProperty "data_x"), flat (c.GetProperty "data_y"), grid "linspace(0.0,2.3,100)", flat (c.GetProperty "plot_curve_y")

/// The golden Himmelblau runs from this start: (optimizer name, u history, v history, loss history), in file order.
let himmelblauRuns (start: string) =
    [ for p in (g [ "ex3_optimization_himmelblau"; "runs" ]).EnumerateObject() do
        let prefix = sprintf "start(%s) " start
        if p.Name.StartsWith prefix then
            let uv = [| for pt in p.Value.GetProperty("trajectory_uv").EnumerateArray() -> TestData.nums pt |]
            yield p.Name.Substring prefix.Length, Array.map (fun (a: float[]) -> a.[0]) uv, Array.map (fun (a: float[]) -> a.[1]) uv,
                  TestData.nums (p.Value.GetProperty "loss_history") ]

let trainingFigure () =
    let a, b, c = polyParams ()
    Figures.trainingPairs (trainX ()) (trainY ()) (Some (Figures.polynomialCurve a b c (grid "linspace(0,2,100)")))

let activationFigure () =
    let x, r, s, t, l = activations ()
    Figures.activationGrid x r s t l

let capacityFigure () =
    let dx, dy, cx, cy = capacity ()
    Figures.curveFit dx dy cx cy "Four-layer network on 16 noisy cosine points"

let himmelblauFigure () =
    Figures.himmelblauContours [ for (n, u, v, _) in himmelblauRuns "-1,0.0" -> n, u, v ] (-1.0, 0.0)

let lossFigure () =
    Figures.lossCurve [ for (n, _, _, l) in himmelblauRuns "3.0,0.0" -> n, l ]
