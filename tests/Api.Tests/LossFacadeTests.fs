/// The C# facade's BCEWithLogitsLoss(weight, reduction, posWeight) against torch 1.13 (bce_pos_weight.json, float32
/// bits), its messages for a pos_weight or weight of the wrong length, and the C# shape of SciPy.Signal.FindPeaks.
module LossFacadeTests

open System
open System.Text.Json
open Expecto
open Fluxion.CSharp
open ApiScenarios
open SurfaceScan

let private data = lazy (JsonDocument.Parse(IO.File.ReadAllText(IO.Path.Combine(AppContext.BaseDirectory, "data", "bce_pos_weight.json"))).RootElement)

let private bits (h: string) = Convert.ToUInt32(h.Substring 2, 16)
let private f32s (e: JsonElement) = [| for h in e.EnumerateArray() -> BitConverter.UInt32BitsToSingle(bits (h.GetString())) |]
let private hex (a: float32[]) = a |> Array.map (fun v -> sprintf "0x%08x" (BitConverter.SingleToUInt32Bits v))
let private hexes (e: JsonElement) = [| for h in e.EnumerateArray() -> h.GetString() |]
let private ints (e: JsonElement) = [| for v in e.EnumerateArray() -> v.GetInt32() |]
let private orNull (e: JsonElement) (f: JsonElement -> 'T[]) = if e.ValueKind = JsonValueKind.Null then null else f e

[<Tests>]
let tests =
    testList "Api.Loss" [
        testCase "Nn.BCEWithLogitsLoss(posWeight:, weight:) from C#: values and gradients are torch 1.13's float32 bits" <| fun () ->
            let mutable withPos, withWeight = 0, 0
            for c in data.Value.GetProperty("cases").EnumerateArray() do
                let shape = ints (c.GetProperty "shape")
                let pw, pws = orNull (c.GetProperty "pos_weight") f32s, orNull (c.GetProperty "pos_weight_shape") ints
                let w, ws = orNull (c.GetProperty "weight") f32s, orNull (c.GetProperty "weight_shape") ints
                if not (isNull pw) then withPos <- withPos + 1
                if not (isNull w) then withWeight <- withWeight + 1
                for r in [ "mean"; "sum"; "none" ] do
                    let label = sprintf "%A pos_weight %A weight %A reduction=%s" shape pws ws r
                    let struct (value, grad) =
                        LossScenarios.BceWithLogits(f32s (c.GetProperty "input"), shape, f32s (c.GetProperty "target"), w, ws, pw, pws, r)
                    Expect.equal (hex value) (hexes (c.GetProperty(r).GetProperty "value")) (label + ": value bits")
                    Expect.equal (hex grad) (hexes (c.GetProperty(r).GetProperty "grad")) (label + ": gradient bits")
            Expect.equal (withPos, withWeight) (5, 4) "cases with pos_weight and with weight"

        testCase "a pos_weight or weight of the wrong length fails with PyTorch's message, then Fluxion's hint" <| fun () ->
            let errors = [ for e in data.Value.GetProperty("errors").EnumerateArray() -> e.GetProperty("what").GetString(), e.GetProperty("length").GetInt32(), e.GetProperty("message").GetString() ]
            Expect.equal errors.Length 3 "three torch messages"
            for what, length, message in errors do
                let got = LossScenarios.WrongLengthMessage(what, length)
                Expect.stringStarts got ("ShapeException: " + message) (sprintf "%s of length %d" what length)
                Expect.stringContains got (sprintf "%s of shape (%d,) does not broadcast to the input's shape (4, 3)" what length) "names the shapes"
            Expect.stringContains (LossScenarios.WrongLengthMessage("pos_weight", 2)) "it needs one entry per class (3)" "says the fix"

        testCase "SciPy.Signal.FindPeaks is C#-shaped: nullable height and distance, a record of arrays, no F# type or System.Tuple" <| fun () ->
            let m = typeof<SciPy.Signal>.GetMethods() |> Array.filter (fun m -> m.Name = "FindPeaks")
            Expect.equal m.Length 2 "the 1-D overload and the 2-D one that refuses"
            let oneD = m |> Array.find (fun m -> (m.GetParameters()).[0].ParameterType = typeof<float[]>)
            let ps = oneD.GetParameters()
            Expect.equal [ for p in ps -> p.Name, p.ParameterType ]
                [ "x", typeof<float[]>; "height", typeof<Nullable<float>>; "distance", typeof<Nullable<float>>
                  "heightMax", typeof<Nullable<float>>; "plateauSize", typeof<bool> ] "parameters"
            Expect.isTrue (ps |> Array.skip 1 |> Array.forall (fun p -> p.IsOptional)) "all but x optional"
            Expect.equal oneD.ReturnType typeof<PeaksResult> "returns the C# record"
            Expect.equal [ for p in typeof<PeaksResult>.GetProperties() -> p.PropertyType ] [ typeof<int64[]>; typeof<float[]>; typeof<int64[]>; typeof<int64[]>; typeof<int64[]> ] "arrays only"
            Expect.isEmpty (leaksOf [ typeof<SciPy>; typeof<SciPy.Signal>; typeof<PeaksResult> ]) "no F# type leaks"
            Expect.isTrue (typeof<Torch>.Assembly.GetExportedTypes() |> Array.contains typeof<SciPy.Signal>) "the facade's own surface scan covers SciPy.Signal"
            // The call the notebook and the program make: named arguments only.
            let r = SciPy.Signal.FindPeaks([| 0.0; 1.0; 1.0; 0.0; 0.7; 0.0 |], height = 0.5, distance = 4.0, plateauSize = true)
            Expect.equal r.Peaks [| 1L |] "the plateau's left middle, the 0.7 peak dropped by distance 4"
            Expect.equal r.PlateauSizes [| 2L |] "plateau size"

        testCase "Nn.BCEWithLogitsLoss's parameters are C#-shaped (Tensor, Reduction, Tensor), all optional" <| fun () ->
            let m = typeof<Nn>.GetMethods() |> Array.find (fun m -> m.Name = "BCEWithLogitsLoss")
            Expect.equal [ for p in m.GetParameters() -> p.Name ] [ "weight"; "reduction"; "posWeight" ] "names"
            Expect.isTrue (m.GetParameters() |> Array.forall (fun p -> p.IsOptional)) "optional"
            Expect.isEmpty (leaksOf [ typeof<Nn> ]) "no F# type in Nn's members"
    ]

[<Tests>]
let poolTests =
    testList "Api.Pool" [
        testCase "Nn.AvgPool1d and F.AvgPool1d take ceilMode and countIncludePad (torch 1.13's values; its repr shows neither)" <| fun () ->
            // torch: F.avg_pool1d(torch.arange(1., 7.).view(1, 1, 6), 3, 2, 1, ceil_mode, count_include_pad)
            let x = Torch.Tensor([| 1.0f; 2.0f; 3.0f; 4.0f; 5.0f; 6.0f |]).Reshape([| 1; 1; 6 |])
            Expect.equal ((F.AvgPool1d(x, 3, 2, 1, ceilMode = true)).ToFloat32Array()) [| 1.0f; 3.0f; 5.0f; 3.0f |] "ceil_mode, padding counted"
            Expect.equal ((F.AvgPool1d(x, 3, 2, 1, ceilMode = true, countIncludePad = false)).ToFloat32Array()) [| 1.5f; 3.0f; 5.0f; 6.0f |] "ceil_mode, padding not counted"
            Expect.equal ((F.AvgPool1d(x, 3, 2, 1)).ToFloat32Array()) [| 1.0f; 3.0f; 5.0f |] "the defaults"
            let m = Nn.AvgPool1d(3, 2, 1, ceilMode = true, countIncludePad = false)
            Expect.equal ((m.Forward x).ToFloat32Array()) [| 1.5f; 3.0f; 5.0f; 6.0f |] "module"
            Expect.equal (string m) "AvgPool1d(kernel_size=(3,), stride=(2,), padding=(1,))" "repr"
            let ex = Expect.throwsC (fun () -> F.AvgPool1d(x, 3, 2, 2) |> ignore) id
            Expect.isTrue (ex :? ArgumentOutOfRangeException) "ArgumentOutOfRangeException"
            Expect.stringContains ex.Message "pad should be at most half of kernel size, but got pad=2 and kernel_size=3" "PyTorch's message"
    ]
