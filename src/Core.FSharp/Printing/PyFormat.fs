namespace Fluxion.Printing

open System
open System.Globalization
open System.Numerics
open System.Text

/// Python's number formatting (`"{:.Nf}"`, `"{:.Ne}"`, `repr(float)`, `"{:,}"`), reproduced exactly.
module PyFormat =

    // A finite double is exactly num / den with den a power of two; decimal rounding is done on that
    // exact fraction (ties to even), which is what CPython's dtoa does for fixed precision.
    let private exactFraction (x: float) : struct (BigInteger * BigInteger) =
        let bits = BitConverter.DoubleToInt64Bits(Math.Abs x)
        let biased = int ((bits >>> 52) &&& 0x7FFL)
        let frac = bits &&& 0xFFFFFFFFFFFFFL
        let mant, exp2 =
            if biased = 0 then frac, -1074
            else (frac ||| (1L <<< 52)), biased - 1075
        let m = BigInteger(mant)
        if exp2 >= 0 then struct (m <<< exp2, BigInteger.One)
        else struct (m, BigInteger.One <<< -exp2)

    let private pow10 (k: int) = BigInteger.Pow(BigInteger(10), k)

    /// Rounds num/den to the nearest integer, ties to even.
    let private roundHalfEven (num: BigInteger) (den: BigInteger) =
        let mutable rem = BigInteger.Zero
        let q = BigInteger.DivRem(num, den, &rem)
        let c = BigInteger.Compare(rem * BigInteger(2), den)
        if c > 0 || (c = 0 && not q.IsEven) then q + BigInteger.One else q

    let private nonFinite (x: float) =
        if Double.IsNaN x then "nan" elif x > 0.0 then "inf" else "-inf"

    let private isNegative (x: float) = x < 0.0 || (x = 0.0 && Double.IsNegative x)

    /// Python `"{:.{precision}f}".format(x)`: exact binary value rounded half-even, `-` kept for negative zero.
    let toFixed (precision: int) (x: float) : string =
        if precision < 0 then
            invalidArg (nameof precision) (sprintf "PyFormat.toFixed: precision %d must be >= 0" precision)
        if not (Double.IsFinite x) then nonFinite x
        else
            let struct (num, den) = exactFraction x
            let digits = (roundHalfEven (num * pow10 precision) den).ToString(CultureInfo.InvariantCulture)
            let digits = if digits.Length <= precision then String('0', precision + 1 - digits.Length) + digits else digits
            let sb = StringBuilder(digits.Length + 2)
            if isNegative x then sb.Append('-') |> ignore
            if precision = 0 then sb.Append(digits) |> ignore
            else
                let cut = digits.Length - precision
                sb.Append(digits, 0, cut).Append('.').Append(digits, cut, precision) |> ignore
            sb.ToString()

    let private appendExponent (sb: StringBuilder) (e: int) =
        sb.Append('e').Append(if e < 0 then '-' else '+') |> ignore
        let a = abs e
        if a < 10 then sb.Append('0') |> ignore
        sb.Append(a.ToString(CultureInfo.InvariantCulture)) |> ignore

    /// Python `"{:.{precision}e}".format(x)`, e.g. `1.0000e-05` (at least two exponent digits).
    let toSci (precision: int) (x: float) : string =
        if precision < 0 then
            invalidArg (nameof precision) (sprintf "PyFormat.toSci: precision %d must be >= 0" precision)
        if not (Double.IsFinite x) then nonFinite x
        else
            let struct (num, den) = exactFraction x
            let mutable e = 0
            let mutable mant = BigInteger.Zero
            if not num.IsZero then
                e <- int (Math.Floor(Math.Log10(Math.Abs x)))
                // Log10 can be one off near powers of ten; settle e with exact comparisons.
                let below k = if k >= 0 then num < den * pow10 k else num * pow10 -k < den
                while below e do e <- e - 1
                while not (below (e + 1)) do e <- e + 1
                let shift = precision - e
                mant <- if shift >= 0 then roundHalfEven (num * pow10 shift) den else roundHalfEven num (den * pow10 -shift)
                if mant = pow10 (precision + 1) then
                    mant <- pow10 precision
                    e <- e + 1
            let digits = mant.ToString(CultureInfo.InvariantCulture)
            let digits = if digits.Length < precision + 1 then String('0', precision + 1 - digits.Length) + digits else digits
            let sb = StringBuilder(precision + 8)
            if isNegative x then sb.Append('-') |> ignore
            sb.Append(digits.[0]) |> ignore
            if precision > 0 then sb.Append('.').Append(digits, 1, precision) |> ignore
            appendExponent sb e
            sb.ToString()

    /// Python `repr(x)` for a float: shortest round-trip digits, `1e-05`, `0.0001`, `1.0`, `1e+16`.
    let floatRepr (x: float) : string =
        if not (Double.IsFinite x) then nonFinite x
        elif x = 0.0 then (if isNegative x then "-0.0" else "0.0")
        else
            // .NET Core 3+ "R" yields the shortest round-trip digits; only the layout differs from Python.
            let s = Math.Abs(x).ToString("R", CultureInfo.InvariantCulture)
            let mantissa, exp10 =
                match s.IndexOf('E') with
                | -1 -> s, 0
                | i -> s.Substring(0, i), Int32.Parse(s.Substring(i + 1), CultureInfo.InvariantCulture)
            let dot = mantissa.IndexOf('.')
            let intPart, fracPart = if dot < 0 then mantissa, "" else mantissa.Substring(0, dot), mantissa.Substring(dot + 1)
            let all = intPart + fracPart
            let lead = all.Length - all.TrimStart('0').Length
            let digits = all.TrimStart('0').TrimEnd('0')
            // value = 0.digits x 10^decpt
            let decpt = intPart.Length - lead + exp10
            let n = digits.Length
            let sb = StringBuilder(n + 8)
            if x < 0.0 then sb.Append('-') |> ignore
            if decpt <= -4 || decpt > 16 then
                sb.Append(digits.[0]) |> ignore
                if n > 1 then sb.Append('.').Append(digits, 1, n - 1) |> ignore
                appendExponent sb (decpt - 1)
            elif decpt <= 0 then sb.Append("0.").Append('0', -decpt).Append(digits) |> ignore
            elif decpt >= n then sb.Append(digits).Append('0', decpt - n).Append(".0") |> ignore
            else sb.Append(digits, 0, decpt).Append('.').Append(digits, decpt, n - decpt) |> ignore
            sb.ToString()

    /// Inserts Python's `,` thousands separators into the integer part of a plain decimal string.
    let groupThousands (s: string) : string =
        let neg = s.StartsWith "-"
        let body = if neg then s.Substring 1 else s
        let dot = body.IndexOf '.'
        let intPart, rest = if dot < 0 then body, "" else body.Substring(0, dot), body.Substring dot
        let sb = StringBuilder(s.Length + s.Length / 3)
        if neg then sb.Append('-') |> ignore
        for i in 0 .. intPart.Length - 1 do
            if i > 0 && (intPart.Length - i) % 3 = 0 then sb.Append(',') |> ignore
            sb.Append(intPart.[i]) |> ignore
        sb.Append(rest).ToString()

    /// Python `f"{n:,}"` for an integer.
    let intGrouped (n: int64) : string = groupThousands (n.ToString(CultureInfo.InvariantCulture))

    /// Python `str(tuple(values))`: `()`, `(3,)`, `(2, 0)`.
    let tuple (values: int[]) : string =
        match values.Length with
        | 0 -> "()"
        | 1 -> "(" + values.[0].ToString(CultureInfo.InvariantCulture) + ",)"
        | _ -> "(" + String.Join(", ", values |> Array.map (fun v -> v.ToString(CultureInfo.InvariantCulture))) + ")"

    /// Python `str(list(values))`: `[]`, `[5, 2]`.
    let list (values: int[]) : string =
        "[" + String.Join(", ", values |> Array.map (fun v -> v.ToString(CultureInfo.InvariantCulture))) + "]"
