// The course unit "Convolution and CNNs" (PCPT unit 6) in F#, functional style: a Conv1d is a `Layer` value
// (a description; `Layer.init` makes its parameters), its parameters are a `Params` tree that a fixed kernel
// simply replaces, gradients come from `Params.valueAndGrad`, and SGD is a pure `Update`. Training is a fold
// over epochs. Same seeds, same draws, same float32 arithmetic as PyTorch 1.13: it prints the course's lines
// (tests/data/unit06_printed.txt).
//
// Run after building:   dotnet build -c Release
//                       dotnet fsi examples/Unit06.fsx                       (prints the unit)
//                       dotnet fsi examples/Unit06.fsx --report unit06.html  (also writes the figures)
#load "Unit05.Setup.fsx"   // references the built assemblies; the report writer

open System
open Fluxion
open Fluxion.Compat
open Fluxion.Data
open Fluxion.Nn
open Fluxion.Ops
open Fluxion.Optim
open Fluxion.Random
open Fluxion.Course
open Fluxion.Plot
open Fluxion.Printing
open Unit05Setup

let report = ReportWriter.FromArgs(fsi.CommandLineArgs, "PCPT unit 6: convolution, functional F#")
let say (line: string) = report.Say line
let npRandom = NumpyRandomState.Default
/// str(ndarray) of float32 values (tensor.numpy()), float64 and integer arrays.
let str32 (t: Tensor) = NumpyFormat.floats32With 8 false (t |> Tensor.flatten |> Tensor.toArray)
let str64 (a: float[]) = NumpyFormat.floats64With 8 false a
let strInt (a: int64[]) = NumpyFormat.ints a
let tuple (t: Tensor) = PyFormat.tuple t.Shape
let floats (t: Tensor) = Figures.widen (Tensor.toArray (Tensor.flatten t))
/// torch.tensor(rows, dtype=float32): each float64 value rounded once.
let tensorOfRows (rows: float[][]) =
    Creation.ofDoubles [| rows.Length; rows[0].Length |] Dtype.Float32 (Array.concat rows)
let mse (prediction: Tensor) (target: Tensor) = Loss.mse Reduction.Mean prediction target

// ================================================================== Introduction to 1D convolution
report.Heading "Introduction to 1D convolution"
Tensor.manualSeed 0L
npRandom.Seed 0L
let x = [| 1L; 2L; 3L; 4L |]
let h = [| 1L; 2L; 3L |]
let y = NumPy.convolveInt64 x h NumPy.ConvolveMode.Full
let lengthLine (label: string) (a: int64[]) = sprintf "%-20s length: %-2d  | values: %s" label a.Length (strInt a)
say (lengthLine "Input signal x:" x)
say (lengthLine "Kernel h:" h)
say (lengthLine "Output y = x * h:" y)

// The course defines float copies here but convolves the integer x and h of the cell before.
report.Heading "Convolution modes in NumPy"
say (lengthLine "Input signal x:" x)
say (lengthLine "Kernel h:" h + "\n")
for label, mode in [ "y with full mode:", "full"; "y with valid mode:", "valid"; "y with same mode:", "same" ] do
    say (lengthLine label (NumPy.convolveInt64 x h (NumPy.parseConvolveMode mode)))

// ================================================================== Convolution in PyTorch
report.Heading "Convolution vs. cross-correlation"
let xNp = [| 1.0; 2.0; 3.0; 4.0 |]
let hNp = [| 1.0; 2.0; 3.0 |]
/// A float64 array as a (1, 1, L) float32 tensor: torch.tensor(a, dtype=torch.float32).view(1, 1, -1).
let signal (a: float[]) = Creation.ofDoubles [| 1; 1; a.Length |] Dtype.Float32 a
let xPt, hPt = signal xNp, signal hNp
say (sprintf "%-28s %s" "Input signal x:" (str64 xNp))
say (sprintf "%-28s %s\n" "Kernel h:" (str64 hNp))
say "Output in 'valid' mode with various NumPy and PyTorch implementations:"
say (sprintf "%-28s %s" "NumPy convolution (valid):" (str64 (NumPy.convolve xNp hNp "valid")))
say (sprintf "%-28s %s" "NumPy cross-correlation:" (str64 (NumPy.convolve xNp (Array.rev hNp) "valid")))
say (sprintf "%-28s %s" "PyTorch conv1d (cross-corr):" (str32 (Convolution.conv1d 1 0 1 1 hPt None xPt)))

