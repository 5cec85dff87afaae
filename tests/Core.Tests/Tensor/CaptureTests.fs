/// Tensor.Capture: a captured training step replays to the same bits as the eager steps it stands for (every loss,
/// every parameter, every optimizer), allocates (almost) nothing per replay, and anything a replay could not repeat
/// is refused while capturing, with a message that says what to do.
module CaptureTests

open System
open Expecto
open Fluxion
open Fluxion.Nn
open Fluxion.Optim
open Fluxion.Random
open TrainingStepFixtures

let private bits (t: Tensor) = t.Detach().ToFloat32Array() |> Array.map BitConverter.SingleToInt32Bits

/// Runs `steps` iterations of a step that returns its loss: eagerly, or captured on the first and replayed after.
let private runSteps (captured: bool) (steps: int) (step: unit -> Tensor) =
    let losses = Array.zeroCreate steps
    if captured then
        let plan = Tensor.Capture(Func<Tensor>(step))
        losses.[0] <- BitConverter.DoubleToInt64Bits(plan.Output.ToDouble())
        for i in 1 .. steps - 1 do
            losses.[i] <- BitConverter.DoubleToInt64Bits((plan.Run()).ToDouble())
    else
        for i in 0 .. steps - 1 do
            losses.[i] <- BitConverter.DoubleToInt64Bits((step ()).ToDouble())
    losses

/// A module and optimizer trained by `steps` steps of MSE on (x, y), eager or captured: losses and final weights.
let private trainModule (captured: bool) (steps: int) (model: Module) (opt: TorchOptimizer) (x: Tensor) (y: Tensor) =
    let lossFn = MSELoss()
    let losses =
        runSteps captured steps (fun () ->
            let loss = lossFn.Invoke(model.Call x, y)
            loss.Backward()
            opt.Step()
            opt.ZeroGrad()
            loss)
    losses, model.Parameters() |> Seq.map (fun p -> bits p.Data) |> Array.ofSeq

let private sameRuns name (a: int64[] * int[][]) (b: int64[] * int[][]) =
    Expect.sequenceEqual (fst b) (fst a) (name + ": every loss, bit for bit")
    Expect.equal (snd b).Length (snd a).Length (name + ": parameter count")
    for i in 0 .. (snd a).Length - 1 do
        Expect.sequenceEqual (snd b).[i] (snd a).[i] (sprintf "%s: parameter %d, bit for bit" name i)

/// W1: Linear(2,1), MSELoss, the course's manual update under no_grad.
let private trainW1 (captured: bool) (steps: int) =
    let n = 100
    let x = Tensor.ofArray [| n; 2 |] (Array.init (2 * n) (fun i -> let v = float32 (i / 2) / 50.0f - 1.0f in if i % 2 = 0 then v else v * v))
    let y = Tensor.ofArray [| n; 1 |] (Array.init n (fun i -> MathF.Sin(float32 i / 20.0f)))
    let model = Linear(2, 1, generator = Generator(0UL))
    let lossFn = MSELoss()
    let ps = model.Parameters() |> Array.ofSeq
    let losses =
        runSteps captured steps (fun () ->
            let loss = lossFn.Invoke(model.Call x, y)
            loss.Backward()
            use _ = GradMode.NoGrad()
            for p in ps do
                p.Data.AddInPlace(p.Grad * 1e-2, -1.0)
                p.ZeroGrad()
            loss)
    losses, ps |> Array.map (fun p -> bits p.Data)

let private w2Model () =
    let g = Generator(3UL)
    Sequential(Linear(1, 3, generator = g), ReLU(), Linear(3, 1, generator = g))

/// Himmelblau from a 2-element parameter, indexed as exercise 3 does, under an optimizer.
let private himmelblau (captured: bool) (steps: int) (make: Parameter[] -> TorchOptimizer) =
    let uv = Parameter(Tensor.ofArray [| 2 |] [| 3.0f; 0.5f |])
    let opt = make [| uv |]
    let losses =
        runSteps captured steps (fun () ->
            let p = uv.Value
            let u = p.[0]
            let v = p.[1]
            let a = Tensor.pow 2.0 u + v - 11.0
            let b = u + Tensor.pow 2.0 v - 7.0
            let loss = Tensor.pow 2.0 a + Tensor.pow 2.0 b
            opt.ZeroGrad()
            loss.Backward()
            opt.Step()
            loss)
    losses, [| bits uv.Data |]

