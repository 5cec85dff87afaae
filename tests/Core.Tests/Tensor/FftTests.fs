/// torch.fft (rfft, irfft, fft, ifft), complex abs/angle, torch.roll and complex printing, against vectors
/// from PyTorch 1.13 (tests/data/fft.json, made by tests/data/scripts/gen_fft.py) and finite differences.
module FftTests

open System
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Ops
open GradCheck

let private data = lazy (TestData.json "fft.json")

/// Runs `f`, which must raise exactly an exception of type 'E (or a subtype), and returns it.
let private raises<'E when 'E :> exn> (f: unit -> unit) : 'E =
    let e = Expect.throwsC f id
    match e with
    | :? 'E as t -> t
    | _ -> failtestf "expected %s, got %s: %s" typeof<'E>.Name (e.GetType().Name) e.Message

let private isF64 (e: JsonElement) = e.GetProperty("dtype").GetString() = "float64"
let private ints (e: JsonElement) = [| for x in e.EnumerateArray() -> x.GetInt32() |]
let private optInt (e: JsonElement) (name: string) =
    match e.TryGetProperty name with
    | true, v when v.ValueKind = JsonValueKind.Number -> Nullable(v.GetInt32())
    | _ -> Nullable()

let private tensorOf (f64: bool) (shape: int[]) (values: float[]) =
    if f64 then Tensor.ofArray64 shape values else Tensor.ofArray shape (Array.map float32 values)
let private complexOf f64 (shape: int[]) values = ComplexTensor(tensorOf f64 (Array.append shape [| 2 |]) values)

/// Largest |a - e| over max |e|: the error relative to the output's largest magnitude.
let private relErr (actual: float[]) (expected: float[]) =
    let scale = expected |> Array.fold (fun m v -> max m (abs v)) 0.0
    let err = Array.fold2 (fun m a e -> max m (abs (a - e))) 0.0 actual expected
    if scale = 0.0 then err else err / scale

/// Unit roundoff of each dtype; bounds below are stated in these units of the largest output magnitude.
let private ulp f64 = if f64 then Math.Pow(2.0, -52.0) else Math.Pow(2.0, -23.0)

/// Bits of every value (so +0 and -0 differ): the FFTs repeat torch 1.13's pocketfft arithmetic exactly.
let private bits (v: float[]) = Array.map BitConverter.DoubleToInt64Bits v

let private runCase (c: JsonElement) : float[] * int[] =
    let f64 = isF64 c
    let shape = ints (c.GetProperty "shape")
    let input = TestData.nums (c.GetProperty "input")
    let n = optInt c "n"
    let dim = c.GetProperty("dim").GetInt32()
    let norm = c.GetProperty("norm").GetString()
    let complexIn = c.GetProperty("complexInput").GetBoolean()
    let out =
        match c.GetProperty("op").GetString(), complexIn with
        | "rfft", _ -> Fft.rfft(tensorOf f64 shape input, n, dim, norm).ViewAsReal
        | "irfft", _ -> Fft.irfft(complexOf f64 shape input, n, dim, norm)
        | "fft", true -> Fft.fft(complexOf f64 shape input, n, dim, norm).ViewAsReal
        | "fft", false -> Fft.fft(tensorOf f64 shape input, n, dim, norm).ViewAsReal
        | "ifft", true -> Fft.ifft(complexOf f64 shape input, n, dim, norm).ViewAsReal
        | "ifft", false -> Fft.ifft(tensorOf f64 shape input, n, dim, norm).ViewAsReal
        | op, _ -> failwithf "unknown op %s" op
    Expect.equal out.Dtype (if f64 then Dtype.Float64 else Dtype.Float32) "output dtype follows the input"
    out.ToDoubleArray(), out.Shape

let private caseName (c: JsonElement) =
    sprintf "%s %s shape %A n=%s dim=%d norm=%s%s" (c.GetProperty("op").GetString()) (c.GetProperty("dtype").GetString())
        (ints (c.GetProperty "shape")) (match optInt c "n" with v when v.HasValue -> string v.Value | _ -> "None")
        (c.GetProperty("dim").GetInt32()) (c.GetProperty("norm").GetString())
        (if c.GetProperty("complexInput").GetBoolean() then " (complex input)" else "")

