/// Complex abs values and gradients bit for bit against torch 1.13 (tests/data/complex_abs.json, made by
/// tests/data/scripts/gen_complex_abs.py): chunk elements, tail elements, zeros, infinities, NaN, overflow.
module ComplexAbsTests

open System
open System.Globalization
open System.Text.Json
open Expecto
open Fluxion

let private data = lazy (TestData.json "complex_abs.json")

let private hex (f64: bool) (e: JsonElement) =
    [| for x in e.EnumerateArray() ->
        let u = UInt64.Parse(x.GetString(), NumberStyles.HexNumber)
        if f64 then BitConverter.Int64BitsToDouble(int64 u)
        else float (BitConverter.Int32BitsToSingle(int32 (uint32 u))) |]

/// Bits as the element type stores them; every NaN counts as one pattern (torch's NaN payloads are not kept).
let private bits (f64: bool) (v: float[]) =
    v |> Array.map (fun x ->
        if Double.IsNaN x then -1L
        elif f64 then BitConverter.DoubleToInt64Bits x
        else int64 (BitConverter.SingleToInt32Bits(float32 x)))

/// Fails naming the differing positions (with both values) when the bit patterns differ.
let private sameBits (f64: bool) (what: string) (input: float[]) (actual: float[]) (expected: float[]) =
    let a = bits f64 actual
    let e = bits f64 expected
    Expect.equal a.Length e.Length (what + " length")
    let bad = [ for i in 0 .. a.Length - 1 do if a.[i] <> e.[i] then yield i ]
    if not bad.IsEmpty then
        let show = bad |> List.truncate 6 |> List.map (fun i -> sprintf "[%d] got %.17g expected %.17g" i actual.[i] expected.[i])
        failtestf "%s: %d of %d differ (input %A...): %s" what bad.Length a.Length (Array.truncate 4 input) (String.Join("; ", show))

[<Tests>]
let tests =
    testList "Fft.ComplexAbs" [
        for c in data.Force().GetProperty("cases").EnumerateArray() do
            let c = c.Clone()
            let f64 = c.GetProperty("dtype").GetString() = "float64"
            let n = c.GetProperty("n").GetInt32()
            yield testCase (sprintf "%s n=%d: abs and its gradient are torch's bits" (if f64 then "complex128" else "complex64") n) <| fun () ->
                let input = hex f64 (c.GetProperty "input")
                let shape = [| n; 2 |]
                let x = (if f64 then Tensor.ofArray64 shape input else Tensor.ofArray shape (Array.map float32 input)).RequiresGrad_()
                let a = ComplexTensor(x).Abs()
                let wv = Array.init n (fun i -> float ((i * 7919) % 2001 - 1000) / 256.0)
                let w = if f64 then Tensor.ofArray64 [| n |] wv else Tensor.ofArray [| n |] (Array.map float32 wv)
                (a * w).Sum().Backward()
                sameBits f64 "abs" input (a.ToDoubleArray()) (hex f64 (c.GetProperty "abs"))
                sameBits f64 "gradient" input (x.Grad.ToDoubleArray()) (hex f64 (c.GetProperty "grad"))
            // complex128 angle uses glibc atan2 where torch's chunks use SLEEF atan2d4_u10; they disagree by
            // 1 ulp on about 4 in 10,000 random inputs, none of them in this data.
            yield testCase (sprintf "%s n=%d: angle is torch's bits" (if f64 then "complex128" else "complex64") n) <| fun () ->
                let input = hex f64 (c.GetProperty "input")
                let shape = [| n; 2 |]
                let x = if f64 then Tensor.ofArray64 shape input else Tensor.ofArray shape (Array.map float32 input)
                sameBits f64 "angle" input (ComplexTensor(x).Angle().ToDoubleArray()) (hex f64 (c.GetProperty "angle"))
    ]
