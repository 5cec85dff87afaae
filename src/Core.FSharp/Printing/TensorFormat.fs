namespace Fluxion.Printing

open System
open System.Globalization
open System.Text

/// PyTorch's print options (`torch.set_printoptions`); `SciMode = None` lets the formatter choose.
type PrintOptions =
    { Precision: int
      Threshold: int
      EdgeItems: int
      LineWidth: int
      SciMode: Nullable<bool> }

    /// PyTorch's defaults: precision 4, threshold 1000, edgeitems 3, linewidth 80.
    static member Default = { Precision = 4; Threshold = 1000; EdgeItems = 3; LineWidth = 80; SciMode = Nullable() }

/// The process-wide print options behind every tensor repr, like PyTorch's `PRINT_OPTS` (`torch.set_printoptions`).
/// One setting for all threads, as in PyTorch: a change is seen by every thread's later reprs. Each repr reads the
/// options once (an atomic reference read), so a repr never mixes an old and a new setting.
[<AbstractClass; Sealed>]
type PrintSettings private () =
    static let mutable current = PrintOptions.Default

    /// The options in force now.
    static member Current: PrintOptions = System.Threading.Volatile.Read(&current)

    /// Replaces the options in force (validated: precision, threshold, edgeitems >= 0, linewidth >= 1).
    static member Set(options: PrintOptions) =
        if options.Precision < 0 || options.Threshold < 0 || options.EdgeItems < 0 || options.LineWidth < 1 then
            raise (ArgumentOutOfRangeException(nameof options, sprintf "set_printoptions: print options need precision >= 0, threshold >= 0, edgeitems >= 0, linewidth >= 1 (got %A)" options))
        System.Threading.Volatile.Write(&current, options)

    /// PyTorch 1.13's `torch.set_printoptions`: a profile ("default", "short", "full"; null keeps the current values)
    /// sets precision, threshold, edgeitems and linewidth, then every given (non-null) value overrides; `sciMode` is
    /// always assigned, so leaving it null returns to automatic choice, as in PyTorch. "full" has no threshold.
    static member SetPrintOptions(precision: Nullable<int>, threshold: Nullable<int>, edgeItems: Nullable<int>, lineWidth: Nullable<int>,
                                  profile: string, sciMode: Nullable<bool>) =
        let baseOptions =
            match profile with
            | null -> PrintSettings.Current
            | "default" -> PrintOptions.Default
            | "short" -> { PrintOptions.Default with Precision = 2; EdgeItems = 2 }
            | "full" -> { PrintOptions.Default with Threshold = Int32.MaxValue }
            | other ->
                // PyTorch ignores an unknown profile silently; a typo deserves an error here.
                raise (ArgumentException(sprintf "set_printoptions: unknown profile '%s'; expected 'default', 'short' or 'full'" other, nameof profile))
        let pick (v: Nullable<int>) (d: int) = if v.HasValue then v.Value else d
        PrintSettings.Set
            { Precision = pick precision baseOptions.Precision
              Threshold = pick threshold baseOptions.Threshold
              EdgeItems = pick edgeItems baseOptions.EdgeItems
              LineWidth = pick lineWidth baseOptions.LineWidth
              SciMode = sciMode }

