/// Deterministic release of libtorch memory: scoped disposal keeps a long training loop's resident memory flat.
module MemoryTests

open System
open System.IO
open Expecto
open Fluxion
open Fluxion.Backends.Torch
open Fluxion.Ops
open TorchTestUtil

/// Resident set size of this process in bytes (Linux /proc/self/statm, field 2, in pages).
let rss () =
    let fields = File.ReadAllText("/proc/self/statm").Split(' ')
    int64 fields.[1] * int64 Environment.SystemPageSize

let settledRss () =
    GC.Collect()
    GC.WaitForPendingFinalizers()
    GC.Collect()
    rss ()

/// Builds a training step on the Torch backend (one libtorch thread), runs it 10 000 times and checks that it
/// trains and that resident memory grows by less than 16 MB between step 1000 and step 10 000.
let flatOver10000Steps (what: string) (makeStep: unit -> (unit -> float)) =
    // Small tensors run ~50x faster on one libtorch thread than on two contending OpenMP threads here.
    let threads = TorchBackend.GetNumThreads()
    TorchBackend.SetNumThreads 1
    try
        withBackend BackendKind.Torch (fun () ->
            let step = makeStep ()
            let first = step ()
            for _ in 2 .. 1000 do step () |> ignore
            let warm = settledRss ()
            let mutable last = 0.0
            for _ in 1001 .. 10000 do last <- step ()
            let after = settledRss ()
            let growthMb = float (after - warm) / 1048576.0
            printfn "torch memory (%s): RSS %d MB at step 1000, %d MB at step 10000" what (warm / 1048576L) (after / 1048576L)
            Expect.isLessThan last (first / 2.0) "the loop trains"
            Expect.isLessThan growthMb 16.0 (sprintf "RSS grew by %.1f MB between step 1000 (%d MB) and step 10000 (%d MB)" growthMb (warm / 1048576L) (after / 1048576L)))
    finally TorchBackend.SetNumThreads threads

[<Tests>]
let tests =
    testList "Torch.Memory" [
        torchCase "a scope frees the native data of intermediates made inside it, and Keep spares one" <| fun () ->
            withBackend BackendKind.Torch (fun () ->
                let p = Tensor.ones [| 3 |]
                let inner, kept =
                    use scope = TorchBackend.Scope()
                    let a = p * 2.0
                    let b = a + 1.0
                    a, scope.Keep b
                Expect.isTrue ((inner.Raw :?> TorchRaw).Tensor.IsInvalid) "intermediate freed"
                Expect.sequenceEqual (kept.ToFloat32Array()) [| 3.0f; 3.0f; 3.0f |] "kept tensor still readable"
                Expect.sequenceEqual (p.ToFloat32Array()) [| 1.0f; 1.0f; 1.0f |] "tensor from before the scope untouched")

        torchCase "10000 training steps with a scope per step keep resident memory flat" <| fun () ->
            flatOver10000Steps "manual" (fun () ->
                // An MLP step allocates about 40 native tensors of up to 64 KB: ~10 GB over the loop if nothing were freed.
                let x = Creation.ofFloat32 [| 256; 32 |] (values 41 (256 * 32) -1.0 1.0 |> Array.map float32)
                let y = Creation.ofFloat32 [| 256; 1 |] (values 42 256 -1.0 1.0 |> Array.map float32)
                let w1 = (Creation.ofFloat32 [| 32; 64 |] (values 43 (32 * 64) -0.2 0.2 |> Array.map float32)).RequiresGrad_()
                let w2 = (Creation.ofFloat32 [| 64; 1 |] (values 44 64 -0.2 0.2 |> Array.map float32)).RequiresGrad_()
                fun () ->
                    use _ = TorchBackend.Scope()
                    w1.ZeroGrad()
                    w2.ZeroGrad()
                    let h = Tensor.tanh (Tensor.matmul x w1)
                    let d = Tensor.matmul h w2 - y
                    let loss = Tensor.mean (d * d)
                    loss.Backward()
                    w1.AddInPlace(w1.Grad, -1e-2)
                    w2.AddInPlace(w2.Grad, -1e-2)
                    loss.ToDouble())

        torchCase "10000 steps of a Sequential with MSELoss and Adam, one scope per step, keep resident memory flat" <| fun () ->
            // The loop a user writes from the course: the optimizer creates its state inside the first step's scope,
            // so that state must outlive the scope while every step's intermediates are freed.
            flatOver10000Steps "modules + Adam" (fun () ->
                let x = Creation.ofFloat32 [| 256; 32 |] (values 45 (256 * 32) -1.0 1.0 |> Array.map float32)
                let y = Creation.ofFloat32 [| 256; 1 |] (values 46 256 -1.0 1.0 |> Array.map float32)
                Tensor.manualSeed 0L
                let model = Nn.Sequential(Nn.Linear(32, 64), Nn.ReLU(), Nn.Linear(64, 1))
                let lossFn = Optim.MSELoss()
                let opt = Optim.Adam(model.Parameters(), 1e-3)
                fun () ->
                    use _ = TorchBackend.Scope()
                    opt.ZeroGrad()
                    let loss = lossFn.Invoke(model.Call x, y)
                    loss.Backward()
                    opt.Step()
                    loss.ToDouble())
    ]