[<Tests>]
let valueTests =
    testList "Fft.Values" [
        for c in data.Force().GetProperty("values").EnumerateArray() do
            let c = c.Clone()
            yield testCase (caseName c + " matches PyTorch") <| fun () ->
                let f64 = isF64 c
                let actual, shape = runCase c
                let outShape = ints (c.GetProperty "outShape")
                let expectedShape = if c.GetProperty("complexOutput").GetBoolean() then Array.append outShape [| 2 |] else outShape
                Expect.sequenceEqual shape expectedShape "shape (complex outputs in view_as_real layout)"
                let expected = TestData.nums (c.GetProperty "output")
                Expect.sequenceEqual (bits actual) (bits expected)
                    (sprintf "bit-exact (largest error in ulps of the largest magnitude: %.3g)" (relErr actual expected / ulp f64))
    ]

/// The course's spectral_l2_fft (Unit 10): ((|rfft(pred)| - |rfft(target)|)**2).mean() with ortho scaling.
let private spectral (nFft: Nullable<int>) (pred: Tensor) (target: Tensor) =
    let mp = Fft.rfft(pred, nFft, -1, "ortho").Abs()
    let mt = Fft.rfft(target, nFft, -1, "ortho").Abs()
    Tensor.mean (Tensor.Pow(mp - mt, 2.0))

[<Tests>]
let gradientTests =
    testList "Fft.Gradients" [
        for g in data.Force().GetProperty("grads").EnumerateArray() do
            let g = g.Clone()
            let f64 = isF64 g
            let kind = g.GetProperty("kind").GetString()
            let shape = ints (g.GetProperty "shape")
            let name = sprintf "%s %s shape %A n=%s" kind (g.GetProperty("dtype").GetString()) shape (match optInt g "n" with v when v.HasValue -> string v.Value | _ -> "None")
            yield testCase (name + ": loss and gradient match PyTorch's autograd") <| fun () ->
                // Every op on these paths repeats torch 1.13's rounding (the FFT backward rules are a c2c, r2c or c2r
                // of the incoming gradient; abs and angle repeat their chunk/tail kernels; pow, mean and the
                // weighted sum are torch's), so losses, values and gradients are compared bit for bit.
                let loss, grad =
                    match kind with
                    | "spectral_l2_fft" ->
                        let target = tensorOf f64 shape (TestData.nums (g.GetProperty "target"))
                        let pred = (tensorOf f64 shape (TestData.nums (g.GetProperty "pred"))).RequiresGrad_()
                        let loss = spectral (optInt g "n") pred target
                        loss.Backward()
                        let tangent = tensorOf f64 shape (TestData.nums (g.GetProperty "tangent"))
                        let jv = (Diff.jvp (fun p -> spectral (optInt g "n") p target) (pred.Detach()) tangent).ToDouble()
                        let expectedJvp = g.GetProperty("jvp").GetDouble()
                        Expect.equal (BitConverter.DoubleToInt64Bits jv) (BitConverter.DoubleToInt64Bits expectedJvp)
                            (sprintf "forward-mode derivative bit-exact: got %.17g expected %.17g" jv expectedJvp)
                        loss.ToDouble(), pred.Grad.ToDoubleArray()
                    | _ ->
                        let z = (tensorOf f64 (Array.append shape [| 2 |]) (TestData.nums (g.GetProperty "input"))).RequiresGrad_()
                        let cz = ComplexTensor z
                        let n = optInt g "n"
                        let norm = match g.TryGetProperty "norm" with | true, v -> v.GetString() | _ -> "backward"
                        let out =
                            match kind with
                            | "irfft" -> Fft.irfft(cz, n, -1, norm)
                            | "fft" -> Fft.fft(cz, n, -1, norm).ViewAsReal
                            | "ifft" -> Fft.ifft(cz, n, -1, norm).ViewAsReal
                            | "abs" -> cz.Abs()
                            | _ -> cz.Angle()
                        let complexOut = kind = "fft" || kind = "ifft"
                        let w = tensorOf f64 (if complexOut then out.Shape.[.. out.Dim - 2] else out.Shape) (TestData.nums (g.GetProperty "weights"))
                        // The generator's loss: (out.real * w).sum() + (out.imag * w).sum() for complex outputs.
                        let loss =
                            if complexOut then (out.Select(-1, 0) * w).Sum() + (out.Select(-1, 1) * w).Sum()
                            else (out * w).Sum()
                        loss.Backward()
                        match g.TryGetProperty "output" with
                        | true, o ->
                            let e = TestData.nums o
                            Expect.sequenceEqual (bits (out.ToDoubleArray())) (bits e) (kind + " values bit-exact")
                        | _ -> ()
                        loss.ToDouble(), z.Grad.ToDoubleArray()
                let expected = TestData.nums (g.GetProperty "grad")
                let expectedLoss = g.GetProperty("loss").GetDouble()
                Expect.equal (BitConverter.DoubleToInt64Bits loss) (BitConverter.DoubleToInt64Bits expectedLoss)
                    (sprintf "loss bit-exact: got %.17g expected %.17g" loss expectedLoss)
                Expect.sequenceEqual (bits grad) (bits expected)
                    (sprintf "gradient bit-exact (largest error in ulps of the largest magnitude: %.3g)" (relErr grad expected / ulp f64))
        yield testCase "irfft gives the imaginary parts of the DC and Nyquist bins exactly zero gradient" <| fun () ->
            let z = (Tensor.ofArray64 [| 4; 2 |] [| 1.0; 0.5; -2.0; 0.25; 0.75; -1.0; 3.0; 2.0 |]).RequiresGrad_()
            let w = Tensor.ofArray64 [| 6 |] [| 0.3; -1.2; 0.7; 2.0; -0.4; 1.1 |]
            (Fft.irfft(ComplexTensor z) * w).Sum().Backward()
            let g = z.Grad.ToDoubleArray()
            Expect.equal g.[1] 0.0 "DC imaginary"
            Expect.equal g.[7] 0.0 "Nyquist imaginary (n = 6)"
            Expect.notEqual g.[3] 0.0 "an interior bin's imaginary part does get a gradient"
        yield testCase "the spectral loss trains a float32 signal towards the target's magnitudes" <| fun () ->
            let target = Tensor.ofArray [| 16 |] (Array.init 16 (fun i -> float32 (sin (float i * 0.7) + 0.3 * cos (float i * 2.1))))
            let mutable x = Tensor.ofArray [| 16 |] (Array.init 16 (fun i -> float32 (0.1 * float ((i * 7) % 5) - 0.2)))
            let l0 = (spectral (Nullable()) x target).ToDouble()
            for _ in 1 .. 200 do
                let g = Diff.grad (fun x -> spectral (Nullable()) x target) x
                x <- (x - g * 2.0).Detach()
            let l1 = (spectral (Nullable()) x target).ToDouble()
            Expect.isLessThan l1 (l0 * 1e-3) (sprintf "loss %g -> %g" l0 l1)
    ]

