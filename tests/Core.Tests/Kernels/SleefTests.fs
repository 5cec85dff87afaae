module KernelsSleefTests

open System
open Expecto
open Fluxion.Kernels
open KernelsData

let private rl = lazy (TestData.json "reductions_losses.json")

let private unaryCases (name: string) =
    [ for c in extra.Force().GetProperty("unary_" + name).EnumerateArray() -> hex32 (c.GetProperty "x"), hex32 (c.GetProperty "y") ]

let private apply (op: string) (x: float32[]) =
    let y = Array.zeroCreate x.Length
    match op with
    | "exp" -> Sleef.exp32 (ReadOnlySpan x) (Span y)
    | "log" -> Sleef.log32 (ReadOnlySpan x) (Span y)
    | "sigmoid" -> Sleef.sigmoid32 (ReadOnlySpan x) (Span y)
    | "tanh" -> Sleef.tanh32 (ReadOnlySpan x) (Span y)
    | _ -> failwithf "unknown op %s" op
    y

[<Tests>]
let tests =
    testList "Kernels.Sleef" [
        testCase "expf_u10 reproduces torch.exp's vector path (64 elements of reductions_losses.json)" <| fun () ->
            let s = rl.Force().GetProperty "exp_vector_path"
            let x = hex32 (s.GetProperty "x")
            arr32 "expf_u10" (hex32 (s.GetProperty "exp")) (Array.map Sleef.expf_u10 x)
            arr32 "exp32" (hex32 (s.GetProperty "exp")) (apply "exp" x)

        testCase "logf_u10 reproduces torch.log's vector path (64 elements of reductions_losses.json)" <| fun () ->
            let s = rl.Force().GetProperty "log_vector_path"
            let x = hex32 (s.GetProperty "x")
            arr32 "logf_u10" (hex32 (s.GetProperty "log")) (Array.map Sleef.logf_u10 x)
            arr32 "log32" (hex32 (s.GetProperty "log")) (apply "log" x)

        testCase "exp32 and log32 match torch for lengths 1..40 and beyond (SLEEF on every element)" <| fun () ->
            for (x, y) in unaryCases "exp" do arr32 (sprintf "exp n=%d" x.Length) y (apply "exp" x)
            for (x, y) in unaryCases "log" do arr32 (sprintf "log n=%d" x.Length) y (apply "log" x)

        testCase "torch's short-tensor exp/log are SLEEF, not libm: 1500 tail inputs each match exp32/log32" <| fun () ->
            for name, op in [ "exp_tail", "exp"; "log_tail", "log" ] do
                let s = extra.Force().GetProperty name
                let x = hex32 (s.GetProperty "x")
                let y = hex32 (s.GetProperty "y")
                arr32 name y (apply op x)
                // libm's expf differs from SLEEF on a good share of these inputs, which is why the split matters.
                if op = "exp" then
                    let libmDiffers = Array.exists2 (fun (a: float32) (b: float32) -> MathF.Exp a <> b) x y
                    Expect.isTrue libmDiffers "MathF.Exp should disagree with torch somewhere"

        testCase "tanh32 matches torch.tanh bit for bit for lengths 1..300, tiny and saturated inputs included" <| fun () ->
            for (x, y) in unaryCases "tanh" do arr32 (sprintf "tanh n=%d" x.Length) y (apply "tanh" x)

        testCase "sigmoid32 matches torch.sigmoid bit for bit for lengths 1..300" <| fun () ->
            for (x, y) in unaryCases "sigmoid" do arr32 (sprintf "sigmoid n=%d" x.Length) y (apply "sigmoid" x)

        testCase "special values follow SLEEF: exp overflow/underflow, log of 0, negatives, infinity, subnormals" <| fun () ->
            bits32 "exp(-105)" 0.0f (Sleef.expf_u10 -105.0f)
            bits32 "exp(101)" Single.PositiveInfinity (Sleef.expf_u10 101.0f)
            bits32 "exp(0)" 1.0f (Sleef.expf_u10 0.0f)
            bits32 "log(0)" Single.NegativeInfinity (Sleef.logf_u10 0.0f)
            bits32 "log(1)" 0.0f (Sleef.logf_u10 1.0f)
            Expect.isTrue (Single.IsNaN(Sleef.logf_u10 -1.0f)) "log(-1) is NaN"
            bits32 "log(inf)" Single.PositiveInfinity (Sleef.logf_u10 Single.PositiveInfinity)
            let sub = BitConverter.Int32BitsToSingle 0x00001234
            Expect.isLessThan (abs (float (Sleef.logf_u10 sub) - log (float sub))) 1e-5 "log of a subnormal"

        testProperty "expf_u10 and logf_u10 stay within 1 ulp-ish of double exp/log" <| fun (seed: int) ->
            let rng = Random(seed)
            let x = float32 (rng.NextDouble() * 160.0 - 80.0)
            let y = float32 (Math.Exp(rng.NextDouble() * 160.0 - 80.0))
            abs (float (Sleef.expf_u10 x) / Math.Exp(float x) - 1.0) < 2.5e-7
            && abs (float (Sleef.logf_u10 y) - Math.Log(float y)) <= 2.5e-7 * max 1.0 (abs (Math.Log(float y)))
    ]
