namespace Fluxion.Course

open System
open System.Globalization
open System.Runtime.InteropServices
open Fluxion.Printing

/// NumPy 1.24's `str(array)` for the short 1-D arrays the course prints (`[ 1  4 10]`, `[14. 20.]`,
/// `[13.575106 19.575106]`), including `np.printoptions(precision=3, suppress=True)`.
module NumpyFormat =
    let private inv = CultureInfo.InvariantCulture

    /// Digits and decimal exponent of a shortest round-trip text ("1.2345E-05" -> "12345", -5 + 1).
    let private positional (shortest: string) : string =
        let neg = shortest.StartsWith "-"
        let s = if neg then shortest.Substring 1 else shortest
        let mantissa, exp10 =
            match s.IndexOfAny [| 'E'; 'e' |] with
            | -1 -> s, 0
            | k -> s.Substring(0, k), Int32.Parse(s.Substring(k + 1), inv)
        let dot = mantissa.IndexOf '.'
        let intPart, fracPart = if dot < 0 then mantissa, "" else mantissa.Substring(0, dot), mantissa.Substring(dot + 1)
        let digits = intPart + fracPart
        let point = intPart.Length + exp10
        let body =
            if point <= 0 then "0." + String('0', -point) + digits
            elif point >= digits.Length then digits + String('0', point - digits.Length) + "."
            else digits.Substring(0, point) + "." + digits.Substring point
        // Leading zeros of the integer part ("00.5" cannot arise, but "0" + digits can carry one).
        let body = body.TrimEnd('0')
        let body = if body.StartsWith "." then "0" + body else body
        let body = body.TrimStart('0')
        let body = if body.StartsWith "." then "0" + body else body
        (if neg then "-" else "") + body

    /// One value as NumPy's Dragon4 prints it in 'maxprec' mode: the shortest text that reads back as the
    /// same value (in its own precision), cut to `precision` fractional digits and trimmed to "1." form.
    let private valueText (shortest: string) (exact: float) (precision: int) : string =
        let p = positional shortest
        let frac = p.Length - p.IndexOf '.' - 1
        if frac <= precision then p
        else
            let fixedText = PyFormat.toFixed precision exact
            let t = fixedText.TrimEnd('0')
            if t = "-0." then "-0." else t

    let private layout (texts: string[]) : string =
        let parts = texts |> Array.map (fun s -> let k = s.IndexOf '.' in s.Substring(0, k), s.Substring(k + 1))
        let padLeft = parts |> Array.map (fst >> String.length) |> Array.max
        let padRight = parts |> Array.map (snd >> String.length) |> Array.max
        let cells = parts |> Array.map (fun (i, f) -> i.PadLeft padLeft + "." + f.PadRight padRight)
        "[" + String.Join(" ", cells) + "]"

    let private checkPositional (fn: string) (suppress: bool) (values: float[]) =
        if values |> Array.exists (fun v -> Double.IsNaN v || Double.IsInfinity v) then
            raise (NotSupportedException(sprintf "%s: non-finite values are not ported; print finite arrays" fn))
        let nonZero = values |> Array.filter (fun v -> v <> 0.0) |> Array.map abs
        if nonZero.Length > 0 then
            let mx, mn = Array.max nonZero, Array.min nonZero
            if mx >= 1e8 || (not suppress && (mn < 1e-4 || mx / mn > 1e3)) then
                raise (NotSupportedException(sprintf "%s: NumPy would print these values in scientific notation, which is not ported (max %g, min %g)" fn mx mn))

    /// `str(a)` of a float32 array, as NumPy prints it (default precision 8; `suppress` as np.printoptions).
    let floats32With (precision: int) (suppress: bool) (values: float32[]) : string =
        if isNull values then nullArg "values"
        if values.Length = 0 then "[]"
        else
            let wide = values |> Array.map float
            checkPositional "NumpyFormat.floats32" suppress wide
            values |> Array.map (fun v -> valueText (v.ToString("R", inv)) (float v) precision) |> layout

    /// `str(a)` of a float64 array, as NumPy prints it.
    let floats64With (precision: int) (suppress: bool) (values: float[]) : string =
        if isNull values then nullArg "values"
        if values.Length = 0 then "[]"
        else
            checkPositional "NumpyFormat.floats64" suppress values
            values |> Array.map (fun v -> valueText (v.ToString("R", inv)) v precision) |> layout

    /// `str(a)` of an integer array: every value right-aligned to the widest.
    let ints (values: int64[]) : string =
        if isNull values then nullArg "values"
        let texts = values |> Array.map (fun v -> v.ToString inv)
        let width = if texts.Length = 0 then 0 else texts |> Array.map String.length |> Array.max
        "[" + String.Join(" ", texts |> Array.map (fun s -> s.PadLeft width)) + "]"

/// NumPy's `str(array)` for the C# unit programs.
[<AbstractClass; Sealed>]
type NumpyPrint private () =
    /// `str(a)` of a float32 array (`tensor.numpy()`), with NumPy's default precision 8 unless given.
    static member Str(values: float32[], [<Optional; DefaultParameterValue(8)>] precision: int, [<Optional; DefaultParameterValue(false)>] suppress: bool) =
        NumpyFormat.floats32With precision suppress values
    /// `str(a)` of a float64 array.
    static member Str(values: float[], [<Optional; DefaultParameterValue(8)>] precision: int, [<Optional; DefaultParameterValue(false)>] suppress: bool) =
        NumpyFormat.floats64With precision suppress values
    /// `str(a)` of an int64 array.
    static member Str(values: int64[]) = NumpyFormat.ints values
    /// Python's `str(tuple(shape))`: `(1, 1, 4)`.
    static member Tuple(shape: int[]) = PyFormat.tuple shape
