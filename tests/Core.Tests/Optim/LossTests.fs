/// Losses against PyTorch's vectors (reductions_losses.json), derivative checks and bad inputs.
module OptimLossTests

open System
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Optim
open OptimTestUtil

let private data = lazy (TestData.json "reductions_losses.json")

let private f32s (e: JsonElement) = [| for h in e.GetProperty("hex").EnumerateArray() -> BitConverter.UInt32BitsToSingle(bits32 (h.GetString())) |]
let private hex32 (t: Tensor) = t.ToFloat32Array() |> Array.map (fun v -> sprintf "0x%08x" (BitConverter.SingleToUInt32Bits v))
let private hexes (e: JsonElement) = [| for h in e.GetProperty("hex").EnumerateArray() -> h.GetString() |]

let private reductions = [ "mean", Reduction.Mean; "sum", Reduction.Sum; "none", Reduction.None ]

let private throwsWith (msgPart: string) (f: unit -> unit) =
    let ex = Expect.throwsC f id
    Expect.isTrue (ex :? ArgumentException) (sprintf "ArgumentException expected, got %s" (ex.GetType().Name))
    Expect.stringContains ex.Message msgPart "message"

[<Tests>]
let tests =
    testList "Optim.Loss" [
        testCase "MSELoss matches PyTorch's float32 bits for every reduction and shape" <| fun () ->
            for m in data.Force().GetProperty("mse").EnumerateArray() do
                let shape = [| for s in m.GetProperty("shape").EnumerateArray() -> s.GetInt32() |]
                let x = Tensor.ofArray shape (f32s (m.GetProperty "input"))
                let y = Tensor.ofArray shape (f32s (m.GetProperty "target"))
                for (name, r) in reductions do
                    Expect.equal (hex32 (MSELoss(r).Forward(x, y))) (hexes (m.GetProperty name)) (sprintf "mse %s %A" name shape)

        testCase "CrossEntropyLoss with class indices matches PyTorch's float32 bits; NLL of log_softmax agrees" <| fun () ->
            for c in data.Force().GetProperty("cross_entropy").EnumerateArray() do
                let n, k = c.GetProperty("N").GetInt32(), c.GetProperty("C").GetInt32()
                let x = Tensor.ofArray [| n; k |] (f32s (c.GetProperty "logits"))
                let t = Tensor.create [| for v in c.GetProperty("targets").EnumerateArray() -> v.GetInt64() |]
                for (name, r) in reductions do
                    let expected = hexes (c.GetProperty name)
                    Expect.equal (hex32 (CrossEntropyLoss(reduction = r).Forward(x, t))) expected (sprintf "ce %s N=%d C=%d" name n k)
                    Expect.equal (hex32 (NLLLoss(reduction = r).Forward(Loss.logSoftmax x, t))) expected (sprintf "nll %s N=%d C=%d" name n k)

        testCase "log_softmax matches PyTorch's float32 bits" <| fun () ->
            for c in data.Force().GetProperty("log_softmax").EnumerateArray() do
                let n, k = c.GetProperty("N").GetInt32(), c.GetProperty("C").GetInt32()
                let x = Tensor.ofArray [| n; k |] (f32s (c.GetProperty "logits"))
                Expect.equal (hex32 (Loss.logSoftmax x)) (hexes (c.GetProperty "log_softmax_dim1")) (sprintf "N=%d C=%d" n k)

        testCase "MSELoss records MseLossBackward0 and its gradient is 2(x - y)/n, also to second order" <| fun () ->
            let x = Tensor.ofArray64 [| 4 |] [| 1.0; -2.0; 0.5; 3.0 |]
            let y = Tensor.ofArray64 [| 4 |] [| 0.0; 1.0; 0.5; -1.0 |]
            let xl = x.RequiresGrad_()
            let l = Loss.mse Reduction.Mean xl y
            Expect.equal l.GradFnName "MseLossBackward0" "grad_fn"
            let g = Diff.grad (fun x -> Loss.mse Reduction.Mean x y) x
            Expect.equal (g.ToDoubleArray()) [| 0.5; -1.5; 0.0; 2.0 |] "gradient"
            let h = Diff.hessian (fun x -> Loss.mse Reduction.Sum x y) x
            Expect.equal (h.ToDoubleArray()) [| for i in 0 .. 3 do for j in 0 .. 3 -> if i = j then 2.0 else 0.0 |] "hessian of the sum"
            let jv = Diff.jvp (fun x -> Loss.mse Reduction.Mean x y) x (x.OnesLike())
            Expect.floatClose Accuracy.veryHigh (jv.ToDouble()) 1.0 "jvp along ones = sum of the gradient"

        testCase "class-index and class-probability losses have finite-difference gradients" <| fun () ->
            let logits = Tensor.ofArray64 [| 3; 4 |] [| 0.2; -1.0; 0.5; 2.0; 1.5; 0.1; -0.3; 0.0; -2.0; 0.7; 0.7; 1.1 |]
            let t = Tensor.create [| 3L; 0L; 1L |]
            let probs = Tensor.ofArray64 [| 3; 4 |] [| 0.1; 0.2; 0.3; 0.4; 1.0; 0.0; 0.0; 0.0; 0.25; 0.25; 0.25; 0.25 |]
            let w = Tensor.ofArray64 [| 4 |] [| 1.0; 2.0; 0.5; 1.5 |]
            let cases : (string * (Tensor -> Tensor)) list =
                [ "ce", (fun x -> Loss.crossEntropy Reduction.Mean x t)
                  "ce weighted smoothed", (fun x -> Loss.crossEntropyWith (Some w) -100L 0.1 Reduction.Mean x t)
                  "ce probabilities", (fun x -> Loss.crossEntropy Reduction.Sum x probs)
                  "bce with logits", (fun x -> Loss.bceWithLogits Reduction.Mean x (Tensor.ofArray64 [| 3; 4 |] (probs.ToDoubleArray())))
                  "huber", (fun x -> Loss.huber 1.0 Reduction.Mean x (x.ZerosLike() + 0.3))
                  "smooth l1", (fun x -> Loss.smoothL1 0.5 Reduction.Sum x (x.ZerosLike() + 0.3)) ]
            for (name, f) in cases do
                let g = (Diff.grad f logits).ToDoubleArray()
                let n = (NumericalDiff.grad 1e-6 f logits).ToDoubleArray()
                Array.iteri2 (fun i a b -> Expect.isTrue (abs (a - b) < 1e-6) (sprintf "%s: gradient %d: %g vs numerical %g" name i a b)) g n

        testCase "weights, ignoreIndex and label smoothing follow PyTorch 1.13's formulas" <| fun () ->
            // Reference values printed by PyTorch 1.13.1 (torch.nn.functional.cross_entropy / nll_loss / bce / bce_with_logits, float64).
            let logits = Tensor.ofArray64 [| 3; 4 |] [| 0.2; -1.0; 0.5; 2.0; 1.5; 0.1; -0.3; 0.0; -2.0; 0.7; 0.7; 1.1 |]
            let t = Tensor.create [| 3L; -100L; 1L |]
            let w = Tensor.ofArray64 [| 4 |] [| 1.0; 2.0; 0.5; 1.5 |]
            let close a b what = Expect.floatClose Accuracy.veryHigh a b what
            close ((Loss.crossEntropyWith None -100L 0.0 Reduction.Mean logits t).ToDouble()) 0.8164458163743967 "ignore index"
            close ((Loss.crossEntropyWith (Some w) -100L 0.0 Reduction.Mean logits t).ToDouble()) 0.8811661418835556 "weighted"
            close ((Loss.crossEntropyWith (Some w) -100L 0.2 Reduction.Mean logits t).ToDouble()) 0.9737108872746156 "weighted + smoothing"
            close ((Loss.crossEntropyWith None -100L 0.2 Reduction.Sum logits t).ToDouble()) 2.0628916327487934 "smoothing, sum"
            let p = Tensor.ofArray64 [| 4 |] [| 0.1; 0.9; 0.5; 0.999 |]
            let y = Tensor.ofArray64 [| 4 |] [| 0.0; 1.0; 1.0; 0.0 |]
            close ((Loss.bce Reduction.Mean p y).ToDouble()) 1.9529058727144335 "bce"
            close ((Loss.bceWithLogits Reduction.Mean p y).ToDouble()) 0.7180395615616166 "bce with logits"
            close ((Loss.l1 Reduction.Mean p y).ToDouble()) 0.42474999999999996 "l1"

        testCase "mismatched shapes are rejected with the broadcasting hint" <| fun () ->
            let input = Tensor.zeros [| 100; 1 |]
            let target = Tensor.zeros [| 100 |]
            throwsWith "MSELoss: input (100, 1) and target (100,) differ; PyTorch would broadcast — call Unsqueeze(1)" (fun () -> MSELoss().Forward(input, target) |> ignore)
            throwsWith "L1Loss: input (3,) and target (4,) differ" (fun () -> Loss.l1 Reduction.Mean (Tensor.zeros [| 3 |]) (Tensor.zeros [| 4 |]) |> ignore)

        testCase "class indices out of range, wrong target dtypes and inputs outside [0, 1] are rejected" <| fun () ->
            let x = Tensor.zeros [| 2; 3 |]
            throwsWith "Target 3 is out of bounds. (CrossEntropyLoss: position 1; 3 classes" (fun () -> CrossEntropyLoss().Forward(x, Tensor.create [| 0L; 3L |]) |> ignore)
            throwsWith "Target -1 is out of bounds. (NLLLoss: position 0" (fun () -> NLLLoss().Forward(x, Tensor.create [| -1L; 0L |]) |> ignore)
            throwsWith "needs targets of shape (2,), got (1,)" (fun () -> CrossEntropyLoss().Forward(x, Tensor.create [| 0L |]) |> ignore)
            throwsWith "weight has shape (2,)" (fun () -> CrossEntropyLoss(weight = Tensor.ones [| 2 |]).Forward(x, Tensor.create [| 0L; 1L |]) |> ignore)
            throwsWith "between 0 and 1" (fun () -> BCELoss().Forward(Tensor.full [| 2 |] 1.5, Tensor.zeros [| 2 |]) |> ignore)
            throwsWith "labelSmoothing must be in [0, 1]" (fun () -> CrossEntropyLoss(labelSmoothing = 1.5) |> ignore)
    ]
