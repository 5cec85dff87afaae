/// Tensor.StepScope: a training step inside the scope gives the same bits as without it, storage recycled at the
/// scope's end is never silently reused under a tensor the user still holds (using one raises
/// ObjectDisposedException naming Keep()), Keep() and still-set gradients survive, and a scoped steady-state step
/// allocates at most what it was measured to allocate.
module StepScopeTests

open System
open Expecto
open Fluxion
open Fluxion.Nn
open Fluxion.Optim
open Fluxion.Random
open TrainingStepFixtures

let private bits (t: Tensor) = t.Detach().ToFloat32Array() |> Array.map BitConverter.SingleToInt32Bits

/// NeuralNetTwoLayer 1-3-1 of W2, with its own generator.
let private w2Model () =
    let g = Generator(3UL)
    Sequential(Linear(1, 3, generator = g), ReLU(), Linear(3, 1, generator = g))

let private scopeIf (on: bool) : IDisposable = if on then Tensor.StepScope() else null

/// Trains with an optimizer object, each step inside a scope or not; every loss and the final weights, as bits.
let private trainModule (scoped: bool) (steps: int) (model: Module) (opt: TorchOptimizer) =
    let lossFn = MSELoss()
    let losses = Array.zeroCreate steps
    for i in 0 .. steps - 1 do
        use _ = scopeIf scoped
        let loss = lossFn.Invoke(model.Call xs, ys)
        loss.Backward()
        losses.[i] <- BitConverter.DoubleToInt64Bits(loss.ToDouble())
        opt.Step()
        opt.ZeroGrad()
    losses, model.Parameters() |> Seq.map (fun p -> bits p.Data) |> Array.ofSeq

/// W1: Linear(2,1) on [x, x^2] with MSELoss and the course's manual update under no_grad.
let private trainW1 (scoped: bool) (steps: int) =
    let n = 100
    let x = Tensor.ofArray [| n; 2 |] (Array.init (2 * n) (fun i -> let v = float32 (i / 2) / 50.0f - 1.0f in if i % 2 = 0 then v else v * v))
    let y = Tensor.ofArray [| n; 1 |] (Array.init n (fun i -> MathF.Sin(float32 i / 20.0f)))
    let model = Linear(2, 1, generator = Generator(0UL))
    let lossFn = MSELoss()
    let ps = model.Parameters() |> Array.ofSeq
    let losses = Array.zeroCreate steps
    for i in 0 .. steps - 1 do
        use _ = scopeIf scoped
        let loss = lossFn.Invoke(model.Call x, y)
        loss.Backward()
        losses.[i] <- BitConverter.DoubleToInt64Bits(loss.ToDouble())
        use _ = GradMode.NoGrad()
        for p in ps do
            p.Data.AddInPlace(p.Grad * 1e-2, -1.0)
            p.ZeroGrad()
    losses, ps |> Array.map (fun p -> bits p.Data)

let private sameRuns name (a: int64[] * int[][]) (b: int64[] * int[][]) =
    Expect.sequenceEqual (fst a) (fst b) (name + ": every loss, bit for bit")
    Expect.equal (snd a).Length (snd b).Length (name + ": parameter count")
    for i in 0 .. (snd a).Length - 1 do
        Expect.sequenceEqual (snd a).[i] (snd b).[i] (sprintf "%s: parameter %d, bit for bit" name i)

