/// The benchmark workloads written against the public API users run: modules (`Linear`, `ReLU`,
/// `Sequential`, `Conv1d`), losses (`MSELoss`, `Loss.crossEntropy`) and optimizer objects (`SGD`, `Adam`,
/// `RMSprop`); W1 keeps the course's manual update and W7 the functional `Diff` API.
module Fluxion.Bench.Workloads

open System
open Fluxion
open Fluxion.Backend
open Fluxion.Course
open Fluxion.Kernels
open Fluxion.Random
open Fluxion.Nn
open Fluxion.Optim

/// Quick mode (1 iteration, tiny sizes) and an optional training-iteration override (0 = the workload's own count).
type Size = { Quick: bool; Iters: int }

let private pick (size: Size) (full: int) = if size.Quick then 1 elif size.Iters > 0 then size.Iters else full

/// What one run reports back: training iterations done and a value to compare with the PyTorch twin.
[<Struct>]
type Outcome = { Iterations: int; Check: float }

/// A training workload split into its phases, so the profiler can time each one.
type Trainer =
    { Iters: int
      /// Builds the graph and returns the scalar loss.
      Forward: unit -> Tensor
      /// Updates the parameters from their gradients and clears them.
      Step: unit -> unit }

/// Opens the scope of one iteration, the one line a user puts around a training step: on the managed backend a
/// `Tensor.StepScope` (the iteration's intermediates return to a pool when it closes); the Torch backend frees that
/// iteration's intermediates instead. Program sets it from the selected backend.
let mutable iterationScope : unit -> IDisposable = fun () -> Tensor.StepScope()

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

/// With FLUXION_CAPTURE_PROFILE set, prints a captured step's recorded kernels in order (mean ns and bytes per
/// replay over 2000 extra replays) to standard error. The extra replays run inside the timed run: time without it.
let printProfile (plan: CapturedStep) =
    if not (isNull (Environment.GetEnvironmentVariable "FLUXION_CAPTURE_PROFILE")) then
        let rows = plan.Profile 2000
        eprintfn "plan: %d kernels, %.0f ns, %.0f B" rows.Length (rows |> Array.sumBy (fun struct (_, ns, _) -> ns)) (rows |> Array.sumBy (fun struct (_, _, b) -> b))
        for struct (what, ns, b) in rows do eprintfn "  %-40s %8.1f ns %8.1f B" what ns b

/// The same training loop with the step captured once (`Tensor.Capture`, the first iteration) and replayed for
/// the rest: forward, backward and the update run as recorded kernels on the same storages, bit for bit the eager
/// loop's results.
let trainCaptured (t: Trainer) : Outcome =
    let plan =
        Tensor.Capture(fun () ->
            let loss = t.Forward()
            loss.Backward()
            t.Step()
            loss)
    let mutable last = plan.Output.ToDouble()
    for _ in 2 .. t.Iters do
        last <- (plan.Run()).ToDouble()
    printProfile plan
    { Iterations = t.Iters; Check = last }

/// A module trained by a torch.optim-style optimizer: forward + loss, then `Step(); ZeroGrad()`.
let private moduleTrainer (iters: int) (model: Module) (lossOf: Tensor -> Tensor) (opt: TorchOptimizer) (x: Tensor) : Trainer =
    { Iters = iters
      Forward = fun () -> lossOf (model.Call x)
      Step = fun () ->
        opt.Step()
        opt.ZeroGrad() }

/// W1 setup: Linear(2,1) on [x, x^2] of the 100 training pairs, MSELoss, the course's manual SGD update lr 1e-2.
let w1Trainer (size: Size) : Trainer =
    let xs, ys = UnitData.trainingPairs ()
    let n = xs.Length
    let feats = Array.init (2 * n) (fun i -> let v = xs.[i / 2] in if i % 2 = 0 then v else v * v)
    let x = Tensor.ofArray [| n; 2 |] feats
    let y = Tensor.ofArray [| n; 1 |] ys
    Tensor.manualSeed 0L
    let model = Linear(2, 1)
    let lossFn = MSELoss()
    let ps = model.Parameters()
    { Iters = pick size 4000
      Forward = fun () -> lossFn.Invoke(model.Call x, y)
      Step = fun () ->
        use _ = GradMode.NoGrad()
        for p in ps do
            p.Data.AddInPlace(p.Grad * 1e-2, -1.0)
            p.ZeroGrad() }