let private packedCase name shape (f: ComplexTensor -> Tensor) smooth =
    unary name (normal (Array.append shape [| 2 |])) (fun p -> f (ComplexTensor p)) smooth
let private nonzeroPacked name shape (f: ComplexTensor -> Tensor) =
    unary name (nonzero (Array.append shape [| 2 |])) (fun p -> f (ComplexTensor p)) true

/// The FFT ops' derivative table (float64): reverse and forward first order against central differences,
/// and for smooth cases the Hessian across every nesting of modes.
let table : OpCase list =
    let n (v: int) = Nullable v
    let none = Nullable()
    [ unary "rfft even backward" (normal [| 2; 8 |]) (fun x -> Fft.rfft(x).ViewAsReal) true
      unary "rfft odd crop n=5 ortho" (normal [| 2; 7 |]) (fun x -> Fft.rfft(x, n 5, -1, "ortho").ViewAsReal) true
      unary "rfft pad n=8 dim 0 forward" (normal [| 5; 2 |]) (fun x -> Fft.rfft(x, n 8, 0, "forward").ViewAsReal) true
      unary "rfft odd n=7 pad" (normal [| 4 |]) (fun x -> Fft.rfft(x, n 7).ViewAsReal) true
      packedCase "irfft default n" [| 2; 5 |] (fun z -> Fft.irfft z) true
      packedCase "irfft odd n=7 ortho" [| 4 |] (fun z -> Fft.irfft(z, n 7, -1, "ortho")) true
      packedCase "irfft crop n=4 dim 0 forward" [| 6; 3 |] (fun z -> Fft.irfft(z, n 4, 0, "forward")) true
      packedCase "irfft pad n=12" [| 3 |] (fun z -> Fft.irfft(z, n 12)) true
      packedCase "fft complex ortho" [| 2; 6 |] (fun z -> Fft.fft(z, none, -1, "ortho").ViewAsReal) true
      unary "fft real pad n=7" (normal [| 5 |]) (fun x -> Fft.fft(x, n 7).ViewAsReal) true
      packedCase "ifft complex crop n=3 dim 0" [| 5; 2 |] (fun z -> Fft.ifft(z, n 3, 0).ViewAsReal) true
      packedCase "ifft Bluestein length 67" [| 67 |] (fun z -> Fft.ifft(z, none, -1, "forward").ViewAsReal) false
      packedCase "fft radix-2 length 64" [| 64 |] (fun z -> Fft.fft(z).ViewAsReal) false
      nonzeroPacked "complex abs" [| 3; 4 |] (fun z -> z.Abs())
      nonzeroPacked "complex angle" [| 3; 4 |] (fun z -> z.Angle())
      packedCase "complex real and imag parts" [| 3 |] (fun z -> z.Real * 2.0 - z.Imag) true
      packedCase "complex conj" [| 3 |] (fun z -> z.Conj().ViewAsReal) true
      unary "roll two dims" (normal [| 3; 4 |]) (Roll.roll [| 1; -2 |] [| 0; 1 |]) true
      unary "roll flattened" (normal [| 2; 3 |]) (Roll.roll [| 4 |] [||]) true
      binary "spectral_l2_fft" (normal [| 2; 8 |]) (normal [| 2; 8 |]) (spectral (Nullable())) true
      binary "spectral_l2_fft n=6" (normal [| 9 |]) (normal [| 9 |]) (spectral (Nullable 6)) true ]

