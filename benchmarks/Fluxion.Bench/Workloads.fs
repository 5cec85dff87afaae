/// The benchmark workloads written against the engine directly (leaf tensors, Backward, array-level
/// optimizer kernels). Each one is a small function so it can move to the Module/optimizer API later.
module Fluxion.Bench.Workloads

open System
open Fluxion
open Fluxion.Backend
open Fluxion.Data
open Fluxion.Kernels
open Fluxion.Random
open Fluxion.Backends.Torch

/// Quick mode (1 iteration, tiny sizes) and an optional training-iteration override (0 = the workload's own count).
type Size = { Quick: bool; Iters: int }

let private pick (size: Size) (full: int) = if size.Quick then 1 elif size.Iters > 0 then size.Iters else full

/// What one run reports back: training iterations done and a value to compare with the PyTorch twin.
[<Struct>]
type Outcome = { Iterations: int; Check: float }

let private data (t: Tensor) : float32[] = (t.Raw :?> RawFloat<float32>).Data

/// True for a tensor on the Torch backend: its updates run as libtorch's in-place kernels instead of array kernels.
let private onTorch (t: Tensor) = t.Raw :? TorchRaw

/// Opens the scope of one iteration (the Torch backend frees that iteration's intermediates when it closes);
/// null (no scope) on the managed backend. Program sets it from the selected backend.
let mutable iterationScope : unit -> IDisposable = fun () -> null

/// A float32 parameter: a leaf that requires grad over the given values.
let private param (shape: int[]) (values: float32[]) = (Tensor.ofArray shape values).RequiresGrad_()

/// nn.Linear's default init drawn from the global generator, as (weight, bias) leaves.
let private linear (inF: int) (outF: int) =
    let w, b = InitMath.defaultInit32 Generator.Default [| outF; inF |] true
    param [| outF; inF |] w, param [| outF |] b

let private affine (x: Tensor) (w: Tensor, b: Tensor) = Tensor.matmul x w.T + b

let private mse (pred: Tensor) (y: Tensor) =
    let d = pred - y
    Tensor.mean (d * d)

/// optim.SGD(lr) without momentum on every parameter, then zero_grad.
let private sgd (lr: float) (ps: Tensor[]) =
    let hp = OptimKernels.SgdHyper.Default lr
    for p in ps do
        if onTorch p then TorchOptimKernels.sgdStep p p.Grad Unchecked.defaultof<Tensor> false lr 0.0
        else OptimKernels.sgdStep32 (data p) (data p.Grad) (OptimKernels.SgdState<float32>.Create 0) hp
        p.ZeroGrad()

let private flat (layers: (Tensor * Tensor)[]) = layers |> Array.collect (fun (w, b) -> [| w; b |])

/// A training workload split into its phases, so the profiler can time each one.
type Trainer =
    { Iters: int
      /// Builds the graph and returns the scalar loss.
      Forward: unit -> Tensor
      /// Updates the parameters from their gradients and clears them.
      Step: unit -> unit }

/// The plain training loop: forward, backward, read the loss, step.
let train (t: Trainer) : Outcome =
    let mutable last = nan
    for _ in 1 .. t.Iters do
        use _ = iterationScope ()
        let loss = t.Forward()
        loss.Backward()
        last <- loss.ToDouble()
        t.Step()
    { Iterations = t.Iters; Check = last }

/// W1 setup: Linear(2,1) on [x, x^2] of the 100 training pairs, manual SGD lr 1e-2.
let w1Trainer (size: Size) : Trainer =
    let xs, ys = UnitData.trainingPairs ()
    let n = xs.Length
    let feats = Array.init (2 * n) (fun i -> let v = xs.[i / 2] in if i % 2 = 0 then v else v * v)
    let x = Tensor.ofArray [| n; 2 |] feats
    let y = Tensor.ofArray [| n; 1 |] ys
    Tensor.manualSeed 0L
    let layer = linear 2 1
    let ps = flat [| layer |]
    { Iters = pick size 4000
      Forward = fun () -> mse (affine x layer) y
      Step = fun () ->
        use _ = GradMode.NoGrad()
        for p in ps do
            p.AddInPlace(p.Grad * 1e-2, -1.0)
            p.ZeroGrad() }

