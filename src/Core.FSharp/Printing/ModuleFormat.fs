namespace Fluxion.Printing

open System
open System.Globalization
open System.Text

/// A Python number as the user wrote it: `1` and `1.0` print differently in reprs.
type PyNumber =
    | PyInt of int64
    | PyFloat of float

/// How `_modules` is shown: PyTorch 1.13 keeps an `OrderedDict`, newer versions a plain `dict`.
type ModulesDictStyle =
    | OrderedDict
    | Dict

/// Padding of a convolution as PyTorch stores it: explicit per-dim values or the strings `same`/`valid`.
type ConvPadding =
    | Explicit of int[]
    | Same
    | Valid

/// PyTorch 1.13's `repr(module)` rule and the `extra_repr` strings of the standard layers.
module ModuleFormat =

    let private str (i: int) = i.ToString(CultureInfo.InvariantCulture)
    let private pyBool (b: bool) = if b then "True" else "False"

    /// Python `str` of a number as written (`1`, `1.0`, `1e-05`).
    let pyNumber (n: PyNumber) : string =
        match n with
        | PyInt i -> i.ToString(CultureInfo.InvariantCulture)
        | PyFloat f -> PyFormat.floatRepr f

    /// Python `repr(str)` for plain strings (single quotes unless the text holds one).
    let pyStringRepr (s: string) : string =
        let s = s.Replace("\\", "\\\\")
        if s.Contains "'" && not (s.Contains "\"") then "\"" + s + "\""
        else "'" + s.Replace("'", "\\'") + "'"

    // `_addindent`: every line after the first gets numSpaces more.
    let private addIndent (s: string) = s.Replace("\n", "\n  ")

    /// `Module.__repr__`: `Name(extra)`, `Name()` or a block with the extra lines and `(key): child` lines.
    let moduleRepr (name: string) (extraLines: string list) (children: (string * string) list) : string =
        // extra_repr is split on newlines, so a multi-line extra counts as several lines.
        let extra = extraLines |> List.collect (fun l -> List.ofArray (l.Split '\n'))
        let childLines = children |> List.map (fun (k, r) -> "(" + k + "): " + addIndent r)
        let lines = extra @ childLines
        match extra, childLines with
        | [], [] -> name + "()"
        | [ one ], [] -> name + "(" + one + ")"
        | _ -> name + "(\n  " + String.Join("\n  ", lines) + "\n)"

    /// The `repr` of a module's `_modules`: `OrderedDict([('k', repr), ...])` (1.13) or `{'k': repr, ...}`.
    let modulesDictRepr (style: ModulesDictStyle) (children: (string * string) list) : string =
        let sb = StringBuilder()
        match style with
        | OrderedDict ->
            if List.isEmpty children then "OrderedDict()"
            else
                sb.Append("OrderedDict([") |> ignore
                children |> List.iteri (fun i (k, r) ->
                    if i > 0 then sb.Append(", ") |> ignore
                    sb.Append('(').Append(pyStringRepr k).Append(", ").Append(r).Append(')') |> ignore)
                sb.Append("])").ToString()
        | Dict ->
            sb.Append('{') |> ignore
            children |> List.iteri (fun i (k, r) ->
                if i > 0 then sb.Append(", ") |> ignore
                sb.Append(pyStringRepr k).Append(": ").Append(r) |> ignore)
            sb.Append('}').ToString()

    /// `Linear`: `in_features=2, out_features=1, bias=True`.
    let linearExtra (inF: int) (outF: int) (bias: bool) : string =
        // Built at every Linear's construction: plain concatenation, since a program's first sprintf costs
        // milliseconds of reflection and JIT (often the only sprintf a training program reaches).
        "in_features=" + str inF + ", out_features=" + str outF + ", bias=" + pyBool bias

    /// Any `ConvNd`: sizes are per spatial dim (`(3,)` for Conv1d); non-default fields follow in PyTorch's order.
    let convExtra (inC: int) (outC: int) (kernel: int[]) (stride: int[]) (padding: ConvPadding) (dilation: int[])
                  (outputPadding: int[]) (groups: int) (bias: bool) (paddingMode: string) : string =
        let sb = StringBuilder()
        sb.Append(str inC).Append(", ").Append(str outC)
          .Append(", kernel_size=").Append(PyFormat.tuple kernel)
          .Append(", stride=").Append(PyFormat.tuple stride) |> ignore
        match padding with
        | Explicit p -> if Array.exists ((<>) 0) p then sb.Append(", padding=").Append(PyFormat.tuple p) |> ignore
        | Same -> sb.Append(", padding=same") |> ignore
        | Valid -> sb.Append(", padding=valid") |> ignore
        if Array.exists ((<>) 1) dilation then sb.Append(", dilation=").Append(PyFormat.tuple dilation) |> ignore
        if Array.exists ((<>) 0) outputPadding then sb.Append(", output_padding=").Append(PyFormat.tuple outputPadding) |> ignore
        if groups <> 1 then sb.Append(", groups=").Append(str groups) |> ignore
        if not bias then sb.Append(", bias=False") |> ignore
        if paddingMode <> "zeros" then sb.Append(", padding_mode=").Append(paddingMode) |> ignore
        sb.ToString()

    /// `Conv1d(1, 4, kernel_size=(3,), stride=(1,))` style extra for the one-dimensional convolution.
    let conv1dExtra (inC: int) (outC: int) (k: int) (stride: int) (padding: ConvPadding) (dilation: int)
                    (groups: int) (bias: bool) (paddingMode: string) : string =
        convExtra inC outC [| k |] [| stride |] padding [| dilation |] [| 0 |] groups bias paddingMode

    /// `Dropout`: `p=0.5, inplace=False`.
    let dropoutExtra (p: float) (inplace: bool) : string = "p=" + PyFormat.floatRepr p + ", inplace=" + pyBool inplace

    /// `Flatten`: `start_dim=1, end_dim=-1`.
    let flattenExtra (startDim: int) (endDim: int) : string = "start_dim=" + str startDim + ", end_dim=" + str endDim

    /// `LeakyReLU`: `negative_slope=0.01` (+ `, inplace=True`).
    let leakyReluExtra (negativeSlope: float) (inplace: bool) : string =
        "negative_slope=" + PyFormat.floatRepr negativeSlope + (if inplace then ", inplace=True" else "")

    /// `ReLU` and other in-place-only activations: empty unless in place.
    let inplaceExtra (inplace: bool) : string = if inplace then "inplace=True" else ""

    /// `Softmax`/`LogSoftmax`/`Softmin`: `dim=1` (`dim=None` when unset).
    let softmaxExtra (dim: int option) : string =
        match dim with
        | Some d -> "dim=" + str d
        | None -> "dim=None"

    /// `BatchNorm1d`: `4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True` (momentum None allowed).
    let batchNorm1dExtra (numFeatures: int) (eps: float) (momentum: float option) (affine: bool) (trackRunningStats: bool) : string =
        let m = match momentum with Some v -> PyFormat.floatRepr v | None -> "None"
        sprintf "%d, eps=%s, momentum=%s, affine=%s, track_running_stats=%s"
            numFeatures (PyFormat.floatRepr eps) m (pyBool affine) (pyBool trackRunningStats)

    /// `MaxPool1d` with integer arguments (stride defaults to the kernel size in PyTorch).
    let maxPool1dExtra (kernelSize: int) (stride: int) (padding: int) (dilation: int) (ceilMode: bool) : string =
        sprintf "kernel_size=%d, stride=%d, padding=%d, dilation=%d, ceil_mode=%s" kernelSize stride padding dilation (pyBool ceilMode)

    /// `AvgPool1d`: PyTorch stores one-element tuples, `kernel_size=(2,), stride=(2,), padding=(0,)`.
    let avgPool1dExtra (kernelSize: int) (stride: int) (padding: int) : string =
        sprintf "kernel_size=(%d,), stride=(%d,), padding=(%d,)" kernelSize stride padding

    /// `ELU`: `alpha=1.0` (+ `, inplace=True`).
    let eluExtra (alpha: float) (inplace: bool) : string =
        "alpha=" + PyFormat.floatRepr alpha + (if inplace then ", inplace=True" else "")

    /// `Softplus`: `beta=1, threshold=20` for the defaults (PyTorch's defaults are Python ints).
    let softplusExtra (beta: PyNumber) (threshold: PyNumber) : string =
        "beta=" + pyNumber beta + ", threshold=" + pyNumber threshold

    /// `GELU`: `approximate='none'` or `approximate='tanh'`.
    let geluExtra (approximate: string) : string = "approximate=" + pyStringRepr approximate

    /// `Hardtanh`: `min_val=-1.0, max_val=1.0` (+ `, inplace=True`).
    let hardtanhExtra (minVal: float) (maxVal: float) (inplace: bool) : string =
        "min_val=" + PyFormat.floatRepr minVal + ", max_val=" + PyFormat.floatRepr maxVal + (if inplace then ", inplace=True" else "")

    /// `RNN`/`LSTM`/`GRU`: sizes, then only non-default fields (the RNN nonlinearity is never shown).
    let rnnExtra (inputSize: int) (hiddenSize: int) (projSize: int) (numLayers: int) (bias: bool) (batchFirst: bool)
                 (dropout: float) (bidirectional: bool) : string =
        let sb = StringBuilder()
        sb.Append(str inputSize).Append(", ").Append(str hiddenSize) |> ignore
        if projSize <> 0 then sb.Append(", proj_size=").Append(str projSize) |> ignore
        if numLayers <> 1 then sb.Append(", num_layers=").Append(str numLayers) |> ignore
        if not bias then sb.Append(", bias=False") |> ignore
        if batchFirst then sb.Append(", batch_first=True") |> ignore
        if dropout <> 0.0 then sb.Append(", dropout=").Append(PyFormat.floatRepr dropout) |> ignore
        if bidirectional then sb.Append(", bidirectional=True") |> ignore
        sb.ToString()

    /// Turns an extra string into `moduleRepr`'s line list (`""` means no extra lines).
    let extraLines (extra: string) : string list = if String.IsNullOrEmpty extra then [] else [ extra ]
