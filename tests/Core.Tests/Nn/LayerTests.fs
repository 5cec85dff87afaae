module Nn.LayerTests

open System
open Expecto
open Fluxion
open Fluxion.Nn
open Fluxion.Ops
open Fluxion.Random
open Fluxion.Printing
open Nn.NnTestUtil

let private to64 (p: Params) = Params.map (fun t -> if Dtype.isFloat t.Dtype then t.Cast Dtype.Float64 else t) p
let private input64 (shape: int[]) (seed: uint64) =
    let g = Generator(seed)
    Creation.ofFloat64 shape (Sampling.uniform64 g (Shape.numel shape) -1.5 1.5)

/// Reverse-mode gradients w.r.t. the parameter tree and the input equal central differences (float64).
let private gradCheck (name: string) (layer: Layer) (mode: unit -> Mode) (xShape: int[]) =
    let p = to64 (layer.Init(Generator(3UL)))
    let s = to64 (layer.Buffers())
    let x = input64 xShape 11UL
    let y0 = fst (Layer.applyWithState layer (mode ()) p s x)
    let weights = input64 y0.Shape 5UL
    let loss (p: Params) (x: Tensor) = (fst (Layer.applyWithState layer (mode ()) p s x) * weights).Sum()
    let gp = Params.grad (fun p -> loss p x) p
    let leaves = Params.leaves p
    Params.leaves gp |> Array.iteri (fun i g ->
        let f (t: Tensor) = loss (Params.withLeaves p (Array.mapi (fun j l -> if j = i then t else l) leaves)) x
        close 1e-6 (g.ToDoubleArray()) ((NumericalDiff.grad 1e-6 f leaves.[i]).ToDoubleArray()) (sprintf "%s: d/d param %d" name i))
    let gx = Diff.grad (fun x -> loss p x) x
    close 1e-6 (gx.ToDoubleArray()) ((NumericalDiff.grad 1e-6 (fun x -> loss p x) x).ToDoubleArray()) (name + ": d/dx")

