/// Complex abs and angle values and gradients bit for bit against torch 1.13 (tests/data/complex_abs.json, made by
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
            yield testCase (sprintf "%s n=%d: abs and its derivatives are torch's bits" (if f64 then "complex128" else "complex64") n) <| fun () ->
                let input = hex f64 (c.GetProperty "input")
                let shape = [| n; 2 |]
                let x = (if f64 then Tensor.ofArray64 shape input else Tensor.ofArray shape (Array.map float32 input)).RequiresGrad_()
                let a = ComplexTensor(x).Abs()
                let wv = Array.init n (fun i -> float ((i * 7919) % 2001 - 1000) / 256.0)
                let w = if f64 then Tensor.ofArray64 [| n |] wv else Tensor.ofArray [| n |] (Array.map float32 wv)
                (a * w).Sum().Backward()
                sameBits f64 "abs" input (a.ToDoubleArray()) (hex f64 (c.GetProperty "abs"))
                sameBits f64 "gradient" input (x.Grad.ToDoubleArray()) (hex f64 (c.GetProperty "grad"))
                let tv = hex f64 (c.GetProperty "tangent")
                let t = if f64 then Tensor.ofArray64 shape tv else Tensor.ofArray shape (Array.map float32 tv)
                let jv = Diff.jvp (fun p -> ComplexTensor(p).Abs()) (x.Detach()) t
                sameBits f64 "forward-mode derivative" input (jv.ToDoubleArray()) (hex f64 (c.GetProperty "absJvp"))
            yield testCase (sprintf "%s n=%d: angle and its derivatives are torch's bits" (if f64 then "complex128" else "complex64") n) <| fun () ->
                let input = hex f64 (c.GetProperty "input")
                let shape = [| n; 2 |]
                let x = (if f64 then Tensor.ofArray64 shape input else Tensor.ofArray shape (Array.map float32 input)).RequiresGrad_()
                let a = ComplexTensor(x).Angle()
                let wv = Array.init n (fun i -> float ((i * 7919) % 2001 - 1000) / 256.0)
                let w = if f64 then Tensor.ofArray64 [| n |] wv else Tensor.ofArray [| n |] (Array.map float32 wv)
                (a * w).Sum().Backward()
                sameBits f64 "angle" input (a.ToDoubleArray()) (hex f64 (c.GetProperty "angle"))
                sameBits f64 "angle gradient" input (x.Grad.ToDoubleArray()) (hex f64 (c.GetProperty "angleGrad"))
                let tv = hex f64 (c.GetProperty "tangent")
                let t = if f64 then Tensor.ofArray64 shape tv else Tensor.ofArray shape (Array.map float32 tv)
                let jv = Diff.jvp (fun p -> ComplexTensor(p).Angle()) (x.Detach()) t
                sameBits f64 "angle forward-mode derivative" input (jv.ToDoubleArray()) (hex f64 (c.GetProperty "angleJvp"))
        for c in data.Force().GetProperty("singles").EnumerateArray() do
            let c = c.Clone()
            let f64 = c.GetProperty("dtype").GetString() = "float64"
            yield testCase (sprintf "%s one-element tensors (the scalar tail): abs, angle and their derivatives are torch's bits" (if f64 then "complex128" else "complex64")) <| fun () ->
                let input = hex f64 (c.GetProperty "input")
                let w = hex f64 (c.GetProperty "weights")
                let n = w.Length
                let tv = hex f64 (c.GetProperty "tangent")
                let outs = Array.init 6 (fun _ -> Array.zeroCreate<float> (2 * n))
                for i in 0 .. n - 1 do
                    let pair = input.[2 * i .. 2 * i + 1]
                    let leaf () = (if f64 then Tensor.ofArray64 [| 1; 2 |] pair else Tensor.ofArray [| 1; 2 |] (Array.map float32 pair)).RequiresGrad_()
                    let wi = if f64 then Tensor.ofArray64 [| 1 |] [| w.[i] |] else Tensor.ofArray [| 1 |] [| float32 w.[i] |]
                    for k, f in [ 0, (fun (z: ComplexTensor) -> z.Abs()); 1, (fun (z: ComplexTensor) -> z.Angle()) ] do
                        let x = leaf ()
                        let y = f (ComplexTensor x)
                        (y * wi).Sum().Backward()
                        outs.[k].[i] <- y.ToDouble()
                        let g = x.Grad.ToDoubleArray()
                        outs.[k + 2].[2 * i] <- g.[0]
                        outs.[k + 2].[2 * i + 1] <- g.[1]
                    let t = tv.[2 * i .. 2 * i + 1]
                    let t = if f64 then Tensor.ofArray64 [| 1; 2 |] t else Tensor.ofArray [| 1; 2 |] (Array.map float32 t)
                    outs.[4].[i] <- (Diff.jvp (fun p -> ComplexTensor(p).Angle()) (leaf().Detach()) t).ToDouble()
                    outs.[5].[i] <- (Diff.jvp (fun p -> ComplexTensor(p).Abs()) (leaf().Detach()) t).ToDouble()
                sameBits f64 "abs" input outs.[0].[.. n - 1] (hex f64 (c.GetProperty "abs"))
                sameBits f64 "angle" input outs.[1].[.. n - 1] (hex f64 (c.GetProperty "angle"))
                sameBits f64 "abs gradient" input outs.[2] (hex f64 (c.GetProperty "grad"))
                sameBits f64 "angle gradient" input outs.[3] (hex f64 (c.GetProperty "angleGrad"))
                sameBits f64 "angle forward-mode derivative" input outs.[4].[.. n - 1] (hex f64 (c.GetProperty "angleJvp"))
                sameBits f64 "abs forward-mode derivative" input outs.[5].[.. n - 1] (hex f64 (c.GetProperty "absJvp"))
        for h in data.Force().GetProperty("angleHard").EnumerateArray() do
            let h = h.Clone()
            let f64 = h.GetProperty("dtype").GetString() = "float64"
            let name = if f64 then "complex128" else "complex64"
            let angleOf (input: float[]) =
                let shape = [| input.Length / 2; 2 |]
                let x = if f64 then Tensor.ofArray64 shape input else Tensor.ofArray shape (Array.map float32 input)
                ComplexTensor(x).Angle().ToDoubleArray()
            // These inputs are ones where SLEEF's atan2 and the C library's round differently, so each layout
            // pins which of the two runs where.
            yield testCase (sprintf "%s angle where SLEEF and the C library differ: full chunks take SLEEF's bits" name) <| fun () ->
                let input = hex f64 (h.GetProperty "input")
                sameBits f64 "angle" input (angleOf input) (hex f64 (h.GetProperty "angle"))
            yield testCase (sprintf "%s angle where SLEEF and the C library differ: short tails take the C library's bits" name) <| fun () ->
                for t in h.GetProperty("tails").EnumerateArray() do
                    let input = hex f64 (t.GetProperty "input")
                    sameBits f64 "angle" input (angleOf input) (hex f64 (t.GetProperty "angle"))
    ]