[<Tests>]
let gradCheckTests = testList "Fft.GradCheck" (table |> List.collect checks)

[<Tests>]
let rollTests =
    testList "Fft.Roll" [
        for r in data.Force().GetProperty("rolls").EnumerateArray() do
            let shifts = ints (r.GetProperty "shifts")
            let dims = ints (r.GetProperty "dims")
            let expected = TestData.nums (r.GetProperty "output")
            yield testCase (sprintf "roll shifts %A dims %A matches PyTorch" shifts dims) <| fun () ->
                let x = Tensor.arange 0.0 24.0 1.0 |> fun t -> t.Reshape [| 2; 3; 4 |]
                let y = Roll.roll shifts dims x
                Expect.sequenceEqual y.Shape [| 2; 3; 4 |] "shape"
                Expect.sequenceEqual (y.ToDoubleArray()) expected "values"
        yield testCase "roll records RollBackward0 and its gradient rolls back" <| fun () ->
            let x = (Tensor.ofArray [| 3 |] [| 1.0f; 2.0f; 3.0f |]).RequiresGrad_()
            let y = Roll.rollDim 1 0 x
            Expect.equal (string y) "tensor([3., 1., 2.], grad_fn=<RollBackward0>)" "repr"
            (y * Tensor.ofArray [| 3 |] [| 10.0f; 20.0f; 30.0f |]).Sum().Backward()
            Expect.sequenceEqual (x.Grad.ToFloat32Array()) [| 20.0f; 30.0f; 10.0f |] "gradient"
        yield testCase "a zero net shift returns a new tensor" <| fun () ->
            let x = Tensor.ofArray [| 3 |] [| 1.0f; 2.0f; 3.0f |]
            let y = Roll.rollDim 3 0 x
            y.FillInPlace 0.0
            Expect.sequenceEqual (x.ToFloat32Array()) [| 1.0f; 2.0f; 3.0f |] "x is untouched"
        yield testCase "shifts and dims must align (PyTorch's message)" <| fun () ->
            let x = Tensor.zeros [| 2; 3 |]
            let e = raises<ArgumentException> (fun () -> Roll.roll [| 1; 2 |] [||] x |> ignore)
            Expect.stringContains e.Message "shifts and dimensions must align. shifts: 2, dims:0" "no dims"
            let e = raises<ArgumentException> (fun () -> Roll.roll [| 1 |] [| 0; 1 |] x |> ignore)
            Expect.stringContains e.Message "shifts and dimensions must align. shifts: 1, dims:2" "mismatch"
            let e = raises<ArgumentOutOfRangeException> (fun () -> Roll.roll [| 1 |] [| 5 |] x |> ignore)
            Expect.stringContains e.Message "Dimension out of range (expected to be in range of [-2, 1], but got 5)" "dim"
    ]