[<Tests>]
let tests =
    testList "Tensor.StepScope" [
        testCase "W1-, W2- and W3-style training gives the same losses and weights, bit for bit, with and without the scope" <| fun () ->
            sameRuns "W1" (trainW1 false 60) (trainW1 true 60)
            let w2 scoped =
                let m = w2Model ()
                trainModule scoped 60 m (SGD(m.Parameters(), 1e-2))
            sameRuns "W2" (w2 false) (w2 true)
            let w3 scoped (makeOpt: Parameter seq -> TorchOptimizer) =
                let m = w3Model ()
                trainModule scoped 60 m (makeOpt (m.Parameters()))
            sameRuns "W3 SGD" (w3 false (fun ps -> SGD(ps, 0.05))) (w3 true (fun ps -> SGD(ps, 0.05)))
            // Optimizer state (momentum, moments) is made inside the first scoped step and must survive it.
            sameRuns "W3 SGD momentum" (w3 false (fun ps -> SGD(ps, 0.05, momentum = 0.9))) (w3 true (fun ps -> SGD(ps, 0.05, momentum = 0.9)))
            sameRuns "W3 Adam" (w3 false (fun ps -> Adam(ps, 1e-2))) (w3 true (fun ps -> Adam(ps, 1e-2)))
            let l, _ = w3 true (fun ps -> SGD(ps, 0.05))
            Expect.isLessThan (BitConverter.Int64BitsToDouble l.[59]) (BitConverter.Int64BitsToDouble l.[0]) "the network trains"

        testCase "a prediction used after its scope raises ObjectDisposedException naming Keep(), for reads and for ops" <| fun () ->
            let model = w3Model ()
            let mutable pred = Unchecked.defaultof<Tensor>
            do
                use _ = Tensor.StepScope()
                pred <- model.Call xs
                (MSELoss().Invoke(pred, ys)).Backward()
                Expect.equal (pred.ToFloat32Array().Length) 16 "readable inside the scope"
            let ex = Expect.throwsC (fun () -> pred.ToFloat32Array() |> ignore) id
            Expect.isTrue (ex :? ObjectDisposedException) (sprintf "ObjectDisposedException, got %s" (ex.GetType().Name))
            Expect.stringContains ex.Message "Tensor.StepScope" "names the scope"
            Expect.stringContains ex.Message "Keep()" "names the fix"
            Expect.stringContains ex.Message "(16, 1)" "names the shape"
            Expect.throwsT<ObjectDisposedException> (fun () -> Tensor.relu pred |> ignore) "a unary op"
            Expect.throwsT<ObjectDisposedException> (fun () -> pred * pred |> ignore) "a binary op"
            Expect.throwsT<ObjectDisposedException> (fun () -> pred.Detach().Sum() |> ignore) "a detached alias"
            // Its storage really is reused: the next scoped forward takes it.
            use _ = Tensor.StepScope()
            let again = model.Call xs
            Expect.equal (again.ToFloat32Array().Length) 16 "the next step runs"

        testCase "Keep() exempts a tensor: it keeps its values across later scoped steps" <| fun () ->
            let model = w3Model ()
            let opt = SGD(model.Parameters(), 0.05)
            let lossFn = MSELoss()
            let mutable kept = Unchecked.defaultof<Tensor>
            do
                use _ = Tensor.StepScope()
                let pred = model.Call xs
                kept <- pred.Keep()
                (lossFn.Invoke(pred, ys)).Backward()
                opt.Step()
                opt.ZeroGrad()
            let before = bits kept
            for _ in 1 .. 10 do
                use _ = Tensor.StepScope()
                (lossFn.Invoke(model.Call xs, ys)).Backward()
                opt.Step()
                opt.ZeroGrad()
            Expect.sequenceEqual (bits kept) before "the kept prediction is unchanged"
            // The model moved on, so a fresh prediction differs: the kept one was not silently refreshed.
            Expect.notEqual (bits (model.Call xs)) before "the model trained"

        testCase "a gradient still set after the scope stays valid and accumulates; one cleared inside the scope is retired" <| fun () ->
            let model = w3Model ()
            let w = model.Parameters() |> Seq.item 2 // the 10x10 weight of the second Linear
            let lossFn = MSELoss()
            do
                use _ = Tensor.StepScope()
                (lossFn.Invoke(model.Call xs, ys)).Backward()
            let once = bits w.Grad
            do
                use _ = Tensor.StepScope()
                (lossFn.Invoke(model.Call xs, ys)).Backward()
            // Reference: the same two backwards without scopes.
            let ref = w3Model ()
            let rw = ref.Parameters() |> Seq.item 2
            (lossFn.Invoke(ref.Call xs, ys)).Backward()
            Expect.sequenceEqual once (bits rw.Grad) "first gradient"
            (lossFn.Invoke(ref.Call xs, ys)).Backward()
            Expect.sequenceEqual (bits w.Grad) (bits rw.Grad) "accumulated gradient"
            // A gradient read, then cleared by ZeroGrad inside the scope, is an intermediate of that step.
            w.ZeroGrad()
            let mutable g = Unchecked.defaultof<Tensor>
            do
                use _ = Tensor.StepScope()
                (lossFn.Invoke(model.Call xs, ys)).Backward()
                g <- w.Grad
                w.ZeroGrad()
            Expect.throwsT<ObjectDisposedException> (fun () -> g.ToFloat32Array() |> ignore) "cleared inside the scope"
            // Cleared after the scope: the user's reference stays valid.
            do
                use _ = Tensor.StepScope()
                (lossFn.Invoke(model.Call xs, ys)).Backward()
            let g2 = w.Grad
            let v = bits g2
            w.ZeroGrad()
            for _ in 1 .. 3 do
                use _ = Tensor.StepScope()
                (lossFn.Invoke(model.Call xs, ys)).Backward()
                w.ZeroGrad()
            Expect.sequenceEqual (bits g2) v "a gradient cleared outside any scope keeps its values"

        testCase "a graph retained past its scope cannot be swept again, and says why" <| fun () ->
            let model = w3Model ()
            let mutable loss = Unchecked.defaultof<Tensor>
            do
                use _ = Tensor.StepScope()
                loss <- MSELoss().Invoke(model.Call xs, ys)
                loss.Backward(true)
            Expect.throwsT<ObjectDisposedException> (fun () -> loss.Backward()) "the saved activations were recycled"

        testCase "an inner scope joins the outer one; leaves and parameters made inside survive" <| fun () ->
            let a = Tensor.ofArray [| 4; 4 |] (Array.init 16 (fun i -> float32 i / 10.0f))
            let mutable t = Unchecked.defaultof<Tensor>
            let mutable leaf = Unchecked.defaultof<Tensor>
            let mutable p = Unchecked.defaultof<Parameter>
            do
                use _ = Tensor.StepScope()
                do
                    use _ = Tensor.StepScope()
                    t <- Tensor.MatMul(a, a)
                    leaf <- Tensor.MatMul(a, a).RequiresGrad_()
                    p <- Parameter(Tensor.MatMul(a, a))
                Expect.equal (t.ToFloat32Array().Length) 16 "usable after the inner scope"
            Expect.throwsT<ObjectDisposedException> (fun () -> t.ToFloat32Array() |> ignore) "retired with the outer scope"
            let expected = Tensor.MatMul(a, a).ToFloat32Array()
            for _ in 1 .. 3 do
                use _ = Tensor.StepScope()
                Tensor.MatMul(a * 2.0, a) |> ignore
            Expect.equal (leaf.ToFloat32Array()) expected "a leaf made inside keeps its storage"
            Expect.equal (p.Data.ToFloat32Array()) expected "a parameter made inside keeps its storage"

        testSequenced <| testList "steady state" [
            testCase "a scoped W1-like step allocates at most its measured bytes" <| fun () ->
                let step = w1Step true
                let b = bytesPerStep step
                // 2888 bytes without the scope: the 100-row prediction's storage is recycled.
                Expect.isLessThanOrEqual b 2464L (sprintf "W1-like scoped step: %d bytes" b)

            testCase "a scoped W3-like step allocates at most its measured bytes" <| fun () ->
                let step = w3Step true
                let b = bytesPerStep step
                // 8880 bytes without the scope: activations and the cleared gradients' storage are recycled.
                Expect.isLessThanOrEqual b 5824L (sprintf "W3-like scoped step: %d bytes" b)
        ]
    ]
