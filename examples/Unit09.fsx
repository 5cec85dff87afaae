// The course unit "Recursion and RNNs" (PCPT unit 9) in F#, functional style: each model is a `Layer` value (an
// nn.RNN followed by a linear readout), its parameters a `Params` tree, the loss a pure function of them;
// `Params.valueAndGrad` gives the gradients, clipping and Adam are pure too, and every training is a fold over
// epochs (and, inside, over the loader's batches). Same seeds, same draws, same float32 arithmetic as PyTorch
// 1.13: it prints the course's lines (tests/data/unit09_printed.txt), the four trainings included.
//
// Run after building:   dotnet build -c Release
//                       dotnet fsi examples/Unit09.fsx                       (prints the unit)
//                       dotnet fsi examples/Unit09.fsx --report unit09.html  (also writes the figures)
#load "Unit05.Setup.fsx"   // references the built assemblies; the report writer

open System
open Fluxion
open Fluxion.Compat
open Fluxion.Course
open Fluxion.Data
open Fluxion.Nn
open Fluxion.Nn.LayerOperators
open Fluxion.Ops
open Fluxion.Optim
open Fluxion.Plot
open Fluxion.Printing
open Fluxion.Random
open Unit05Setup

let report = ReportWriter.FromArgs(fsi.CommandLineArgs, "PCPT unit 9: recursion and RNNs, functional F#")
let say (line: string) = report.Say line
/// Python's f"{v:.{p}f}" and str(bool).
let f (p: int) (v: float) = PyFormat.toFixed p v
let b (v: bool) = if v then "True" else "False"
let floats (t: Tensor) = t.ToDoubleArray()
let indices n = Array.init n float

// ================================================================== recursive filters (cell 5)
/// x[n] for n past the input is 0: the filters run on for `length` samples.
let at (x: float[]) n = if n >= 0 && n < x.Length then x[n] else 0.0
/// y[n] = f(x, y, n) for n = 0 .. length − 1, each y[n] seeing the earlier outputs.
let recursion (length: int) (step: float[] -> int -> float) =
    let y = Array.zeroCreate length
    for n in 0 .. length - 1 do y[n] <- step y n
    y
let echo delay gain (x: float[]) length = recursion length (fun y n -> at x n + (if n >= delay then gain * y[n - delay] else 0.0))
let smoothing s (x: float[]) length = recursion length (fun y n -> s * at x n + (1.0 - s) * (if n > 0 then y[n - 1] else 0.0))
let changeDetectorRecursive r k (x: float[]) length =
    recursion length (fun y n -> if n = 0 then 0.0 else r * y[n - 1] + k * (at x n - at x (n - 1)))
let runningSumDecay r (x: float[]) length = recursion length (fun y n -> r * (if n > 0 then y[n - 1] else 0.0) + at x n)

let io title (x: float[]) (y: float[]) = SignalFigures.indexedSignals title [ "x (input)", "gray", x; "y (output)", "black", y ]

report.Heading "Introduction to recursive filters"
let xEcho, xSmooth, xChange, xSum = [| 1.0; 0; 0; 0; 0; 0; 0 |], [| 1.0; 2; 3; 10; 3; 2; 1 |], [| 0.0; 0; 3; 3; 3; 0; 0 |], [| 1.0; 0; 0; 2; 0; 0; 1 |]
let lengthOut = 12
report.Figure(fun () -> io "Echo" xEcho (echo 3 0.6 xEcho lengthOut))
report.Figure(fun () -> io "Smoothing" xSmooth (smoothing 0.5 xSmooth lengthOut))
report.Figure(fun () -> io "Change Detector" xChange (changeDetectorRecursive 0.6 1.0 xChange lengthOut))
report.Figure(fun () -> io "Running Sum with Decay" xSum (runningSumDecay 0.8 xSum lengthOut))

// ================================================================== the change detector as an RNN (cell 15)
/// nn.RNN(1, hidden, batch_first=True[, bidirectional]) followed by nn.Linear to one output per frame.
let rnnWithReadout hidden bidirectional =
    Layer.rnnFull 1 hidden 1 "tanh" true true 0.0 bidirectional --> Layer.linear ((if bidirectional then 2 else 1) * hidden) 1