/// nn.Conv1d(1, 1, 3, ...) as a value; `withKernel` replaces the drawn weight (conv.weight.data = h).
let conv1 (stride: int) (padding: ConvPadding) (dilation: int) (bias: bool) =
    Layer.conv1dWith 1 1 3 stride padding dilation 1 bias "zeros"
let withKernel (kernel: Tensor) (p: Params) =
    Params.group [ for name, t in Params.flatten p -> name, Params.leaf (if name = "weight" then kernel else t) ]

report.Heading "Key parameters of nn.Conv1d"
let convBias = conv1 1 (Explicit [| 0 |]) 1 true
let convBiasParams = Layer.init Generator.Default convBias |> withKernel hPt   // weight, then bias drawn
say (sprintf "%-21s %s" "Input signal x:" (str64 xNp))
say (sprintf "%-21s %s" "Kernel h:" (str64 hNp))
say (sprintf "%-21s %s" "Output (with bias):" (str32 (Layer.apply convBias convBiasParams xPt)))
let zeroBias = Params.group [ "weight", Params.leaf hPt; "bias", Params.leaf (Tensor.zeros [| 1 |]) ]
say (sprintf "%-21s %s" "Output (bias = 0):" (str32 (Layer.apply convBias zeroBias xPt)))

/// Builds the layer (drawing its weight as nn.Conv1d does), fixes the kernel and applies it.
let fixedConv (layer: Layer) (input: Tensor) =
    Layer.apply layer (Layer.init Generator.Default layer |> withKernel hPt) input

report.Heading "Padding options"
say (sprintf "%-15s | shape = %s | values = %s" "Input tensor x" (tuple xPt) (str32 xPt))
say (sprintf "%-15s | shape = %s | values = %s\n" "Kernel tensor h" (tuple hPt) (str32 hPt))
for label, padding in [ "valid", Valid; "same", Same; "0", Explicit [| 0 |]; "1", Explicit [| 1 |]
                        "2", Explicit [| 2 |]; "3", Explicit [| 3 |] ] do
    let out = fixedConv (conv1 1 padding 1 false) xPt
    say (sprintf "Padding = %-5s | shape = %s | values = %s" label (tuple out) (str32 out))

report.Heading "Stride in convolution"
say (sprintf "%-16s | shape = %s | values = %s" "Input tensor x" (tuple xPt) (str32 xPt))
say (sprintf "%-16s | shape = %s | values = %s\n" "Kernel tensor h" (tuple hPt) (str32 hPt))
say "Padding = 2"
for stride in [ 1; 2; 3 ] do
    let out = fixedConv (conv1 stride (Explicit [| 2 |]) 1 false) xPt
    say (sprintf "%-16s | shape = %s | values = %s" (sprintf "Stride = %d" stride) (tuple out) (str32 out))

report.Heading "Dilation in convolution"
let x8 = signal [| 1.0 .. 8.0 |]
say (sprintf "%-16s | shape = %s | values = %s" "Input tensor x" (tuple x8) (str32 x8))
say (sprintf "%-16s | shape = %s | values = %s\n" "Kernel tensor h" (tuple hPt) (str32 hPt))
say "Padding = 0"
say "Stride = 1"
for dilation in [ 1; 2; 3 ] do
    let out = fixedConv (conv1 1 (Explicit [| 0 |]) dilation false) x8
    say (sprintf "%-16s | shape = %s | values = %s" (sprintf "Dilation = %d" dilation) (tuple out) (str32 out))

// ================================================================== Denoising with a convolutional filter
report.Heading "Example: denoising with a convolutional filter"
let sinOf (t: float[]) (f: float -> float) = t |> Array.map (fun ti -> Math.Sin(f ti))
let tSignal = NumPy.linspace 0.0 1.0 256 true
let xClean = sinOf tSignal (fun ti -> 2.0 * Math.PI * ti)
npRandom.Seed 0L
let xNoisy = Array.map2 (+) xClean (npRandom.Normal(0.0, 0.3, 256))
let box = Array.create 21 (1.0 / 21.0)
report.Figure(fun () -> SignalFigures.denoise tSignal xNoisy (Some xClean) (Some(NumPy.convolve xNoisy box "same")))