let private expectArgError (f: unit -> 'a) (parts: string list) =
    let raised =
        try f () |> ignore; None
        with :? ArgumentException as e -> Some e.Message
    match raised with
    | None -> failtest "expected an ArgumentException"
    | Some msg -> for p in parts do Expect.stringContains msg p "message"

[<Tests>]
let tests =
    // Seeds the global generator: run apart from parallel tests.
    testSequenced <| testList "Nn.Layer" [
        testCase "gradient checks through every layer (float64, Diff vs central differences)" <| fun () ->
            let ev () = Mode.Eval
            let tr () = Mode.Train(Generator(9UL))
            gradCheck "Linear" (Layer.linear 3 2) ev [| 4; 3 |]
            gradCheck "Linear no bias" (Layer.linearWith 3 2 false) ev [| 3 |]
            gradCheck "Linear 3-D" (Layer.linear 3 2) ev [| 2; 2; 3 |]
            gradCheck "Conv1d" (Layer.conv1dWith 2 4 3 2 (Explicit [| 1 |]) 1 2 true "zeros") ev [| 2; 2; 7 |]
            gradCheck "Conv1d reflect" (Layer.conv1dWith 2 3 3 1 (Explicit [| 1 |]) 1 1 true "reflect") ev [| 2; 2; 6 |]
            gradCheck "Conv1d same" (Layer.conv1dWith 1 2 4 1 Same 1 1 false "zeros") ev [| 1; 1; 6 |]
            gradCheck "ReLU" Layer.relu ev [| 3; 4 |]
            gradCheck "Sigmoid" Layer.sigmoid ev [| 3; 4 |]
            gradCheck "Tanh" Layer.tanh ev [| 3; 4 |]
            gradCheck "LeakyReLU" (Layer.leakyRelu 0.1) ev [| 3; 4 |]
            gradCheck "Softmax" (Layer.softmax 1) ev [| 3; 4 |]
            gradCheck "LogSoftmax" (Layer.logSoftmax 1) ev [| 3; 4 |]
            gradCheck "GELU" Layer.gelu ev [| 3; 4 |]
            gradCheck "GELU tanh" (Layer.geluWith "tanh") ev [| 3; 4 |]
            gradCheck "ELU" (Layer.elu 0.5) ev [| 3; 4 |]
            gradCheck "Softplus" Layer.softplus ev [| 3; 4 |]
            gradCheck "Softplus beta" (Layer.softplusWith (PyFloat 2.0) (PyFloat 10.0)) ev [| 3; 4 |]
            gradCheck "Identity" Layer.identity ev [| 3; 4 |]
            gradCheck "Flatten" Layer.flatten ev [| 2; 3; 2 |]
            gradCheck "Dropout (train)" (Layer.dropout 0.4) tr [| 3; 4 |]
            gradCheck "BatchNorm1d (train)" (Layer.batchNorm1d 3) tr [| 4; 3 |]
            gradCheck "BatchNorm1d 3-D (train)" (Layer.batchNorm1d 3) tr [| 2; 3; 4 |]
            gradCheck "BatchNorm1d (eval)" (Layer.batchNorm1d 3) ev [| 4; 3 |]
            gradCheck "MaxPool1d" (Layer.maxPool1d 2) ev [| 2; 2; 6 |]
            gradCheck "AvgPool1d" (Layer.avgPool1dWith 3 1 1) ev [| 2; 2; 6 |]
            gradCheck "RNNCell" (Layer.rnnCellWith 3 4 true) ev [| 2; 3 |]
            gradCheck "RNN" (Layer.rnn 3 4) ev [| 5; 2; 3 |]
            let lin = Layer.linear 3 3
            gradCheck "Sequential with a shared layer" (Layer.sequential [ lin; Layer.tanh; lin; Layer.linear 3 1 ]) ev [| 4; 3 |]
            gradCheck "-->" (Layer.linear 2 3 --> Layer.relu --> Layer.linear 3 1) ev [| 5; 2 |]

        testCase "pure layers and Modules give the same parameters, output bits and gradients" <| fun () ->
            Tensor.manualSeed 0L
            let m = NeuralNetTwoLayer()
            Tensor.manualSeed 0L
            let layer = Layer.linear 1 3 --> Layer.relu --> Layer.linear 3 1
            let p = layer.Init Generator.Default
            for (_, a), KeyValue(_, b) in Array.zip (Params.flatten p) (m.NamedParameters()) do
                bitsEqual (a.ToFloat32Array()) (b.Data.ToFloat32Array()) "init"
            let x = Tensor.ofArray [| 5; 1 |] [| 0.0f; 0.5f; 1.0f; -2.0f; 3.25f |]
            let ym = m.Call x
            bitsEqual ((layer.Apply(p, x)).ToFloat32Array()) (ym.ToFloat32Array()) "outputs"
            let f = m.AsFunction()
            bitsEqual ((f.Apply(f.Params, x)).ToFloat32Array()) (ym.ToFloat32Array()) "AsFunction"
            ym.Sum().Backward()
            let gPure = Params.grad (fun p -> (layer.Apply(p, x)).Sum()) p
            let gFun = Params.grad (fun q -> (f.Apply(q, x)).Sum()) f.Params
            for ((n, a), (_, b)), KeyValue(_, prm) in Array.zip (Array.zip (Params.flatten gPure) (Params.flatten gFun)) (m.NamedParameters()) do
                bitsEqual (a.ToFloat32Array()) (prm.Grad.ToFloat32Array()) (n + " pure vs backward")
                bitsEqual (b.ToFloat32Array()) (prm.Grad.ToFloat32Array()) (n + " AsFunction vs backward")
            Expect.equal (Params.flatten gFun |> Array.map fst) [| "linear1.weight"; "linear1.bias"; "linear2.weight"; "linear2.bias" |] "tree names"

        testCase "AsFunction does not touch the module; LoadParams writes a tree back" <| fun () ->
            let m = Sequential(Linear(2, 2), BatchNorm1d(2))
            let f = m.AsFunction()
            let before = (m.StateDict().Values |> Seq.map (fun t -> t.ToDoubleArray()) |> Array.ofSeq)
            f.Apply(Params.map (fun t -> t * 2.0) f.Params, Tensor.randn [| 4; 2 |]) |> ignore
            let after = (m.StateDict().Values |> Seq.map (fun t -> t.ToDoubleArray()) |> Array.ofSeq)
            Expect.equal after before "unchanged (running stats too)"
            m.LoadParams(Params.map (fun t -> t.ZerosLike()) f.Params)
            Expect.isTrue (m.Parameters() |> Array.forall (fun p -> p.Data.ToDoubleArray() |> Array.forall ((=) 0.0))) "loaded"

        testCase "composite layers share a child listed twice and print like PyTorch" <| fun () ->
            let lin = Layer.linear 1 1
            let net = Layer.composite "NeuralNet" [ "linear_model", lin ] (fun call x -> x |> call "linear_model" |> call "linear_model")
            Expect.equal (net.ToString()) "NeuralNet(\n  (linear_model): Linear(in_features=1, out_features=1, bias=True)\n)" "repr"
            let p = net.Init(Generator(0UL))
            Expect.equal (Params.flatten p |> Array.map fst) [| "linear_model.weight"; "linear_model.bias" |] "one set"
            let w, b = (Params.find "linear_model.weight" p).ToDouble(), (Params.find "linear_model.bias" p).ToDouble()
            let y = (net.Apply(p, Tensor.ofArray [| 1; 1 |] [| 2.0f |])).ToDouble()
            Expect.floatClose Accuracy.high y ((2.0 * w + b) * w + b) "applied twice"
            let seq = Layer.linear 2 4 --> Layer.relu --> Layer.dropout 0.2 --> Layer.linear 4 1
            Expect.equal (seq.ToString()) "Sequential(\n  (0): Linear(in_features=2, out_features=4, bias=True)\n  (1): ReLU()\n  (2): Dropout(p=0.2, inplace=False)\n  (3): Linear(in_features=4, out_features=1, bias=True)\n)" "--> flattens"
            let m = Modules.ofLayer seq
            Expect.equal (m.ToString()) (seq.ToString()) "module of a layer"

        testCase "Dropout masks equal PyTorch's for the same seed and draw one uniform per element" <| fun () ->
            for c in nn.Value.GetProperty("dropout_train_ones").EnumerateArray() do
                Tensor.manualSeed (c.GetProperty("seed").GetInt64())
                let d = Dropout(c.GetProperty("p").GetDouble())
                let y = d.Call(Tensor.ones [| c.GetProperty("n").GetInt32() |])
                bitsEqual (y.ToFloat32Array()) (hexesOf (c.GetProperty "output")) "mask"
                bitsEqual ((Tensor.rand [| 1 |]).ToFloat32Array()) (hexesOf (c.GetProperty "next_rand")) "next draw"
                d.Eval() |> ignore
                let x = Tensor.randn [| 7 |]
                bitsEqual ((d.Call x).ToFloat32Array()) (x.ToFloat32Array()) "identity in eval"

        testCase "BatchNorm1d in training and evaluation matches PyTorch" <| fun () ->
            let c = nn.Value.GetProperty "batchnorm_2d"
            let x = tensorOf (nn.Value.GetProperty "input_4x3")
            let bn = BatchNorm1d(3)
            let v (t: Tensor) = Array.map float (t.ToFloat32Array())
            let ex (k: string) = Array.map float (hexesOf (c.GetProperty k))
            close 1e-6 (v (bn.Call x)) (ex "train1") "train 1"
            close 1e-6 (v bn.RunningMean) (ex "running_mean1") "mean 1"
            close 1e-6 (v bn.RunningVar) (ex "running_var1") "var 1"
            close 1e-6 (v (bn.Call(x * 2.0 + 1.0))) (ex "train2") "train 2"
            close 1e-6 (v bn.RunningMean) (ex "running_mean2") "mean 2"
            close 1e-6 (v bn.RunningVar) (ex "running_var2") "var 2"
            Expect.equal (bn.NumBatchesTracked.ToDouble()) (float (c.GetProperty("num_batches_tracked").GetInt32())) "batches"
            bn.Eval() |> ignore
            close 1e-6 (v (bn.Call x)) (ex "eval") "eval"
            let c3 = nn.Value.GetProperty "batchnorm_3d"
            let bn3 = BatchNorm1d(3)
            close 1e-6 (v (bn3.Call(tensorOf (nn.Value.GetProperty "input_2x3x4")))) (Array.map float (hexesOf (c3.GetProperty "train"))) "3-D"
            close 1e-6 (v bn3.RunningVar) (Array.map float (hexesOf (c3.GetProperty "running_var"))) "3-D var"
            expectArgError (fun () -> bn.Train().Call(Tensor.ones [| 1; 3 |])) [ "more than 1 value per channel" ]

        testCase "RNN and RNNCell: PyTorch's parameter names, init draws and outputs" <| fun () ->
            let c = nn.Value.GetProperty "rnn"
            Tensor.manualSeed 0L
            let rnn = RNN(3, 4)
            let expected = [ for p in c.GetProperty("params").EnumerateObject() -> p.Name, hexesOf p.Value ]
            Expect.equal (rnn.NamedParameters() |> Array.map (fun kv -> kv.Key) |> List.ofArray) (List.map fst expected) "names"
            for KeyValue(n, p), (_, e) in Seq.zip (rnn.NamedParameters()) expected do bitsEqual (p.Data.ToFloat32Array()) e n
            let struct (out, h) = rnn.ForwardWithHidden(tensorOf (c.GetProperty "input"), Unchecked.defaultof<Tensor>)
            close 1e-6 (Array.map float (out.ToFloat32Array())) (Array.map float (hexesOf (c.GetProperty "output"))) "output"
            close 1e-6 (Array.map float (h.ToFloat32Array())) (Array.map float (hexesOf (c.GetProperty "h_n"))) "h_n"
            let cc = nn.Value.GetProperty "rnn_cell"
            Tensor.manualSeed 0L
            let cell = RNNCell(3, 4)
            for KeyValue(n, p), e in Seq.zip (cell.NamedParameters()) [ for p in cc.GetProperty("params").EnumerateObject() -> hexesOf p.Value ] do
                bitsEqual (p.Data.ToFloat32Array()) e n
            close 1e-6 (Array.map float ((cell.Call(tensorOf (nn.Value.GetProperty "input_4x3"))).ToFloat32Array()))
                (Array.map float (hexesOf (cc.GetProperty "output"))) "cell"
            Expect.equal (cell.ToString()) "RNNCell(3, 4)" "repr"

        testCase "Conv1d padding modes, same padding, stride/dilation and groups match PyTorch" <| fun () ->
            let x = tensorOf (nn.Value.GetProperty "input_2x3x4")
            for c in nn.Value.GetProperty("conv1d").EnumerateArray() do
                let kw = c.GetProperty "kwargs"
                let gi (k: string) d = match kw.TryGetProperty k with | true, v -> v.GetInt32() | _ -> d
                let mode = match kw.TryGetProperty "padding_mode" with | true, v -> v.GetString() | _ -> "zeros"
                Tensor.manualSeed 0L
                let conv =
                    match kw.GetProperty("padding").ValueKind with
                    | Text.Json.JsonValueKind.String -> Conv1d(3, gi "out_channels" 2, gi "kernel_size" 3, kw.GetProperty("padding").GetString())
                    | _ -> Conv1d(3, gi "out_channels" 2, gi "kernel_size" 3, gi "stride" 1, gi "padding" 0, gi "dilation" 1, gi "groups" 1, true, mode)
                let what = kw.ToString()
                bitsEqual (conv.Weight.Data.ToFloat32Array()) (hexesOf (c.GetProperty "weight")) (what + " weight")
                let y = conv.Call x
                Expect.equal y.Shape (shapeOf (c.GetProperty "output")) (what + " shape")
                close 1e-6 (Array.map float (y.ToFloat32Array())) (Array.map float (hexesOf (c.GetProperty "output"))) what

        testCase "activations, pools and N-D Linear match PyTorch" <| fun () ->
            let x = tensorOf (nn.Value.GetProperty "input_4x3")
            let x3 = tensorOf (nn.Value.GetProperty "input_2x3x4")
            let acts = nn.Value.GetProperty "activations"
            let check (m: Module) (input: Tensor) (e: Text.Json.JsonElement) (what: string) =
                close 1e-6 (Array.map float ((m.Call input).ToFloat32Array())) (Array.map float (hexesOf e)) what
            check (GELU("tanh")) x (acts.GetProperty "GELU_tanh") "GELU tanh"
            check (GELU()) x (acts.GetProperty "GELU") "GELU"
            check (Softplus(2.0, 1.5)) x (acts.GetProperty "Softplus_2_1.5") "Softplus"
            check (Softplus()) x (acts.GetProperty "Softplus") "Softplus default"
            check (ELU(0.5)) x (acts.GetProperty "ELU_0.5") "ELU"
            check (LeakyReLU(0.1)) x (acts.GetProperty "LeakyReLU_0.1") "LeakyReLU"
            check (Softmax(1)) x (acts.GetProperty "Softmax_1") "Softmax"
            check (LogSoftmax(1)) x (acts.GetProperty "LogSoftmax_1") "LogSoftmax"
            check (Softmax()) x (acts.GetProperty "Softmax_implicit") "Softmax implicit dim"
            let pools = nn.Value.GetProperty "pools"
            check (MaxPool1d(2)) x3 (pools.GetProperty "MaxPool1d_2") "MaxPool1d(2)"
            check (MaxPool1d(3, 1, 1)) x3 (pools.GetProperty "MaxPool1d_3_1_1") "MaxPool1d(3,1,1)"
            check (AvgPool1d(2)) x3 (pools.GetProperty "AvgPool1d_2") "AvgPool1d(2)"
            check (AvgPool1d(3, 1, 1)) x3 (pools.GetProperty "AvgPool1d_3_1_1") "AvgPool1d(3,1,1)"
            let l = nn.Value.GetProperty "linear_3d"
            Tensor.manualSeed 0L
            let lin = Linear(4, 2)
            let y = lin.Call x3
            bitsEqual (y.ToFloat32Array()) (hexesOf (l.GetProperty "output")) "Linear on (2, 3, 4)"
            Expect.equal y.GradFnName (l.GetProperty("grad_fn").GetString()) "grad_fn"

        testCase "bad input names the module path and the shapes" <| fun () ->
            expectArgError (fun () -> (Linear(2, 1)).Call(Tensor.zeros [| 100; 3 |])) [ "Linear(2→1) expects input (*, 2), got (100, 3)" ]
            expectArgError (fun () -> (Miswired()).Call(Tensor.zeros [| 4; 1 |])) [ "linear2: "; "Linear(2→1) expects input (*, 2), got (4, 3)" ]
            expectArgError (fun () -> (NeuralNetTwoLayer()).Call(Tensor.zeros [| 4; 2 |])) [ "linear1: "; "got (4, 2)" ]
            expectArgError (fun () -> (Deep()).Call(Tensor.zeros [| 2; 10 |])) [ "features.0: "; "Conv1d(1→4, kernel_size=3)"; "got (2, 10)" ]
            expectArgError (fun () -> (Conv1d(1, 4, 3)).Call(Tensor.zeros [| 100; 10 |])) [ "(N, 1, L)"; "(100, 1, 10)" ]
            expectArgError (fun () -> Layer.apply (Layer.sequential [ Layer.linear 2 3; Layer.relu; Layer.linear 2 1 ]) ((Layer.sequential [ Layer.linear 2 3; Layer.relu; Layer.linear 2 1 ]).Init(Generator(0UL))) (Tensor.zeros [| 4; 2 |]))
                [ "2: Linear(2→1) expects input (*, 2), got (4, 3)" ]
            expectArgError (fun () -> (BatchNorm1d(4)).Call(Tensor.zeros [| 3; 5 |])) [ "BatchNorm1d(4)"; "(3, 5)" ]
            Expect.throwsT<NotImplementedException> (fun () -> (NoForward()).Call(Tensor.zeros [| 1 |]) |> ignore) "missing Forward"
            let m = NeuralNetTwoLayer()
            m.RegisterParameter("scale", Parameter(Tensor.ones [| 1 |]))
            expectArgError (fun () -> m.RegisterParameter("scale", Parameter(Tensor.ones [| 1 |]))) [ "'scale' already exists" ]
            expectArgError (fun () -> m.RegisterModule("a.b", ReLU())) [ "must not contain" ]
            let sd = (NeuralNetTwoLayer()).StateDict()
            let bad = StateDict()
            for KeyValue(k, v) in sd do
                if k <> "linear2.bias" && k <> "linear1.weight" then bad.Add(k, v)
            bad.Add("linear1.weight", Tensor.zeros [| 2; 1 |])
            bad.Add("extra.weight", Tensor.zeros [| 1 |])
            expectArgError (fun () -> (NeuralNetTwoLayer()).LoadStateDict bad)
                [ "Error(s) in loading state_dict for NeuralNetTwoLayer"; "Missing key(s) in state_dict: \"linear2.bias\""
                  "Unexpected key(s) in state_dict: \"extra.weight\""
                  "size mismatch for linear1.weight: copying a param with shape torch.Size([2, 1]) from checkpoint, the shape in current model is torch.Size([3, 1])" ]
            expectArgError (fun () -> Layer.conv1dWith 3 4 3 1 (Explicit [| 0 |]) 1 2 true "zeros") [ "divisible by groups" ]
    ]