let changeDetectorRnn = rnnWithReadout 2 false
/// ChangeDetectorRNN's parameters: y_t = r·y_{t−1} + k·x_t − k·x_{t−1} in the tanh's nearly linear range (input
/// weights scaled by alpha, undone by the readout), each product rounded once to float32 as torch.tensor does.
let changeDetectorParams (k: float) (r: float) (alpha: float) =
    Layer.init Generator.Default changeDetectorRnn |> ignore   // nn.RNN and nn.Linear draw before the weights are set
    let t (shape: int[]) (values: float[]) = Params.leaf (Creation.ofFloat32 shape (Array.map float32 values))
    Params.group [ "0", Params.group [ "weight_ih_l0", t [| 2; 1 |] [| alpha * k; alpha * 1.0 |]
                                       "weight_hh_l0", t [| 2; 2 |] [| r; -k; 0.0; 0.0 |]
                                       "bias_ih_l0", t [| 2 |] [| 0.0; 0.0 |]
                                       "bias_hh_l0", t [| 2 |] [| 0.0; 0.0 |] ]
                   "1", Params.group [ "weight", t [| 1; 2 |] [| 1.0 / alpha; 0.0 |]; "bias", t [| 1 |] [| 0.0 |] ] ]
/// One sequence through a model: (L,) values in, (L,) values out.
let predict (model: Layer) (p: Params) (x: Tensor) = Layer.apply model p (Tensor.unsqueeze 0 x)

report.Heading "Relationship between RNNs and recursive filters"
let x = [| 0.0; 0; 3; 3; 3; 0; 0 |]
let yPred = floats (Layer.apply changeDetectorRnn (changeDetectorParams 1.0 0.6 0.01) (Creation.ofDoubles [| 1; x.Length; 1 |] Dtype.Float32 x))
let yRef = changeDetectorRecursive 0.6 1.0 x x.Length
let listOf (a: float[]) = "[" + String.Join(", ", a |> Array.map (f 4)) + "]"
say "PyTorch RNN output y_pred:"
say (listOf yPred)
say "\nReference recursion y_ref:"
say (listOf yRef)
say ("\nMax abs. difference: " + PyFormat.toSci 4 (Array.map2 (fun a b -> abs (a - b)) yPred yRef |> Array.max))
report.Figure(fun () -> SignalFigures.indexedSignals "Change detector: RNN vs. recursion" [ "x", "gray", x; "RNN y_pred", "red", yPred; "recursion y_ref", "blue", yRef ])

// ================================================================== data (cells 19-21)
/// NoveltyCurveDataset(n_samples, seq_len=128, sigma_target, ...) with the course's keywords.
let novelty nSamples sigma seed (change: NoveltyCurveOptions -> NoveltyCurveOptions) =
    NoveltyCurveDataset(change { NoveltyCurveOptions.Default with NSamples = nSamples; SeqLen = 128; SigmaTarget = sigma; Seed = seed })
let loader (ds: NoveltyCurveDataset) shuffle = DataLoader<Tensor[]>(ds, batchSize = 32, shuffle = shuffle)
/// One pass over a loader (a shuffling one draws its order from the default generator, as PyTorch's does).
let batches (l: DataLoader<Tensor[]>) = [| for batch in l -> batch[0], batch[1] |]
let rows (t: Tensor) n = Array.init n (fun i -> floats (t.Select(0, i)))
/// Sample i's input and target, each (T, 1).
let inputOf (ds: NoveltyCurveDataset) i = ds.[i].[0]
let targetOf (ds: NoveltyCurveDataset) i = ds.[i].[1]

report.Heading "Example: onset detection"
let trainDs, valDs = novelty 200 (Some 1.0) 0L id, novelty 100 (Some 1.0) 1L id
let trainLoader, valLoader = loader trainDs true, loader valDs false
let t128 = indices 128
report.Figure(fun () ->
    SignalFigures.pairsGridLabelled ("Input", "Target", "") "First 24 Training Pairs (Input: gray, Target: black)" 4 6 t128 (rows trainDs.X 24) (rows trainDs.Y 24) None)
let xFix, yFix = inputOf trainDs 2, targetOf trainDs 2
report.Figure(fun () ->
    SignalFigures.indexedSignals "Training Sample 2"
        [ "input", "gray", floats xFix; "target", "black", floats yFix; "recursive filter", "blue", changeDetectorRecursive 0.6 1.0 (floats xFix) 128 ])

