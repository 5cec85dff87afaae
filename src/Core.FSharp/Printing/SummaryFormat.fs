namespace Fluxion.Printing

open System
open System.Text

/// A torchinfo column (`col_names`).
type SummaryColumn =
    | InputSize
    | OutputSize
    | NumParams
    | KernelSize
    | MultAdds
    | Trainable

/// A torchinfo row setting (`row_settings`).
type SummaryRowSetting =
    | ShowDepth
    | ShowVarNames
    | AsciiOnly
    | HideRecursiveLayers

/// A module's `kernel_size` attribute as torchinfo sees it: absent, a plain int, or a tuple (shown as a list).
type SummaryKernel =
    | NoKernel
    | KernelInt of int
    | KernelList of int[]

/// One entry of `module.named_parameters()` (recursive, dotted names for containers).
type SummaryParam =
    { Name: string
      Count: int64
      ElementSize: int
      RequiresGrad: bool }

/// One module call as recorded by forward hooks (containers before their children, in call order).
/// `ModuleId` identifies the module object: a repeated id marks a `(recursive)` call.
/// Shapes are empty arrays when unknown (no forward pass) or for 0-dim values.
type SummaryCall =
    { ModuleId: int
      Depth: int
      ClassName: string
      VarName: string
      IsLeaf: bool
      InputShape: int[]
      OutputShape: int[]
      OutputElementSize: int
      Kernel: SummaryKernel
      Params: SummaryParam[] }

/// A call with torchinfo's derived statistics (`LayerInfo` after the forward pass).
type SummaryRow =
    { Call: SummaryCall
      DepthIndex: int
      IsRecursive: bool
      NumParams: int64
      TrainableParams: int64
      ParamBytes: int64
      OutputBytes: int64
      MultAdds: int64
      /// Params not counted by any non-recursive descendant row.
      LeftoverParams: int64
      LeftoverTrainableParams: int64
      /// Sum of the mult-adds of the leaf rows below this one.
      LeafDescendantMultAdds: int64 }

/// The footer numbers; `InputBytes = None` means no input was given (footer stops after the params).
type SummaryTotals =
    { TotalParams: int64
      TrainableParams: int64
      MultAdds: int64
      InputBytes: Nullable<int64>
      ForwardBackwardBytes: int64
      ParamBytes: int64 }

/// `summary(...)` options: columns, max depth, column width, row settings.
type SummaryOptions =
    { Columns: SummaryColumn[]
      Depth: int
      ColWidth: int
      RowSettings: SummaryRowSetting[] }