/// W2 setup: NeuralNetTwoLayer 1->3->1 ReLU (Sequential) on the training pairs, MSELoss, SGD lr 1e-2.
let w2Trainer (size: Size) : Trainer =
    let xs, ys = UnitData.trainingPairs ()
    let x = Tensor.ofArray [| xs.Length; 1 |] xs
    let y = Tensor.ofArray [| ys.Length; 1 |] ys
    Tensor.manualSeed 0L
    let model = Sequential(Linear(1, 3), ReLU(), Linear(3, 1))
    let lossFn = MSELoss()
    moduleTrainer (pick size 4000) model (fun p -> lossFn.Invoke(p, y)) (SGD(model.Parameters(), 1e-2)) x

/// W3 setup: the four-layer H=10 ReLU network on the 16 noisy cosine points, MSELoss, SGD lr 0.05.
let w3Trainer (size: Size) : Trainer =
    let xs, ys = UnitData.noisyCosine ()
    let x = Tensor.ofArray [| xs.Length; 1 |] xs
    let y = Tensor.ofArray [| ys.Length; 1 |] ys
    // The model is built right after the data's draws, without reseeding (exercise 2); one ReLU shared, as in the twin.
    let act = ReLU()
    let model = Sequential(Linear(1, 10), act, Linear(10, 10), act, Linear(10, 10), act, Linear(10, 1))
    let lossFn = MSELoss()
    moduleTrainer (pick size 8000) model (fun p -> lossFn.Invoke(p, y)) (SGD(model.Parameters(), 0.05)) x

/// W1: polynomial regression.
let w1 (size: Size) = train (w1Trainer size)
/// W2: the two-layer network.
let w2 (size: Size) = train (w2Trainer size)
/// W3: the four-layer network.
let w3 (size: Size) = train (w3Trainer size)
/// W1, W2, W3 and W4 with the training step captured once and replayed (`Tensor.Capture`).
let w1c (size: Size) = trainCaptured (w1Trainer size)
let w2c (size: Size) = trainCaptured (w2Trainer size)
let w3c (size: Size) = trainCaptured (w3Trainer size)

/// Himmelblau's function at the parameter's (u, v), indexed as exercise 3 writes it.
let private himmelblauAt (uv: Parameter) =
    let p = uv.Value
    let u = p.[0]
    let v = p.[1]
    let a = Tensor.pow 2.0 u + v - 11.0
    let b = u + Tensor.pow 2.0 v - 7.0
    Tensor.pow 2.0 a + Tensor.pow 2.0 b

/// One optimize_himmelblau run on a 2-element leaf (u, v) (<= 100 steps, stop when the loss changes by
/// < 1e-3); returns steps and final u.
let private himmelblauRun (u0: float32) (v0: float32) (makeOpt: Parameter[] -> TorchOptimizer) (maxSteps: int) =
    let uv = Parameter(Tensor.ofArray [| 2 |] [| u0; v0 |])
    let opt = makeOpt [| uv |]
    let mutable prev = nan
    let mutable steps = 0
    let mutable go = true
    while go && steps < maxSteps do
        use _ = iterationScope ()
        let loss = himmelblauAt uv
        let lv = loss.ToDouble()
        steps <- steps + 1
        opt.ZeroGrad()
        loss.Backward()
        opt.Step()
        if abs (lv - prev) < 1e-3 then go <- false
        prev <- lv
    steps, float (uv.Data.ToFloat32Array()).[0]

/// himmelblauRun, or with `captured` the step is captured on the first iteration and replayed.
let private himmelblauRunWith (captured: bool) (u0: float32) (v0: float32) (makeOpt: Parameter[] -> TorchOptimizer) (maxSteps: int) =
    if captured then
        let uv = Parameter(Tensor.ofArray [| 2 |] [| u0; v0 |])
        let opt = makeOpt [| uv |]
        let step () =
            let loss = himmelblauAt uv
            opt.ZeroGrad()
            loss.Backward()
            opt.Step()
            loss
        let plan = Tensor.Capture(step)
        let mutable prev = nan
        let mutable lv = plan.Output.ToDouble()
        let mutable steps = 1
        while not (abs (lv - prev) < 1e-3) && steps < maxSteps do
            prev <- lv
            lv <- (plan.Run()).ToDouble()
            steps <- steps + 1
        printProfile plan
        steps, float (uv.Data.ToFloat32Array()).[0]
    else
        himmelblauRun u0 v0 makeOpt maxSteps

