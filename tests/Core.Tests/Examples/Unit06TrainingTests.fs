/// Unit 6's batched Conv1d trainings against PyTorch 1.13's. PyTorch runs these (N = 32) float32 convolutions
/// through oneDNN 2.6.3 (forward: jit:avx512_core direct convolution, a chain of fused multiply-adds over the taps;
/// weight gradient: x64:gemm:jit, im2col and a transposed gemv per batch element), and the managed kernel follows
/// that order for single-channel convolutions (Kernels/Conv1d.fs, `followsOneDnn`). tests/data/unit06_training.json
/// holds PyTorch's per-epoch weights and average losses with oneDNN (the default) and without it
/// (torch.backends.mkldnn disabled); tests/data/conv1d_onednn.json single forward and backward passes.
module Examples.Unit06TrainingTests

open System
open System.IO
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Course
open Fluxion.Data
open Fluxion.Nn
open Fluxion.Ops
open Fluxion.Optim
open Fluxion.Printing
open Fluxion.Random

type private Run = { Weights: float[][]; Losses: float[] }

let private reference =
    lazy (
        use doc = JsonDocument.Parse(File.ReadAllText(TestData.path "unit06_training.json"))
        let read (path: string) (name: string) =
            let e = doc.RootElement.GetProperty(path).GetProperty(name)
            { Weights = [| for row in e.GetProperty("weights").EnumerateArray() -> [| for v in row.EnumerateArray() -> v.GetDouble() |] |]
              Losses = [| for v in e.GetProperty("losses").EnumerateArray() -> v.GetDouble() |] }
        dict [ for path in [ "onednn"; "native" ] do
                 for name in [ "manual"; "dataloader"; "highpass" ] -> (path, name), read path name ])

let private rows (r: float[][]) = Creation.ofDoubles [| r.Length; 1; r[0].Length |] Dtype.Float32 (Array.concat r)

/// SGD(lr = 0.01) on the MSE for 50 epochs; `batches` gives one epoch's batches.
let private train (layer: Layer) (batches: unit -> (Tensor * Tensor) list) =
    let sgd = Optim.sgd 0.01
    let mutable p = Layer.init Generator.Default layer
    let mutable state = sgd.Init p
    [| for _ in 1 .. 50 do
         let mutable total, count = 0.0, 0
         for xb, yb in batches () do
             let loss, grad = Params.valueAndGrad (fun p -> Loss.mse Reduction.Mean (Layer.apply layer p xb) yb) p
             let struct (p', s') = sgd.Update(grad, state, p)
             p <- p'
             state <- s'
             total <- total + Tensor.item loss
             count <- count + 1
         yield (Layer.field "weight" p |> Tensor.toArray |> Array.map float), total / float count |]

/// The three trainings of the unit, replaying the notebook's draws (as tests/data/scripts/gen_unit06_training.py does).
let private trainings =
    lazy (
        let g = Generator.Default
        use _ = g.Lock()
        let np = NumpyRandomState.Default
        np.Seed 0L
        np.Normal(0.0, 0.3, 256) |> ignore
        let _, x, y = Unit06Notebook.generateSineWave 256 1000
        let same = Layer.conv1dWith 1 1 21 1 Same 1 1 false "zeros"
        let mutable xs, ys = rows x, rows y
        Tensor.manualSeed 0L
        let manual =
            train same (fun () ->
                let perm = Creation.ofInt64 [| 1000 |] (Sampling.randperm g 1000)
                xs <- Tensor.indexSelect 0 perm xs
                ys <- Tensor.indexSelect 0 perm ys
                [ for i in 0 .. 30 -> Tensor.narrow 0 (i * 32) 32 xs, Tensor.narrow 0 (i * 32) 32 ys ])
        Unit06Notebook.generateSineWave 256 7 |> ignore
        let loaderOf (a: Tensor) (b: Tensor) = DataLoader<Tensor[]>(TensorDataset(a, b), batchSize = 32, shuffle = true)
        let epochOf (loader: DataLoader<Tensor[]>) () = [ for batch in loader -> batch[0], batch[1] ]
        let loader = loaderOf xs ys
        Tensor.manualSeed 0L
        let viaLoader = train same (epochOf loader)
        let _, xh, yh = Unit06Data.generateSineSuperposition 256 1000
        let loaderH = loaderOf (rows xh) (rows yh)
        Tensor.manualSeed 0L
        let highpass = train (Layer.conv1dWith 1 1 21 1 (Explicit [| 10 |]) 1 1 false "zeros") (epochOf loaderH)
        dict [ "manual", manual; "dataloader", viaLoader; "highpass", highpass ])

