/// The small training steps that the allocation tests measure (W1 and W3 of the benchmarks), shared by the
/// sweep-buffer and step-scope suites so both pin the same workloads.
module TrainingStepFixtures

open System
open Fluxion
open Fluxion.Nn
open Fluxion.Optim
open Fluxion.Random

/// W3's 16 inputs and targets.
let xs = Tensor.ofArray [| 16; 1 |] (Array.init 16 (fun i -> float32 i / 8.0f - 1.0f))
let ys = Tensor.ofArray [| 16; 1 |] (Array.init 16 (fun i -> MathF.Cos(float32 i / 4.0f)))

/// The four-layer H=10 ReLU network of W3, with its own generator.
let w3Model () =
    let g = Generator(7UL)
    let act = ReLU()
    Sequential(Linear(1, 10, generator = g), act, Linear(10, 10, generator = g), act, Linear(10, 10, generator = g), act, Linear(10, 1, generator = g))

let private scopeIf (on: bool) : IDisposable = if on then Tensor.StepScope() else null

/// A fresh W1-like step (Linear(2,1), MSELoss, backward, the course's manual update under no_grad) that returns its
/// loss: what the scoped loops run and what the capture tests record.
let w1Body () : unit -> Tensor =
    let n = 100
    let x = Tensor.ofArray [| n; 2 |] (Array.init (2 * n) (fun i -> float32 (i / 2) / 50.0f - 1.0f))
    let y = Tensor.ofArray [| n; 1 |] (Array.init n (fun i -> float32 i / 100.0f))
    let model = Linear(2, 1, generator = Generator(0UL))
    let lossFn = MSELoss()
    let ps = model.Parameters() |> Array.ofSeq
    fun () ->
        let loss = lossFn.Invoke(model.Call x, y)
        loss.Backward()
        use _ = GradMode.NoGrad()
        for p in ps do
            p.Data.AddInPlace(p.Grad * 1e-2, -1.0)
            p.ZeroGrad()
        loss

/// A fresh W3-like step (four Linear layers, ReLU, MSELoss, SGD) that returns its loss.
let w3Body () : unit -> Tensor =
    let model = w3Model ()
    let opt = SGD(model.Parameters(), 0.05)
    let lossFn = MSELoss()
    fun () ->
        let loss = lossFn.Invoke(model.Call xs, ys)
        loss.Backward()
        opt.Step()
        opt.ZeroGrad()
        loss

/// One W1-like step, inside a step scope or not; its loss is read on the host each iteration.
let w1Step (scoped: bool) : unit -> unit =
    let body = w1Body ()
    fun () ->
        use _ = scopeIf scoped
        (body ()).ToDouble() |> ignore

/// One W3-like step, inside a step scope or not; its loss is read on the host each iteration.
let w3Step (scoped: bool) : unit -> unit =
    let body = w3Body ()
    fun () ->
        use _ = scopeIf scoped
        (body ()).ToDouble() |> ignore

/// Bytes allocated per iteration of `step` after a warm-up, the least over several blocks (a block that ran while
/// the JIT swapped in optimised code cannot raise it).
let bytesPerStep (step: unit -> unit) =
    for _ in 1 .. 300 do step ()
    let mutable best = Int64.MaxValue
    for _ in 1 .. 8 do
        let a0 = GC.GetAllocatedBytesForCurrentThread()
        for _ in 1 .. 50 do step ()
        best <- min best ((GC.GetAllocatedBytesForCurrentThread() - a0) / 50L)
    best