/// W4: the six Himmelblau optimizer runs of exercise 3 (iterations = total optimizer steps); `captured` replays
/// each run's step after capturing its first.
let w4With (captured: bool) (size: Size) : Outcome =
    let maxSteps = if size.Quick then 1 else 100
    let sgd lr m = fun (ps: Parameter[]) -> SGD(ps, lr, momentum = m) :> TorchOptimizer
    let runs : (float32 * float32 * (Parameter[] -> TorchOptimizer))[] =
        [| -1.0f, 0.0f, sgd 0.01 0.8; -1.0f, 0.0f, sgd 0.01 0.5; -1.0f, 0.0f, sgd 0.01 0.0
           3.0f, 0.0f, (fun ps -> Adam(ps, 0.03) :> TorchOptimizer)
           3.0f, 0.0f, (fun ps -> RMSprop(ps, 0.03) :> TorchOptimizer)
           3.0f, 0.0f, sgd 0.01 0.7 |]
    let mutable total = 0
    let mutable check = 0.0
    for u0, v0, make in runs do
        let s, uf = himmelblauRunWith captured u0 v0 make maxSteps
        total <- total + s
        check <- check + uf
    { Iterations = total; Check = check }

/// W4 as the course writes it (eager steps).
let w4 (size: Size) = w4With false size

/// An MLP as Sequential(Linear, ReLU, ..., Linear), initialised in order from the global generator.
let private mlp (widths: int[]) =
    let m = Sequential()
    for i in 0 .. widths.Length - 2 do
        m.Append(Linear(widths.[i], widths.[i + 1])) |> ignore
        if i < widths.Length - 2 then m.Append(ReLU()) |> ignore
    m

/// W5 setup: MLP 1->256->256->256->1 ReLU, batch 1024 of y = sin(3x) on [-2, 2], MSELoss, SGD lr 0.01.
let w5Trainer (size: Size) : Trainer =
    let iters, batch, hidden = if size.Quick then 1, 64, 16 else pick size 200, 1024, 256
    let x = (Tensor.linspace -2.0 2.0 batch).Reshape [| batch; 1 |]
    let y = Tensor.sin (x * 3.0)
    Tensor.manualSeed 0L
    let model = mlp [| 1; hidden; hidden; hidden; 1 |]
    let lossFn = MSELoss()
    moduleTrainer iters model (fun p -> lossFn.Invoke(p, y)) (SGD(model.Parameters(), 0.01)) x

/// W5: the wide MLP regression.
let w5 (size: Size) = train (w5Trainer size)

/// W6 setup: MLP 784->512->512->10 ReLU + cross-entropy, batch 256 of randn inputs, Adam lr 1e-3.
let w6Trainer (size: Size) : Trainer =
    let iters, batch, inF, hidden = if size.Quick then 1, 16, 32, 16 else pick size 100, 256, 784, 512
    Tensor.manualSeed 0L
    let x = Tensor.randn [| batch; inF |]
    let targets = Tensor.OfRaw(ManagedBackend.Instance.OfInt64(Array.init batch (fun i -> int64 (i % 10)), [| batch |]))
    let model = mlp [| inF; hidden; hidden; 10 |]
    moduleTrainer iters model (fun logits -> Loss.crossEntropy Reduction.Mean logits targets) (Adam(model.Parameters(), 1e-3)) x

/// W6: the MNIST-shaped classifier.
let w6 (size: Size) = train (w6Trainer size)

/// Rosenbrock in n dimensions: sum 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2.
let private rosenbrock (x: Tensor) =
    let n = x.Numel
    let a = x.Narrow(0, 0, n - 1)
    let b = x.Narrow(0, 1, n - 1)
    let d = b - a * a
    let e = 1.0 - a
    Tensor.sum (100.0 * (d * d) + e * e)

/// Himmelblau's function of two scalars (W7's gradients).
let private himmel (uv: Tensor[]) =
    let a = Tensor.pow 2.0 uv.[0] + uv.[1] - 11.0
    let b = uv.[0] + Tensor.pow 2.0 uv.[1] - 7.0
    a * a + b * b

/// W7's i-th gradient point (u, v) on a 100 x 100 grid over [-4, 4]^2.
let private w7Point (i: int) = -4.0 + 8.0 * float (i % 100) / 99.0, -4.0 + 8.0 * float (i / 100 % 100) / 99.0

