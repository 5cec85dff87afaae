/// Checked sizes (negative dims, element counts past a .NET array) and zero-sized dimensions through ops,
/// layers, losses, printing and backward, against PyTorch 1.13 (tests/data/empty_sizes.json, made by
/// tests/data/scripts/gen_empty_sizes.py).
module SizeTests

open System
open Expecto
open Fluxion
open Fluxion.Ops
open Fluxion.Nn
open Fluxion.Optim
open Fluxion.Random

let private z (shape: int[]) = Tensor.zeros shape
let private o (shape: int[]) = Tensor.ones shape
let private noTargets () = Creation.ofInt64 [| 0 |] [||]

/// Asserts that `f` raises a ShapeException with exactly this message.
let private shapeError (f: unit -> 'a) (message: string) =
    let e = Expect.throwsC (fun () -> f () |> ignore) id
    Expect.isTrue (e :? ShapeException) (sprintf "expected a ShapeException, got %s: %s" (e.GetType().Name) e.Message)
    Expect.equal e.Message message "message"

/// Runs a layer with its own generator (no process-wide state) in eval mode.
let private runLayer (layer: Layer) (x: Tensor) =
    let p = layer.Init(Generator(0UL))
    fst (Layer.applyWithState layer Mode.Eval p (layer.Buffers()) x), p

/// Gradients of `f`'s sum with respect to the leaves, computed by the imperative Backward.
let private backward (f: Tensor[] -> Tensor) (leaves: Tensor[]) =
    let leaves = leaves |> Array.map (fun t -> t.RequiresGrad_())
    (f leaves).Sum().Backward()
    leaves |> Array.map (fun t -> t.Grad)

/// The Fluxion side of every case in empty_sizes.json, by the name the generator gives it.
let private cases : (string * (unit -> Tensor)) list =
    let e () = z [| 2; 0 |]
    let z03 () = z [| 0; 3 |]
    let empty1 () = z [| 0 |]
    [ "sum", (fun () -> Tensor.sum (e ()))
      "mean", (fun () -> Tensor.mean (e ()))
      "var", (fun () -> Tensor.var (e ()))
      "std", (fun () -> Tensor.std (e ()))
      "sum dim 1", (fun () -> Tensor.sumDim 1 false (e ()))
      "sum dim 0", (fun () -> Tensor.sumDim 0 false (e ()))
      "mean dim 1", (fun () -> Tensor.meanDim 1 false (e ()))
      "mean dim 0", (fun () -> Tensor.meanDim 0 false (e ()))
      "var dim 1", (fun () -> Reductions.varDims [| 1 |] 1 false (e ()))
      "max dim 0", (fun () -> let struct (v, _) = Tensor.maxDim 0 false (e ()) in v)
      "argmax dim 1 of (0, 3)", (fun () -> Reductions.argmaxDim 1 false (z03 ()))
      "logsumexp dim 1", (fun () -> Tensor.logsumexp 1 false (e ()))
      "softmax dim 1", (fun () -> Tensor.softmax 1 (e ()))
      "softmax dim 0", (fun () -> Tensor.softmax 0 (e ()))
      "log_softmax dim 1", (fun () -> Tensor.logSoftmax 1 (e ()))
      "(2, 0) @ (0, 5)", (fun () -> Tensor.matmul (o [| 2; 0 |]) (o [| 0; 5 |]))
      "(0, 3) @ (3, 4)", (fun () -> Tensor.matmul (o [| 0; 3 |]) (o [| 3; 4 |]))
      "(0, 2, 3) @ (0, 3, 4)", (fun () -> Tensor.matmul (o [| 0; 2; 3 |]) (o [| 0; 3; 4 |]))
      "(2, 0) + (2, 1)", (fun () -> o [| 2; 0 |] + o [| 2; 1 |])
      "(2, 0) * (1, 0)", (fun () -> o [| 2; 0 |] * o [| 1; 0 |])
      "exp (0, 3)", (fun () -> Tensor.exp (z03 ()))
      "relu (0, 3)", (fun () -> Tensor.relu (z03 ()))
      "cat (2, 0) and (2, 3) on dim 1", (fun () -> Tensor.cat 1 [| z [| 2; 0 |]; o [| 2; 3 |] |])
      "cat (0, 3) and (2, 3)", (fun () -> Tensor.cat 0 [| z03 (); o [| 2; 3 |] |])
      "cat legacy (0,) and (2, 3)", (fun () -> Tensor.cat 0 [| empty1 (); o [| 2; 3 |] |])
      "stack two (0,)", (fun () -> Tensor.stack 0 [| empty1 (); empty1 () |])
      "slice [1:1] of (3, 4)", (fun () -> (o [| 3; 4 |]).Slice(0, 1, 1, 1))
      "reshape (2, 0) to (-1, 5)", (fun () -> (e ()).Reshape [| -1; 5 |])
      "reshape (2, 0) to (5, -1)", (fun () -> (e ()).Reshape [| 5; -1 |])
      "expand (1, 3) to (0, 3)", (fun () -> (o [| 1; 3 |]).Expand [| 0; 3 |])
      "flatten (2, 0, 3)", (fun () -> Shapes.flatten 0 -1 (z [| 2; 0; 3 |]))
      "pad (2, 0) by (1, 1)", (fun () -> Tensor.pad [| 1; 1 |] 0.0 (e ()))
      "repeat (2, 0) by (3, 2)", (fun () -> Tensor.repeat [| 3; 2 |] (e ()))
      "Linear(0, 5) bias", (fun () -> Params.find "bias" ((Layer.linear 0 5).Init(Generator(0UL))))
      "Linear(0, 5) on (2, 0)", (fun () -> fst (runLayer (Layer.linear 0 5) (e ())))
      "Linear(0, 5) bias grad", (fun () ->
          let l = Layer.linear 0 5
          let p = l.Init(Generator(0UL))
          Params.find "bias" (Params.grad (fun p -> (fst (Layer.applyWithState l Mode.Eval p Params.empty (e ()))).Sum()) p))
      "Linear(0, 5) weight grad", (fun () ->
          let l = Layer.linear 0 5
          let p = l.Init(Generator(0UL))
          Params.find "weight" (Params.grad (fun p -> (fst (Layer.applyWithState l Mode.Eval p Params.empty (e ()))).Sum()) p))
      "Linear(0, 5) input grad", (fun () ->
          let l = Layer.linear 0 5
          let p = l.Init(Generator(0UL))
          Diff.grad (fun x -> (fst (Layer.applyWithState l Mode.Eval p Params.empty x)).Sum()) (e ()))
      "Linear(5, 0) on (2, 5)", (fun () -> fst (runLayer (Layer.linear 5 0) (o [| 2; 5 |])))
      "Linear(3, 2) weight grad from an empty batch", (fun () ->
          let l = Layer.linear 3 2
          let p = l.Init(Generator(0UL))
          let loss (p: Params) = Loss.mse Reduction.Sum (fst (Layer.applyWithState l Mode.Eval p Params.empty (z03 ()))) (z [| 0; 2 |])
          Params.find "weight" (Params.grad loss p))
      "Linear(3, 2) bias grad from an empty batch", (fun () ->
          let l = Layer.linear 3 2
          let p = l.Init(Generator(0UL))
          let loss (p: Params) = Loss.mse Reduction.Sum (fst (Layer.applyWithState l Mode.Eval p Params.empty (z03 ()))) (z [| 0; 2 |])
          Params.find "bias" (Params.grad loss p))
      "Conv1d(2, 3, 3) on (0, 2, 5)", (fun () -> fst (runLayer (Layer.conv1d 2 3 3) (z [| 0; 2; 5 |])))
      "max_pool1d(2) on (0, 2, 4)", (fun () -> Tensor.maxPool1d 2 2 0 (z [| 0; 2; 4 |]))
      "avg_pool1d(2) on (0, 2, 4)", (fun () -> Tensor.avgPool1d 2 2 0 (z [| 0; 2; 4 |]))
      "BatchNorm1d(3) on (0, 3)", (fun () ->
          let l = Layer.batchNorm1d 3
          fst (Layer.applyWithState l (Mode.Train(Generator(0UL))) (l.Init(Generator(0UL))) (l.Buffers()) (z03 ())))
      "mse_loss mean", (fun () -> Loss.mse Reduction.Mean (empty1 ()) (empty1 ()))
      "mse_loss sum", (fun () -> Loss.mse Reduction.Sum (empty1 ()) (empty1 ()))
      "mse_loss none", (fun () -> Loss.mse Reduction.None (z03 ()) (z03 ()))
      "l1_loss mean", (fun () -> Loss.l1 Reduction.Mean (z03 ()) (z03 ()))
      "huber_loss mean", (fun () -> Loss.huber 1.0 Reduction.Mean (empty1 ()) (empty1 ()))
      "smooth_l1_loss mean", (fun () -> Loss.smoothL1 1.0 Reduction.Mean (empty1 ()) (empty1 ()))
      "cross_entropy mean", (fun () -> Loss.crossEntropy Reduction.Mean (z03 ()) (noTargets ()))
      "cross_entropy sum", (fun () -> Loss.crossEntropy Reduction.Sum (z03 ()) (noTargets ()))
      "nll_loss mean", (fun () -> Loss.nll Reduction.Mean (z03 ()) (noTargets ()))
      "binary_cross_entropy mean", (fun () -> Loss.bce Reduction.Mean (empty1 ()) (empty1 ()))
      "binary_cross_entropy_with_logits mean", (fun () -> Loss.bceWithLogits Reduction.Mean (empty1 ()) (empty1 ()))
      "binary_cross_entropy_with_logits sum", (fun () -> Loss.bceWithLogits Reduction.Sum (empty1 ()) (empty1 ()))
      "grad of (2 x).sum() for x (2, 0)", (fun () -> (backward (fun xs -> xs.[0] * 2.0) [| e () |]).[0])
      "grad of w in ((0, 3) @ w).sum()", (fun () -> (backward (fun xs -> Tensor.matmul xs.[0] xs.[1]) [| z03 (); o [| 3; 4 |] |]).[1])
      "grad of y in cat((2, 0), y)", (fun () -> (backward (fun xs -> Tensor.cat 1 xs) [| e (); o [| 2; 3 |] |]).[1]) ]

/// Cases built from modules, whose constructors draw from the process-wide generator (run sequenced).
let private moduleCases : (string * (unit -> Tensor)) list =
    let twoSteps (make: Parameter seq -> TorchOptimizer) =
        let lin = Linear(0, 5)
        let opt = make (lin.Parameters())
        for _ in 1 .. 2 do
            opt.ZeroGrad()
            Tensor.mean (Tensor.pow 2.0 (lin.Call(z [| 2; 0 |]) - 1.0)) |> fun l -> l.Backward()
            opt.Step()
        lin.Bias.Value
    [ "Linear(0, 5) bias after 2 SGD(lr=0.1, momentum=0.9) steps", (fun () -> twoSteps (fun ps -> SGD(ps, 0.1, momentum = 0.9)))
      "Linear(0, 5) bias after 2 Adam(lr=0.1) steps", (fun () -> twoSteps (fun ps -> Adam(ps, 0.1))) ]

/// The Fluxion side of every PyTorch error in empty_sizes.json, with the op name Fluxion prefixes (if any).
let private errorCases : (string * string * (unit -> obj)) list =
    let e () = z [| 2; 0 |]
    [ "max", "", (fun () -> box (Tensor.max (e ())))
      "min", "", (fun () -> box (Tensor.min (e ())))
      "argmax", "", (fun () -> box (Tensor.argmax (e ())))
      "argmin", "", (fun () -> box (Tensor.argmin (e ())))
      "max dim 1", "", (fun () -> box (Tensor.maxDim 1 false (e ())))
      "argmax dim 1", "", (fun () -> box (Reductions.argmaxDim 1 false (e ())))
      "zeros (2, -1)", "zeros: ", (fun () -> box (Tensor.zeros [| 2; -1 |])) ]

let private dtypeName (t: Tensor) =
    match t.Dtype with
    | Dtype.Float32 -> "float32"
    | Dtype.Float64 -> "float64"
    | Dtype.Int64 -> "int64"
    | _ -> "bool"

/// Compares each case's shape, dtype and values (NaN and infinities exactly) with empty_sizes.json.
let private checkCases (cases: (string * (unit -> Tensor)) list) =
    let data = TestData.json "empty_sizes.json"
    let expected = dict [ for c in data.GetProperty("cases").EnumerateArray() -> c.GetProperty("name").GetString(), c ]
    for name, f in cases do
        let c = expected.[name]
        let t = f ()
        let shape = [| for d in c.GetProperty("shape").EnumerateArray() -> d.GetInt32() |]
        Expect.equal t.Shape shape (name + ": shape")
        Expect.equal (dtypeName t) (c.GetProperty("dtype").GetString()) (name + ": dtype")
        let want = TestData.nums (c.GetProperty "values")
        let got = t.ToDoubleArray()
        Expect.equal got.Length want.Length (name + ": element count")
        Array.iteri2 (fun i (g: float) (w: float) ->
            if Double.IsNaN w then Expect.isTrue (Double.IsNaN g) (sprintf "%s: element %d is NaN" name i)
            elif Double.IsInfinity w then Expect.equal g w (sprintf "%s: element %d" name i)
            else Expect.floatClose Accuracy.high g w (sprintf "%s: element %d" name i)) got want

[<Tests>]
let tests =
    testList "Tensor.Sizes" [
        testCase "zeros (65536, 65536) names the op, the shape and the count instead of wrapping to 0 elements" <| fun () ->
            shapeError (fun () -> Tensor.zeros [| 65536; 65536 |])
                "zeros: shape (65536, 65536) has 4294967296 elements; a tensor holds at most 2147483647"

        testCase "(65537, 65537) and (50000, 50000) fail up front, named by the creation function" <| fun () ->
            shapeError (fun () -> Tensor.ones [| 65537; 65537 |])
                "ones: shape (65537, 65537) has 4295098369 elements; a tensor holds at most 2147483647"
            shapeError (fun () -> Tensor.full [| 50000; 50000 |] 1.0)
                "full: shape (50000, 50000) has 2500000000 elements; a tensor holds at most 2147483647"
            shapeError (fun () -> RandomTensors.rand (Generator(0UL)) [| 50000; 50000 |] Dtype.Float32)
                "rand: shape (50000, 50000) has 2500000000 elements; a tensor holds at most 2147483647"
            shapeError (fun () -> RandomTensors.randn (Generator(0UL)) [| 3; 1024; 1024; 1024 |] Dtype.Float32)
                "randn: shape (3, 1024, 1024, 1024) has 3221225472 elements; a tensor holds at most 2147483647"

        testCase "counts past int64 are still printed exactly" <| fun () ->
            shapeError (fun () -> Tensor.zeros [| 65536; 65536; 65536; 65536; 65536 |])
                "zeros: shape (65536, 65536, 65536, 65536, 65536) has 1208925819614629174706176 elements; a tensor holds at most 2147483647"

        testCase "a zero size anywhere makes a huge shape empty and valid, as in PyTorch" <| fun () ->
            let t = Tensor.zeros [| 65536; 65536; 0 |]
            Expect.equal t.Shape [| 65536; 65536; 0 |] "shape kept"
            Expect.equal t.Numel 0 "no elements"

        testCase "expand, reshape, view, repeat, cat and pad check the sizes they make" <| fun () ->
            shapeError (fun () -> (o [| 1; 1 |]).Expand [| 65536; 65536 |])
                "expand: shape (65536, 65536) has 4294967296 elements; a tensor holds at most 2147483647"
            // 65536 * 65536 wraps to 0 in int32: the target must not pass for the 0 elements of (0,).
            shapeError (fun () -> (z [| 0 |]).Reshape [| 65536; 65536 |])
                "reshape: shape (65536, 65536) is invalid for input of size 0 (shape (0,))"
            shapeError (fun () -> (z [| 0 |]).View [| 65536; 65536 |])
                "view: shape (65536, 65536) is invalid for input of size 0 (shape (0,))"
            shapeError (fun () -> (z [| 2; 3 |]).Reshape [| 3; -2 |]) "reshape: invalid shape dimension -2 in (3, -2)"
            shapeError (fun () -> Tensor.repeat [| 65536; 65536 |] (o [| 1 |]))
                "repeat: shape (65536, 65536) has 4294967296 elements; a tensor holds at most 2147483647"
            // Empty parts allocate nothing, so the sizes can be huge: 3 * 2^30 rows overflow int.
            let part () = z [| 1 <<< 30; 0 |]
            shapeError (fun () -> Tensor.cat 0 [| part (); part (); part () |])
                "cat: the result would have size 3221225472 in dimension 0; a tensor holds at most 2147483647 elements"
            shapeError (fun () -> Tensor.cat 1 [| z [| 0; 1 <<< 30 |]; z [| 0; 1 <<< 30 |] |] |> fun t -> t.Shape)
                "cat: the result would have size 2147483648 in dimension 1; a tensor holds at most 2147483647 elements"
            let e = Expect.throwsC (fun () -> Tensor.pad [| Int32.MaxValue; 1 |] 0.0 (o [| 1 |]) |> ignore) id
            Expect.isTrue (e :? ShapeException) "pad: ShapeException"
            Expect.stringContains e.Message "pad:" "pad message"

        testCase "negative sizes use PyTorch's message prefixed by the op" <| fun () ->
            shapeError (fun () -> Tensor.zeros [| 2; -1 |]) "zeros: Trying to create tensor with negative dimension -1: [2, -1]"
            shapeError (fun () -> Tensor.ones [| -3 |]) "ones: Trying to create tensor with negative dimension -3: [-3]"
            shapeError (fun () -> RandomTensors.randn (Generator(0UL)) [| 4; -2; 1 |] Dtype.Float32)
                "randn: Trying to create tensor with negative dimension -2: [4, -2, 1]"
            shapeError (fun () -> (o [| 1; 3 |]).Expand [| -2; 3 |])
                "expand: Trying to create tensor with negative dimension -2: [-2, 3]"
            shapeError (fun () -> Creation.ofFloat32 [| -1 |] [||]) "tensor: Trying to create tensor with negative dimension -1: [-1]"

        testCase "ShapeException is an ArgumentException, so existing catches still see shape errors" <| fun () ->
            let caught =
                try Tensor.zeros [| 2; 3 |] + Tensor.zeros [| 4 |] |> ignore; false
                with :? ArgumentException -> true
            Expect.isTrue caught "caught as ArgumentException"
            let e = Expect.throwsC (fun () -> Tensor.zeros [| 2; 3 |] + Tensor.zeros [| 4 |] |> ignore) id
            Expect.equal (e.GetType()) typeof<ShapeException> "broadcast failure is a ShapeException"
            let isShape (what: string) (f: unit -> 'a) =
                let e = Expect.throwsC (fun () -> f () |> ignore) id
                Expect.equal (e.GetType()) typeof<ShapeException> (what + ": " + e.Message)
            isShape "MSELoss shape mismatch" (fun () -> Loss.mse Reduction.Mean (z [| 3 |]) (z [| 4 |]))
            isShape "backward with a wrongly shaped gradient" (fun () -> (z [| 2 |]).RequiresGrad_().Backward(z [| 3 |]))
            isShape "jvp with a wrongly shaped tangent" (fun () -> Diff.jvp (fun x -> x * 2.0) (z [| 2 |]) (z [| 3 |]))
            isShape "cross-entropy input of rank 3" (fun () -> Loss.crossEntropy Reduction.Mean (z [| 2; 3; 4 |]) (noTargets ()))
            isShape "expand to a new leading -1" (fun () -> (o [| 3 |]).Expand [| -1; 3 |])

        testCase "every PyTorch case in empty_sizes.json has a Fluxion side" <| fun () ->
            let names = [ for c in (TestData.json "empty_sizes.json").GetProperty("cases").EnumerateArray() -> c.GetProperty("name").GetString() ]
            Expect.equal (Set.ofList names) (Set.ofList (List.map fst (cases @ moduleCases))) "case names"

        testCase "zero-sized results of ops, layers, losses and gradients equal PyTorch's" <| fun () ->
            checkCases cases

        testSequenced (testCase "optimizer steps on Linear(0, 5) (an empty weight) move the bias as in PyTorch" (fun () ->
            checkCases moduleCases))

        testCase "empty reductions without a dim raise PyTorch's errors" <| fun () ->
            let data = TestData.json "empty_sizes.json"
            let expected = dict [ for c in data.GetProperty("errors").EnumerateArray() -> c.GetProperty("name").GetString(), c.GetProperty("message").GetString() ]
            Expect.equal (Set.ofSeq expected.Keys) (Set.ofList (errorCases |> List.map (fun (n, _, _) -> n))) "every PyTorch error has a Fluxion side"
            for name, prefix, f in errorCases do
                shapeError f (prefix + expected.[name])

        testCase "empty tensors print like PyTorch" <| fun () ->
            let data = TestData.json "empty_sizes.json"
            for r in data.GetProperty("reprs").EnumerateArray() do
                let shape = [| for d in r.GetProperty("shape").EnumerateArray() -> d.GetInt32() |]
                let dtype =
                    match r.GetProperty("dtype").GetString() with
                    | "float32" -> Dtype.Float32
                    | "float64" -> Dtype.Float64
                    | "int64" -> Dtype.Int64
                    | _ -> Dtype.Bool
                let t = Creation.zeros shape dtype
                let t = if r.GetProperty("requires_grad").GetBoolean() then t.RequiresGrad_() else t
                Expect.equal (string t) (r.GetProperty("repr").GetString()) (sprintf "repr of %A %A" shape dtype)

        testCase "Linear(0, 5) initialises without dividing by zero: an empty weight and zero bias, like torch" <| fun () ->
            // torch: nn.Linear(0, 5) warns "Initializing zero-element tensors is a no-op"; bias bound 0 gives zeros.
            let p = (Layer.linear 0 5).Init(Generator(0UL))
            Expect.equal (Params.find "weight" p).Shape [| 5; 0 |] "weight (5, 0)"
            Expect.equal ((Params.find "bias" p).ToDoubleArray()) (Array.zeroCreate 5) "bias zeros"

        testCase "split and chunk of an empty dimension give PyTorch's pieces" <| fun () ->
            // torch.zeros(0, 3).chunk(3, 0) -> three (0, 3); .split(2, 0) -> one (0, 3); .chunk(2, 1) -> (0, 2), (0, 1)
            Expect.equal (Tensor.chunk 3 0 (z [| 0; 3 |]) |> Array.map (fun t -> t.Shape)) [| [| 0; 3 |]; [| 0; 3 |]; [| 0; 3 |] |] "chunk"
            Expect.equal (Tensor.split 2 0 (z [| 0; 3 |]) |> Array.map (fun t -> t.Shape)) [| [| 0; 3 |] |] "split"
            Expect.equal (Tensor.chunk 2 1 (z [| 0; 3 |]) |> Array.map (fun t -> t.Shape)) [| [| 0; 2 |]; [| 0; 1 |] |] "chunk nonempty dim"

        testCase "kernels take empty inputs without indexing out of range and give the empty sums and means" <| fun () ->
            let e32 : float32[] = [||]
            Expect.equal (Kernels.Reduce.sum32 (ReadOnlySpan e32)) 0.0f "sum32 of nothing"
            Expect.isTrue (Single.IsNaN (Kernels.Reduce.mean32 (ReadOnlySpan e32))) "mean32 of nothing is NaN"
            let dst = Array.create 3 9.0f
            Kernels.Reduce.sumRows32 (ReadOnlySpan e32) 0 3 (Span dst)
            Expect.equal dst [| 0.0f; 0.0f; 0.0f |] "sum over 0 rows"
            let dst = Array.create 2 9.0f
            Kernels.Reduce.sumCols32 (ReadOnlySpan e32) 2 0 (Span dst)
            Expect.equal dst [| 0.0f; 0.0f |] "sum of 2 empty rows"
            Expect.equal (Kernels.Reduce.sumStrided32 e32 0 0 3) 0.0f "strided sum of nothing"
            Kernels.Sleef.exp32 (ReadOnlySpan e32) (Span e32)
            Kernels.Sleef.tanh32 (ReadOnlySpan e32) (Span e32)
            let struct (mx, ls) = Kernels.LossKernels.rowLogSumExp32 (ReadOnlySpan e32)
            Expect.equal (mx + ls) Single.NegativeInfinity "log-sum-exp of an empty row is log 0"
            let struct (mx, ls) = Kernels.LossKernels.rowLogSumExp64 (ReadOnlySpan<float>([||]))
            Expect.equal (mx + ls) Double.NegativeInfinity "float64 log-sum-exp of an empty row"
            Kernels.LossKernels.logSoftmaxRows32 e32 0 3 e32
            Expect.isTrue (Single.IsNaN (Kernels.LossKernels.nllMean32 e32 0 3 [||] -100L)) "NLL mean of no rows is NaN"
            Expect.equal (Kernels.LossKernels.nllSum32 e32 0 3 [||] -100L) 0.0f "NLL sum of no rows"
            Expect.isTrue (Single.IsNaN (Kernels.LossKernels.crossEntropyMean32 e32 0 3 [||] -100L)) "CE mean of no rows is NaN"
            Expect.isTrue (Single.IsNaN (Kernels.LossKernels.mseMean32 e32 e32)) "MSE mean of nothing is NaN"
            Expect.equal (Kernels.LossKernels.mseSum32 e32 e32) 0.0f "MSE sum of nothing"
            Kernels.OptimKernels.sgdStep32 e32 e32 (Kernels.OptimKernels.SgdState<float32>.Create 0) { Kernels.OptimKernels.SgdHyper.Default 0.1 with Momentum = 0.9 }
            Kernels.OptimKernels.adamStep32 e32 e32 (Kernels.OptimKernels.AdamState<float32>.Create 0) Kernels.OptimKernels.AdamHyper.Adam
            // C (2, 3) = A (2, 0) B (0, 3): an empty inner dimension leaves beta * C, here zeros.
            let c = Array.create 6 7.0f
            Kernels.MatMul.gemm32 false false 2 3 0 1.0f e32 0 1 e32 0 3 0.0f c 0 3
            Expect.equal c (Array.zeroCreate 6) "gemm with k = 0 overwrites C with zeros"
            Kernels.MatMul.gemm32 false false 0 3 4 1.0f e32 0 4 (Array.zeroCreate 12) 0 3 0.0f e32 0 3

        testCase "pooling and convolution reject windows longer than the input, even when -1 / 2 truncates to 0" <| fun () ->
            // torch: max_pool1d of length 1 with kernel 2 fails ("Output size is too small").
            let e = Expect.throwsC (fun () -> Tensor.maxPool1d 2 2 0 (z [| 1; 2; 1 |]) |> ignore) id
            Expect.isTrue (e :? ShapeException) "ShapeException"
            Expect.stringContains e.Message "too short for kernel size 2" "message"
            let e = Expect.throwsC (fun () -> Tensor.avgPool1d 2 2 0 (z [| 1; 2; 1 |]) |> ignore) id
            Expect.stringContains e.Message "Given input size: (2x1x1). Calculated output size: (2x1x0). Output size is too small" "avg_pool1d message (PyTorch's)"
            // torch: nn.Conv1d(2, 3, 3, padding=2)(torch.zeros(1, 2, 0)) -> "Only zero batch or zero channel inputs are supported, ..."
            let w = z [| 3; 2; 3 |]
            shapeError (fun () -> Convolution.conv1d 1 2 1 1 w None (z [| 1; 2; 0 |]))
                "conv1d: Only zero batch or zero channel inputs are supported, but got input shape: [1, 2, 0]"
            Expect.equal (Convolution.conv1d 1 2 1 1 w None (z [| 0; 2; 0 |])).Shape [| 0; 3; 2 |] "a zero batch is fine"
    ]
