// The course unit "torch.nn" (PCPT unit 5) in F#, functional style: layers are immutable values, their
// parameters are plain trees of tensors (`Params`), gradients come from `Params.valueAndGrad` (built on
// `Diff`), and optimizers are pure values: `Update(grads, state, params)` returns the new params and state.
// Same seeds, same draws, same float32 arithmetic as PyTorch 1.13: every printed loss equals the course's.
//
// Run after building:   dotnet build -c Release
//                       dotnet fsi examples/Unit05.fsx                       (prints the unit)
//                       dotnet fsi examples/Unit05.fsx --report unit05.html  (also writes the figures)
#load "Unit05.Setup.fsx"   // references the built assemblies; report and summary helpers

open System
open Fluxion
open Fluxion.Nn
open Fluxion.Optim
open Fluxion.Random
open Fluxion.Course
open Fluxion.Plot
open Fluxion.Printing
open Fluxion.Kernels.OptimKernels
open Unit05Setup

let report = ReportWriter.FromArgs(fsi.CommandLineArgs, "PCPT unit 5: torch.nn, functional F#")
let say (line: string) = report.Say line
let toFixed (digits: int) (v: float) = PyFormat.toFixed digits v
let mse (prediction: Tensor) (target: Tensor) = Loss.mse Reduction.Mean prediction target
/// The course's progress line for Fit.fit: `Iteration 1000 | Loss = 0.191869` every 1000 iterations.
let every1000 (k: int) (loss: float) = say (Fit.progressLine k loss)
let train (iterations: int) = { FitOptions.Create iterations with ReportEvery = 1000 }
let floats (t: Tensor) = Figures.widen (Tensor.toArray t)

// ================================================================== Example: polynomial regression
report.Heading "Example: polynomial regression"
let xData, yData = UnitData.trainingPairs ()          // manual_seed(0); x = rand(100)*2; y = ... (exact)
say (sprintf "Number of training pairs: %d" xData.Length)
report.Figure(fun () -> Figures.trainingPairs (Figures.widen xData) (Figures.widen yData) None)

let xs = Tensor.ofArray [| 100 |] xData
let ys = Tensor.ofArray [| 100 |] yData
let y = ys |> Tensor.unsqueeze 1                           // (B, 1), like the layer's output
let features = Tensor.stack 1 [| xs; xs |> Tensor.pow 2.0 |]  // (B, 2): x and x²

Tensor.manualSeed 0L
let linear = Layer.linear 2 1                               // a description: nothing drawn yet
let linearInit = Layer.init Generator.Default linear        // the draws nn.Linear(2, 1) makes
let learningRate = 1e-2

/// One hand-written gradient step, p ← p − lr·∇loss(p), printing the loss every 1000 iterations.
let manualStep (p: Params) (k: int) =
    let loss, grad = Params.valueAndGrad (fun p -> mse (Layer.apply linear p features) y) p
    if k % 1000 = 0 then say (sprintf "Iteration %4d | Loss: %s" k (toFixed 4 (Tensor.item loss)))
    Params.map2 (fun w dw -> w - dw * learningRate) p grad

let linearTrained = [ 1 .. 4000 ] |> List.fold manualStep linearInit

/// a (bias), b and c (the weights of x and x²) of a trained Linear(2, 1).
let abc (p: Params) =
    let w = Layer.field "weight" p
    (Layer.field "bias" p).[0].ToDouble(), w.[0, 0].ToDouble(), w.[0, 1].ToDouble()

let a, b, c = abc linearTrained
say (sprintf "\nLearned Parameters:\na = %s, b = %s, c = %s" (toFixed 4 a) (toFixed 4 b) (toFixed 4 c))
let polyCurve (a, b, c) = Figures.polynomialCurve a b c (floats (Tensor.linspace 0.0 2.0 100))
report.Figure(fun () -> Figures.trainingPairs (Figures.widen xData) (Figures.widen yData) (Some(polyCurve (a, b, c))))

// ------------------------------------------------------------------ the layer, its shapes and parameters
let yPred = Layer.apply linear linearTrained features
say (sprintf "Shape of input tensor: %O" features.Size)
say (sprintf "Shape of output tensor: %O" yPred.Size)
say (sprintf "Linear layer: %O" linear)
// In the functional style a parameter is just a tensor in the tree; `Parameter` only adds PyTorch's printout.
let weight, bias = Layer.field "weight" linearTrained, Layer.field "bias" linearTrained
say (sprintf "Weight matrix shape: %O" weight.Size)
say (sprintf "Weight values:\n %O" (Parameter weight))
say (sprintf "Bias shape: %O" bias.Size)
say (sprintf "Bias values:\n %O" (Parameter bias))

