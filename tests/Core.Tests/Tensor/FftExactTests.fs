/// torch.fft against PyTorch 1.13 bit for bit (tests/data/fft_exact.json, made by
/// tests/data/scripts/gen_fft_exact.py): every length 1..64 and 96, 97, 100, 128, 256, 360, 1000 and 1009
/// (pocketfft's Bluestein length here), both dtypes, every norm; values and gradients.
module FftExactTests

open System
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Ops

let private data = lazy (TestData.json "fft_exact.json")

/// float32 vectors are stored as the shortest decimal of each float32, so they are parsed as float32.
let private read (f64: bool) (e: JsonElement) =
    if f64 then [| for x in e.EnumerateArray() -> x.GetDouble() |]
    else [| for x in e.EnumerateArray() -> float (x.GetSingle()) |]

let private tensorOf f64 (shape: int[]) (v: float[]) =
    if f64 then Tensor.ofArray64 shape v else Tensor.ofArray shape (Array.map float32 v)

/// Distance in units in the last place between two values of the dtype: 0 only for the same bits (+0 and
/// -0 count as 1 apart, since PyTorch's sign of zero is part of its result).
let private ulps f64 (a: float) (b: float) =
    let a64, b64 =
        if f64 then BitConverter.DoubleToInt64Bits a, BitConverter.DoubleToInt64Bits b
        else int64 (BitConverter.SingleToInt32Bits(float32 a)), int64 (BitConverter.SingleToInt32Bits(float32 b))
    if a64 = b64 then 0L
    else
        let mag = if f64 then Int64.MaxValue else 0x7FFFFFFFL
        let key (bits: int64) = if bits < 0L then -(bits &&& mag) else bits
        max 1L (abs (key a64 - key b64))

/// Worst ulp distance and the number of differing elements.
let worst f64 (actual: float[]) (expected: float[]) =
    if actual.Length <> expected.Length then failtestf "length %d, expected %d" actual.Length expected.Length
    let d = Array.map2 (ulps f64) actual expected
    Array.max (Array.append d [| 0L |]), d |> Array.filter (fun x -> x <> 0L) |> Array.length

/// Runs one op of one case; None when the case does not hold that op.
let run (c: JsonElement) (op: string) : (float[] * float[]) option =
    match c.TryGetProperty op with
    | false, _ -> None
    | true, expected ->
        let f64 = c.GetProperty("dtype").GetString() = "float64"
        let n = c.GetProperty("n").GetInt32()
        let norm = c.GetProperty(op + "Norm").GetString()
        let real = tensorOf f64 [| n |] (read f64 (c.GetProperty "real"))
        let cplx = ComplexTensor(tensorOf f64 [| n; 2 |] (read f64 (c.GetProperty "complex")))
        let out =
            match op with
            | "rfft" -> Fft.rfft(real, Nullable(), -1, norm).ViewAsReal
            | "irfft" ->
                let bins = ComplexTensor(cplx.ViewAsReal.Narrow(0, 0, n / 2 + 1))
                Fft.irfft(bins, Nullable n, -1, norm)
            | "fft" -> Fft.fft(cplx, Nullable(), -1, norm).ViewAsReal
            | "ifft" -> Fft.ifft(cplx, Nullable(), -1, norm).ViewAsReal
            | "fftReal" -> Fft.fft(real, Nullable(), -1, norm).ViewAsReal
            | "ifftReal" -> Fft.ifft(real, Nullable(), -1, norm).ViewAsReal
            | _ -> failwithf "unknown op %s" op
        Some(out.ToDoubleArray(), read f64 expected)

let ops = [ "rfft"; "irfft"; "fft"; "ifft"; "fftReal"; "ifftReal" ]

/// Bounds where Fluxion is not yet bit-exact, as measured (op, dtype, n) -> worst ulps; everything else is 0.
[<Tests>]
let tests =
    testList "Fft.Exact" [
        yield testCase "the ulp distance sees one-ulp and signed-zero differences" <| fun () ->
            Expect.equal (worst true [| 0.0 |] [| -0.0 |]) (1L, 1) "+0 vs -0 (float64)"
            Expect.equal (worst false [| 0.0 |] [| -0.0 |]) (1L, 1) "+0 vs -0 (float32)"
            Expect.equal (worst true [| 1.0; 2.0 |] [| Math.BitIncrement 1.0; 2.0 |]) (1L, 1) "one float64 ulp"
            Expect.equal (worst false [| 1.0 |] [| float (MathF.BitIncrement 1.0f) |]) (1L, 1) "one float32 ulp"
            Expect.equal (worst false [| -1.0 |] [| 1.0 |]) (2130706432L, 1) "across zero"
        for c in data.Force().GetProperty("cases").EnumerateArray() do
            let c = c.Clone()
            let dtype = c.GetProperty("dtype").GetString()
            let n = c.GetProperty("n").GetInt32()
            for op in ops do
                if fst (c.TryGetProperty op) then
                    // Every length is exact, the Bluestein one (1009) included, so there is no tolerance.
                    yield testCase (sprintf "%s %s n=%d bit-exact" op dtype n) <| fun () ->
                        let actual, expected = (run c op).Value
                        let w, count = worst (dtype = "float64") actual expected
                        Expect.equal w 0L (sprintf "worst %d ulp over %d differing of %d values" w count actual.Length)
    ]

/// The gradient of sum(out · w) with respect to the input of one op, from Fluxion's backward rules.
let private gradOf (g: JsonElement) (op: string) =
    let f64 = g.GetProperty("dtype").GetString() = "float64"
    let n = g.GetProperty("n").GetInt32()
    let norm = g.GetProperty(op + "Norm").GetString()
    let w = read f64 (g.GetProperty(op + "W"))
    let complexIn = op = "irfft" || op = "fft" || op = "ifft"
    let size = if op = "irfft" then n / 2 + 1 else n
    // The input's values do not matter (every op is linear); zeros keep the vectors small.
    let x = (tensorOf f64 (if complexIn then [| size; 2 |] else [| size |]) (Array.zeroCreate (if complexIn then 2 * size else size))).RequiresGrad_()
    let out =
        match op with
        | "rfft" -> Fft.rfft(x, Nullable(), -1, norm).ViewAsReal
        | "irfft" -> Fft.irfft(ComplexTensor x, Nullable n, -1, norm)
        | "fft" -> Fft.fft(ComplexTensor x, Nullable(), -1, norm).ViewAsReal
        | "ifft" -> Fft.ifft(ComplexTensor x, Nullable(), -1, norm).ViewAsReal
        | "fftReal" -> Fft.fft(x, Nullable(), -1, norm).ViewAsReal
        | _ -> Fft.ifft(x, Nullable(), -1, norm).ViewAsReal
    (out * tensorOf f64 out.Shape w).Sum().Backward()
    x.Grad.ToDoubleArray(), read f64 (g.GetProperty(op + "Grad"))

[<Tests>]
let gradTests =
    testList "Fft.ExactGrad" [
        for g in data.Force().GetProperty("grads").EnumerateArray() do
            let g = g.Clone()
            let dtype = g.GetProperty("dtype").GetString()
            let n = g.GetProperty("n").GetInt32()
            for op in ops do
                yield testCase (sprintf "%s backward %s n=%d bit-exact" op dtype n) <| fun () ->
                    let actual, expected = gradOf g op
                    let w, count = worst (dtype = "float64") actual expected
                    Expect.equal w 0L (sprintf "worst %d ulp over %d differing of %d values" w count actual.Length)
    ]
