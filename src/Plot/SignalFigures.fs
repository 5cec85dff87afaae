namespace Fluxion.Plot

open System
open Plotly.NET

/// Figures of 1-D signals and filter kernels (PCPT Unit 6: convolution), from plain arrays.
module SignalFigures =
    let private fail (fn: string) (msg: string) = raise (ArgumentException(sprintf "SignalFigures.%s: %s" fn msg))

    let private check fn (name: string) (t: float[]) (values: float[]) =
        if isNull t || isNull values then fail fn (sprintf "the time axis and %s must not be null" name)
        if values.Length <> t.Length then
            fail fn (sprintf "%s has %d values but the time axis has %d; they must have the same length" name values.Length t.Length)

    let private line (t: float[]) (y: float[]) (name: string) (colour: string) (width: float) (legend: bool) =
        Chart.Line(x = t, y = y, Name = name, LineColor = Color.fromString colour, LineWidth = width, ShowLegend = legend)

    /// plot_signal_denoise: the input in thin grey, the target in black and the output in red, when given.
    let denoise (t: float[]) (input: float[]) (target: float[] option) (output: float[] option) : GenericChart =
        check "denoise" "input" t input
        [ yield line t input "Input" "gray" 0.5 true
          match target with
          | Some y -> check "denoise" "target" t y; yield line t y "Target" "black" 1.2 true
          | None -> ()
          match output with
          | Some y -> check "denoise" "output" t y; yield line t y "Output" "red" 1.2 true
          | None -> () ]
        |> Chart.combine
        |> Chart.withLegendStyle (X = 0.99, Y = 0.99, XAnchor = StyleParam.XAnchorPosition.Right, YAnchor = StyleParam.YAnchorPosition.Top)
        |> Chart.withMarginSize (Top = 20, Bottom = 40)
        |> Chart.withSize (720, 290)

    /// A grid of small panels with shared axes whose legend names the input, target and prediction lines
    /// (visualize_training_pairs, plot_prediction_examples of Unit 9).
    let pairsGridLabelled (labels: string * string * string) (title: string) (rows: int) (cols: int) (t: float[]) (inputs: float[][]) (targets: float[][]) (predictions: float[][] option) : GenericChart =
        let inputName, targetName, predictionName = labels
        let fn = "pairsGrid"
        let n = rows * cols
        if rows < 1 || cols < 1 then fail fn (sprintf "rows and cols must be positive, got %d x %d" rows cols)
        if isNull inputs || isNull targets || inputs.Length < n || targets.Length < n then
            fail fn (sprintf "a %d x %d grid needs %d inputs and targets" rows cols n)
        let panel k =
            check fn "input" t inputs[k]
            check fn "target" t targets[k]
            [ yield line t inputs[k] inputName "gray" 0.5 (k = 0)
              yield line t targets[k] targetName "black" 1.0 (k = 0)
              match predictions with
              | Some p -> check fn "prediction" t p[k]; yield line t p[k] predictionName "red" 1.0 (k = 0)
              | None -> () ]
            |> Chart.combine
        Chart.Grid(rows, cols, Pattern = StyleParam.LayoutGridPattern.Coupled, XGap = 0.05, YGap = 0.08) [ for k in 0 .. n - 1 -> panel k ]
        |> Chart.withTitle (if isNull title then "" else title)
        |> Chart.withMarginSize (Top = 50, Bottom = 30)
        |> Chart.withSize (900, (if rows > 2 then 460 else 400))

    /// A grid of small panels with shared axes (visualize_pairs_24, visualize_further_examples_6): each panel
    /// draws its input (grey), target (black) and, when given, prediction (red).
    let pairsGrid (title: string) (rows: int) (cols: int) (t: float[]) (inputs: float[][]) (targets: float[][]) (predictions: float[][] option) : GenericChart =
        pairsGridLabelled ("Noisy input", "Clean target", "Predicted output") title rows cols t inputs targets predictions

    /// plot_peaks_stem (Unit 9): reference (black) and predicted (red) curves, their picked peaks as markers,
    /// and the minimum peak height as a dashed line.
    let peakPicks (title: string) (yRef: float[]) (peaksRef: int64[]) (yPred: float[]) (peaksPred: int64[]) (height: float) : GenericChart =
        let fn = "peakPicks"
        if isNull yRef || isNull yPred || isNull peaksRef || isNull peaksPred then fail fn "curves and peak indices must not be null"
        if yRef.Length <> yPred.Length then
            fail fn (sprintf "the reference has %d values but the prediction has %d; they must have the same length" yRef.Length yPred.Length)
        let t = Array.init yRef.Length float
        let marks (y: float[]) (peaks: int64[]) name colour symbol =
            for p in peaks do
                if p < 0L || p >= int64 y.Length then fail fn (sprintf "peak index %d is outside 0..%d" p (y.Length - 1))
            Chart.Point(x = (peaks |> Array.map float), y = (peaks |> Array.map (fun p -> y[int p])), Name = name,
                        MarkerColor = Color.fromString colour, MarkerSymbol = symbol)
        [ line t yRef "Reference" "black" 1.2 true
          line t yPred "Prediction" "red" 1.2 true
          marks yRef peaksRef "Reference peaks" "black" StyleParam.MarkerSymbol.Circle
          marks yPred peaksPred "Predicted peaks" "red" StyleParam.MarkerSymbol.X
          Chart.Line(x = [| 0.0; float (yRef.Length - 1) |], y = [| height; height |], Name = "Minimum height",
                     LineColor = Color.fromString "gray", LineDash = StyleParam.DrawingStyle.Dash) ]
        |> Chart.combine
        |> Chart.withTitle (if isNull title then "" else title)
        |> Chart.withXAxisStyle (TitleText = "Time index")
        |> Chart.withLegendStyle (X = 0.99, Y = 0.99, XAnchor = StyleParam.XAnchorPosition.Right, YAnchor = StyleParam.YAnchorPosition.Top)
        |> Chart.withMarginSize (Top = 40, Bottom = 50)
        |> Chart.withSize (720, 290)

    /// plot_filter_kernel: the taps as a stem plot (a vertical line from 0 and a marker per tap).
    let kernelStem (title: string) (weights: float[]) : GenericChart =
        if isNull weights || weights.Length = 0 then fail "kernelStem" "weights must hold at least one tap"
        let taps = Array.init weights.Length float
        // One short line per tap: plotly.js has no stem trace, and gaps (NaN) do not survive the JSON.
        [ for i in 0 .. weights.Length - 1 ->
            Chart.Line(x = [| float i; float i |], y = [| 0.0; weights[i] |], LineColor = Color.fromString "black", ShowLegend = false)
          yield Chart.Point(x = taps, y = weights, MarkerColor = Color.fromString "black", Name = "Weight", ShowLegend = false) ]
        |> Chart.combine
        |> Chart.withTitle (if isNull title then "" else title)
        |> Chart.withXAxisStyle (TitleText = "Tap index")
        |> Chart.withYAxisStyle (TitleText = "Weight")
        |> Chart.withMarginSize (Top = 40, Bottom = 50)
        |> Chart.withSize (720, 290)

    /// Named signals over their sample index, each as a line with markers (exercise 1's original, smoothed and
    /// edge-detected signals).
    let indexedSignals (title: string) (series: (string * string * float[]) list) : GenericChart =
        if List.isEmpty series then fail "indexedSignals" "series is empty; give at least one (name, colour, values)"
        [ for (name, colour, values) in series do
            if isNull values then fail "indexedSignals" (sprintf "series '%s' has no values" name)
            let idx = Array.init values.Length float
            Chart.Line(x = idx, y = values, Name = name, ShowMarkers = true, LineColor = Color.fromString colour,
                       MarkerColor = Color.fromString colour) ]
        |> Chart.combine
        |> Chart.withTitle (if isNull title then "" else title)
        |> Chart.withXAxisStyle (TitleText = "Time index")
        |> Chart.withYAxisStyle (TitleText = "Signal value")
        |> Chart.withMarginSize (Top = 40, Bottom = 50)
        |> Chart.withSize (720, 340)