// ================================================================== A network as a layer value
/// The course's `class NeuralNetLinear(nn.Module)`: one named child and a forward recipe.
let neuralNetLinear =
    Layer.composite "NeuralNetLinear" [ ("linear_model", Layer.linear 2 1) ] (fun call x -> call "linear_model" x)

// Not reseeded: these are the three draws after cell 9's Linear(2, 1).
let netLinearInit = Layer.init Generator.Default neuralNetLinear
say (string neuralNetLinear)
say "Model architecture:"
say (string neuralNetLinear)
say "Registered submodules (via model._modules):"
say (ModuleFormat.modulesDictRepr Dict [ for KeyValue(name, child) in neuralNetLinear.Children -> name, string child ])
say ""
say "Learnable parameters:"
for name, t in Params.flatten netLinearInit do
    say (sprintf "     Name: %s; Shape: %O; Number of elements: %d" name t.Size t.Numel)
say (sprintf "Total number of trainable parameters: %d" (Params.numel netLinearInit))
say "Initialized parameters of the NeuralNetLinear model:\n"
for name, t in Params.flatten netLinearInit do
    say (sprintf "Name: %s\n  Shape: %O\n  Values:\n%O" name t.Size t)
    // Every leaf of the tree is differentiated by Params.valueAndGrad: all of them are trainable.
    say "  requires_grad: True\n"

// ------------------------------------------------------------------ training with a pure optimizer
let xData2, yData2 = UnitData.trainingPairs ()    // reseeds, as generate_training_pairs() does
let features2 = Tensor.stack 1 [| Tensor.ofArray [| 100 |] xData2; Tensor.ofArray [| 100 |] xData2 |> Tensor.pow 2.0 |]
let y2 = Tensor.ofArray [| 100; 1 |] yData2
Tensor.manualSeed 0L
let fitLinear =
    Layer.init Generator.Default neuralNetLinear
    |> Fit.fit (Optim.sgd 1e-2) (fun p -> mse (Layer.apply neuralNetLinear p features2) y2) (train 4000) every1000
let a2, b2, c2 = abc (Params.child "linear_model" fitLinear.Params)
say (sprintf "Learned parameters: a = %s,  b = %s,  c = %s" (toFixed 4 a2) (toFixed 4 b2) (toFixed 4 c2))
report.Figure(fun () -> Figures.trainingPairs (Figures.widen xData2) (Figures.widen yData2) (Some(polyCurve (a2, b2, c2))))

// ================================================================== Piecewise linear approximation
/// `class NeuralNetTwoLayer(nn.Module)` with the activation as an argument (exercise 1 asks for that).
/// `Layer.linear 1 3 --> activation --> Layer.linear 3 1` is the same network (same draws, same numbers, see
/// exercise 1); this named form prints and summarises like the course's class.
let neuralNetTwoLayer (activation: Layer) =
    Layer.composite "NeuralNetTwoLayer"
        [ "linear1", Layer.linear 1 3; "activation", activation; "linear2", Layer.linear 3 1 ]
        (fun call x -> x |> call "linear1" |> call "activation" |> call "linear2")

Tensor.manualSeed 0L
let twoLayer = neuralNetTwoLayer Layer.relu
let twoLayerInit = Layer.init Generator.Default twoLayer
say "Model structure:"
say (string twoLayer)
say "Learnable parameters:"
for name, t in Params.flatten twoLayerInit do
    say (sprintf "Name: %s; Shape: %O; Number of elements: %d" name t.Size t.Numel)
say (sprintf "Total number of parameters: %d" (Params.numel twoLayerInit))
say "\nModel summary (using torchinfo):"
say (summaryOfLayer twoLayer [| 1 |])

let xInput = Tensor.ofArray [| 4; 1 |] [| 0.0f; 1.0f; 2.0f; 3.0f |]
say (sprintf "Input tensor of shape: %O" xInput.Size)
say (string xInput)
// A pure forward pass: a plain value (no grad_fn, unlike the notebook's module call).
let yOutput = Layer.apply twoLayer twoLayerInit xInput
say (sprintf "\nOutput tensor of shape: %O" yOutput.Size)
say (string yOutput)