/// PyTorch 1.13's `repr(tensor)` as pure functions over shape and row-major values.
module TensorFormat =

    let private prefix = "tensor("
    let private indent = prefix.Length

    let private checkOptions (fn: string) (o: PrintOptions) =
        if o.Precision < 0 || o.Threshold < 0 || o.EdgeItems < 0 || o.LineWidth < 1 then
            invalidArg "options"
                (sprintf "%s: print options need precision >= 0, threshold >= 0, edgeitems >= 0, linewidth >= 1 (got %A)" fn o)

    let private numelOf (fn: string) (shape: int[]) (dataLength: int) =
        // int64 (capped) so that a product that wraps around to the data length cannot pass.
        let mutable n = 1L
        for d in shape do
            if d < 0 then raise (Fluxion.ShapeException(sprintf "%s: shape %s has a negative dimension" fn (PyFormat.list shape), "shape"))
            n <- min (n * int64 d) (int64 Int32.MaxValue + 1L)
        if n <> int64 dataLength then
            raise (Fluxion.ShapeException(sprintf "%s: shape %s holds %d elements but %d values were given" fn (PyFormat.list shape) n dataLength, "data"))
        int n

    /// Flat indices that PyTorch's formatter sees (`get_summarized_data`): first/last edgeitems of long dims.
    let private shownIndices (shape: int[]) (summarize: bool) (edge: int) =
        let kept (n: int) =
            if summarize && n > 2 * edge then Array.append [| 0 .. edge - 1 |] [| n - edge .. n - 1 |] else [| 0 .. n - 1 |]
        let mutable acc = [| 0 |]
        for d in 0 .. shape.Length - 1 do
            let k = kept shape.[d]
            acc <- [| for a in acc do for i in k -> a * shape.[d] + i |]
        acc

    /// Lays out already-formatted elements the way `_tensor_str_with_formatter` does.
    let internal layout (o: PrintOptions) (shape: int[]) (summarize: bool) (width: int) (cell: int -> string) =
        let sb = StringBuilder()
        let edge = o.EdgeItems
        let strides = Array.zeroCreate shape.Length
        let mutable s = 1
        for d in shape.Length - 1 .. -1 .. 0 do
            strides.[d] <- s
            s <- s * shape.[d]
        let items (n: int) =
            if summarize && n > 2 * edge then Array.concat [ [| 0 .. edge - 1 |]; [| -1 |]; [| n - edge .. n - 1 |] ]
            else [| 0 .. n - 1 |]
        let rec go (dim: int) (offset: int) (ind: int) =
            let n = shape.[dim]
            let nd = shape.Length - dim
            if nd = 1 then
                let perLine = max 1 (int (Math.Floor(float (o.LineWidth - ind) / float (width + 2))))
                let data =
                    if summarize && edge = 0 then [| "..." |]
                    else items n |> Array.map (fun i -> if i < 0 then " ..." else cell (offset + i))
                sb.Append('[') |> ignore
                for k in 0 .. data.Length - 1 do
                    if k > 0 then
                        if k % perLine = 0 then sb.Append(",\n").Append(' ', ind + 1) |> ignore
                        else sb.Append(", ") |> ignore
                    sb.Append(data.[k]) |> ignore
                sb.Append(']') |> ignore
            else
                sb.Append('[') |> ignore
                let its = items n
                for k in 0 .. its.Length - 1 do
                    if k > 0 then sb.Append(',').Append('\n', nd - 1).Append(' ', ind + 1) |> ignore
                    let i = its.[k]
                    if i < 0 then sb.Append("...") |> ignore else go (dim + 1) (offset + i * strides.[dim]) (ind + 1)
                sb.Append(']') |> ignore
        if shape.Length = 0 then sb.Append(cell 0) |> ignore else go 0 0 indent
        sb.ToString()

    /// Appends rendered suffixes with PyTorch's 80-column rule (`_add_suffixes`) and closes the paren.
    let addSuffixesWith (options: PrintOptions) (body: string) (suffixes: string list) : string =
        let sb = StringBuilder(body)
        let mutable lastLen = body.Length - body.LastIndexOf('\n') + 1
        for s in suffixes do
            if lastLen + s.Length + 2 > options.LineWidth then
                sb.Append(",\n").Append(' ', indent).Append(s) |> ignore
                lastLen <- indent + s.Length
            else
                sb.Append(", ").Append(s) |> ignore
                lastLen <- lastLen + s.Length + 2
        sb.Append(')').ToString()

    /// `addSuffixesWith` under the process-wide print options (`PrintSettings.Current`); `body` starts with `tensor(`.
    let addSuffixes (body: string) (suffixes: string list) : string = addSuffixesWith PrintSettings.Current body suffixes

    let private finish (o: PrintOptions) (shape: int[]) (numel: int) (content: unit -> string) (suffixes: string list) =
        if numel = 0 then
            let sizeSuffix = if shape.Length <> 1 then [ "size=" + PyFormat.tuple shape ] else []
            addSuffixesWith o (prefix + "[]") (sizeSuffix @ suffixes)
        else addSuffixesWith o (prefix + content ()) suffixes

    let private pad (width: int) (s: string) = if s.Length >= width then s else String(' ', width - s.Length) + s

    /// `repr` of a floating tensor (float32 values widened exactly to double) with the given rendered suffixes.
    let formatFloatsWith (options: PrintOptions) (shape: int[]) (data: float[]) (suffixes: string list) : string =
        checkOptions "TensorFormat.formatFloats" options
        let numel = numelOf "TensorFormat.formatFloats" shape data.Length
        let content () =
            let summarize = numel > options.Threshold
            if summarize && options.EdgeItems = 0 && shape.Length > 1 then
                invalidArg "options" "TensorFormat.formatFloats: edgeitems = 0 cannot summarise a tensor of 2+ dims (PyTorch 1.13 fails too)"
            let shown = if summarize && options.EdgeItems = 0 then [| 0 .. numel - 1 |] else shownIndices shape summarize options.EdgeItems
            let p = options.Precision
            let mutable intMode = true
            let mutable sciMode = false
            let mutable width = 1
            let mutable mn = Double.PositiveInfinity
            let mutable mx = 0.0
            let mutable any = false
            for i in shown do
                let v = data.[i]
                if Double.IsFinite v && v <> 0.0 then
                    any <- true
                    let a = abs v
                    if a < mn then mn <- a
                    if a > mx then mx <- a
                    if v <> Math.Ceiling v then intMode <- false
            if any then
                let measure (f: float -> string) (extra: int) =
                    for i in shown do
                        let v = data.[i]
                        if Double.IsFinite v && v <> 0.0 then width <- max width ((f v).Length + extra)
                if intMode then
                    if mx / mn > 1000.0 || mx > 1.0e8 then
                        sciMode <- true
                        measure (PyFormat.toSci p) 0
                    else measure (PyFormat.toFixed 0) 1
                elif mx / mn > 1000.0 || mx > 1.0e8 || mn < 1.0e-4 then
                    sciMode <- true
                    measure (PyFormat.toSci p) 0
                else measure (PyFormat.toFixed p) 0
                // Inside `if any`: PyTorch's _Formatter returns before reading sci_mode when no value is finite and non-zero.
                if options.SciMode.HasValue then sciMode <- options.SciMode.Value
            let cell (i: int) =
                let v = data.[i]
                let s =
                    if sciMode then PyFormat.toSci p v
                    elif intMode then (if Double.IsFinite v then PyFormat.toFixed 0 v + "." else PyFormat.toFixed 0 v)
                    else PyFormat.toFixed p v
                pad width s
            layout options shape summarize width cell
        finish options shape numel content suffixes

    /// `repr` of a floating tensor under the process-wide print options (`PrintSettings.Current`).
    let formatFloats (shape: int[]) (data: float[]) (suffixes: string list) : string =
        formatFloatsWith PrintSettings.Current shape data suffixes

    let private formatPlain (fn: string) (options: PrintOptions) (shape: int[]) (n: int) (str: int -> string) (suffixes: string list) =
        checkOptions fn options
        let numel = numelOf fn shape n
        let content () =
            let summarize = numel > options.Threshold
            if summarize && options.EdgeItems = 0 && shape.Length > 1 then
                invalidArg "options" (fn + ": edgeitems = 0 cannot summarise a tensor of 2+ dims (PyTorch 1.13 fails too)")
            let shown = if summarize && options.EdgeItems = 0 then [| 0 .. numel - 1 |] else shownIndices shape summarize options.EdgeItems
            let mutable width = 1
            for i in shown do width <- max width (str i).Length
            layout options shape summarize width (fun i -> pad width (str i))
        finish options shape numel content suffixes

    /// `repr` of an integer tensor (values printed as Python `str(int)`).
    let formatIntsWith (options: PrintOptions) (shape: int[]) (data: int64[]) (suffixes: string list) : string =
        formatPlain "TensorFormat.formatInts" options shape data.Length (fun i -> data.[i].ToString(CultureInfo.InvariantCulture)) suffixes

    /// `repr` of an integer tensor under the process-wide print options (`PrintSettings.Current`).
    let formatInts (shape: int[]) (data: int64[]) (suffixes: string list) : string =
        formatIntsWith PrintSettings.Current shape data suffixes

    /// `repr` of a bool tensor (`True`/`False`).
    let formatBoolsWith (options: PrintOptions) (shape: int[]) (data: bool[]) (suffixes: string list) : string =
        formatPlain "TensorFormat.formatBools" options shape data.Length (fun i -> if data.[i] then "True" else "False") suffixes

    /// `repr` of a bool tensor under the process-wide print options (`PrintSettings.Current`).
    let formatBools (shape: int[]) (data: bool[]) (suffixes: string list) : string =
        formatBoolsWith PrintSettings.Current shape data suffixes

    /// The suffixes PyTorch adds after the values, in order: `dtype=torch.X` (when not float32/int64/bool, or
    /// not float32 for an empty tensor), then `grad_fn=<Name>` or else `requires_grad=True`.
    let standardSuffixes (dtype: string) (numel: int) (gradFn: string option) (requiresGrad: bool) : string list =
        let name = if dtype.StartsWith "torch." then dtype.Substring 6 else dtype
        let showDtype = if numel = 0 then name <> "float32" else not (name = "float32" || name = "int64" || name = "bool")
        [ if showDtype then yield "dtype=torch." + name
          match gradFn with
          | Some g -> yield "grad_fn=<" + g + ">"
          | None -> if requiresGrad then yield "requires_grad=True" ]

    /// `repr` of an `nn.Parameter`: `"Parameter containing:\n"` before the tensor repr.
    let parameterRepr (tensorRepr: string) : string = "Parameter containing:\n" + tensorRepr

    /// `str(tensor.shape)`: `torch.Size([100, 2])`, `torch.Size([])`.
    let formatSize (shape: int[]) : string = "torch.Size(" + PyFormat.list shape + ")"