[<Tests>]
let printingAndErrorTests =
    testList "Fft.ComplexTensor" [
        for r in data.Force().GetProperty("reprs").EnumerateArray() do
            let r = r.Clone()
            yield testCase (sprintf "repr %s matches PyTorch" (r.GetProperty("name").GetString())) <| fun () ->
                let shape = ints (r.GetProperty "shape")
                let f64 = isF64 r
                let values = TestData.nums (r.GetProperty "input")
                let z =
                    match r.GetProperty("gradFn").ValueKind with
                    | JsonValueKind.String ->
                        // Rebuild the op so the repr carries its grad_fn, then check the values are PyTorch's.
                        let x = (Tensor.ofArray [| 5 |] [| 1.0f; 2.0f; 3.5f; 4.0f; 7.0f |]).RequiresGrad_()
                        let z = Fft.rfft x
                        Expect.sequenceEqual (bits (z.ViewAsReal.ToDoubleArray())) (bits values) "rfft values bit-exact"
                        z
                    | _ when r.GetProperty("requiresGrad").GetBoolean() ->
                        ComplexTensor((tensorOf f64 (Array.append shape [| 2 |]) values).RequiresGrad_())
                    | _ -> complexOf f64 shape values
                Expect.equal (string z) (r.GetProperty("repr").GetString()) "repr"
        yield testCase "Abs and Angle record PyTorch's grad_fn names; DtypeName follows the part dtype" <| fun () ->
            let z = Fft.rfft((Tensor.ofArray [| 4 |] [| 1.0f; 2.0f; 3.0f; 4.0f |]).RequiresGrad_())
            Expect.equal (z.Abs().GradFnName) "AbsBackward0" "abs"
            Expect.equal (z.Angle().GradFnName) "AngleBackward0" "angle"
            Expect.equal (Fft.irfft(z).GradFnName) "FftC2RBackward0" "irfft"
            Expect.equal (Fft.fft(z).GradFnName) "FftC2CBackward0" "fft"
            // torch 1.13 runs fft of a real tensor as a two-sided r2c, and ifft as that r2c conjugated.
            let x = (Tensor.ofArray [| 4 |] [| 1.0f; 2.0f; 3.0f; 4.0f |]).RequiresGrad_()
            Expect.equal (Fft.fft(x).GradFnName) "FftR2CBackward0" "fft of a real tensor"
            Expect.equal (Fft.ifft(x).GradFnName) "ConjBackward0" "ifft of a real tensor"
            Expect.equal z.DtypeName "complex64" "float32 parts"
            Expect.equal (Fft.rfft(Tensor.ofArray64 [| 2 |] [| 1.0; 2.0 |])).DtypeName "complex128" "float64 parts"
        yield testCase "irfft of rfft restores even and odd signals" <| fun () ->
            for len in [ 6; 7; 100; 128 ] do
                let x = Tensor.ofArray64 [| 2; len |] (Array.init (2 * len) (fun i -> sin (float i * 1.3) + 0.1 * float (i % 4)))
                let back = Fft.irfft(Fft.rfft(x, Nullable(), -1, "ortho"), Nullable len, -1, "ortho")
                close 1e-13 (sprintf "length %d" len) back x
        yield testCase "Complex checks shapes and dtypes" <| fun () ->
            let e = raises<ShapeException> (fun () -> ComplexTensor.Complex(Tensor.zeros [| 2 |], Tensor.zeros [| 3 |]) |> ignore)
            Expect.stringContains e.Message "complex: real and imaginary parts need equal shapes, got (2,) and (3,)" "shapes"
            let e = raises<ShapeException> (fun () -> ComplexTensor(Tensor.zeros [| 2; 3 |]) |> ignore)
            Expect.stringContains e.Message "last dimension has size 2" "layout"
        yield testCase "n < 1 gives PyTorch's message" <| fun () ->
            let x = Tensor.zeros [| 4 |]
            let e = raises<ArgumentOutOfRangeException> (fun () -> Fft.rfft(x, Nullable 0) |> ignore)
            Expect.stringContains e.Message "Invalid number of data points (0) specified" "rfft n=0"
            let e = raises<ArgumentOutOfRangeException> (fun () -> Fft.fft(x, Nullable -3) |> ignore)
            Expect.stringContains e.Message "Invalid number of data points (-3) specified" "fft n=-3"
            let one = ComplexTensor.OfReal(Tensor.zeros [| 1 |])
            let e = raises<ArgumentOutOfRangeException> (fun () -> Fft.irfft one |> ignore)
            Expect.stringContains e.Message "Invalid number of data points (0) specified" "irfft of one bin: default n = 0"
        yield testCase "a bad norm string gives PyTorch's message" <| fun () ->
            let e = raises<ArgumentException> (fun () -> Fft.rfft(Tensor.zeros [| 4 |], Nullable(), -1, "bad") |> ignore)
            Expect.stringContains e.Message "Invalid normalization mode: \"bad\"" "norm"
        yield testCase "dim out of range gives PyTorch's message" <| fun () ->
            let e = raises<ArgumentOutOfRangeException> (fun () -> Fft.rfft(Tensor.zeros [| 2; 3 |], Nullable(), 4) |> ignore)
            Expect.stringContains e.Message "Dimension out of range (expected to be in range of [-2, 1], but got 4)" "dim"
    ]