// ------------------------------------------------------------------ training the two-layer network
let xColumn = Tensor.ofArray [| 100; 1 |] xData
let yColumn = Tensor.ofArray [| 100; 1 |] yData
let grid = Tensor.linspace 0.0 2.0 100
/// Trains a 1-in/1-out network on the training pairs with SGD; returns the fit and the learned curve on [0, 2].
let trainOnPairs (net: Layer) (lr: float) =
    Tensor.manualSeed 0L
    let fit =
        Layer.init Generator.Default net
        |> Fit.fit (Optim.sgd lr) (fun p -> mse (Layer.apply net p xColumn) yColumn) (train 4000) every1000
    fit, Layer.apply net fit.Params (grid |> Tensor.unsqueeze 1)

let _, twoLayerCurve = trainOnPairs twoLayer 1e-2
report.Figure(fun () -> Figures.trainingPairs (Figures.widen xData) (Figures.widen yData) (Some(floats grid, floats twoLayerCurve)))

// ------------------------------------------------------------------ shared weights
/// `class NeuralNet(nn.Module)`: one Linear(1, 1) applied twice. The course's forward returns the global
/// `y` (the (100, 1) targets) instead of `x`; kept, because that is why torchinfo reports [100, 1].
let neuralNet =
    Layer.composite "NeuralNet" [ ("linear_model", Layer.linear 1 1) ] (fun call x ->
        x |> call "linear_model" |> call "linear_model" |> ignore
        yColumn)
let neuralNetInit = Layer.init Generator.Default neuralNet    // the draws after the two-layer net's
say (string neuralNet)
say "\nModel summary (using torchinfo):"
say (summaryOfLayer neuralNet [| 1 |])

// ================================================================== Exercise 1: activation functions
report.Heading "Exercise 1: activation functions"
let xAct = Tensor.linspace -5.0 5.0 400
report.Figure(fun () ->
    Figures.activationGrid (floats xAct) (floats (Tensor.relu xAct)) (floats (Tensor.sigmoid xAct))
                           (floats (Tensor.tanh xAct)) (floats (Tensor.leakyRelu 0.1 xAct)))

// The same network written with `-->`: Sequential(Linear(1, 3), activation, Linear(3, 1)), same draws.
for activation, lr in [ Layer.relu, 0.01; Layer.sigmoid, 0.1; Layer.identity, 0.01 ] do
    say (sprintf "Activation function: %s; Learning rate: %s" activation.Name (PyFormat.floatRepr lr))
    let _, curve = trainOnPairs (Layer.linear 1 3 --> activation --> Layer.linear 3 1) lr
    report.Figure(fun () -> Figures.trainingPairs (Figures.widen xData) (Figures.widen yData) (Some(floats grid, floats curve)))

// ================================================================== Exercise 2: model capacity
report.Heading "Exercise 2: model capacity"
/// Input (1D) -> Linear(1, H) -> act -> Linear(H, H) -> act -> Linear(H, H) -> act -> Linear(H, 1); one act value, used three times.
let neuralNetFourLayer (h: int) (act: Layer) =
    Layer.composite "NeuralNetFourLayer"
        [ "linear1", Layer.linear 1 h; "linear2", Layer.linear h h; "linear3", Layer.linear h h
          "linear4", Layer.linear h 1; "act", act ]
        (fun call x -> x |> call "linear1" |> call "act" |> call "linear2" |> call "act" |> call "linear3" |> call "act" |> call "linear4")

let xCos, yCos = UnitData.noisyCosine ()     // manual_seed(0); linspace(0, 2.2, 16); cos(2πx) + 0.1·randn
let xCosT = Tensor.ofArray [| 16; 1 |] xCos
let yCosT = Tensor.ofArray [| 16; 1 |] yCos
let fourLayer = neuralNetFourLayer 10 Layer.relu
let fourLayerInit = Layer.init Generator.Default fourLayer   // right after the 16 normal draws
say "\nModel summary (using torchinfo):"
say (summaryOfLayer fourLayer [| 1 |])
say "\nTraining model: Four-Layer Network | Activation: ReLU | Hidden dim: 10 | Lr: 0.05"
let fitFour = fourLayerInit |> Fit.fit (Optim.sgd 0.05) (fun p -> mse (Layer.apply fourLayer p xCosT) yCosT) (train 8000) every1000
say "\nConclusion: The model shows signs of overfitting: it fits the training data very \nwell but the learned function is not a clean sinusoid. With 4 layers and 10 hidden \nunits each, it has more capacity than necessary for this small dataset. As a result, \nit partially fits the noise in the data rather than capturing the underlying trend."
report.Figure(fun () ->
    let xPlot = Tensor.linspace 0.0 2.3 100
    let yPlot = Layer.apply fourLayer fitFour.Params (xPlot |> Tensor.unsqueeze 1)
    Figures.curveFit (Figures.widen xCos) (Figures.widen yCos) (floats xPlot) (floats yPlot) "Four-Layer Network, ReLU, H = 10")
