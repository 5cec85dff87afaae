module Random.GridTests

open System
open Expecto
open Fluxion.Random
open RandomTestUtil

[<Tests>]
let tests =
    testList "Random.Grids" [
        testCase "linspace32 and arange32 equal torch 1.13 AVX2 for every vector case" <| fun () ->
            for c in (TestData.json "linspace_arange.json").GetProperty("cases").EnumerateArray() do
                let call = c.GetProperty("call").GetString()
                let expected = hex32 (c.GetProperty("torch1.13_avx2").GetProperty "hex")
                let actual =
                    match parseCall call with
                    | "linspace", [| a; b; k |] -> Grids.linspace32 a b (int k)
                    | "arange", [| a; b; s |] -> Grids.arange32 a b s
                    | _ -> failtestf "unexpected call %s" call
                expectBits32 actual expected call

        testCase "grids from the extra torch runs: float64 linspace/arange, float32 arange lanes, int64 arange" <| fun () ->
            for c in (TestData.json "random_extras.json").GetProperty("grids").EnumerateArray() do
                let call = c.GetProperty("call").GetString()
                let args = [| for v in c.GetProperty("args").EnumerateArray() -> v.GetDouble() |]
                let what = sprintf "%s%A %s" call args (c.GetProperty("dtype").GetString())
                match call, c.GetProperty("dtype").GetString() with
                | "linspace", "float64" -> expectBits64 (Grids.linspace64 args[0] args[1] (int args[2])) (hex64 (c.GetProperty "hex")) what
                | "arange", "float64" -> expectBits64 (Grids.arange64 args[0] args[1] args[2]) (hex64 (c.GetProperty "hex")) what
                | "arange", "float32" -> expectBits32 (Grids.arange32 args[0] args[1] args[2]) (hex32 (c.GetProperty "hex")) what
                | "arange", "int64" ->
                    Expect.equal (Grids.arangeInt (int64 args[0]) (int64 args[1]) (int64 args[2])) (int64s (c.GetProperty "values")) what
                | _ -> failtestf "unexpected case %s" what

        testCase "linspace with one step is [start] and with zero steps is empty" <| fun () ->
            expectBits32 (Grids.linspace32 0.25 9.0 1) [| 0.25f |] "steps=1"
            Expect.equal (Grids.linspace32 0.0 1.0 0).Length 0 "steps=0"
            expectBits64 (Grids.linspace64 -3.0 9.0 1) [| -3.0 |] "float64 steps=1"

        testCase "linspace ends exactly on stop and the upper half counts back from it" <| fun () ->
            let r = Grids.linspace32 -6.0 6.0 400
            Expect.equal r[399] 6.0f "last element"
            Expect.equal r[0] -6.0f "first element"

        testCase "inconsistent or zero steps raise ArgumentException" <| fun () ->
            Expect.throwsT<ArgumentException> (fun () -> Grids.arange32 0.0 1.0 -0.1 |> ignore) "wrong sign"
            Expect.throwsT<ArgumentException> (fun () -> Grids.arange64 0.0 1.0 0.0 |> ignore) "zero step"
            Expect.throwsT<ArgumentException> (fun () -> Grids.arangeInt 5L 0L 1L |> ignore) "int wrong sign"
            Expect.throwsT<ArgumentException> (fun () -> Grids.linspace32 0.0 1.0 -2 |> ignore) "negative steps"
    ]
