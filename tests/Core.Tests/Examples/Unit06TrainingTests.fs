/// How close Unit 6's batched Conv1d trainings come to PyTorch 1.13's. PyTorch runs these (N = 32) float32
/// convolutions through oneDNN 2.6.3 (forward: jit:avx512_core direct convolution; weight and input gradients:
/// x64:gemm:jit, im2col + oneDNN's own sgemm), whose sums run in another order than the managed kernel's
/// (channel, then tap; batch, then position). tests/data/unit06_training.json holds PyTorch's per-epoch weights and
/// average losses with oneDNN (the default) and without it (torch.backends.mkldnn disabled); the bounds below
/// are the measured ones, rounded up (README, "Beyond the unit").
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

[<Tests>]
let tests =
    testSequenced <| testList "Examples.Unit06Training" [
        for name in [ "manual"; "dataloader"; "highpass" ] do
            testCase (sprintf "%s: 50 epochs stay within the measured distance of PyTorch with and without oneDNN" name) <| fun () ->
                let ours = trainings.Value[name]
                Expect.equal ours.Length 50 "epochs"
                let wOne, lOne = distance ours reference.Value[("onednn", name)]
                let wNat, lNat = distance ours reference.Value[("native", name)]
                let wRef, lRef = distance (Array.zip reference.Value[("native", name)].Weights reference.Value[("native", name)].Losses) reference.Value[("onednn", name)]
                printfn "Unit06 %s: weights %.2e / %.2e, losses %.2e / %.2e (oneDNN / native); PyTorch oneDNN vs native: %.2e, %.2e" name wOne wNat lOne lNat wRef lRef
                Expect.isLessThan wOne 1e-5 "weights vs PyTorch with oneDNN, relative to the largest weight"
                Expect.isLessThan lOne 1e-6 "average losses vs PyTorch with oneDNN"
                Expect.isLessThan wNat 1e-5 "weights vs PyTorch without oneDNN"
                Expect.isLessThan lNat 1e-6 "average losses vs PyTorch without oneDNN"
    ]