report.Figure(fun () -> Figures.lossCurve [ ("Four-layer network", fitFour.Losses) ])

// ================================================================== Exercise 3: optimizers on Himmelblau
report.Heading "Exercise 3: optimization"
/// f(u, v) = (u² + v − 11)² + (u + v² − 7)² on the parameter tree {u, v} (two float32 scalars).
let himmelblau (p: Params) =
    let u, v = Layer.field "u" p, Layer.field "v" p
    Tensor.pow 2.0 (Tensor.pow 2.0 u + v - 11.0) + Tensor.pow 2.0 (u + Tensor.pow 2.0 v - 7.0)

/// The course's optimize_himmelblau(u0, v0, optimizer, num_steps=100, loss_tol=1e-3), pure: each step
/// records the loss and (u, v), then updates; it stops after an update that changed the loss by < loss_tol.
/// Returns the final parameters and the (loss, u, v) trail.
let optimizeHimmelblau (opt: Optimizer) (u0: float, v0: float) =
    let numSteps, lossTol = 100, 1e-3
    let coord name p = (Layer.field name p).ToDouble()
    let rec descend step p state trail =
        let loss, grad = Params.valueAndGrad himmelblau p
        let struct (p', state') = opt.Update(grad, state, p)
        let trail = (Tensor.item loss, coord "u" p, coord "v" p) :: trail
        let settled = match trail with (l, _, _) :: (l0, _, _) :: _ -> abs (l - l0) < lossTol | _ -> false
        if settled || step = numSteps then p', List.rev trail else descend (step + 1) p' state' trail
    let p0 = Params.group [ "u", Params.leaf (Tensor.scalar u0); "v", Params.leaf (Tensor.scalar v0) ]
    descend 1 p0 (opt.Init p0) []

let sgdMomentum lr momentum = Optim.sgdWith { SgdHyper.Default lr with Momentum = momentum }
let runs =
    [ "(-1,0.0)", (-1.0, 0.0), [ "SGD (momentum=0.8)", sgdMomentum 0.01 0.8
                                 "SGD (momentum=0.5)", sgdMomentum 0.01 0.5
                                 "SGD (momentum=0.0)", sgdMomentum 0.01 0.0 ]
      "(3.0,0.0)", (3.0, 0.0), [ "Adam", Optim.adam 0.03
                                 "RMSprop", Optim.rmsprop 0.03
                                 "SGD", sgdMomentum 0.01 0.7 ] ]

/// The summary line the course's library prints per run: steps, the early stop, final (u, v), f there, last loss.
let summaryLine (label: string) (final: Params) (trail: (float * float * float) list) =
    let losses = trail |> List.map (fun (l, _, _) -> l)
    let stop =
        match List.rev losses with
        | last :: before :: _ when abs (last - before) < 1e-3 ->
            sprintf "stop@%d d=%-14s" losses.Length (toFixed 6 (abs (last - before)))
        | _ -> sprintf "%-23s" "no early stop"
    let u, v = (Layer.field "u" final).ToDouble(), (Layer.field "v" final).ToDouble()
    sprintf "%-32s steps=%3d %s u=%s v=%s f(u,v)=%s last_loss=%s" label losses.Length stop
        (toFixed 6 u) (toFixed 6 v) (toFixed 6 (Tensor.item (himmelblau final))) (toFixed 6 (List.last losses))

say ""
say (String('#', 72))
say "# EXTRA (not printed by the notebook): exercise_optimization summary"
say (String('#', 72))
for startText, start, optimizers in runs do
    let results = [ for name, opt in optimizers -> name, optimizeHimmelblau opt start ]
    for name, (final, trail) in results do
        say (summaryLine (sprintf "start%s %s" startText name) final trail)
    report.Figure(fun () ->
        Figures.himmelblauContours
            [ for name, (_, trail) in results ->
                name, [| for _, u, _ in trail -> u |], [| for _, _, v in trail -> v |] ] start)
report.Finish()