/// W2 setup: NeuralNetTwoLayer 1->3->1 ReLU on the training pairs, SGD lr 1e-2.
let w2Trainer (size: Size) : Trainer =
    let xs, ys = UnitData.trainingPairs ()
    let x = Tensor.ofArray [| xs.Length; 1 |] xs
    let y = Tensor.ofArray [| ys.Length; 1 |] ys
    Tensor.manualSeed 0L
    let l1 = linear 1 3
    let l2 = linear 3 1
    let ps = flat [| l1; l2 |]
    { Iters = pick size 4000
      Forward = fun () -> mse (affine (Tensor.relu (affine x l1)) l2) y
      Step = fun () -> sgd 1e-2 ps }

/// W3 setup: the four-layer H=10 ReLU network on the 16 noisy cosine points, SGD lr 0.05.
let w3Trainer (size: Size) : Trainer =
    let xs, ys = UnitData.noisyCosine ()
    let x = Tensor.ofArray [| xs.Length; 1 |] xs
    let y = Tensor.ofArray [| ys.Length; 1 |] ys
    // The model is built right after the data's draws, without reseeding (exercise 2).
    let layers = [| linear 1 10; linear 10 10; linear 10 10; linear 10 1 |]
    let ps = flat layers
    { Iters = pick size 8000
      Forward = fun () ->
        let h1 = Tensor.relu (affine x layers.[0])
        let h2 = Tensor.relu (affine h1 layers.[1])
        let h3 = Tensor.relu (affine h2 layers.[2])
        mse (affine h3 layers.[3]) y
      Step = fun () -> sgd 0.05 ps }

/// W1: polynomial regression.
let w1 (size: Size) = train (w1Trainer size)
/// W2: the two-layer network.
let w2 (size: Size) = train (w2Trainer size)
/// W3: the four-layer network.
let w3 (size: Size) = train (w3Trainer size)

type private Himmel =
    | Sgd of lr: float * momentum: float
    | Adam of lr: float
    | Rms of lr: float

/// One optimize_himmelblau run (<= 100 steps, stop when the loss changes by < 1e-3); returns steps and final u.
let private himmelblauRun (u0: float32) (v0: float32) (opt: Himmel) (maxSteps: int) =
    let u = param [||] [| u0 |]
    let v = param [||] [| v0 |]
    let sgdHp lr m = { OptimKernels.SgdHyper.Default lr with Momentum = m }
    let sgdSt = [| OptimKernels.SgdState<float32>.Create 1; OptimKernels.SgdState<float32>.Create 1 |]
    let adamSt = [| OptimKernels.AdamState<float32>.Create 1; OptimKernels.AdamState<float32>.Create 1 |]
    let rmsSt = [| OptimKernels.RmspropState<float32>.Create 1; OptimKernels.RmspropState<float32>.Create 1 |]
    let torchSt = if onTorch u then [| for p in [ u; v ] -> TorchOptimKernels.state p, TorchOptimKernels.state p |] else [||]
    let mutable prev = nan
    let mutable steps = 0
    let mutable go = true
    while go && steps < maxSteps do
        use _ = iterationScope ()
        let a = Tensor.pow 2.0 u + v - 11.0
        let b = u + Tensor.pow 2.0 v - 7.0
        let loss = Tensor.pow 2.0 a + Tensor.pow 2.0 b
        let lv = loss.ToDouble()
        steps <- steps + 1
        loss.Backward()
        let ps = [| u; v |]
        for i in 0 .. 1 do
            let p = ps.[i]
            match opt with
            | _ when onTorch p ->
                let s1, s2 = torchSt.[i]
                match opt with
                | Sgd(lr, m) -> TorchOptimKernels.sgdStep p p.Grad s1 (steps = 1) lr m
                | Adam lr -> TorchOptimKernels.adamStep p p.Grad s1 s2 steps lr 0.9 0.999 1e-8
                | Rms lr -> TorchOptimKernels.rmspropStep p p.Grad s1 lr 0.99 1e-8
            | Sgd(lr, m) -> OptimKernels.sgdStep32 (data p) (data p.Grad) sgdSt.[i] (sgdHp lr m)
            | Adam lr -> OptimKernels.adamStep32 (data p) (data p.Grad) adamSt.[i] { OptimKernels.AdamHyper.Adam with Lr = lr }
            | Rms lr -> OptimKernels.rmspropStep32 (data p) (data p.Grad) rmsSt.[i] { OptimKernels.RmspropHyper.Default with Lr = lr }
            p.ZeroGrad()
        if abs (lv - prev) < 1e-3 then go <- false
        prev <- lv
    steps, u.ToDouble()