[<Tests>]
let tests =
    testSequenced <| testList "Tensor.Capture" [
        test "W1 (manual update): replays equal eager steps bit for bit" {
            sameRuns "W1" (trainW1 false 60) (trainW1 true 60)
        }
        test "W2 (Sequential, ReLU, SGD): replays equal eager steps bit for bit" {
            let x = Tensor.ofArray [| 100; 1 |] (Array.init 100 (fun i -> float32 i / 50.0f - 1.0f))
            let y = Tensor.ofArray [| 100; 1 |] (Array.init 100 (fun i -> MathF.Cos(float32 i / 30.0f)))
            let run c = let m = w2Model () in trainModule c 60 m (SGD(m.Parameters(), 1e-2)) x y
            sameRuns "W2" (run false) (run true)
        }
        test "Linear + ReLU forwards (9 to 16 outputs, the fused product + bias + relu) replay the eager bits on new inputs, with zeros, NaN and negatives, at either vector width" {
            let saved = Fluxion.Kernels.MatMul.simdLevel
            try
                for level in (if saved >= 2 then [ 2; 1 ] else [ saved ]) do
                    Fluxion.Kernels.MatMul.simdLevel <- level
                    for rows in [ 1; 7; 8; 9; 16; 17 ] do
                        for inF in [ 1; 3; 10 ] do
                            for outF in [ 9; 10; 15; 16 ] do
                                let g = Generator(uint64 (rows * 1000 + inF * 100 + outF))
                                let model = Sequential(Linear(inF, outF, generator = g), ReLU(), Linear(outF, 2, generator = g), ReLU())
                                let draw (seed: int) =
                                    let r = Random(seed)
                                    Array.init (rows * inF) (fun i ->
                                        match r.Next 6 with
                                        | 0 -> 0.0f
                                        | 1 when i % 7 = 3 -> Single.NaN
                                        | 2 -> -1e3f
                                        | _ -> float32 (r.NextDouble() * 4.0 - 2.0))
                                let x = Tensor.ofArray [| rows; inF |] (draw 1)
                                let plan = Tensor.Capture(Func<Tensor>(fun () -> model.Call x))
                                for seed in 2 .. 4 do
                                    let input = Tensor.ofArray [| rows; inF |] (draw seed)
                                    x.Raw.CopyFrom input.Raw
                                    let replayed = bits (plan.Run())
                                    let eager = bits (model.Call input)
                                    Expect.sequenceEqual replayed eager (sprintf "%d x %d -> %d, input %d, simd level %d" rows inF outF seed level)
            finally Fluxion.Kernels.MatMul.simdLevel <- saved
        }
        test "W3 (four layers, shared ReLU, SGD): replays equal eager steps bit for bit" {
            let run c = let m = w3Model () in trainModule c 60 m (SGD(m.Parameters(), 0.05)) xs ys
            sameRuns "W3" (run false) (run true)
        }
        test "SGD with momentum, Adam, AdamW and RMSprop re-read their state on every replay" {
            let opts : (string * (Parameter[] -> TorchOptimizer))[] =
                [| "momentum", (fun ps -> SGD(ps, 0.01, momentum = 0.8) :> TorchOptimizer)
                   "nesterov", (fun ps -> SGD(ps, 0.01, momentum = 0.5, nesterov = true) :> TorchOptimizer)
                   "adam", (fun ps -> Adam(ps, 0.03) :> TorchOptimizer)
                   "adamw", (fun ps -> AdamW(ps, 0.03) :> TorchOptimizer)
                   "rmsprop", (fun ps -> RMSprop(ps, 0.03) :> TorchOptimizer) |]
            for name, make in opts do
                sameRuns ("himmelblau " + name) (himmelblau false 40 make) (himmelblau true 40 make)
        }
        test "an optimizer state loaded between replays is the one the next replays use" {
            let run captured =
                let uv = Parameter(Tensor.ofArray [| 2 |] [| 3.0f; 0.5f |])
                let opt = Adam([| uv |], 0.03)
                // Another optimizer's state after two steps elsewhere: other moments, another step count.
                let other =
                    let w = Parameter(Tensor.ofArray [| 2 |] [| -1.0f; 2.0f |])
                    let o = Adam([| w |], 0.03)
                    for _ in 1 .. 2 do
                        o.ZeroGrad()
                        (Tensor.pow 2.0 w.Value).Sum().Backward()
                        o.Step()
                    o.StateDict()
                let step () =
                    let p = uv.Value
                    let loss = Tensor.pow 2.0 (Tensor.pow 2.0 p.[0] + p.[1] - 11.0) + Tensor.pow 2.0 (p.[0] + Tensor.pow 2.0 p.[1] - 7.0)
                    opt.ZeroGrad()
                    loss.Backward()
                    opt.Step()
                    loss
                let losses = Collections.Generic.List<float>()
                let next =
                    if captured then
                        let plan = Tensor.Capture(Func<Tensor>(step))
                        losses.Add(plan.Output.ToDouble())
                        fun () -> plan.Run()
                    else
                        losses.Add((step ()).ToDouble())
                        step
                for i in 2 .. 12 do
                    if i = 6 then opt.LoadStateDict other
                    losses.Add((next ()).ToDouble())
                losses.ToArray(), bits uv.Data
            let a = run false
            let b = run true
            Expect.sequenceEqual (fst b) (fst a) "losses across the load"
            Expect.sequenceEqual (snd b) (snd a) "final parameter"
        }
        test "a learning-rate scheduler's new rate reaches the replays" {
            let run captured =
                let m = w2Model ()
                let opt = SGD(m.Parameters(), 0.05)
                let sched = StepLR(opt, 5, 0.5)
                let lossFn = MSELoss()
                let step () =
                    let loss = lossFn.Invoke(m.Call xs, ys)
                    loss.Backward()
                    opt.Step()
                    opt.ZeroGrad()
                    loss
                let losses = Collections.Generic.List<float>()
                if captured then
                    let plan = Tensor.Capture(Func<Tensor>(step))
                    losses.Add(plan.Output.ToDouble())
                    sched.Step()
                    for _ in 2 .. 20 do
                        losses.Add((plan.Run()).ToDouble())
                        sched.Step()
                else
                    for _ in 1 .. 20 do
                        losses.Add((step ()).ToDouble())
                        sched.Step()
                losses.ToArray(), m.Parameters() |> Seq.map (fun p -> bits p.Data) |> Array.ofSeq
            let a = run false
            let b = run true
            Expect.sequenceEqual (fst b) (fst a) "losses"
            Expect.sequenceEqual (snd b) (snd a) "weights"
        }
        test "inputs are fed by writing into the tensors the step read" {
            let f (x: Tensor) = (Tensor.pow 2.0 x * 3.0 + x).Sum()
            let x = Tensor.ofArray64 [| 4 |] [| 0.5; -1.0; 2.0; 0.25 |]
            let plan = Tensor.Capture(Func<Tensor>(fun () -> (Diff.grads (fun xs -> f xs.[0]) [| x |]).[0]))
            for k in 1 .. 5 do
                let v = Array.init 4 (fun i -> float (k * 7 + i) / 3.0 - 2.0)
                x.Raw.CopyFrom((Tensor.ofArray64 [| 4 |] v).Raw)
                let replayed = (plan.Run()).ToDoubleArray()
                let eager = (Diff.grads (fun xs -> f xs.[0]) [| Tensor.ofArray64 [| 4 |] v |]).[0].ToDoubleArray()
                Expect.sequenceEqual replayed eager (sprintf "gradient for input set %d" k)
        }
        test "a captured batched Hessian replays to the eager Hessian at new inputs, bit for bit" {
            let x = Tensor.ofArray64 [| 12 |] (Array.init 12 (fun i -> 0.5 + 0.01 * float i))
            let plan = Tensor.Capture(Func<Tensor>(fun () -> Diff.hessian GradCheck.rosenbrock x))
            for k in 1 .. 3 do
                let v = Array.init 12 (fun i -> 0.3 * float k - 0.02 * float i)
                x.Raw.CopyFrom((Tensor.ofArray64 [| 12 |] v).Raw)
                let replayed = (plan.Run()).ToDoubleArray()
                let eager = (Diff.hessian GradCheck.rosenbrock (Tensor.ofArray64 [| 12 |] v)).ToDoubleArray()
                Expect.sequenceEqual replayed eager (sprintf "Hessian at input set %d" k)
        }
        test "replayed W1 and W3 steps allocate at most 64 bytes" {
            let w1 = w1Body ()
            let plan = Tensor.Capture(Func<Tensor>(w1))
            let replay = bytesPerStep (fun () -> plan.Run() |> ignore)
            // Issue #18's bound: every kernel writes into the storage its capture recorded; what is left is at most a
            // few small objects of the replay loop itself.
            Expect.isLessThanOrEqual replay 64L (sprintf "W1: bytes per replay (%d kernels)" plan.KernelCount)
            let w3 = w3Body ()
            let plan3 = Tensor.Capture(Func<Tensor>(w3))
            let replay3 = bytesPerStep (fun () -> plan3.Run() |> ignore)
            Expect.isLessThanOrEqual replay3 64L (sprintf "W3: bytes per replay (%d kernels)" plan3.KernelCount)
        }
        test "random draws, step scopes and nested captures inside a capture are refused, and leave nothing open" {
            let refused (f: unit -> unit) =
                try f (); "" with
                | :? NotSupportedException as e -> e.Message
                | :? InvalidOperationException as e -> e.Message
            let x = Tensor.ofArray [| 4; 1 |] [| 1.0f; 2.0f; 3.0f; 4.0f |]
            let drop = Dropout(0.5)
            let m1 = refused (fun () -> Tensor.Capture(Func<Tensor>(fun () -> (drop.Call x).Sum())) |> ignore)
            Expect.stringContains m1 "random numbers" "dropout's mask"
            let scoped () =
                use _ = Tensor.StepScope()
                x.Sum()
            let m2 = refused (fun () -> Tensor.Capture(Func<Tensor>(scoped)) |> ignore)
            Expect.stringContains m2 "StepScope" "a scope inside"
            let m3 = refused (fun () -> Tensor.Capture(Func<Tensor>(fun () -> Tensor.Capture(Func<Tensor>(fun () -> x.Sum())).Output)) |> ignore)
            Expect.stringContains m3 "already open" "nested capture"
            let captureInScope () =
                use _ = Tensor.StepScope()
                Tensor.Capture(Func<Tensor>(fun () -> x.Sum())) |> ignore
            let m4 = refused captureInScope
            Expect.stringContains m4 "inside a Tensor.StepScope" "a capture inside a scope"
            // Nothing stays open: random draws and a capture work again.
            Expect.equal (Tensor.rand [| 3 |]).Numel 3 "draws after refused captures"
            let plan = Tensor.Capture(Func<Tensor>(fun () -> (x * 2.0).Sum()))
            Expect.equal ((plan.Run()).ToDouble()) 20.0 "a capture after refused ones"
        }
        test "a step whose gradients would accumulate across iterations is refused (the eager loop and a replay would differ)" {
            let refusal (f: unit -> unit) =
                try f (); "" with :? InvalidOperationException as e -> e.Message
            let w = Parameter(Tensor.ofArray [| 3 |] [| 1.0f; 2.0f; 3.0f |])
            let loss () = (w.Value * w.Value).Sum()
            // No ZeroGrad anywhere: the first step sets .grad, the next eager step would add to it.
            let m1 = refusal (fun () -> Tensor.Capture(Func<Tensor>(fun () -> let l = loss () in l.Backward(); l)) |> ignore)
            Expect.stringContains m1 "did not clear first" "set and kept"
            Expect.stringContains m1 "ZeroGrad()" "names the fix"
            // A .grad from before the capture, added to inside it.
            w.ZeroGrad()
            (loss ()).Backward()
            let m2 = refusal (fun () -> Tensor.Capture(Func<Tensor>(fun () -> let l = loss () in l.Backward(); l)) |> ignore)
            Expect.stringContains m2 "left from before the capture" "old gradient"
            // Cleared before Backward: accepted, and a replay equals the eager step.
            let plan = Tensor.Capture(Func<Tensor>(fun () -> w.ZeroGrad(); let l = loss () in l.Backward(); l))
            let g1 = w.Grad.ToFloat32Array()
            plan.Run() |> ignore
            Expect.sequenceEqual (w.Grad.ToFloat32Array()) g1 "the same gradient (w did not change)"
        }
        test "a replay inside another capture is recorded as one step of it" {
            let x = Tensor.ofArray [| 3 |] [| 1.0f; 2.0f; 3.0f |]
            let inner = Tensor.Capture(Func<Tensor>(fun () -> (x * 2.0).Sum()))
            let outer = Tensor.Capture(Func<Tensor>(fun () -> inner.Run() * 3.0))
            Expect.equal (outer.Output.ToDouble()) 36.0 "first run"
            x.Raw.CopyFrom((Tensor.ofArray [| 3 |] [| 1.0f; 1.0f; 1.0f |]).Raw)
            Expect.equal ((outer.Run()).ToDouble()) 18.0 "replay reads the fed input"
        }
        test "reading a value on the host inside the capture is refused with what to do" {
            let x = Tensor.ofArray [| 3 |] [| 1.0f; 2.0f; 3.0f |]
            let message =
                try
                    Tensor.Capture(Func<Tensor>(fun () -> let s = (x * 2.0).Sum() in s.ToDouble() |> ignore; s)) |> ignore
                    ""
                with :? NotSupportedException as e -> e.Message
            Expect.stringContains message "Tensor.Capture" "names the feature"
            Expect.stringContains message "after Run()" "says what to do"
            // The refused capture left nothing behind: eager code and a new capture still run.
            Expect.equal ((x * 2.0).Sum().ToDouble()) 12.0 "eager after a refused capture"
        }
    ]
