module Random.UnitDataTests

open Expecto
open Fluxion.Course
open RandomTestUtil

let private golden () = TestData.json "unit05_golden.json"

let private f32s (e: System.Text.Json.JsonElement) = TestData.nums e |> Array.map float32
let private column (e: System.Text.Json.JsonElement) = [| for r in e.EnumerateArray() -> float32 (TestData.num r[0]) |]

[<Tests>]
let tests =
    // These seed and consume the process-wide generator, so they must not run alongside each other.
    testSequenced <| testList "Random.UnitData" [
        testCase "trainingPairs equals the golden training pairs bit for bit" <| fun () ->
            let tp = (golden ()).GetProperty "training_pairs"
            let x, y = UnitData.trainingPairs ()
            expectBits32 x (f32s (tp.GetProperty "x")) "x"
            expectBits32 y (f32s (tp.GetProperty "y")) "y"

        testCase "noisyCosine equals exercise 2's data bit for bit" <| fun () ->
            let ex = (golden ()).GetProperty "ex2_model_capacity"
            let x, y = UnitData.noisyCosine ()
            expectBits32 x (column (ex.GetProperty "data_x")) "x"
            expectBits32 y (column (ex.GetProperty "data_y")) "y"

        testCase "trainingPairs leaves the default generator after 100 uniform and 100 normal draws" <| fun () ->
            UnitData.trainingPairs () |> ignore
            let after = Fluxion.Random.Generator.Default.Next32()
            let g = Fluxion.Random.Generator(0UL)
            Fluxion.Random.Sampling.rand32 g 100 |> ignore
            Fluxion.Random.Sampling.randn32 g 100 |> ignore
            Expect.equal after (g.Next32()) "stream position (randn(100) draws 116 uniforms)"

        testCase "himmelblau is zero at its minimum (3, 2) and 170 at the origin" <| fun () ->
            Expect.equal (UnitData.himmelblau 3.0 2.0) 0.0 "minimum"
            Expect.equal (UnitData.himmelblau 0.0 0.0) 170.0 "origin"
            Expect.equal (UnitData.himmelblau -1.0 0.0) 164.0 "course start (-1, 0)"
    ]