/// The LowPassFilter module: Conv1d(1, 1, 21, padding="same", bias=False) whose kernel is ones/21.
let lowPass = Layer.conv1dWith 1 1 21 1 Same 1 1 false "zeros"
let lowPassParams =
    Layer.init Generator.Default lowPass |> ignore   // nn.Conv1d draws its weight before it is replaced
    Params.group [ "weight", Params.leaf (Tensor.ones [| 1; 1; 21 |] / 21.0) ]
let smoothed = Layer.apply lowPass lowPassParams (signal xNoisy)
report.Figure(fun () -> SignalFigures.denoise tSignal xNoisy (Some xClean) (Some(floats smoothed)))

/// Cell 26's generate_sine_wave: frequency in [0, 8] Hz, phase in [0, 1], noise std in [0.2, 1].
let generateSineWave (lenSignal: int) (numPairs: int) =
    let t = NumPy.linspace 0.0 1.0 lenSignal true
    let pairs =
        Array.init numPairs (fun _ ->
            let freq = npRandom.Uniform(0.0, 8.0)
            let phase = npRandom.Uniform(0.0, 1.0)
            let noiseStd = npRandom.Uniform(0.2, 1.0)
            let y = sinOf t (fun ti -> 2.0 * Math.PI * (freq * ti - phase))
            Array.map2 (+) y (npRandom.Normal(0.0, noiseStd, lenSignal)), y)
    t, Array.map fst pairs, Array.map snd pairs

report.Heading "Preparing training examples"
let tTrain, xTrain, yTrain = generateSineWave 256 1000
report.Figure(fun () -> SignalFigures.pairsGrid "First 24 Training Pairs" 4 6 tTrain xTrain yTrain None)

// ------------------------------------------------------------------ training with manual batches
report.Heading "Training process"
/// LearnableLowpass: one Conv1d(1, 1, 21, padding="same", bias=False).
let learnableLowpass = Layer.conv1dWith 1 1 21 1 Same 1 1 false "zeros"
let sgd = Optim.sgd 0.01

/// One SGD step on a batch: returns the new parameters and state, and the batch's loss.
let step (model: Layer) (p: Params, state) (xb: Tensor, yb: Tensor) =
    let loss, grad = Params.valueAndGrad (fun p -> mse (Layer.apply model p xb) yb) p
    let struct (p', state') = sgd.Update(grad, state, p)
    (p', state'), Tensor.item loss