// ================================================================== training (cells 23-30)
type LossFn = Tensor -> Tensor -> Tensor
/// evaluate_model_loader: the average per-sample loss over a loader (no gradients are taken).
let evaluate (model: Layer) (p: Params) (lossFn: LossFn) (l: DataLoader<Tensor[]>) =
    let total, n = batches l |> Array.fold (fun (total, n) (xb: Tensor, yb) -> total + Tensor.item (lossFn (Layer.apply model p xb) yb) * float xb.Shape[0], n + xb.Shape[0]) (0.0, 0)
    total / float (max n 1)

/// One epoch: the Adam steps over the loader's batches (gradients clipped to `clip` when given), then the
/// average training loss.
let epoch (model: Layer) (lossFn: LossFn) (adam: Optimizer) (clip: float option) (l: DataLoader<Tensor[]>) (p: Params, state) =
    let (p, state), (total, n) =
        batches l |> Array.fold (fun ((p, state), (total, n)) (xb: Tensor, yb) ->
            let loss, grad = Params.valueAndGrad (fun p -> lossFn (Layer.apply model p xb) yb) p
            let grad = match clip with Some c -> fst (Utils.clipGradNormOf c grad) | None -> grad
            let struct (p', state') = adam.Update(grad, state, p)
            (p', state'), (total + Tensor.item loss * float xb.Shape[0], n + xb.Shape[0])) ((p, state), (0.0, 0))
    (p, state), total / float (max n 1)

/// plot_prediction_examples: one panel per reported epoch, two columns (an odd count repeats the last).
let snapshotsFigure title (x: float[]) (y: float[]) (snaps: (int * float[]) list) =
    let cols = 2
    let rowsN = (snaps.Length + cols - 1) / cols
    let pick = Array.init (rowsN * cols) (fun k -> snaps[min k (snaps.Length - 1)])
    let epochs = String.Join(", ", snaps |> List.map fst)
    SignalFigures.pairsGridLabelled ("Input", "Target", "Prediction") (sprintf "%s: predictions after epochs %s" title epochs) rowsN cols (indices x.Length)
        (pick |> Array.map (fun _ -> x)) (pick |> Array.map (fun _ -> y)) (Some(pick |> Array.map snd))

report.Heading "RNN training"
let mse: LossFn = Loss.mse Reduction.Mean
let initialParams = changeDetectorParams 1.0 0.6 0.1
say (sprintf "Initial loss evaluation | Train Loss: %s | Val Loss: %s"
         (f 4 (evaluate changeDetectorRnn initialParams mse trainLoader)) (f 4 (evaluate changeDetectorRnn initialParams mse valLoader)))
report.Figure(fun () ->
    SignalFigures.indexedSignals "Training Sample 2"
        [ "input", "gray", floats xFix; "target", "black", floats yFix; "RNN prediction", "red", floats (predict changeDetectorRnn initialParams xFix)
          "recursive filter", "blue", changeDetectorRecursive 0.6 1.0 (floats xFix) 128 ])

/// The training loop of cells 25 and 28: a fold over the epochs collecting the loss curves and the snapshots
/// `snap` takes; `line` formats an epoch's report, printed after epoch 1, every `printEvery` epochs and the last.
let train (model: Layer) (p0: Params) (lossFn: LossFn) (adam: Optimizer) clip epochs printEvery (trainL, valL)
          (snap: Params -> float[]) (line: int -> float -> float -> Params -> string) =
    let step (ps, curves, snaps) ep =
        let ps, trainLoss = epoch model lossFn adam clip trainL ps
        let valLoss = evaluate model (fst ps) lossFn valL
        let shown = ep % printEvery = 0 || ep = 1 || ep = epochs
        if shown then say (line ep trainLoss valLoss (fst ps))
        let snaps = if shown then (ep, snap (fst ps)) :: snaps else snaps
        ps, (trainLoss, valLoss) :: curves, snaps
    let (p, _), curves, snaps = [ 1 .. epochs ] |> List.fold step ((p0, adam.Init p0), [], [])
    let curves = List.rev curves
    p, (curves |> List.map fst |> Array.ofList, curves |> List.map snd |> Array.ofList), List.rev snaps

let mseParams = changeDetectorParams 1.0 0.6 0.1
let _, (mseTrain, mseVal), mseSnaps =
    train changeDetectorRnn mseParams mse (Optim.adam 0.002) None 30 10 (trainLoader, valLoader)
          (fun p -> floats (predict changeDetectorRnn p xFix)) (fun ep tl vl _ ->
        sprintf "Epoch %2d | Train Loss: %s | Val Loss: %s" ep (f 4 tl) (f 4 vl))