/// torchinfo 1.8.0's `summary` table, rendered from recorded module calls.
module SummaryFormat =

    /// torchinfo's defaults: Output Shape and Param # with an input (only Param # without), depth 3, width 25.
    let defaultOptions (hasInput: bool) : SummaryOptions =
        { Columns = (if hasInput then [| OutputSize; NumParams |] else [| NumParams |])
          Depth = 3
          ColWidth = 25
          RowSettings = [| ShowDepth |] }

    /// Bytes torchinfo reports as input size for a `torch.rand` input: Python's object size, nbytes + 56 here.
    let randInputBytes (shape: int[]) (elementSize: int) : int64 =
        let mutable n = int64 elementSize
        for d in shape do n <- n * int64 d
        n + 56L

    let private prod (a: int[]) (from: int) (until: int) =
        let mutable p = 1L
        for i in from .. min until a.Length - 1 do p <- p * int64 a.[i]
        p

    /// `LayerInfo.calculate_macs`: weight/bias x output[0] (Conv: x output[0] x spatial dims), other
    /// weight-ish names (RNN internals, containers' dotted names) x output[0] x output[1]. A call with no
    /// output shape (no forward pass was run) has none, as torchinfo only computes them in the forward hook.
    let callMultAdds (call: SummaryCall) : int64 =
        let out = call.OutputShape
        let mutable macs = 0L
        if out.Length > 0 then
            for p in call.Params do
                if p.Name = "weight" || p.Name = "bias" then
                    if call.ClassName.Contains "Conv" then macs <- macs + p.Count * int64 out.[0] * prod out 2 Int32.MaxValue
                    else macs <- macs + int64 out.[0] * p.Count
                elif p.Name.Contains "weight" || p.Name.Contains "bias" then
                    macs <- macs + prod out 0 1 * p.Count
        macs

    /// Derives torchinfo's per-row statistics: depth-idx counters, `(recursive)` flags, params, bytes, mult-adds.
    let analyze (calls: SummaryCall list) : SummaryRow[] =
        let calls = Array.ofList calls
        let n = calls.Length
        for i in 0 .. n - 1 do
            let c = calls.[i]
            if c.Depth < 0 || (i > 0 && c.Depth > calls.[i - 1].Depth + 1) || (i = 0 && c.Depth <> 0) then
                invalidArg "calls"
                    (sprintf "SummaryFormat.analyze: call %d (%s) has depth %d; depths must start at 0 and grow by at most 1 per row"
                        i c.ClassName c.Depth)
        let counters = Collections.Generic.Dictionary<int, int>()
        let seen = Collections.Generic.HashSet<int>()
        let rows =
            calls |> Array.map (fun c ->
                let k = (match counters.TryGetValue c.Depth with | true, v -> v | _ -> 0) + 1
                counters.[c.Depth] <- k
                let recursive = not (seen.Add c.ModuleId)
                let mutable num = 0L
                let mutable trainable = 0L
                let mutable bytes = 0L
                for p in c.Params do
                    num <- num + p.Count
                    bytes <- bytes + p.Count * int64 p.ElementSize
                    if p.RequiresGrad then trainable <- trainable + p.Count
                { Call = c; DepthIndex = k; IsRecursive = recursive; NumParams = num; TrainableParams = trainable
                  ParamBytes = bytes; OutputBytes = prod c.OutputShape 0 Int32.MaxValue * int64 c.OutputElementSize
                  MultAdds = callMultAdds c; LeftoverParams = 0L; LeftoverTrainableParams = 0L; LeafDescendantMultAdds = 0L })
        // Descendants of row i are the following rows deeper than it; fill leftovers bottom-up.
        for i in n - 1 .. -1 .. 0 do
            let d = rows.[i].Call.Depth
            let mutable j = i + 1
            let mutable usedParams = 0L
            let mutable usedTrainable = 0L
            let mutable leafMacs = 0L
            while j < n && rows.[j].Call.Depth > d do
                let r = rows.[j]
                if r.Call.IsLeaf then leafMacs <- leafMacs + r.MultAdds
                if not r.IsRecursive then
                    if r.Call.IsLeaf then
                        usedParams <- usedParams + r.NumParams
                        usedTrainable <- usedTrainable + r.TrainableParams
                    else
                        usedParams <- usedParams + r.LeftoverParams
                        usedTrainable <- usedTrainable + r.LeftoverTrainableParams
                j <- j + 1
            rows.[i] <-
                { rows.[i] with
                    LeftoverParams = rows.[i].NumParams - usedParams
                    LeftoverTrainableParams = rows.[i].TrainableParams - usedTrainable
                    LeafDescendantMultAdds = leafMacs }
        rows

    /// `ModelStatistics`: leaf rows count their params (not when recursive), mult-adds and 2 x output bytes
    /// (when they own params); containers add their leftover params.
    let totals (rows: SummaryRow[]) (inputBytes: int64 option) : SummaryTotals =
        let mutable total = 0L
        let mutable trainable = 0L
        let mutable macs = 0L
        let mutable outBytes = 0L
        let mutable paramBytes = 0L
        for r in rows do
            if r.Call.IsLeaf then
                macs <- macs + r.MultAdds
                if r.NumParams > 0L then outBytes <- outBytes + 2L * r.OutputBytes
                if not r.IsRecursive then
                    total <- total + max r.NumParams 0L
                    paramBytes <- paramBytes + r.ParamBytes
                    trainable <- trainable + max r.TrainableParams 0L
            elif not r.IsRecursive then
                total <- total + max r.LeftoverParams 0L
                trainable <- trainable + max r.LeftoverTrainableParams 0L
        { TotalParams = total; TrainableParams = trainable; MultAdds = macs; InputBytes = Option.toNullable inputBytes
          ForwardBackwardBytes = outBytes; ParamBytes = paramBytes }

    let private header (c: SummaryColumn) =
        match c with
        | KernelSize -> "Kernel Shape"
        | InputSize -> "Input Shape"
        | OutputSize -> "Output Shape"
        | NumParams -> "Param #"
        | MultAdds -> "Mult-Adds"
        | Trainable -> "Trainable"

    let private layerName (o: SummaryOptions) (r: SummaryRow) =
        let mutable s = r.Call.ClassName
        if Array.contains ShowVarNames o.RowSettings && r.Call.VarName <> "" then s <- s + " (" + r.Call.VarName + ")"
        if Array.contains ShowDepth o.RowSettings && r.Call.Depth > 0 then
            // Concatenation, not sprintf: this is often a program's only sprintf, whose first use costs milliseconds.
            s <- s + ": " + r.Call.Depth.ToString(Globalization.CultureInfo.InvariantCulture) + "-" + r.DepthIndex.ToString(Globalization.CultureInfo.InvariantCulture)
        s

    let private startStr (ascii: bool) (depth: int) =
        if depth = 0 then ""
        elif depth = 1 then (if ascii then "+ " else "├─")
        else String.replicate (depth - 1) (if ascii then "|    " else "│    ") + (if ascii then "+ " else "└─")

    let private shapeCell (s: int[]) = if s.Length = 0 then "--" else PyFormat.list s

    let private cell (r: SummaryRow) (reachedMax: bool) (c: SummaryColumn) =
        match c with
        | KernelSize ->
            match r.Call.Kernel with
            | NoKernel | KernelInt 0 -> "--"
            | KernelList k when k.Length = 0 -> "--"
            | KernelInt k -> string k
            | KernelList k -> PyFormat.list k
        | InputSize -> shapeCell r.Call.InputShape
        | OutputSize -> shapeCell r.Call.OutputShape
        | NumParams ->
            if r.NumParams = 0L then "--"
            elif r.IsRecursive then "(recursive)"
            elif reachedMax || r.Call.IsLeaf then
                let s = PyFormat.intGrouped r.NumParams
                if r.TrainableParams <> 0L then s else "(" + s + ")"
            elif r.LeftoverParams > 0L then PyFormat.intGrouped r.LeftoverParams
            else "--"
        | MultAdds ->
            if r.MultAdds <= 0L then "--"
            elif r.Call.IsLeaf then PyFormat.intGrouped r.MultAdds
            elif reachedMax then PyFormat.intGrouped r.LeafDescendantMultAdds
            else "--"
        | Trainable ->
            if r.NumParams = 0L then "--"
            elif r.TrainableParams = 0L then "False"
            elif r.NumParams = r.TrainableParams then "True"
            else "Partial"

    /// `format_output_num` for mult-adds: AUTO units (MEGA/GIGA/TERA), integral quotients without decimals.
    let private multAddsText (n: int64) =
        let unit, q =
            if float n >= 1e12 then "TERABYTES", float n / 1e12
            elif float n >= 1e9 then "GIGABYTES", float n / 1e9
            else "MEGABYTES", float n / 1e6
        let v = if q = Math.Floor q then PyFormat.groupThousands (PyFormat.toFixed 0 q) else PyFormat.groupThousands (PyFormat.toFixed 2 q)
        " (Units." + unit + "): " + v

    /// Renders the whole table as `str(summary(...))` prints it (no trailing newline).
    let render (options: SummaryOptions) (rows: SummaryRow[]) (totals: SummaryTotals) : string =
        if options.ColWidth < 0 || options.Depth < 0 then
            invalidArg "options" (sprintf "SummaryFormat.render: col width %d and depth %d must be >= 0" options.ColWidth options.Depth)
        let ascii = Array.contains AsciiOnly options.RowSettings
        let mutable nameWidth = 40
        let mutable maxLen = 0
        for r in rows do maxLen <- max maxLen (r.Call.Depth * 5 + 1 + (layerName options r).Length)
        if maxLen >= nameWidth then nameWidth <- (maxLen + 4) / 5 * 5
        let cols = List.ofArray options.Columns
        let totalWidth = nameWidth + options.ColWidth * cols.Length
        let divider = String('=', totalWidth)
        let sb = StringBuilder()
        let row (name: string) (cells: string list) =
            let line = StringBuilder()
            line.Append(name.PadRight nameWidth).Append(' ') |> ignore
            for c in cells do line.Append(c.PadRight options.ColWidth).Append(' ') |> ignore
            sb.Append(line.ToString().TrimEnd()).Append('\n') |> ignore
        let headerName =
            "Layer (type"
            + (if Array.contains ShowVarNames options.RowSettings then " (var_name)" else "")
            + (if Array.contains ShowDepth options.RowSettings then ":depth-idx" else "") + ")"
        sb.Append(divider).Append('\n') |> ignore
        row headerName (cols |> List.map header)
        sb.Append(divider).Append('\n') |> ignore
        let hideRec = Array.contains HideRecursiveLayers options.RowSettings
        for r in rows do
            if not (r.Call.Depth > options.Depth || (hideRec && r.IsRecursive)) then
                let reachedMax = r.Call.Depth = options.Depth
                row (startStr ascii r.Call.Depth + layerName options r) (cols |> List.map (cell r reachedMax))
        sb.Append(divider).Append('\n') |> ignore
        sb.Append("Total params: ").Append(PyFormat.intGrouped totals.TotalParams).Append('\n') |> ignore
        sb.Append("Trainable params: ").Append(PyFormat.intGrouped totals.TrainableParams).Append('\n') |> ignore
        sb.Append("Non-trainable params: ").Append(PyFormat.intGrouped (totals.TotalParams - totals.TrainableParams)).Append('\n') |> ignore
        match Option.ofNullable totals.InputBytes with
        | Some input ->
            let mb (b: int64) = PyFormat.toFixed 2 (float b / 1e6)
            sb.Append("Total mult-adds").Append(multAddsText totals.MultAdds).Append('\n') |> ignore
            sb.Append(divider).Append('\n') |> ignore
            sb.Append("Input size (MB): ").Append(mb input).Append('\n') |> ignore
            sb.Append("Forward/backward pass size (MB): ").Append(mb totals.ForwardBackwardBytes).Append('\n') |> ignore
            sb.Append("Params size (MB): ").Append(mb totals.ParamBytes).Append('\n') |> ignore
            sb.Append("Estimated Total Size (MB): ").Append(mb (input + totals.ForwardBackwardBytes + totals.ParamBytes)).Append('\n') |> ignore
        | None -> ()
        sb.Append(divider).ToString()

    /// `analyze`, `totals` and `render` in one step.
    let summary (options: SummaryOptions) (calls: SummaryCall list) (inputBytes: int64 option) : string =
        let rows = analyze calls
        render options rows (totals rows inputBytes)