/// Runs the epochs; `batchesOf epoch data` yields the epoch's batches and the data for the next epoch.
/// Prints the course's line after epochs 1, 10, 20, ...; returns the parameters, the data and the averages.
let train (model: Layer) (p0: Params) (nEpochs: int) (data: 'D) (batchesOf: 'D -> (Tensor * Tensor)[] * 'D) =
    let epoch (p, state, data, averages) k =
        let batches, data' = batchesOf data
        let losses, (p', state') = batches |> Array.mapFold (fun ps b -> let ps', l = step model ps b in l, ps') (p, state)
        let average = Array.fold (+) 0.0 losses / float batches.Length
        if k = 1 || k % 10 = 0 then say (sprintf "Epoch %2d/%d | Avg. Loss: %s" k nEpochs (PyFormat.toFixed 6 average))
        p', state', data', average :: averages
    let p, _, data, averages = [ 1 .. nEpochs ] |> List.fold epoch (p0, sgd.Init p0, data, [])
    p, data, List.rev averages |> Array.ofList

Tensor.manualSeed 0L
let lowpassInit = Layer.init Generator.Default learnableLowpass
/// Shuffles the pairs with torch.randperm and cuts 31 batches of 32 (the last 8 pairs are left out).
let shuffledBatches (xs: Tensor, ys: Tensor) =
    let perm = Creation.ofInt64 [| 1000 |] (Sampling.randperm Generator.Default 1000)
    let xs, ys = Tensor.indexSelect 0 perm xs, Tensor.indexSelect 0 perm ys
    [| for i in 0 .. 1000 / 32 - 1 -> Tensor.narrow 0 (i * 32) 32 xs, Tensor.narrow 0 (i * 32) 32 ys |], (xs, ys)
let pairs = tensorOfRows xTrain |> Tensor.unsqueeze 1, tensorOfRows yTrain |> Tensor.unsqueeze 1
let lowpassTrained, (xShuffled, yShuffled), manualAverages = train learnableLowpass lowpassInit 50 pairs shuffledBatches
report.Figure(fun () -> Figures.lossCurve [ ("average loss per epoch (manual batches)", manualAverages) ])

report.Heading "The learned filter and its effect on new data"
report.Figure(fun () -> SignalFigures.kernelStem "Learned Filter Kernel" (floats (Layer.field "weight" lowpassTrained)))
let tTest, xTest, yTest = generateSineWave 256 7
let predictRows (model: Layer) (p: Params) (rows: float[][]) =
    let out = Layer.apply model p (tensorOfRows rows |> Tensor.unsqueeze 1)
    Array.init rows.Length (fun i -> floats (Tensor.select 0 i out))
let yPredTest = predictRows learnableLowpass lowpassTrained xTest
report.Figure(fun () -> SignalFigures.denoise tTest xTest[6] (Some yTest[6]) (Some yPredTest[6]))
report.Figure(fun () -> SignalFigures.pairsGrid "Six Further Examples" 2 3 tTest xTest yTest (Some yPredTest))

// ================================================================== Datasets and data loaders
report.Heading "Working with datasets"
// SineWaveDataset(X, Y) serves (X[i], Y[i]): a TensorDataset does exactly that.
let dataset = TensorDataset(xShuffled, yShuffled)
say (sprintf "Total number of samples: %d" dataset.Count)
let sample0 = dataset[0]
say (sprintf "x_sample shape: %O" sample0[0].Size)
say (sprintf "y_sample shape: %O" sample0[1].Size)
let short (t: Tensor) = NumpyFormat.floats32With 3 true (Tensor.toArray t)
let head n (t: Tensor) = t |> Tensor.select 0 0 |> Tensor.narrow 0 0 n
say (sprintf "First 5 values (input):  %s" (short (head 5 sample0[0])))
say (sprintf "First 5 values (target): %s" (short (head 5 sample0[1])))
for i in 0 .. 2 do
    let item = dataset[i]
    say (sprintf "Sample %d: x[0,:2]=%s, y[0,:2]=%s" i (short (head 2 item[0])) (short (head 2 item[1])))

report.Heading "Working with data loaders"
/// One epoch of a shuffling DataLoader as (x, y) batches (each enumeration draws its own order).
let loaderBatches (loader: DataLoader<Tensor[]>) = [| for b in loader -> b[0], b[1] |], loader
let loader = DataLoader<Tensor[]>(dataset, batchSize = 32, shuffle = true)
Tensor.manualSeed 0L
let _, _, loaderAverages = train learnableLowpass (Layer.init Generator.Default learnableLowpass) 50 loader loaderBatches
report.Figure(fun () -> Figures.lossCurve [ ("average loss per epoch (DataLoader)", loaderAverages) ])

// ================================================================== Exercise 1
report.Heading "Exercise 1: convolution for smoothing and edge detection"
let xEx1 = [| 1.0; 1.0; 0.0; 1.0; 1.0; 0.0; 8.0; 9.0; 7.0; 7.0; 6.0; 5.0; 4.0 |]
/// True convolution with padding "same": F.conv1d with the flipped kernel.
let convolveSame (kernel: float[]) =
    let w = signal kernel |> Tensor.flip [| -1 |]
    let total = kernel.Length - 1
    Convolution.conv1d 1 0 1 1 w None (Functional.padLast "zeros" (total / 2) (total - total / 2) (signal xEx1)) |> Tensor.squeeze
let xSmooth = convolveSame [| 1.0 / 3.0; 1.0 / 3.0; 1.0 / 3.0 |]
let xEdges = convolveSame [| 1.0; 0.0; -1.0 |]
report.Figure(fun () ->
    SignalFigures.indexedSignals "Convolution: Smoothing and Edge Detection"
        [ "Original", "black", xEx1; "Smoothing", "darkturquoise", floats xSmooth; "Edge detection", "red", floats xEdges ])
say "* Smoothing reduces sharp transitions by averaging neighbors."
say "* The edge detector reacts to abrupt changes"
say "  (e.g., when the signal rises from 0 to 8)."
say "* Zero-padding can cause edge boundary artifacts"
say "  (e.g., spurious negative values at the end)."

// ================================================================== Exercise 2
report.Heading "Exercise 2: key parameters of nn.Conv1d"
let xEx2 = Tensor.randn [| 3; 2; 15 |]
say (sprintf "Input shape: %O\n" xEx2.Size)
let layers =
    [ Layer.conv1dWith 2 3 5 1 (Explicit [| 0 |]) 1 1 false "zeros"
      Layer.conv1dWith 2 3 5 1 (Explicit [| 0 |]) 1 1 true "zeros"
      Layer.conv1dWith 2 3 5 3 (Explicit [| 2 |]) 1 1 true "zeros"
      Layer.conv1dWith 2 7 5 1 (Explicit [| 2 |]) 3 1 true "zeros" ]
// nn.Conv1d draws each layer's parameters when it is built: all four before the first is applied.
let layerParams = layers |> List.map (Layer.init Generator.Default)
for k, (layer, p) in List.indexed (List.zip layers layerParams) do
    let out = Layer.apply layer p xEx2
    let weight = Layer.field "weight" p
    let bias = Params.flatten p |> Array.tryFind (fun (name, _) -> name = "bias") |> Option.map snd
    let nBias = bias |> Option.map (fun b -> b.Numel) |> Option.defaultValue 0
    say (sprintf "Layer %d: %O" (k + 1) layer)
    say (sprintf "  Output shape: %O" out.Size)
    say (sprintf "  Weights shape: %O -> total: %d" weight.Size weight.Numel)
    say (sprintf "  Bias shape: %s -> total: %d" (bias |> Option.map (fun b -> string b.Size) |> Option.defaultValue "None") nBias)
    say (sprintf "  Total parameters: %d\n" (weight.Numel + nBias))
let strided = Layer.conv1dWith 2 3 3 5 (Explicit [| 0 |]) 1 1 true "zeros"
let stridedOut = Layer.apply strided (Layer.init Generator.Default strided) xEx2
say "Case: stride > kernel_size:"
say (sprintf "Layer 5: %O" strided)
say (sprintf "  Output shape: %O\n" stridedOut.Size)
say "Note: When stride > kernel_size, the convolution kernel spans a small window\n(e.g., 3 values) but advances by a larger step (e.g., 5)."
say "As a result, parts of the input are skipped entirely and do not influence\nthe output. This can lead to a loss of fine signal details, reducing\ntemporal resolution and potentially degrading model performance."

// ================================================================== Exercise 3
report.Heading "Exercise 3: learning to separate low- and high-frequency components"
let tEx3, xEx3, yEx3 = Unit06Data.generateSineSuperposition 256 1000
report.Figure(fun () -> SignalFigures.pairsGrid "First 24 Training Pairs" 4 6 tEx3 xEx3 yEx3 None)
let ex3Loader =
    DataLoader<Tensor[]>(TensorDataset(tensorOfRows xEx3 |> Tensor.unsqueeze 1, tensorOfRows yEx3 |> Tensor.unsqueeze 1),
                         batchSize = 32, shuffle = true)
/// LearnableHighpass: Conv1d(1, 1, 21, padding=10, bias=False).
let learnableHighpass = Layer.conv1dWith 1 1 21 1 (Explicit [| 10 |]) 1 1 false "zeros"
Tensor.manualSeed 0L
let highpassTrained, _, highpassAverages =
    train learnableHighpass (Layer.init Generator.Default learnableHighpass) 50 ex3Loader loaderBatches
report.Figure(fun () -> Figures.lossCurve [ ("average loss per epoch (high-pass)", highpassAverages) ])
report.Figure(fun () -> SignalFigures.kernelStem "Learned Filter Kernel" (floats (Layer.field "weight" highpassTrained)))
let tTest3, xTest3, yTest3 = Unit06Data.generateSineSuperposition 256 7
let yPred3 = predictRows learnableHighpass highpassTrained xTest3
report.Figure(fun () -> SignalFigures.denoise tTest3 xTest3[6] (Some yTest3[6]) (Some yPred3[6]))
report.Figure(fun () -> SignalFigures.pairsGrid "Six Further Examples" 2 3 tTest3 xTest3 yTest3 (Some yPred3))
report.Finish()