report.Figure(fun () -> Figures.lossCurve [ "train loss (MSE)", mseTrain; "validation loss (MSE)", mseVal ])
report.Figure(fun () -> snapshotsFigure "Training Sample 2" (floats xFix) (floats yFix) mseSnaps)

// ------------------------------------------------------------------ cell 28: BCE with class weighting
/// (ds.Y > 0.5).float().mean().item(): a float32 mean, widened.
let posFrac (ds: NoveltyCurveDataset) = Tensor.item (Tensor.mean (Tensor.op_GreaterThan(ds.Y, 0.5).Cast Dtype.Float32))
/// make_bce_loss_from_dataset: pos_weight = (1 − pos_frac) / pos_frac as a float32 tensor.
let posWeightOf (ds: NoveltyCurveDataset) =
    let frac = posFrac ds
    Creation.ofFloat32 [| 1 |] [| float32 ((1.0 - frac) / max frac 1e-6) |]
let bceFor (ds: NoveltyCurveDataset) : LossFn = Loss.bceWithLogitsWith None (Some(posWeightOf ds)) Reduction.Mean

/// compute_prediction_dataset: (idx, x, y, probabilities) of each sample.
let predictions (model: Layer) (p: Params) (ds: NoveltyCurveDataset) (idx: int[]) =
    [| for i in idx -> i, floats (inputOf ds i), floats (targetOf ds i), floats (Tensor.sigmoid (predict model p (inputOf ds i))) |]
/// find_peaks(y, height, distance, plateau_size=True) as eval_peaks_dataset calls it.
let peaksOf height distance (y: float[]) =
    (SciPy.findPeaksWith { SciPy.FindPeaksOptions.None with HeightMin = Nullable height; Distance = Nullable(float distance)
                                                            PlateauSizeMin = Nullable 1.0; ReportPlateaus = true } y).Peaks
/// eval_peaks_dataset: each sample's peaks picked on reference and prediction, then eval_PRF.
let evalPeaks tolerance height (examples: (int * float[] * float[] * float[])[]) =
    let distance = max (2 * tolerance + 1) 1
    examples |> Array.map (fun (i, _, y, yp) ->
        let pr, pp = peaksOf height distance y, peaksOf height distance yp
        i, Evaluation.evalPRF pr pp tolerance, (pr, pp, y, yp))
