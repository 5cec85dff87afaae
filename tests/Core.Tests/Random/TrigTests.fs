module Random.TrigTests

open System
open Expecto
open Fluxion.Random
open RandomTestUtil

[<Tests>]
let tests =
    testList "Random.Trig" [
        testCase "cosArray and sinArray equal torch.cos/sin on float32 (SLEEF u10, partial last vector included)" <| fun () ->
            for c in (TestData.json "random_extras.json").GetProperty("trig").EnumerateArray() do
                let x = hex32 (c.GetProperty "x")
                expectBits32 (SleefTrig.cosArray x) (hex32 (c.GetProperty "cos")) (sprintf "cos n=%d" x.Length)
                expectBits32 (SleefTrig.sinArray x) (hex32 (c.GetProperty "sin")) (sprintf "sin n=%d" x.Length)

        testCase "scalar cosf/sinf agree with the array functions lane by lane" <| fun () ->
            let x = [| 0.0f; -0.0f; 1.0f; -2.5f; 3.14159274f; 40.0f; -99.9f; 124.9f |]
            expectBits32 (Array.map SleefTrig.cosf x) (SleefTrig.cosArray x) "cos"
            expectBits32 (Array.map SleefTrig.sinf x) (SleefTrig.sinArray x) "sin"
            Expect.equal (BitConverter.SingleToInt32Bits(SleefTrig.sinf -0.0f)) (BitConverter.SingleToInt32Bits -0.0f) "sin(-0) = -0"

        testCase "cosf stays within one ulp-ish of the double cosine over the fast range" <| fun () ->
            let mutable worst = 0.0
            for i in 0 .. 20000 do
                let x = float32 (-124.0 + 248.0 * float i / 20000.0)
                let err = abs (float (SleefTrig.cosf x) - cos (float x))
                if err > worst then worst <- err
            Expect.isLessThan worst 1.2e-7 "max abs error"
    ]