/// W4: the six Himmelblau optimizer runs of exercise 3 (iterations = total optimizer steps).
let w4 (size: Size) : Outcome =
    let maxSteps = if size.Quick then 1 else 100
    let runs =
        [| -1.0f, 0.0f, Sgd(0.01, 0.8); -1.0f, 0.0f, Sgd(0.01, 0.5); -1.0f, 0.0f, Sgd(0.01, 0.0)
           3.0f, 0.0f, Adam 0.03; 3.0f, 0.0f, Rms 0.03; 3.0f, 0.0f, Sgd(0.01, 0.7) |]
    let mutable total = 0
    let mutable check = 0.0
    for u0, v0, opt in runs do
        let s, uf = himmelblauRun u0 v0 opt maxSteps
        total <- total + s
        check <- check + uf
    { Iterations = total; Check = check }

/// An MLP's layers from widths, initialised in order from the global generator.
let private mlp (widths: int[]) = Array.init (widths.Length - 1) (fun i -> linear widths.[i] widths.[i + 1])

let private forwardRelu (layers: (Tensor * Tensor)[]) (x: Tensor) =
    let mutable h = x
    for i in 0 .. layers.Length - 1 do
        h <- affine h layers.[i]
        if i < layers.Length - 1 then h <- Tensor.relu h
    h

/// W5: MLP 1->256->256->256->1 ReLU, batch 1024 of y = sin(3x) on [-2, 2], SGD lr 0.01.
let w5 (size: Size) : Outcome =
    let iters, batch, hidden = if size.Quick then 1, 64, 16 else pick size 200, 1024, 256
    let x = (Tensor.linspace -2.0 2.0 batch).Reshape [| batch; 1 |]
    let y = Tensor.sin (x * 3.0)
    Tensor.manualSeed 0L
    let layers = mlp [| 1; hidden; hidden; hidden; 1 |]
    let ps = flat layers
    let mutable last = nan
    for _ in 1 .. iters do
        use _ = iterationScope ()
        let loss = mse (forwardRelu layers x) y
        loss.Backward()
        last <- loss.ToDouble()
        sgd 0.01 ps
    { Iterations = iters; Check = last }

/// W6: MLP 784->512->512->10 ReLU + cross-entropy, batch 256 of randn inputs, Adam lr 1e-3.
let w6 (size: Size) : Outcome =
    let iters, batch, inF, hidden = if size.Quick then 1, 16, 32, 16 else pick size 100, 256, 784, 512
    Tensor.manualSeed 0L
    let x = Tensor.randn [| batch; inF |]
    let targets = Fluxion.Ops.Creation.ofInt64 [| batch; 1 |] (Array.init batch (fun i -> int64 (i % 10)))
    let layers = mlp [| inF; hidden; hidden; 10 |]
    let ps = flat layers
    let states = ps |> Array.map (fun p -> OptimKernels.AdamState<float32>.Create p.Numel)
    let hp = OptimKernels.AdamHyper.Adam
    let torchSt = if onTorch x then ps |> Array.map (fun p -> TorchOptimKernels.state p, TorchOptimKernels.state p) else [||]
    let mutable last = nan
    for k in 1 .. iters do
        use _ = iterationScope ()
        let logp = Tensor.logSoftmax 1 (forwardRelu layers x)
        let loss = -(Tensor.mean (Tensor.gather 1 targets logp))
        loss.Backward()
        last <- loss.ToDouble()
        for i in 0 .. ps.Length - 1 do
            if onTorch ps.[i] then
                let m, v = torchSt.[i]
                TorchOptimKernels.adamStep ps.[i] ps.[i].Grad m v k hp.Lr hp.Beta1 hp.Beta2 hp.Eps
            else OptimKernels.adamStep32 (data ps.[i]) (data ps.[i].Grad) states.[i] hp
            ps.[i].ZeroGrad()
    { Iterations = iters; Check = last }