let scores (evals: (int * Evaluation.PrfScore * 'a)[]) = evals |> Array.map (fun (_, s, _) -> s)
let prfText (s: Evaluation.PrfScore) =
    sprintf "P=%s | R=%s | F=%s | cond_ref=%s | cond_pred=%s" (f 3 s.Precision) (f 3 s.Recall) (f 3 s.FMeasure) (b s.CondRef) (b s.CondPred)
let peakFigure height (i: int, s: Evaluation.PrfScore, (pr, pp, y, yp)) =
    report.Figure(fun () -> SignalFigures.peakPicks (sprintf "[idx=%d] %s" i (prfText s)) y pr yp pp height)

let tanhRnn = rnnWithReadout 8 true
/// train_SimpleTanhRNN (cell 28), and with `prf` exercise 3's variant reporting P/R/F each epoch.
let trainTanhRnn (trainDs, trainL) (valDs, valL) (prf: (int * float) option) printEvery =
    Tensor.manualSeed 0L
    let p0 = Layer.init Generator.Default tanhRnn
    let line ep tl vl p =
        match prf with
        | Some(tol, height) ->
            let m (ds: NoveltyCurveDataset) = Evaluation.meanPRF (scores (evalPeaks tol height (predictions tanhRnn p ds [| 0 .. ds.Count - 1 |])))
            let tm, vm = m trainDs, m valDs
            sprintf "Ep %2d | T-L: %s | V-L: %s | T-PRF: %s/%s/%s | V-PRF: %s/%s/%s" ep (f 3 tl) (f 3 vl)
                (f 2 tm.Precision) (f 2 tm.Recall) (f 2 tm.FMeasure) (f 2 vm.Precision) (f 2 vm.Recall) (f 2 vm.FMeasure)
        | None -> sprintf "Epoch %2d | Train Loss: %s | Val Loss: %s" ep (f 4 tl) (f 4 vl)
    let xFix = inputOf trainDs 2
    let p, (tc, vc), snaps =
        train tanhRnn p0 (bceFor trainDs) (Optim.adam 0.01) (Some 1.0) 15 printEvery (trainL, valL)
              (fun p -> floats (Tensor.sigmoid (predict tanhRnn p xFix))) line
    report.Figure(fun () -> Figures.lossCurve [ "train loss (BCE)", tc; "validation loss (BCE)", vc ])
    // Exercise 3 keeps its snapshots without plotting them, as the course's solution does.
    if prf.IsNone then report.Figure(fun () -> snapshotsFigure "Training Sample 2" (floats xFix) (floats (targetOf trainDs 2)) snaps)
    p

report.Heading "RNN onset detection as binary sequence labeling"
let tanhParams = trainTanhRnn (trainDs, trainLoader) (valDs, valLoader) None 5
let testSets =
    [ "Standard", id
      "More Noise", (fun o -> { o with NoiseStd = 0.06 })
      "More Peaks with Less Minimal Distance", (fun o -> { o with MinGap = 7; NPeaksRange = (4, 8) })
      "Longer Peak Rise", (fun o -> { o with RiseLenRange = (6, 10) })
      "Extreme Test Conditions", (fun o -> { o with MinGap = 6; NPeaksRange = (5, 10); NoiseStd = 0.06; RiseLenRange = (6, 10) }) ]
    |> List.map (fun (label, change) -> label, novelty 4 (Some 1.0) 2L change)
for label, ds in testSets do
    report.Figure(fun () ->
        let pred = predictions tanhRnn tanhParams ds [| 0 .. 3 |]
        SignalFigures.pairsGridLabelled ("Input", "Target", "Prediction (probability)") label 1 4 t128
            (pred |> Array.map (fun (_, x, _, _) -> x)) (pred |> Array.map (fun (_, _, y, _) -> y)) (Some(pred |> Array.map (fun (_, _, _, p) -> p))))
let extremeDs = snd (List.last testSets)

// ================================================================== evaluation (cells 33-39)
report.Heading "Evaluation: onset detection"
for tol in [ 0; 1; 2; 3 ] do
    say (sprintf "tol=%2d | %s" tol (prfText (Evaluation.evalPRF [| 10L; 20; 30; 40; 46 |] [| 10L; 19; 22; 38; 49; 60 |] tol)))
let height, tolerance = 0.4, 2
// Cell 35: one sample of the extreme test set, its peaks picked without plateau sizes (the same peaks).
let _, _, yOne, predOne = (predictions tanhRnn tanhParams extremeDs [| 1 |])[0]
let plain (y: float[]) = (SciPy.findPeaks y height (float (2 * tolerance + 1))).Peaks
let prOne, ppOne = plain yOne, plain predOne
peakFigure height (1, Evaluation.evalPRF prOne ppOne tolerance, (prOne, ppOne, yOne, predOne))
let evalDs = evalPeaks tolerance height (predictions tanhRnn tanhParams extremeDs [| 0 .. extremeDs.Count - 1 |])
evalDs |> Array.iter (peakFigure height)

report.Heading "Aggregating evaluation scores over a dataset"
for i, s, _ in evalDs do say (sprintf "Sample %d: %s" i (prfText s))
say (String('-', 70))
say ("MACRO:    " + prfText (Evaluation.meanPRF (scores evalDs)))

// ================================================================== exercise 1
report.Heading "Exercise 1: impulse responses of recursive filters"
say "== Impulse responses for Echo, Smoothing, Change Detector, Running Sum with Dec. =="
let xImp = [| 1.0; 0; 0; 0; 0; 0; 0 |]
for name, h in [ "Echo", echo 3 0.6 xImp lengthOut; "Smoothing", smoothing 0.5 xImp lengthOut
                 "Change Detector", changeDetectorRecursive 0.6 1.0 xImp lengthOut; "Running Sum with Decay", runningSumDecay 0.8 xImp lengthOut ] do
    report.Figure(fun () -> io ("Impulse Response: " + name) xImp h)
say "\n== Change detector impulse responses for different (r, k) settings =="
let x12 = Array.init lengthOut (fun n -> if n = 0 then 1.0 else 0.0)
for r, k in [ 0.6, 1.0; 0.9, 1.0; 1.2, 1.0; 0.6, 2.5 ] do
    report.Figure(fun () -> io (sprintf "Change Detector: r=%s, k=%s" (PyFormat.floatRepr r) (PyFormat.floatRepr k)) x12 (changeDetectorRecursive r k x12 lengthOut))

// ================================================================== exercise 2
report.Heading "Exercise 2: class-imbalance weighting"
let eps = 1e-5
say "Using:"
say "ds = NoveltyCurveDataset(n_samples=200, seq_len=128, sigma_target, min_gap, n_peaks_range, seed)"
say (sprintf "epsilon = %s\n" (PyFormat.floatRepr eps))
say "sigma | min_gap | n_peaks_range | seed | pos_frac | pw_own | pw_from_loss | abs_diff"
say (String('-', 84))
for sigma, minGap, (lo, hi), seed in [ None, 10, (3, 6), 0L; Some 1.0, 10, (3, 6), 0L; Some 2.0, 10, (3, 6), 0L; Some 2.0, 10, (3, 6), 1L
                                       Some 1.0, 5, (3, 8), 0L; Some 1.0, 5, (5, 10), 0L; Some 1.0, 5, (8, 12), 0L; Some 1.0, 5, (8, 12), 1L ] do
    let ds = novelty 200 sigma seed (fun o -> { o with MinGap = minGap; NPeaksRange = (lo, hi) })
    let frac = posFrac ds
    let pwOwn = (1.0 - frac) / max frac eps
    let pwFromLoss = Tensor.item (posWeightOf ds)
    let sigmaText = match sigma with Some s -> f 1 s | None -> "None"
    say (sprintf "%-5s | %7d | %-13s | %4d | %8s | %6s | %12s | %8s" sigmaText minGap (sprintf "(%d, %d)" lo hi) seed
             (f 4 frac) (f 2 pwOwn) (f 2 pwFromLoss) (PyFormat.toSci 2 (abs (pwOwn - pwFromLoss))))
say "\nNote: Differences between pw_own and pw_from_loss are due to different epsilon \nvalues used to avoid division by zero."

// ================================================================== exercise 3
report.Heading "Exercise 3: training with PRF reporting"
/// Exercise 3's run: the settings' banner, the training with P/R/F per epoch, and two validation examples.
let exercise3 (banner: string list) (trainDs: NoveltyCurveDataset, trainShuffle) (valDs: NoveltyCurveDataset) tol height (shown: int[]) =
    let trainL = loader trainDs trainShuffle
    let valL = loader valDs false
    banner |> List.iter say
    let p = trainTanhRnn (trainDs, trainL) (valDs, valL) (Some(tol, height)) 1
    say "\nPlot of selected examples:\n"
    evalPeaks tol height (predictions tanhRnn p valDs shown) |> Array.iter (peakFigure height)

exercise3
    [ String('=', 45); "Training on train_ds and validation on val_ds"; "PRF settings: tolerance=2, height=0.4"; String('=', 45)
      "train_ds = NoveltyCurveDataset(n_samples=200, seq_len=128, sigma_target=1.0, seed=0)"
      "val_ds  =  NoveltyCurveDataset(n_samples=100, seq_len=128, sigma_target=1.0, seed=1)\n" ]
    (novelty 200 (Some 1.0) 0L id, true) (novelty 100 (Some 1.0) 1L id) 2 0.4 [| 2; 6 |]

let modified (o: NoveltyCurveOptions) = { o with MinGap = 6; NPeaksRange = (5, 8); NoiseStd = 0.06; RiseLenRange = (2, 10) }
// The course builds 200 validation sequences here although it prints n_samples=100, and its loader does not shuffle.
exercise3
    [ String('=', 61); "Training on train_ds_mod and validation on val_ds_mod        "; "PRF settings: tolerance=1, height=0.5"; String('=', 61)
      "train_ds_mod = NoveltyCurveDataset(n_samples=200, seq_len=128, sigma_target=1.0,"
      "    min_gap=6, n_peaks_range=(5, 8), noise_std=0.06, rise_len_rng=(2, 10), seed=0)"
      "val_ds_mod = NoveltyCurveDataset(n_samples=100, seq_len=128, sigma_target=1.0,"
      "    min_gap=6, n_peaks_range=(5, 8), noise_std=0.06, rise_len_rng=(2, 10), seed=1)\n" ]
    (novelty 200 (Some 1.0) 0L modified, false) (novelty 200 (Some 1.0) 1L modified) 1 0.5 [| 4; 5 |]
report.Finish()
