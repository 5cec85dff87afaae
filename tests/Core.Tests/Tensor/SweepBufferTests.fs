/// The backward sweep recycles its interior adjoints' arrays: nothing a user can hold is ever reused (held
/// activations, leaf gradients, gradients that reach a leaf through a pass-through op), training is unchanged, and a
/// steady-state training step allocates at most what it was measured to allocate.
module SweepBufferTests

open System
open Expecto
open Fluxion
open Fluxion.Nn
open Fluxion.Optim
open Fluxion.Random
open TrainingStepFixtures

let private values (t: Tensor) = t.Detach().Clone().ToFloat32Array()

/// Trains `steps` SGD steps; `hold` sees every step's prediction and loss before the next step runs.
let private train (steps: int) (hold: int -> Tensor -> Tensor -> unit) =
    let model = w3Model ()
    let opt = SGD(model.Parameters(), 0.05)
    let lossFn = MSELoss()
    let losses = Array.zeroCreate steps
    for i in 0 .. steps - 1 do
        let pred = model.Call xs
        let loss = lossFn.Invoke(pred, ys)
        loss.Backward()
        losses.[i] <- loss.ToDouble()
        hold i pred loss
        opt.Step()
        opt.ZeroGrad()
    model, losses

[<Tests>]
let tests =
    testList "Tensor.SweepBuffers" [
        testCase "a held prediction, its loss and a held leaf gradient keep their values across later steps" <| fun () ->
            let held = Collections.Generic.List<Tensor * float32[]>()
            let model, losses =
                train 30 (fun i pred loss ->
                    if i % 5 = 0 then
                        held.Add((pred, values pred))
                        held.Add((loss, values loss)))
            // Leaf gradients are made by the sweep's own kernels: hold one past further steps.
            let w = (model.Parameters() |> Seq.head)
            let lossFn = MSELoss()
            let l = lossFn.Invoke(model.Call xs, ys)
            l.Backward()
            let grad = w.Grad
            let gradValues = values grad
            w.ZeroGrad()
            for _ in 1 .. 5 do
                let l = lossFn.Invoke(model.Call xs, ys)
                l.Backward()
                w.ZeroGrad()
            Expect.sequenceEqual (values grad) gradValues "the held gradient is unchanged"
            for t, v in held do Expect.sequenceEqual (values t) v "a held prediction or loss is unchanged"
            // Holding changes nothing: the same training without holding gives the same losses, bit for bit.
            let _, again = train 30 (fun _ _ _ -> ())
            Expect.sequenceEqual (Array.map BitConverter.DoubleToInt64Bits again) (Array.map BitConverter.DoubleToInt64Bits losses) "same losses"
            Expect.isLessThan losses.[29] losses.[0] "the network trains"

        testCase "a gradient that reaches a leaf through a pass-through add is not reused by the interior branch" <| fun () ->
            // s = relu(x W) + u: the add hands one MSE gradient array to the leaf u (its Grad) and to the relu,
            // whose backward then makes arrays of the same length; u.Grad must keep the MSE gradient.
            let x = Tensor.ofArray [| 8; 3 |] (Array.init 24 (fun i -> float32 (i % 7) / 3.0f - 1.0f))
            let w = Parameter(Tensor.ofArray [| 3; 4 |] (Array.init 12 (fun i -> float32 (i % 5) / 4.0f - 0.4f)))
            let u = Parameter(Tensor.ofArray [| 8; 4 |] (Array.init 32 (fun i -> float32 (i % 3) / 5.0f)))
            let t = Tensor.ofArray [| 8; 4 |] (Array.init 32 (fun i -> float32 (i % 11) / 10.0f))
            let h = Tensor.relu (Tensor.MatMul(x, w.Value))
            (MSELoss().Invoke(h + u.Value, t)).Backward()
            // The same gradient with no interior branch to consume it.
            let u2 = Parameter(u.Data.Clone())
            (MSELoss().Invoke(h.Detach() + u2.Value, t)).Backward()
            Expect.sequenceEqual (values u.Grad) (values u2.Grad) "u's gradient is the MSE gradient"
            Expect.isGreaterThan (values u.Grad |> Array.sumBy abs) 0.0f "non-trivial"

        testCase "gradients through a shared storage (x + x, a reshape) add up as before" <| fun () ->
            let p = Parameter(Tensor.ofArray [| 4; 4 |] (Array.init 16 (fun i -> float32 i / 10.0f - 0.5f)))
            let y = Tensor.ofArray [| 4; 4 |] (Array.init 16 (fun i -> float32 (i % 4) / 4.0f))
            let a = Tensor.relu (Tensor.MatMul(p.Value, p.Value))
            let s = (a + a).Reshape [| 16 |]
            (MSELoss().Invoke(s, y.Reshape [| 16 |])).Backward()
            // Reference: the same function written without the shared paths, g(a) doubled by hand.
            let p2 = Parameter(p.Data.Clone())
            let a2 = Tensor.relu (Tensor.MatMul(p2.Value, p2.Value))
            (MSELoss().Invoke((a2 * 2.0).Reshape [| 16 |], y.Reshape [| 16 |])).Backward()
            Expect.sequenceEqual (values p.Grad) (values p2.Grad) "same gradient"

        testCase "Sequential's fused Linear+ReLU gives the unfused modules' output, grad_fn and gradients, bit for bit" <| fun () ->
            let model = w3Model ()
            let fused = model.Call xs
            // The same modules called one by one never fuse.
            let mutable y = xs
            for i in 0 .. model.Count - 1 do y <- model.[i].Call y
            Expect.equal fused.GradFnName "AddmmBackward0" "the last Linear's output"
            Expect.equal y.GradFnName "AddmmBackward0" "unfused output"
            Expect.sequenceEqual (values fused) (values y) "same output"
            let grads (out: Tensor) =
                for p in model.Parameters() do p.ZeroGrad()
                (MSELoss().Invoke(out, ys)).Backward()
                model.Parameters() |> Seq.map (fun p -> values p.Grad) |> Array.ofSeq
            let gFused = grads (model.Call xs)
            let mutable z = xs
            for i in 0 .. model.Count - 1 do z <- model.[i].Call z
            let gPlain = grads z
            for a, b in Array.zip gFused gPlain do Expect.sequenceEqual a b "same gradient"
            // The pre-activation of a fused pair: after a release, a second backward raises PyTorch's error.
            let h = Sequential(Linear(1, 10, generator = Generator(1UL)), ReLU()).Call xs
            Expect.equal h.GradFnName "ReluBackward0" "fused pair"
            let s = h.Sum()
            s.Backward()
            let ex = Expect.throwsC (fun () -> s.Backward()) id
            Expect.stringContains ex.Message "Trying to backward through the graph a second time" "second backward"

        testSequenced <| testList "steady state" [
            testCase "a W1-like step (Linear(2,1), MSELoss, the course's manual update) allocates at most its measured bytes" <| fun () ->
                let step = w1Step false
                let b = bytesPerStep step
                Expect.isLessThanOrEqual b 2888L (sprintf "W1-like step: %d bytes" b)

            testCase "a W3-like step (four Linear layers, ReLU, MSELoss, SGD) allocates at most its measured bytes" <| fun () ->
                let step = w3Step false
                let b = bytesPerStep step
                Expect.isLessThanOrEqual b 8880L (sprintf "W3-like step: %d bytes" b)
        ]
    ]