/// Rosenbrock in n dimensions: sum 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2.
let private rosenbrock (x: Tensor) =
    let n = x.Numel
    let a = x.Narrow(0, 0, n - 1)
    let b = x.Narrow(0, 1, n - 1)
    let d = b - a * a
    let e = 1.0 - a
    Tensor.sum (100.0 * (d * d) + e * e)

/// W7: float64 functional AD: 20 Hessians of the 100-d Rosenbrock, then 10 000 Himmelblau gradients.
let w7 (size: Size) : Outcome =
    let hessians, grads, dim = if size.Quick then 1, 1, 8 else 20, 10000, 100
    let x = Tensor.ofArray64 [| dim |] (Array.init dim (fun i -> 0.5 + 0.01 * float i))
    let mutable check = 0.0
    for _ in 1 .. hessians do
        use _ = iterationScope ()
        let h = Diff.hessian rosenbrock x
        check <- check + h.Raw.GetDouble 0
    let himmel (uv: Tensor[]) =
        let a = Tensor.pow 2.0 uv.[0] + uv.[1] - 11.0
        let b = uv.[0] + Tensor.pow 2.0 uv.[1] - 7.0
        a * a + b * b
    for i in 0 .. grads - 1 do
        use _ = iterationScope ()
        let u = Tensor.scalar64 (-4.0 + 8.0 * float (i % 100) / 99.0)
        let v = Tensor.scalar64 (-4.0 + 8.0 * float (i / 100 % 100) / 99.0)
        let g = Diff.grads himmel [| u; v |]
        check <- check + 1e-6 * g.[0].ToDouble()
    { Iterations = hessians + grads; Check = check }

/// W8: Conv1d(1,1,31,padding=15) learning to smooth a 4096-sample noisy sine, SGD lr 0.01.
let w8 (size: Size) : Outcome =
    let iters, len = if size.Quick then 1, 256 else pick size 500, 4096
    Tensor.manualSeed 0L
    let t = Tensor.linspace 0.0 (8.0 * Math.PI) len
    let clean = (Tensor.sin t).Reshape [| 1; 1; len |]
    let noisy = clean + 0.3 * (Tensor.randn [| len |]).Reshape [| 1; 1; len |]
    let wv, bv = InitMath.defaultInit32 Generator.Default [| 1; 1; 31 |] true
    let w = param [| 1; 1; 31 |] wv
    let b = param [| 1 |] bv
    let mutable last = nan
    for _ in 1 .. iters do
        use _ = iterationScope ()
        let pred = Tensor.conv1d 1 15 1 1 w (Some b) noisy
        let loss = mse pred clean
        loss.Backward()
        last <- loss.ToDouble()
        sgd 0.01 [| w; b |]
    { Iterations = iters; Check = last }

/// K1: raw float32 matmul n x n x n on the backend (no autodiff); iterations = products done.
let k1 (n: int) (reps: int) : Outcome =
    Tensor.manualSeed 0L
    let a = (Tensor.rand [| n; n |]).Raw
    let b = (Tensor.rand [| n; n |]).Raw
    let mutable check = 0.0
    for _ in 1 .. reps do
        use _ = iterationScope ()
        let c = a.MatMul(b, false, false)
        check <- c.GetDouble 0
    { Iterations = reps; Check = check }

/// W9 stand-in: W1 + W2 + W3 + W4 once, end to end (the real unit program will replace it).
let w9 (size: Size) : Outcome =
    let r = [| w1 size; w2 size; w3 size; w4 size |]
    { Iterations = r |> Array.sumBy (fun o -> o.Iterations); Check = r |> Array.sumBy (fun o -> o.Check) }