namespace Fluxion.CSharp

open System.Collections.Generic
open System.Runtime.InteropServices
open Fluxion.Plot

/// <summary>The convolution unit's figures (signals, grids of signal pairs, filter kernels), from arrays.</summary>
[<AbstractClass; Sealed>]
type SignalPlots private () =
    static let opt (a: float[]) = if isNull a then None else Some a
    static let optRows (a: float[][]) = if isNull a then None else Some a

    /// <summary>Input (grey), target (black) and output (red) over the time axis; target and output may be null.</summary>
    static member Denoise(t: float[], input: float[], [<Optional; DefaultParameterValue(null: float[])>] target: float[],
                          [<Optional; DefaultParameterValue(null: float[])>] output: float[]) : Figure =
        Fluxion.CSharp.Figure(SignalFigures.denoise t input (opt target) (opt output))

    /// <summary>A rows × cols grid of (input, target[, prediction]) panels with a title.</summary>
    static member PairsGrid(title: string, rows: int, cols: int, t: float[], inputs: float[][], targets: float[][],
                            [<Optional; DefaultParameterValue(null: float[][])>] predictions: float[][]) : Figure =
        Fluxion.CSharp.Figure(SignalFigures.pairsGrid title rows cols t inputs targets (optRows predictions))

    /// <summary>A rows × cols grid of (input, target[, prediction]) panels whose legend uses the given line names.</summary>
    static member PairsGrid(title: string, rows: int, cols: int, t: float[], inputs: float[][], targets: float[][],
                            predictions: float[][], inputName: string, targetName: string, predictionName: string) : Figure =
        Fluxion.CSharp.Figure(SignalFigures.pairsGridLabelled (inputName, targetName, predictionName) title rows cols t inputs targets (optRows predictions))

    /// <summary>Reference and predicted curves with their picked peaks and the minimum peak height (plot_peaks_stem).</summary>
    static member PeakPicks(title: string, reference: float[], peaksRef: int64[], prediction: float[], peaksPred: int64[], height: float) : Figure =
        Fluxion.CSharp.Figure(SignalFigures.peakPicks title reference peaksRef prediction peaksPred height)

    /// <summary>A filter kernel as a stem plot.</summary>
    static member KernelStem(weights: float[], [<Optional; DefaultParameterValue("Learned Filter Kernel")>] title: string) : Figure =
        Fluxion.CSharp.Figure(SignalFigures.kernelStem title weights)

    /// <summary>Named, coloured signals over their sample index, as lines with markers.</summary>
    static member IndexedSignals(title: string, series: IEnumerable<struct (string * string * float[])>) : Figure =
        if isNull series then nullArg (nameof series)
        Fluxion.CSharp.Figure(SignalFigures.indexedSignals title [ for struct (n, c, v) in series -> n, c, v ])