/// W7: float64 functional AD: 20 Hessians of the 100-d Rosenbrock, then 10 000 Himmelblau gradients.
let w7 (size: Size) : Outcome =
    let hessians, grads, dim = if size.Quick then 1, 1, 8 else 20, 10000, 100
    let x = Tensor.ofArray64 [| dim |] (Array.init dim (fun i -> 0.5 + 0.01 * float i))
    let mutable check = 0.0
    for _ in 1 .. hessians do
        let h = Diff.hessian rosenbrock x
        check <- check + h.Raw.GetDouble 0
    for i in 0 .. grads - 1 do
        let pu, pv = w7Point i
        let u = Tensor.scalar64 pu
        let v = Tensor.scalar64 pv
        let g = Diff.grads himmel [| u; v |]
        check <- check + 1e-6 * g.[0].ToDouble()
    { Iterations = hessians + grads; Check = check }

/// W8: Conv1d(1,1,31,padding=15) learning to smooth a 4096-sample noisy sine, MSELoss, SGD lr 0.01.
let w8 (size: Size) : Outcome =
    let iters, len = if size.Quick then 1, 256 else pick size 500, 4096
    Tensor.manualSeed 0L
    let t = Tensor.linspace 0.0 (8.0 * Math.PI) len
    let clean = (Tensor.sin t).Reshape [| 1; 1; len |]
    let noisy = clean + 0.3 * (Tensor.randn [| len |]).Reshape [| 1; 1; len |]
    let conv = Conv1d(1, 1, 31, padding = 15)
    let lossFn = MSELoss()
    train (moduleTrainer iters conv (fun p -> lossFn.Invoke(p, clean)) (SGD(conv.Parameters(), 0.01)) noisy)

/// W7 with the Hessian captured once and replayed 19 times, and one gradient captured and replayed for the 10 000
/// inputs, each fed by writing the new (u, v) into the scalars the captured gradient reads.
let w7c (size: Size) : Outcome =
    let hessians, grads, dim = if size.Quick then 1, 1, 8 else 20, 10000, 100
    let x = Tensor.ofArray64 [| dim |] (Array.init dim (fun i -> 0.5 + 0.01 * float i))
    let hplan = Tensor.Capture(fun () -> Diff.hessian rosenbrock x)
    let mutable check = hplan.Output.Raw.GetDouble 0
    for _ in 2 .. hessians do
        check <- check + (hplan.Run()).Raw.GetDouble 0
    let u = Tensor.scalar64 (fst (w7Point 0))
    let v = Tensor.scalar64 (snd (w7Point 0))
    let gplan = Tensor.Capture(fun () -> (Diff.grads himmel [| u; v |]).[0])
    check <- check + 1e-6 * gplan.Output.ToDouble()
    for i in 1 .. grads - 1 do
        let pu, pv = w7Point i
        u.Raw.FillInPlace pu
        v.Raw.FillInPlace pv
        check <- check + 1e-6 * (gplan.Run()).ToDouble()
    printProfile hplan
    printProfile gplan
    { Iterations = hessians + grads; Check = check }

/// K1: raw float32 matmul n x n x n on the backend (no autodiff); iterations = products done.
// K1's operands per size, made by the first (warm-up) run so that timed runs measure the products alone.
let private k1Operands = Collections.Generic.Dictionary<int, RawTensor * RawTensor>()

let k1 (n: int) (reps: int) : Outcome =
    let a, b =
        match k1Operands.TryGetValue n with
        | true, ab -> ab
        | _ ->
            Tensor.manualSeed 0L
            let ab = (Tensor.rand [| n; n |]).Raw, (Tensor.rand [| n; n |]).Raw
            k1Operands[n] <- ab
            ab
    let mutable check = 0.0
    for _ in 1 .. reps do
        let c = a.MatMul(b, false, false)
        check <- c.GetDouble 0
    { Iterations = reps; Check = check }

/// W9 stand-in: W1 + W2 + W3 + W4 once, end to end (the real unit program will replace it).
let w9 (size: Size) : Outcome =
    let r = [| w1 size; w2 size; w3 size; w4 size |]
    { Iterations = r |> Array.sumBy (fun o -> o.Iterations); Check = r |> Array.sumBy (fun o -> o.Check) }
