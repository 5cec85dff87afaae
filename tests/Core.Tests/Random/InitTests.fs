module Random.InitTests

open System
open Expecto
open Fluxion.Random
open RandomTestUtil

let private seeded (seed: int64) = Generator(0UL).ManualSeed seed

let private initJ () = TestData.json "init.json"

[<Tests>]
let tests =
    testList "Random.Init" [
        testCase "calculateGain follows torch.nn.init's table" <| fun () ->
            Expect.equal (InitMath.calculateGain "linear" None) 1.0 "linear"
            Expect.equal (InitMath.calculateGain "conv1d" None) 1.0 "conv1d"
            Expect.equal (InitMath.calculateGain "conv_transpose2d" None) 1.0 "conv_transpose2d"
            Expect.equal (InitMath.calculateGain "sigmoid" None) 1.0 "sigmoid"
            Expect.equal (InitMath.calculateGain "tanh" None) (5.0 / 3.0) "tanh"
            Expect.equal (InitMath.calculateGain "relu" None) (sqrt 2.0) "relu"
            Expect.equal (InitMath.calculateGain "selu" None) 0.75 "selu"
            // Python: math.sqrt(2.0 / (1 + 0.01 ** 2)) = 1.4141428569978354
            Expect.equal (InitMath.calculateGain "leaky_relu" None) 1.4141428569978354 "leaky_relu default slope"
            Expect.equal (InitMath.calculateGain "leaky_relu" (Some 0.2)) (sqrt (2.0 / 1.04)) "leaky_relu 0.2"
            Expect.throwsT<ArgumentException> (fun () -> InitMath.calculateGain "swish" None |> ignore) "unknown"

        testCase "fans use dims 1 and 0 times the receptive field, and need two dimensions" <| fun () ->
            Expect.equal (InitMath.fans [| 8; 4 |]) (4, 8) "linear"
            Expect.equal (InitMath.fans [| 4; 2; 3 |]) (6, 12) "conv1d"
            Expect.equal (InitMath.fans [| 5; 3; 2; 2 |]) (12, 20) "conv2d"
            Expect.throwsT<ArgumentException> (fun () -> InitMath.fans [| 3 |] |> ignore) "1-D"

        testCase "Linear default bounds equal the double values torch computes" <| fun () ->
            for c in (initJ ()).GetProperty("linear").EnumerateArray() do
                let mutable wb = Unchecked.defaultof<Text.Json.JsonElement>
                if c.TryGetProperty("weight_bound_double", &wb) then
                    let shape = ints (c.GetProperty "weight_shape")
                    let w, b = InitMath.linearDefaultBounds shape
                    Expect.equal w (wb.GetDouble()) (sprintf "weight bound %A" shape)
                    Expect.equal b (c.GetProperty("bias_bound_double").GetDouble()) (sprintf "bias bound %A" shape)

        testCase "Linear default init reproduces torch's weights and biases from the seed" <| fun () ->
            for c in (initJ ()).GetProperty("linear").EnumerateArray() do
                let shape = ints (c.GetProperty "weight_shape")
                let hasBias = c.GetProperty("bias").ValueKind <> Text.Json.JsonValueKind.Null
                let w, b = InitMath.defaultInit32 (seeded (c.GetProperty("seed").GetInt64())) shape hasBias
                expectBits32 w (hex32 (c.GetProperty("weight").GetProperty "hex")) (sprintf "weight %A" shape)
                if hasBias then expectBits32 b (hex32 (c.GetProperty("bias").GetProperty "hex")) (sprintf "bias %A" shape)
                else Expect.equal b.Length 0 "no bias drawn"

        testCase "Conv1d default init reproduces torch's weights and biases (groups reduce fan_in)" <| fun () ->
            for c in (initJ ()).GetProperty("conv1d").EnumerateArray() do
                let shape = ints (c.GetProperty "weight_shape")
                Expect.equal (fst (InitMath.fans shape)) (c.GetProperty("fan_in").GetInt32()) "fan_in"
                let w, b = InitMath.defaultInit32 (seeded (c.GetProperty("seed").GetInt64())) shape true
                expectBits32 w (hex32 (c.GetProperty("weight").GetProperty "hex")) (sprintf "conv weight %A" shape)
                expectBits32 b (hex32 (c.GetProperty("bias").GetProperty "hex")) (sprintf "conv bias %A" shape)

        testCase "models draw layer after layer in construction order" <| fun () ->
            for c in (initJ ()).GetProperty("models").EnumerateArray() do
                let g = seeded (c.GetProperty("seed").GetInt64())
                let ps = c.GetProperty("params").EnumerateObject() |> Seq.toArray
                // Parameters come as weight, bias pairs per layer.
                for k in 0 .. 2 .. ps.Length - 1 do
                    let shape = ints (ps[k].Value.GetProperty "shape")
                    let w, b = InitMath.defaultInit32 g shape true
                    expectBits32 w (hex32 (ps[k].Value.GetProperty "hex")) ps[k].Name
                    expectBits32 b (hex32 (ps[k + 1].Value.GetProperty "hex")) ps[k + 1].Name

        testCase "kaiming and xavier helpers follow torch's formulas" <| fun () ->
            let shape = [| 10; 4 |]
            Expect.equal (InitMath.kaimingUniformBound shape 0.0 "fan_in" "relu") (sqrt 3.0 * (sqrt 2.0 / sqrt 4.0)) "kaiming uniform fan_in"
            Expect.equal (InitMath.kaimingNormalStd shape 0.0 "fan_out" "relu") (sqrt 2.0 / sqrt 10.0) "kaiming normal fan_out"
            Expect.equal (InitMath.xavierUniformBound shape 1.0) (sqrt 3.0 * (1.0 * sqrt (2.0 / 14.0))) "xavier uniform"
            Expect.equal (InitMath.xavierNormalStd shape 2.0) (2.0 * sqrt (2.0 / 14.0)) "xavier normal"
            Expect.throwsT<ArgumentException> (fun () -> InitMath.kaimingNormalStd shape 0.0 "fan_avg" "relu" |> ignore) "bad mode"

        testCase "kaimingUniform32 with a = sqrt 5 is the Linear weight init" <| fun () ->
            let c = (initJ ()).GetProperty("linear")[0]
            let shape = ints (c.GetProperty "weight_shape")
            let w = InitMath.kaimingUniform32 (seeded (c.GetProperty("seed").GetInt64())) shape (sqrt 5.0) "fan_in" "leaky_relu"
            expectBits32 w (hex32 (c.GetProperty("weight").GetProperty "hex")) "weight"
    ]
