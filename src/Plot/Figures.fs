namespace Fluxion.Plot

open System
open Plotly.NET

/// The unit's figures, built from plain arrays (tensor overloads live with the engine and call these).
module Figures =

    let private fail (fn: string) (msg: string) = raise (ArgumentException(sprintf "Figures.%s: %s" fn msg))

    let private sameLength fn (nameA: string) (a: float[]) (nameB: string) (b: float[]) =
        if isNull a || isNull b then fail fn (sprintf "%s and %s must not be null" nameA nameB)
        if a.Length <> b.Length then
            fail fn (sprintf "%s has %d values but %s has %d; they must have the same length" nameA a.Length nameB b.Length)

    /// Widens float32 values to float exactly, so float32 results can be passed to any figure.
    let widen (values: float32[]) : float[] =
        if isNull values then nullArg "values"
        let r = Array.zeroCreate values.Length
        for i in 0 .. values.Length - 1 do r.[i] <- float values.[i]
        r

    /// Evaluates y = a + b x + c x² on the grid and returns (grid, y).
    let polynomialCurve (a: float) (b: float) (c: float) (grid: float[]) : float[] * float[] =
        if isNull grid then fail "polynomialCurve" "grid must not be null"
        let y = Array.zeroCreate grid.Length
        for i in 0 .. grid.Length - 1 do
            let x = grid.[i]
            y.[i] <- a + b * x + c * (x * x)
        grid, y

    let private axisFont = Font.init (Size = 12)

    /// Training pairs as black points plus, when given, the learned function as a red line (course figure 1).
    let trainingPairs (x: float[]) (y: float[]) (curve: (float[] * float[]) option) : GenericChart =
        sameLength "trainingPairs" "x" x "y" y
        let points =
            Chart.Point(x = x, y = y, Name = "Training data", MarkerColor = Color.fromString "black",
                        MarkerSymbol = StyleParam.MarkerSymbol.Circle)
            |> Chart.withMarkerStyle (Size = 5)
        let charts =
            match curve with
            | None -> [ points ]
            | Some (cx, cy) ->
                sameLength "trainingPairs" "curve x" cx "curve y" cy
                [ points
                  Chart.Line(x = cx, y = cy, Name = "Learned function", LineColor = Color.fromString "red",
                             LineWidth = 2.0) ]
        Chart.combine charts
        |> Chart.withXAxisStyle (TitleText = "x", TitleFont = axisFont)
        // The course pins the bottom of the y axis at 0 (plt.ylim(bottom=0)).
        |> Chart.withYAxis (LayoutObjects.LinearAxis.init (Title = Title.init (Text = "y"), RangeMode = StyleParam.RangeMode.ToZero))
        |> Chart.withLegendStyle (X = 0.01, Y = 0.99, XAnchor = StyleParam.XAnchorPosition.Left, YAnchor = StyleParam.YAnchorPosition.Top)
        |> Chart.withMarginSize (Top = 30, Bottom = 60)
        |> Chart.withSize (720, 320)

    /// The 2×2 grid of ReLU, Sigmoid, Tanh and Leaky ReLU (negative slope as given) with formula titles.
    let activationGridWithSlope (slope: float) (x: float[]) (relu: float[]) (sigmoid: float[]) (tanh: float[]) (leaky: float[]) : GenericChart =
        let fn = "activationGrid"
        sameLength fn "x" x "relu" relu
        sameLength fn "x" x "sigmoid" sigmoid
        sameLength fn "x" x "tanh" tanh
        sameLength fn "x" x "leaky" leaky
        let titles =
            [| "ReLU(x) = max(0, x)"
               "Sigmoid(x) = 1 / (1 + e<sup>−x</sup>)"
               "Tanh(x) = (e<sup>x</sup> − e<sup>−x</sup>) / (e<sup>x</sup> + e<sup>−x</sup>)"
               sprintf "Leaky ReLU(x) = x if x > 0 else %s·x" (slope.ToString("R", Globalization.CultureInfo.InvariantCulture)) |]
        let names = [| "ReLU"; "Sigmoid"; "Tanh"; "Leaky ReLU" |]
        let ys = [| relu; sigmoid; tanh; leaky |]
        let panel i =
            Chart.Line(x = x, y = ys.[i], Name = names.[i], LineColor = Color.fromString "blue", ShowLegend = false)
            |> Chart.withXAxisStyle (TitleText = "Input")
            |> Chart.withYAxisStyle (TitleText = "Output")
        Chart.Grid(2, 2, SubPlotTitles = titles, YGap = 0.35, XGap = 0.15) [ for i in 0 .. 3 -> panel i ]
        |> Chart.withMarginSize (Top = 50, Bottom = 60)
        |> Chart.withSize (860, 520)

    /// The 2×2 activation grid with the course's Leaky ReLU slope of 0.1 in its title.
    let activationGrid (x: float[]) (relu: float[]) (sigmoid: float[]) (tanh: float[]) (leaky: float[]) : GenericChart =
        activationGridWithSlope 0.1 x relu sigmoid tanh leaky

    /// A curve fit: data as black points and the model's curve as a red line, with a title (course figure 3).
    let curveFit (dataX: float[]) (dataY: float[]) (curveX: float[]) (curveY: float[]) (title: string) : GenericChart =
        sameLength "curveFit" "dataX" dataX "dataY" dataY
        sameLength "curveFit" "curveX" curveX "curveY" curveY
        [ Chart.Point(x = dataX, y = dataY, Name = "Train", MarkerColor = Color.fromString "black")
          |> Chart.withMarkerStyle (Size = 7)
          Chart.Line(x = curveX, y = curveY, Name = "Learn", LineColor = Color.fromString "red", LineWidth = 2.0) ]
        |> Chart.combine
        |> Chart.withTitle (if isNull title then "" else title)
        |> Chart.withXAxisStyle (TitleText = "x")
        |> Chart.withYAxisStyle (TitleText = "y")
        |> Chart.withLegendStyle (X = 0.99, Y = 0.01, XAnchor = StyleParam.XAnchorPosition.Right, YAnchor = StyleParam.YAnchorPosition.Bottom)
        |> Chart.withSize (720, 320)

    /// A centred 2-D point cloud as small black dots and each principal direction as a line from the origin
    /// (colours red, cyan, ...), on equal axes (course unit 3, exercise 3).
    let principalDirections (x: float[]) (y: float[]) (directions: (float * float) list) : GenericChart =
        sameLength "principalDirections" "x" x "y" y
        let colours = [| "red"; "cyan"; "green"; "magenta" |]
        [ yield Chart.Point(x = x, y = y, Name = "Centred data", MarkerColor = Color.fromString "black")
                |> Chart.withMarkerStyle (Size = 4)
          for i, (dx, dy) in List.indexed directions ->
              Chart.Line(x = [| 0.0; dx |], y = [| 0.0; dy |], Name = sprintf "Direction %d" (i + 1),
                         LineColor = Color.fromString colours.[i % colours.Length], LineWidth = 2.0) ]
        |> Chart.combine
        |> Chart.withXAxisStyle (TitleText = "")
        // plt.axis("equal"): one unit is as long on both axes.
        |> Chart.withYAxis (LayoutObjects.LinearAxis.init (ScaleAnchor = StyleParam.ScaleAnchor.X 1, ScaleRatio = 1.0))
        |> Chart.withLegendStyle (X = 0.01, Y = 0.99, XAnchor = StyleParam.XAnchorPosition.Left, YAnchor = StyleParam.YAnchorPosition.Top)
        |> Chart.withMarginSize (Top = 30, Bottom = 40)
        |> Chart.withSize (420, 400)

    /// Loss curves against the 1-based iteration, one line per named series, on a logarithmic y axis.
    let lossCurve (series: (string * float[]) list) : GenericChart =
        if List.isEmpty series then fail "lossCurve" "series is empty; give at least one (name, losses) pair"
        [ for (name, losses) in series do
            if isNull losses || losses.Length = 0 then
                fail "lossCurve" (sprintf "series '%s' has no values" name)
            let it = Array.init losses.Length (fun i -> float (i + 1))
            Chart.Line(x = it, y = losses, Name = name) ]
        |> Chart.combine
        |> Chart.withTitle "Training loss"
        |> Chart.withXAxisStyle (TitleText = "Iteration")
        // Powers of ten read better than SI suffixes ("100μ") for losses.
        |> Chart.withYAxis (LayoutObjects.LinearAxis.init (Title = Title.init (Text = "Loss (log scale)"),
                                                           AxisType = StyleParam.AxisType.Log,
                                                           ExponentFormat = StyleParam.ExponentFormat.Power))
        |> Chart.withSize (720, 360)

    /// Grid points per axis of the Himmelblau heatmap (the course's 400).
    [<Literal>]
    let himmelblauResolution = 400

    // The course draws its three trajectories white, red and black on a grey map; more get distinct hues.
    let private trajectoryColours =
        [| "white"; "red"; "black"; "#1f77b4"; "#ff7f0e"; "#2ca02c"; "#9467bd"; "#17becf" |]

    /// Himmelblau heatmap on [−6, 6]² (400×400, colours log10(f + eps), colour bar labelled in f) with
    /// each (name, u history, v history) trajectory as lines+markers and a start marker, shown within the given axis ranges.
    let himmelblauContoursIn (xRange: float * float) (yRange: float * float)
                             (trajectories: (string * float[] * float[]) list) (start: float * float) : GenericChart =
        let fn = "himmelblauContours"
        for (name, us, vs) in trajectories do sameLength fn (sprintf "'%s' u" name) us (sprintf "'%s' v" name) vs
        let check (label: string) (lo: float, hi: float) =
            if not (hi > lo) then fail fn (sprintf "%s range (%g, %g) must have lo < hi" label lo hi)
        check "x" xRange
        check "y" yRange
        let grid = Himmelblau.axis -6.0 6.0 himmelblauResolution
        let f = Himmelblau.sample grid
        let mutable fMin = Double.PositiveInfinity
        let mutable fMax = Double.NegativeInfinity
        let z =
            f |> Array.map (fun row ->
                let zr = Array.zeroCreate row.Length
                for i in 0 .. row.Length - 1 do
                    let v = row.[i]
                    if v < fMin then fMin <- v
                    if v > fMax then fMax <- v
                    zr.[i] <- LogScale.transform v
                zr)
        // Ticks at the honest f values: decades between the grid's smallest positive value and its largest.
        let ticks = LogScale.decadeTicks (max fMin LogScale.eps) fMax
        let heat =
            Chart.Heatmap(zData = z, X = grid, Y = grid, Name = "f(u, v)", ShowLegend = false,
                          ColorScale = StyleParam.Colorscale.Custom [ (0.0, Color.fromString "black"); (1.0, Color.fromString "white") ])
            |> Chart.withColorBarStyle (TitleText = "f(u, v) (log scale)",
                                        TickMode = StyleParam.TickMode.Array,
                                        TickVals = Array.map LogScale.transform ticks,
                                        TickText = Array.map LogScale.label ticks)
        let lines =
            trajectories |> List.mapi (fun k (name, us, vs) ->
                let colour = Color.fromString trajectoryColours.[k % trajectoryColours.Length]
                Chart.Line(x = us, y = vs, Name = name, ShowMarkers = true, LineColor = colour, LineWidth = 2.0,
                           MarkerColor = colour)
                |> Chart.withMarkerStyle (Size = 5))
        let su, sv = start
        let startMarker =
            Chart.Point(x = [| su |], y = [| sv |], Name = "Start", MarkerColor = Color.fromString "white",
                        MarkerOutline = Line.init (Color = Color.fromString "black", Width = 1.5))
            |> Chart.withMarkerStyle (Size = 12)
        Chart.combine ([ heat ] @ lines @ [ startMarker ])
        |> Chart.withTitle "Himmelblau Function with Different Optimizers"
        |> Chart.withXAxisStyle (TitleText = "u", MinMax = xRange, ShowGrid = false)
        |> Chart.withYAxisStyle (TitleText = "v", MinMax = yRange, ShowGrid = false)
        |> Chart.withLegendStyle (X = 0.98, Y = 0.98, XAnchor = StyleParam.XAnchorPosition.Right,
                                  YAnchor = StyleParam.YAnchorPosition.Top,
                                  BGColor = Color.fromString "rgba(190, 190, 190, 0.85)")
        |> Chart.withSize (760, 480)

    /// The Himmelblau figure within the course's axis limits for this start (Himmelblau.courseView).
    let himmelblauContours (trajectories: (string * float[] * float[]) list) (start: float * float) : GenericChart =
        let xRange, yRange = Himmelblau.courseView start
        himmelblauContoursIn xRange yRange trajectories start
