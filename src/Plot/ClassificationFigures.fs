namespace Fluxion.Plot

open System
open Plotly.NET

/// Figures of classifiers (PCPT Unit 7: classification), from plain arrays.
module ClassificationFigures =
    let private fail (fn: string) (msg: string) = raise (ArgumentException(sprintf "ClassificationFigures.%s: %s" fn msg))
    let private notNull fn (name: string) (a: 'T[]) = if isNull a then fail fn (sprintf "%s must not be null" name)

    /// matplotlib's coolwarm at 0, 0.5 and 1: the three classes of the point clouds.
    let classColours = [| "#3b4cc0"; "#dddddd"; "#b40426" |]

    let private finish (title: string) (w: int) (h: int) (chart: GenericChart) =
        chart
        |> Chart.withTitle (if isNull title then "" else title)
        |> Chart.withMarginSize (Top = 50, Bottom = 50)
        |> Chart.withSize (w, h)

    /// visualize_pairs_24 / visualize_out_of_range_predictions: a grid of small signal panels, one colour each.
    let signalGrid (title: string) (rows: int) (cols: int) (t: float[]) (signals: float[][]) (names: string[]) (colours: string[]) : GenericChart =
        let fn = "signalGrid"
        notNull fn "t" t
        let n = rows * cols
        if rows < 1 || cols < 1 then fail fn (sprintf "rows and cols must be positive, got %d x %d" rows cols)
        if isNull signals || isNull names || isNull colours || signals.Length < n || names.Length < n || colours.Length < n then
            fail fn (sprintf "a %d x %d grid needs %d signals, names and colours" rows cols n)
        let panel k =
            if signals[k].Length <> t.Length then fail fn (sprintf "signal %d has %d values, the time axis %d" k signals[k].Length t.Length)
            Chart.Line(x = t, y = signals[k], Name = names[k], LineColor = Color.fromString colours[k], LineWidth = 0.8, ShowLegend = true)
        Chart.Grid(rows, cols, Pattern = StyleParam.LayoutGridPattern.Coupled, XGap = 0.05, YGap = 0.1) [ for k in 0 .. n - 1 -> panel k ]
        |> Chart.withLegendStyle (Orientation = StyleParam.Orientation.Horizontal, Y = -0.12)
        |> finish title 900 (if rows > 2 then 520 else 420)

    /// The class histogram of cell 20: one bar per class, labelled "index: range".
    let classDistribution (labels: string[]) (counts: float[]) : GenericChart =
        notNull "classDistribution" "labels" labels
        notNull "classDistribution" "counts" counts
        if labels.Length <> counts.Length then fail "classDistribution" (sprintf "%d labels but %d counts" labels.Length counts.Length)
        Chart.Column(values = counts, Keys = labels, MarkerColor = Color.fromString "lightgray", ShowLegend = false)
        |> Chart.withXAxisStyle (TitleText = "Class index and frequency range")
        |> Chart.withYAxisStyle (TitleText = "Number of samples")
        |> finish "Class Distribution" 480 360

    /// compute_and_plot_confusion_matrix: counts[i, j] (true i, predicted j) as a blue heatmap with the counts written in.
    let confusionMatrix (title: string) (classNames: string[]) (counts: int64[,]) : GenericChart =
        notNull "confusionMatrix" "classNames" classNames
        let k = classNames.Length
        if isNull counts || Array2D.length1 counts <> k || Array2D.length2 counts <> k then
            fail "confusionMatrix" (sprintf "counts must be %d x %d, one row and column per class" k k)
        // Plotly draws the first row at the bottom; reverse it so the first class is on top as in matplotlib.
        let z = [ for i in k - 1 .. -1 .. 0 -> [ for j in 0 .. k - 1 -> float counts[i, j] ] ]
        let rowsTopDown = [ for i in k - 1 .. -1 .. 0 -> classNames[i] ]
        let notes =
            [ for i in 0 .. k - 1 do
                for j in 0 .. k - 1 ->
                    LayoutObjects.Annotation.init (X = classNames[j], Y = classNames[i], Text = string counts[i, j], ShowArrow = false) ]
        Chart.Heatmap(zData = z, colNames = classNames, rowNames = rowsTopDown, ColorScale = StyleParam.Colorscale.Custom [ (0.0, Color.fromString "#f7fbff"); (1.0, Color.fromString "#08306b") ])
        |> Chart.withAnnotations notes
        |> Chart.withXAxisStyle (TitleText = "Predicted label")
        |> Chart.withYAxisStyle (TitleText = "True label")
        |> finish title 520 440

    /// plot_signed_distance_vs_frequency: correct samples grey, misclassified ones crimson.
    let signedDistance (frequencies: float[]) (distances: float[]) (wrong: bool[]) : GenericChart =
        notNull "signedDistance" "frequencies" frequencies
        notNull "signedDistance" "distances" distances
        notNull "signedDistance" "wrong" wrong
        if distances.Length <> frequencies.Length || wrong.Length <> frequencies.Length then
            fail "signedDistance" "frequencies, distances and wrong must have the same length"
        let pick keep (a: float[]) = [| for i in 0 .. a.Length - 1 do if wrong[i] = keep then a[i] |]
        [ Chart.Point(x = pick false frequencies, y = pick false distances, Name = "Correct", MarkerColor = Color.fromString "lightgray")
          Chart.Point(x = pick true frequencies, y = pick true distances, Name = "Wrong", MarkerColor = Color.fromString "crimson") ]
        |> Chart.combine
        |> Chart.withXAxisStyle (TitleText = "True Frequency (Hz)", MinMax = (0.0, 13.0))
        |> Chart.withYAxisStyle (TitleText = "Signed Distance (Hz)", MinMax = (-1.2, 1.5))
        |> finish "Signed Distance to Nearest Class Boundary vs. Frequency" 720 360

    /// Named curves over a shared x axis (exercise 1's BCE losses against p).
    let curves (title: string) (xTitle: string) (yTitle: string) (x: float[]) (series: (string * string * float[]) list) : GenericChart =
        notNull "curves" "x" x
        [ for (name, colour, y) in series do
            if isNull y || y.Length <> x.Length then fail "curves" (sprintf "series '%s' must have %d values" name x.Length)
            Chart.Line(x = x, y = y, Name = name, LineColor = Color.fromString colour) ]
        |> Chart.combine
        |> Chart.withXAxisStyle (TitleText = xTitle)
        |> Chart.withYAxisStyle (TitleText = yTitle)
        |> finish title 640 380

    let private pointTraces (xs: float[]) (ys: float[]) (labels: int64[]) =
        [ for c in 0 .. classColours.Length - 1 ->
            let idx = [| for i in 0 .. labels.Length - 1 do if labels[i] = int64 c then i |]
            Chart.Point(x = Array.map (fun i -> xs[i]) idx, y = Array.map (fun i -> ys[i]) idx, Name = sprintf "Class %d" (c + 1),
                        MarkerColor = Color.fromString classColours[c], MarkerOutline = Line.init (Color = Color.fromString "black", Width = 0.3)) ]

    let private checkPoints fn (xs: float[]) (ys: float[]) (labels: int64[]) =
        notNull fn "xs" xs
        notNull fn "ys" ys
        notNull fn "labels" labels
        if ys.Length <> xs.Length || labels.Length <> xs.Length then fail fn "xs, ys and labels must have the same length"

    /// plot_pointcloud: the points of each class in its coolwarm colour.
    let pointCloud (title: string) (xs: float[]) (ys: float[]) (labels: int64[]) : GenericChart =
        checkPoints "pointCloud" xs ys labels
        pointTraces xs ys labels |> Chart.combine |> finish title 560 500

    /// plot_decision_boundary: the predicted class on a grid (gridX × gridY, row-major by y) under the points.
    let decisionRegions (title: string) (gridX: float[]) (gridY: float[]) (gridClass: int64[]) (xs: float[]) (ys: float[]) (labels: int64[]) : GenericChart =
        checkPoints "decisionRegions" xs ys labels
        notNull "decisionRegions" "gridX" gridX
        notNull "decisionRegions" "gridY" gridY
        if isNull gridClass || gridClass.Length <> gridX.Length * gridY.Length then
            fail "decisionRegions" (sprintf "gridClass must hold %d x %d classes" gridY.Length gridX.Length)
        let z = [ for r in 0 .. gridY.Length - 1 -> [ for c in 0 .. gridX.Length - 1 -> float gridClass[r * gridX.Length + c] ] ]
        let scale = StyleParam.Colorscale.Custom [ (0.0, Color.fromString classColours[0]); (0.5, Color.fromString classColours[1]); (1.0, Color.fromString classColours[2]) ]
        [ yield Chart.Heatmap(zData = z, X = gridX, Y = gridY, ColorScale = scale, ShowScale = false, Opacity = 0.35, ShowLegend = false)
          yield! pointTraces xs ys labels ]
        |> Chart.combine
        |> finish title 560 500

namespace Fluxion.CSharp

open System.Runtime.InteropServices
open Fluxion.Plot

/// <summary>The classification unit's figures (signals, class histogram, confusion matrix, point clouds and decision regions).</summary>
[<AbstractClass; Sealed>]
type ClassificationPlots private () =
    /// <summary>A rows × cols grid of signals, each with its own legend name and colour.</summary>
    static member SignalGrid(title: string, rows: int, cols: int, t: float[], signals: float[][], names: string[], colours: string[]) : Figure =
        Fluxion.CSharp.Figure(ClassificationFigures.signalGrid title rows cols t signals names colours)

    /// <summary>One bar per class.</summary>
    static member ClassDistribution(labels: string[], counts: float[]) : Figure =
        Fluxion.CSharp.Figure(ClassificationFigures.classDistribution labels counts)

    /// <summary>The confusion matrix of true and predicted class indices (sklearn's confusion_matrix over 0..K-1).</summary>
    static member ConfusionMatrix(yTrue: int64[], yPred: int64[], classNames: string[], [<Optional; DefaultParameterValue("Confusion Matrix")>] title: string) : Figure =
        if isNull classNames then nullArg (nameof classNames)
        let counts = Fluxion.Compat.Sklearn.confusionMatrix yTrue yPred (Some(Array.init classNames.Length int64))
        Fluxion.CSharp.Figure(ClassificationFigures.confusionMatrix title classNames counts)

    /// <summary>Signed distance to the nearest class boundary against the true frequency; wrong predictions in red.</summary>
    static member SignedDistance(frequencies: float[], distances: float[], wrong: bool[]) : Figure =
        Fluxion.CSharp.Figure(ClassificationFigures.signedDistance frequencies distances wrong)

    /// <summary>Named, coloured curves over a shared x axis.</summary>
    static member Curves(title: string, xTitle: string, yTitle: string, x: float[], series: System.Collections.Generic.IEnumerable<struct (string * string * float[])>) : Figure =
        if isNull series then nullArg (nameof series)
        Fluxion.CSharp.Figure(ClassificationFigures.curves title xTitle yTitle x [ for struct (n, c, y) in series -> n, c, y ])

    /// <summary>2-D points coloured by class (0, 1, 2).</summary>
    static member PointCloud(title: string, xs: float[], ys: float[], labels: int64[]) : Figure =
        Fluxion.CSharp.Figure(ClassificationFigures.pointCloud title xs ys labels)

    /// <summary>Predicted classes on a grid (row-major by y) under the labelled points.</summary>
    static member DecisionRegions(title: string, gridX: float[], gridY: float[], gridClass: int64[], xs: float[], ys: float[], labels: int64[]) : Figure =
        Fluxion.CSharp.Figure(ClassificationFigures.decisionRegions title gridX gridY gridClass xs ys labels)
