module KernelsLossTests

open System
open Expecto
open Fluxion.Kernels
open KernelsData

let private rl = lazy (TestData.json "reductions_losses.json")

let private targetsOf (c: Text.Json.JsonElement) = [| for t in c.GetProperty("targets").EnumerateArray() -> t.GetInt64() |]

[<Tests>]
let tests =
    testList "Kernels.Losses" [
        testCase "logSoftmaxRows32 matches torch.log_softmax(dim=1) bit for bit" <| fun () ->
            for c in rl.Force().GetProperty("log_softmax").EnumerateArray() do
                let n = c.GetProperty("N").GetInt32()
                let k = c.GetProperty("C").GetInt32()
                let x = hex32 (c.GetProperty "logits")
                let y = Array.zeroCreate x.Length
                LossKernels.logSoftmaxRows32 x n k y
                arr32 (sprintf "log_softmax (%d,%d)" n k) (hex32 (c.GetProperty "log_softmax_dim1")) y

        testCase "cross entropy mean, sum and none match torch bit for bit" <| fun () ->
            for c in rl.Force().GetProperty("cross_entropy").EnumerateArray() do
                let n = c.GetProperty("N").GetInt32()
                let k = c.GetProperty("C").GetInt32()
                let x = hex32 (c.GetProperty "logits")
                let t = targetsOf c
                let tag = sprintf "CE (%d,%d)" n k
                bits32 (tag + " mean") (one32 (c.GetProperty "mean")) (LossKernels.crossEntropyMean32 x n k t -100L)
                bits32 (tag + " sum") (one32 (c.GetProperty "sum")) (LossKernels.crossEntropySum32 x n k t -100L)
                let none = Array.zeroCreate n
                LossKernels.crossEntropyNone32 x n k t -100L none
                arr32 (tag + " none") (hex32 (c.GetProperty "none")) none
                // The same numbers through log_softmax + NLL.
                let lp = Array.zeroCreate x.Length
                LossKernels.logSoftmaxRows32 x n k lp
                bits32 (tag + " nllMean") (one32 (c.GetProperty "mean")) (LossKernels.nllMean32 lp n k t -100L)
                bits32 (tag + " nllSum") (one32 (c.GetProperty "sum")) (LossKernels.nllSum32 lp n k t -100L)

        testCase "ignored targets are skipped (cascade keyed by batch index) and the mean divides by the rest, as torch" <| fun () ->
            let c = extra.Force().GetProperty "ce_ignore"
            let x = hex32 (c.GetProperty "logits")
            let t = targetsOf c
            Expect.equal (t |> Array.filter (fun v -> v = -100L) |> Array.length) 5 "ignored rows in the case"
            bits32 "CE sum with ignored rows" (one32 (c.GetProperty "sum")) (LossKernels.crossEntropySum32 x 40 5 t -100L)
            bits32 "CE mean with ignored rows" (one32 (c.GetProperty "mean")) (LossKernels.crossEntropyMean32 x 40 5 t -100L)

        testCase "out-of-range targets and bad shapes raise ArgumentException" <| fun () ->
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> LossKernels.crossEntropyMean32 (Array.zeroCreate 6) 2 3 [| 0L; 3L |] -100L |> ignore) "target 3 of 3 classes"
            Expect.throwsT<ArgumentException> (fun () -> LossKernels.logSoftmaxRows32 (Array.zeroCreate 6) 2 4 (Array.zeroCreate 6)) "6 <> 2*4"

        testCase "MSE mean, sum and none match torch bit for bit" <| fun () ->
            for c in rl.Force().GetProperty("mse").EnumerateArray() do
                let x = hex32 (c.GetProperty "input")
                let y = hex32 (c.GetProperty "target")
                let tag = sprintf "MSE n=%d" x.Length
                bits32 (tag + " mean") (one32 (c.GetProperty "mean")) (LossKernels.mseMean32 x y)
                bits32 (tag + " sum") (one32 (c.GetProperty "sum")) (LossKernels.mseSum32 x y)
                let none = Array.zeroCreate x.Length
                LossKernels.mseNone32 (ReadOnlySpan x) (ReadOnlySpan y) (Span none)
                arr32 (tag + " none") (hex32 (c.GetProperty "none")) none

        testCase "float64 MSE matches torch bit for bit" <| fun () ->
            for c in extra.Force().GetProperty("mse64").EnumerateArray() do
                let x = hex64 (c.GetProperty "input")
                let y = hex64 (c.GetProperty "target")
                bits64 (sprintf "mse64 mean n=%d" x.Length) (one64 (c.GetProperty "mean")) (LossKernels.mseMean64 x y)
                bits64 (sprintf "mse64 sum n=%d" x.Length) (one64 (c.GetProperty "sum")) (LossKernels.mseSum64 x y)

        testCase "float64 log_softmax and cross entropy agree with torch to 1e-15 relative (libm vs SLEEF double)" <| fun () ->
            for c in extra.Force().GetProperty("ce64").EnumerateArray() do
                let n = c.GetProperty("N").GetInt32()
                let k = c.GetProperty("C").GetInt32()
                let x = hex64 (c.GetProperty "logits")
                let t = targetsOf c
                let lp = Array.zeroCreate x.Length
                LossKernels.logSoftmaxRows64 x n k lp
                let expLp = hex64 (c.GetProperty "log_softmax")
                for i in 0 .. lp.Length - 1 do
                    Expect.floatClose { absolute = 1e-15; relative = 1e-15 } lp[i] expLp[i] (sprintf "lp64 (%d,%d)[%d]" n k i)
                Expect.floatClose { absolute = 1e-15; relative = 1e-15 } (LossKernels.crossEntropyMean64 x n k t -100L) (one64 (c.GetProperty "mean")) "ce64 mean"
                Expect.floatClose { absolute = 1e-15; relative = 1e-15 } (LossKernels.crossEntropySum64 x n k t -100L) (one64 (c.GetProperty "sum")) "ce64 sum"

        testProperty "logSoftmaxRows32 rows exponentiate to 1 within float32 rounding" <| fun (seed: int) ->
            let rng = Random(seed)
            let rows = 1 + rng.Next 5
            let cols = 1 + rng.Next 60
            let x = Array.init (rows * cols) (fun _ -> float32 (rng.NextDouble() * 20.0 - 10.0))
            let lp = Array.zeroCreate x.Length
            LossKernels.logSoftmaxRows32 x rows cols lp
            [ 0 .. rows - 1 ] |> List.forall (fun r ->
                let s = Array.sub lp (r * cols) cols |> Array.sumBy (fun v -> Math.Exp(float v))
                abs (s - 1.0) < 1e-5 * float cols + 1e-6)
    ]
