/// PyTorch's autograd rules: freed graphs and retain_graph, version counters of in-place ops, the leaf rule,
/// anomaly detection. Expected messages and values are PyTorch 1.13's.
module AutogradRulesTests

open System
open Expecto
open Fluxion
open Fluxion.Ops
open GradCheck

let private f32 (data: float32[]) = (Tensor.ofArray [| data.Length |] data)
let private leaf32 (data: float32[]) = (f32 data).RequiresGrad_()
let private floats (t: Tensor) = t.ToFloat32Array()
/// a = [1, 2, 3] and b = [4, 5, 6], both leaves that require grad.
let private ab () = leaf32 [| 1.0f; 2.0f; 3.0f |], leaf32 [| 4.0f; 5.0f; 6.0f |]

let private secondTime =
    "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward."

/// The part of the version error that is PyTorch's text word for word (its hint names PyTorch's API; ours ours).
let private versionText (what: string) (now: int) (saved: int) =
    sprintf "one of the variables needed for gradient computation has been modified by an inplace operation: %s is at version %d; expected version %d instead." what now saved

/// The exception of type 'E that `f` raises (a test failure if it raises none or another type).
let private raises<'E when 'E :> exn> (f: unit -> unit) : 'E =
    let caught = try f (); None with e -> Some e
    match caught with
    | Some(:? 'E as e) -> e
    | Some e -> failtestf "expected %s, got %s: %s" typeof<'E>.Name (e.GetType().Name) e.Message
    | None -> failtestf "expected %s, nothing was raised" typeof<'E>.Name

let private throwsInvalid (f: unit -> unit) = (raises<InvalidOperationException> f).Message

let private expectStarts (msg: string) (prefix: string) =
    Expect.isTrue (msg.StartsWith(prefix, StringComparison.Ordinal)) (sprintf "message\n%s\nstarts with\n%s" msg prefix)

/// A loss over intermediates that only the graph references, and a weak reference to one intermediate's storage.
[<Runtime.CompilerServices.MethodImpl(Runtime.CompilerServices.MethodImplOptions.NoInlining)>]
let private lossWithIntermediate (x: Tensor) : Tensor * WeakReference =
    let h = Tensor.exp (x * 2.0)
    (h * h).Sum(), WeakReference(h.Raw)

let private collected (w: WeakReference) =
    GC.Collect()
    GC.WaitForPendingFinalizers()
    GC.Collect()
    not w.IsAlive

[<Tests>]
let tests =
    testList "Tensor.AutogradRules" [
        testList "retain_graph" [
            testCase "a second backward through a product raises PyTorch's error after the first freed the graph" <| fun () ->
                let a, b = ab ()
                let l = (a * b).Sum()
                l.Backward()
                Expect.equal (floats a.Grad) [| 4.0f; 5.0f; 6.0f |] "first backward: dl/da = b"
                let msg = throwsInvalid (fun () -> l.Backward())
                Expect.equal msg secondTime "PyTorch's text"
                Expect.equal (floats a.Grad) [| 4.0f; 5.0f; 6.0f |] "the failed backward added nothing to a"

            testCase "retainGraph keeps the graph: a second backward accumulates, a third without it still works once" <| fun () ->
                let a, b = ab ()
                let l = (a * b).Sum()
                l.Backward(retainGraph = true)
                l.Backward()
                // torch: a.grad = [8, 10, 12], b.grad = [2, 4, 6] after backward(retain_graph=True); backward()
                Expect.equal (floats a.Grad) [| 8.0f; 10.0f; 12.0f |] "a.grad = 2b"
                Expect.equal (floats b.Grad) [| 2.0f; 4.0f; 6.0f |] "b.grad = 2a"
                Expect.equal (throwsInvalid (fun () -> l.Backward())) secondTime "the third backward finds the graph freed"

            testCase "nodes that save nothing (add, sum) allow a second backward, as in PyTorch" <| fun () ->
                let a, b = ab ()
                let l = (a + b).Sum()
                l.Backward()
                l.Backward()
                Expect.equal (floats a.Grad) [| 2.0f; 2.0f; 2.0f |] "torch: a.grad = [2, 2, 2]"
                Expect.equal (floats b.Grad) [| 2.0f; 2.0f; 2.0f |] "b too"

            testCase "a shared subgraph freed by one loss raises for the other loss (exp saves its output)" <| fun () ->
                let x = leaf32 [| 0.5f; 1.0f |]
                let y = Tensor.exp x
                let l1 = y.Sum()
                let l2 = (y * 2.0).Sum()
                l1.Backward()
                Expect.equal (throwsInvalid (fun () -> l2.Backward())) secondTime "ExpBackward0 lost its saved output"

            testCase "a kept loss pins no activations after a freeing backward, but does with retainGraph" <| fun () ->
                let x = leaf32 [| 0.5f; 1.0f |]
                let kept, weak = lossWithIntermediate x
                kept.Backward(retainGraph = true)
                Expect.isFalse (collected weak) "retained graph keeps exp's output"
                kept.Backward()
                Expect.isTrue (collected weak) "freed graph lets it go"
                // d/dx sum(exp(2x)^2) = 4 exp(4x), twice
                Expect.floatClose Accuracy.medium (float (floats x.Grad).[0]) (8.0 * exp 2.0) "values of both backwards"
                Expect.equal (string kept) (sprintf "tensor(%.4f, grad_fn=<SumBackward0>)" (exp 2.0 + exp 4.0)) "the kept loss still prints"

            testCase "Backward(gradient, retainGraph) retains too" <| fun () ->
                let x = leaf32 [| 1.0f; 2.0f |]
                let y = x * x
                let g = f32 [| 1.0f; 0.5f |]
                y.Backward(g, true)
                y.Backward(g)
                Expect.equal (floats x.Grad) [| 4.0f; 4.0f |] "2 * (2x * g)"
                Expect.equal (throwsInvalid (fun () -> y.Backward(g))) secondTime "freed after the second"

            testCase "the functional Diff API never frees: grad and hessian twice give the same values" <| fun () ->
                let f (p: Tensor) = Tensor.Pow(p.[0] * p.[0] + p.[1] - 11.0, 2.0) + Tensor.Pow(p.[0] + p.[1] * p.[1] - 7.0, 2.0)
                let p = t64 [| 2 |] [| 3.0; 0.0 |]
                for _ in 1 .. 2 do
                    Expect.equal (vals (Diff.grad f p)) [| -32.0; -4.0 |] "Himmelblau gradient at (3, 0)"
                    Expect.equal (vals (Diff.hessian f p)) [| 66.0; 12.0; 12.0; -14.0 |] "Hessian at (3, 0)"

            testCase "Diff.grad of a function of an imperative leaf leaves the leaf's graph usable" <| fun () ->
                let w = (t64 [| 2 |] [| 1.0; 2.0 |]).RequiresGrad_()
                let g = Diff.grad (fun x -> (x * w).Sum()) (t64 [| 2 |] [| 3.0; 4.0 |])
                Expect.equal (vals g) [| 1.0; 2.0 |] "d/dx sum(x w) = w"
                let l = (w * w).Sum()
                l.Backward()
                Expect.equal (vals w.Grad) [| 2.0; 4.0 |] "imperative backward after Diff.grad"
        ]

        testList "version counters" [
            testCase "exp's output modified in place under NoGrad: backward raises naming ExpBackward0" <| fun () ->
                let x = leaf32 [| 1.0f; 2.0f; 3.0f |]
                let y = Tensor.exp x
                Expect.equal y.Version 0 "fresh output"
                (use _ = GradMode.NoGrad()
                 y.Add_(1.0) |> ignore)
                Expect.equal y.Version 1 "add_ bumped the version"
                let msg = throwsInvalid (fun () -> y.Sum().Backward())
                expectStarts msg (versionText "[torch.FloatTensor [3]], which is output 0 of ExpBackward0," 1 0)

            testCase "a leaf saved by mul and modified in place: the message has no producer" <| fun () ->
                let a, b = ab ()
                let y = a * b
                (use _ = GradMode.NoGrad()
                 a.Add_(1.0) |> ignore)
                let msg = throwsInvalid (fun () -> y.Sum().Backward())
                expectStarts msg (versionText "[torch.FloatTensor [3]]" 1 0)

            testCase "float64 2-D input of log modified by mul_: DoubleTensor and the shape" <| fun () ->
                let x = (Tensor.ones [| 2; 3 |]).Cast(Dtype.Float64).RequiresGrad_()
                let y = Tensor.log x
                (use _ = GradMode.NoGrad()
                 x.Mul_(2.0) |> ignore)
                let msg = throwsInvalid (fun () -> y.Sum().Backward())
                expectStarts msg (versionText "[torch.DoubleTensor [2, 3]]" 1 0)

            testCase "modifying an input add does not read is fine, as in PyTorch" <| fun () ->
                let a, b = ab ()
                let l = (a + b).Sum()
                (use _ = GradMode.NoGrad()
                 a.Add_(1.0) |> ignore)
                l.Backward()
                Expect.equal (floats a.Grad) [| 1.0f; 1.0f; 1.0f |] "torch: a.grad = [1, 1, 1]"
                Expect.equal a.Version 1 "torch: a._version = 1"

            testCase "a detached alias and a view share the version counter" <| fun () ->
                let x = leaf32 [| 1.0f; 2.0f; 3.0f |]
                let y = Tensor.exp x
                y.Detach().Add_(1.0) |> ignore
                Expect.equal y.Version 1 "detach shares the storage and the counter"
                let msg = throwsInvalid (fun () -> y.Sum().Backward())
                expectStarts msg (versionText "[torch.FloatTensor [3]], which is output 0 of ExpBackward0," 1 0)
                let y2 = Tensor.exp x
                let v = y2.View [| 3; 1 |]
                (use _ = GradMode.NoGrad()
                 v.Mul_(2.0) |> ignore)
                Expect.equal y2.Version 1 "the view's in-place op counts on the base"
                Expect.equal (floats y2) [| float32 (2.0 * exp 1.0); float32 (2.0 * exp 2.0); float32 (2.0 * exp 3.0) |] "and changed its data"
                expectStarts (throwsInvalid (fun () -> y2.Sum().Backward())) (versionText "[torch.FloatTensor [3]], which is output 0 of ExpBackward0," 1 0)

            testCase "a constant saved by mul and changed in place is caught too" <| fun () ->
                let c = f32 [| 1.0f; 2.0f |]
                let w = leaf32 [| 1.0f; 1.0f |]
                let y = w * c
                c.Add_(1.0) |> ignore
                expectStarts (throwsInvalid (fun () -> y.Sum().Backward())) (versionText "[torch.FloatTensor [2]]" 1 0)

            testCase "the optimizer step bumps the parameters' versions and training goes on" <| fun () ->
                let p = Fluxion.Nn.Parameter(t64 [| 2 |] [| 1.0; -2.0 |])
                let opt = Fluxion.Optim.SGD([ p ], 0.5)
                for step in 1 .. 2 do
                    opt.ZeroGrad()
                    (p.Value * p.Value).Sum().Backward()
                    opt.Step()
                    Expect.equal p.Value.Version step "one bump per step"
                // p <- p - 0.5 * 2p = 0 after the first step
                Expect.equal (vals p.Value) [| 0.0; 0.0 |] "SGD values"
        ]

        testList "in-place ops" [
            testCase "a leaf that requires grad refuses in-place ops outside NoGrad with PyTorch's text" <| fun () ->
                let a, b = ab ()
                for f in [ (fun () -> a.Add_(b) |> ignore); (fun () -> a.Sub_(1.0) |> ignore); (fun () -> a.Mul_(2.0) |> ignore)
                           (fun () -> a.Div_(b) |> ignore); (fun () -> a.Zero_() |> ignore); (fun () -> a.Fill_(3.0) |> ignore)
                           (fun () -> a.Copy_(b.Detach()) |> ignore); (fun () -> a.Clamp_(0.0, 1.0) |> ignore) ] do
                    Expect.equal (throwsInvalid f) "a leaf Variable that requires grad is being used in an in-place operation." "leaf rule"
                Expect.equal a.Version 0 "nothing changed"
                Expect.equal (floats a) [| 1.0f; 2.0f; 3.0f |] "values kept"

            testCase "inside NoGrad the in-place ops change the leaf's data and bump its version" <| fun () ->
                let a, b = ab ()
                use _ = GradMode.NoGrad()
                a.Add_(b, 2.0) |> ignore
                Expect.equal (floats a) [| 9.0f; 12.0f; 15.0f |] "a + 2b"
                a.Sub_(b) |> ignore
                Expect.equal (floats a) [| 5.0f; 7.0f; 9.0f |] "- b"
                a.Div_(2.0).Mul_(b) |> ignore
                Expect.equal (floats a) [| 10.0f; 17.5f; 27.0f |] "/ 2 * b (chained, each returns the tensor)"
                a.Clamp_(12.0, 20.0) |> ignore
                Expect.equal (floats a) [| 12.0f; 17.5f; 20.0f |] "clamp_"
                a.Copy_(Tensor.scalar 7.0) |> ignore
                Expect.equal (floats a) [| 7.0f; 7.0f; 7.0f |] "copy_ broadcasts the source"
                a.Zero_() |> ignore
                Expect.equal (floats a) [| 0.0f; 0.0f; 0.0f |] "zero_"
                a.Fill_(1.5) |> ignore
                Expect.equal (floats a) [| 1.5f; 1.5f; 1.5f |] "fill_"
                Expect.equal a.Version 8 "eight in-place ops"
                Expect.isTrue a.RequiresGrad "still a leaf that requires grad"

            testCase "a non-leaf that requires grad refuses in-place ops and names the out-of-place op" <| fun () ->
                let a, _ = ab ()
                let y = a * 2.0
                let e = raises<NotSupportedException> (fun () -> y.Add_(1.0) |> ignore)
                Expect.stringContains e.Message "add_: in-place operations are not recorded on a tensor that requires grad and has grad_fn=<MulBackward0>" "names op and grad_fn"
                Expect.stringContains e.Message "out-of-place" "names the fix"

            testCase "an operand that requires grad is refused: its gradient would be lost" <| fun () ->
                let a, b = ab ()
                let c = f32 [| 0.0f; 0.0f; 0.0f |]
                let e = raises<NotSupportedException> (fun () -> c.Add_(a) |> ignore)
                Expect.stringContains e.Message "add_: the operand requires grad" "names the operand"
                c.Add_(b.Detach()) |> ignore
                Expect.equal (floats c) [| 4.0f; 5.0f; 6.0f |] "a detached operand is fine"

            testCase "shape errors name the op and both shapes" <| fun () ->
                let c = f32 [| 1.0f; 2.0f; 3.0f |]
                let e = raises<ShapeException> (fun () -> c.Mul_(Tensor.ones [| 2; 3 |]) |> ignore)
                Expect.stringContains e.Message "mul_: output with shape [3] doesn't match the broadcast shape [2, 3]" "PyTorch's wording"
                Expect.equal c.Version 0 "no bump on failure"

            testCase "Parameter's data-level updates still work and bump the version" <| fun () ->
                let p = Fluxion.Nn.Parameter(t64 [| 2 |] [| 1.0; 2.0 |])
                p.SetData(t64 [| 2 |] [| 5.0; 6.0 |])
                Expect.equal (vals p.Value) [| 5.0; 6.0 |] "set"
                Expect.equal p.Value.Version 1 "bumped"
                (use _ = GradMode.NoGrad()
                 p.Value.Sub_(t64 [| 2 |] [| 1.0; 1.0 |]) |> ignore)
                Expect.equal (vals p.Data) [| 4.0; 5.0 |] "through its leaf"
                Expect.equal p.Data.Version 2 "Data shares the counter"
        ]

        testList "anomaly mode" [
            testCase "sqrt(0) * 0: the NaN gradient names SqrtBackward0 (PyTorch's text)" <| fun () ->
                let x = leaf32 [| 0.0f; 1.0f |]
                use _ = Tensor.detectAnomaly ()
                let l = (Tensor.sqrt x * 0.0).Sum()
                Expect.equal (throwsInvalid (fun () -> l.Backward())) "Function 'SqrtBackward0' returned nan values in its 0th output." "names the node"

            testCase "where(x > 0, log x, 0) at 0: LogBackward0 returns nan; without anomaly mode the gradient is nan" <| fun () ->
                let run () =
                    let x = leaf32 [| 0.0f; 1.0f |]
                    let cond = x.Detach().CompareScalar(Fluxion.Backend.CompareKind.Gt, 0.0)
                    Tensor.Where(cond, Tensor.log x, x.Detach().ZerosLike()).Sum().Backward()
                    x.Grad
                let g = floats (run ())
                Expect.isTrue (Single.IsNaN g.[0]) "torch: x.grad = [nan, 1]"
                Expect.equal g.[1] 1.0f "second"
                use _ = Tensor.detectAnomaly ()
                Expect.equal (throwsInvalid (fun () -> run () |> ignore)) "Function 'LogBackward0' returned nan values in its 0th output." "PyTorch's text"

            testCase "log(0) * 0: the forward product is nan, so anomaly mode stops at the forward Mul" <| fun () ->
                let x = leaf32 [| 0.0f; 1.0f |]
                use _ = Tensor.detectAnomaly ()
                let msg = throwsInvalid (fun () -> (Tensor.log x * 0.0) |> ignore)
                Expect.equal msg "Function 'Mul' returned nan values in its output (anomaly mode checks every forward op; its backward is MulBackward0)." "names the forward op"

            testCase "a nan forward names its op; -inf (log 0) is not an anomaly" <| fun () ->
                use _ = Tensor.detectAnomaly ()
                let y = Tensor.log (f32 [| 0.0f; 1.0f |])
                Expect.equal (floats y).[0] Single.NegativeInfinity "log 0 = -inf passes"
                let msg = throwsInvalid (fun () -> Tensor.log (f32 [| -1.0f |]) |> ignore)
                Expect.equal msg "Function 'Log' returned nan values in its output (anomaly mode checks every forward op; its backward is LogBackward0)." "names Log"

            testCase "the scope nests, is per thread, and ends with the outermost dispose" <| fun () ->
                Expect.isFalse AnomalyMode.IsEnabled "off by default"
                let outer = AnomalyMode.DetectAnomaly()
                try
                    let inner = AnomalyMode.DetectAnomaly()
                    try
                        // A thread of its own (a task could be inlined on this very thread).
                        let mutable other = true
                        let t = Threading.Thread(fun () -> other <- AnomalyMode.IsEnabled)
                        t.Start()
                        t.Join()
                        Expect.isFalse other "another thread is not affected"
                    finally inner.Dispose()
                    Expect.isTrue AnomalyMode.IsEnabled "still on after the inner scope"
                    Expect.throwsT<InvalidOperationException> (fun () -> Tensor.log (f32 [| -1.0f |]) |> ignore) |> ignore
                finally outer.Dispose()
                Expect.isFalse AnomalyMode.IsEnabled "off after the outer scope"
                let y = Tensor.log (f32 [| -1.0f |])
                Expect.isTrue (Single.IsNaN (floats y).[0]) "no check outside the scope"

            testCase "a backward error inside anomaly mode leaves forward checks on afterwards" <| fun () ->
                use _ = Tensor.detectAnomaly ()
                let x = leaf32 [| 0.0f |]
                Expect.throwsT<InvalidOperationException> (fun () -> (Tensor.sqrt x * 0.0).Sum().Backward()) |> ignore
                Expect.throwsT<InvalidOperationException> (fun () -> Tensor.log (f32 [| -1.0f |]) |> ignore) |> ignore

            testCase "a diverging manual training loop stops with an error naming the op" <| fun () ->
                // Linear regression with a step size far beyond stability: |w| grows ~92x per step, overflows to
                // inf, and inf - inf makes w nan; the next forward's product is the first op to produce nan.
                let x = f32 [| 1.0f; 2.0f; 3.0f |]
                let y = f32 [| 2.0f; 4.0f; 6.0f |]
                let train (steps: int) =
                    let w = leaf32 [| 0.5f |]
                    let mutable last = nan
                    for _ in 1 .. steps do
                        let loss = Tensor.mean (Tensor.Pow(x * w - y, 2.0))
                        last <- loss.ToDouble()
                        w.ZeroGrad()
                        loss.Backward()
                        (use _ = GradMode.NoGrad()
                         w.Sub_(w.Grad, 10.0) |> ignore)
                    last
                Expect.isTrue (Double.IsNaN (train 40)) "without anomaly mode the loss silently becomes nan"
                use _ = Tensor.detectAnomaly ()
                let msg = throwsInvalid (fun () -> train 40 |> ignore)
                Expect.equal msg "Function 'Mul' returned nan values in its output (anomaly mode checks every forward op; its backward is MulBackward0)." "the product x * w"
        ]
    ]