/// Largest difference of the weights after any epoch relative to the largest weight then, and largest relative
/// difference of the epoch's average loss.
let private distance (ours: (float[] * float)[]) (theirs: Run) =
    let w = ours |> Array.mapi (fun e (wo, _) ->
        let scale = theirs.Weights[e] |> Array.map abs |> Array.max
        Array.map2 (fun a b -> abs (a - b)) wo theirs.Weights[e] |> Array.max |> fun d -> d / scale) |> Array.max
    let l = ours |> Array.mapi (fun e (_, lo) -> abs (lo - theirs.Losses[e]) / theirs.Losses[e]) |> Array.max
    w, l

let private floats (e: JsonElement) = [| for v in e.EnumerateArray() -> float32 (v.GetDouble()) |]
let private bits (a: float32[]) = a |> Array.map BitConverter.SingleToInt32Bits

[<Tests>]
let tests =
    testSequenced <| testList "Examples.Unit06Training" [
        for name in [ "manual"; "dataloader"; "highpass" ] do
            testCase (sprintf "%s: every epoch's weights and average loss equal PyTorch's (oneDNN) bit for bit" name) <| fun () ->
                let ours = trainings.Value[name]
                let theirs = reference.Value[("onednn", name)]
                Expect.equal ours.Length 50 "epochs"
                for e in 0 .. 49 do
                    let w, loss = ours[e]
                    Expect.equal w theirs.Weights[e] (sprintf "weights after epoch %d" (e + 1))
                    Expect.equal loss theirs.Losses[e] (sprintf "average loss of epoch %d" (e + 1))

            testCase (sprintf "%s: PyTorch without oneDNN is as far from ours as from itself with oneDNN" name) <| fun () ->
                let native = reference.Value[("native", name)]
                let wNat, lNat = distance trainings.Value[name] native
                let oneDnn = reference.Value[("onednn", name)]
                let wRef, lRef = distance (Array.zip oneDnn.Weights oneDnn.Losses) native
                Expect.equal (wNat, lNat) (wRef, lRef) "same distances (README: at most 1.7e-7 for weights, 6.3e-8 for losses)"
                Expect.isLessThan wNat 1.7e-7 "weights, relative to the largest weight"
                Expect.isLessThan lNat 6.3e-8 "average losses, relative"
                Expect.isGreaterThan wNat 0.0 "the two PyTorch paths do differ"

        testCase "single-channel conv1d equals PyTorch's bit for bit, batched (oneDNN) and single; so does its weight gradient from 2 taps on" <| fun () ->
            use doc = JsonDocument.Parse(File.ReadAllText(TestData.path "conv1d_onednn.json"))
            for c in doc.RootElement.GetProperty("cases").EnumerateArray() do
                let nb, len, k, pad = c.GetProperty("batch").GetInt32(), c.GetProperty("length").GetInt32(), c.GetProperty("taps").GetInt32(), c.GetProperty("padding").GetInt32()
                let case = sprintf "batch %d, length %d, %d taps, padding %d" nb len k pad
                let x = Tensor.ofArray [| nb; 1; len |] (floats (c.GetProperty "x"))
                let w = Tensor.ofArray [| 1; 1; k |] (floats (c.GetProperty "w"))
                let y = Convolution.conv1d 1 pad 1 1 w None x
                Expect.equal (bits (Tensor.toArray y)) (bits (floats (c.GetProperty "y"))) (case + ": forward")
                let gy = Tensor.ofArray y.Shape (floats (c.GetProperty "gy"))
                let gw = Diff.vjp (fun w -> Convolution.conv1d 1 pad 1 1 w None x) w gy
                // oneDNN's 1x1 weight gradient (a 1-tap kernel on a batch of 16) is not reproduced.
                if nb = 1 || k >= 2 then
                  Expect.equal (bits (Tensor.toArray gw)) (bits (floats (c.GetProperty "gw"))) (case + ": weight gradient")
    ]
