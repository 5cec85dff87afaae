module Nn.ModuleTests

open System
open Expecto
open Fluxion
open Fluxion.Nn
open Fluxion.Ops
open Fluxion.Printing
open Nn.NnTestUtil

let private golden = lazy (TestData.json "unit05_golden.json")
let private goldenParams (case: string) =
    [ for p in golden.Value.GetProperty(case).GetProperty("params").EnumerateObject() ->
        let v = p.Value.GetProperty "values"
        let flat =
            [| for e in v.EnumerateArray() do
                 if e.ValueKind = Text.Json.JsonValueKind.Array then for f in e.EnumerateArray() -> float32 (f.GetDouble())
                 else yield float32 (e.GetDouble()) |]
        p.Name, flat ]

let private paramsMatch (m: Module) (expected: (string * float32[]) list) =
    let named = m.NamedParameters()
    Expect.equal (named |> Array.map (fun kv -> kv.Key) |> List.ofArray) (expected |> List.map fst) "parameter names"
    for KeyValue(n, p), (_, e) in Seq.zip named expected do bitsEqual (p.Data.ToFloat32Array()) e n

let private printed = lazy (IO.File.ReadAllText(TestData.path "unit05_printed.txt").Replace("\r\n", "\n"))

/// The torchinfo table in unit05_printed.txt whose first row is the given model.
let private printedTable (model: string) =
    let lines = printed.Value.Split '\n'
    let divider = String('=', 90)
    let i = lines |> Array.findIndex (fun l -> l.StartsWith model && l.Contains "[")
    let start = i - 3
    // The unit's capture ends each table with a shorter rule, so the last divider is rebuilt.
    let mutable n = 0
    let mutable j = start
    let acc = Collections.Generic.List<string>()
    while n < 4 do
        if lines.[j] = divider then n <- n + 1
        acc.Add lines.[j]
        j <- j + 1
    while lines.[j].Length = 0 || lines.[j].Trim('=') <> "" do
        acc.Add lines.[j]
        j <- j + 1
    acc.Add divider
    String.Join("\n", acc)

let private torchinfo (i: int) =
    (TestData.json "torchinfo.json").GetProperty("summaries").[i].GetProperty("table").GetString()

[<Tests>]
let tests =
    // Seeds the global generator: run apart from parallel tests.
    testSequenced <| testList "Nn.Module" [
        testCase "fields are registered in declaration order with PyTorch's names" <| fun () ->
            let m = NeuralNetTwoLayer()
            Expect.equal (m.NamedParameters() |> Array.map (fun kv -> kv.Key)) [| "linear1.weight"; "linear1.bias"; "linear2.weight"; "linear2.bias" |] "names"
            Expect.equal (m.NamedChildren() |> Array.map (fun kv -> kv.Key)) [| "linear1"; "activation"; "linear2" |] "children"
            Expect.equal m.ParameterCount 10L "10 parameters"
            Expect.equal ((NeuralNetLinear()).NamedChildren() |> Array.map (fun kv -> kv.Key)) [| "linear_model" |] "camelCase field -> snake_case"
            Expect.equal ((TwoLayerProps()).NamedChildren() |> Array.map (fun kv -> kv.Key)) [| "linear1"; "relu"; "linear2" |] "member val + ModuleName"

        testCase "the course's NeuralNetTwoLayer prints like PyTorch" <| fun () ->
            let expected = "NeuralNetTwoLayer(\n  (linear1): Linear(in_features=1, out_features=3, bias=True)\n  (activation): ReLU()\n  (linear2): Linear(in_features=3, out_features=1, bias=True)\n)"
            Expect.equal ((NeuralNetTwoLayer()).ToString()) expected "repr"
            Expect.stringContains printed.Value expected "as in the unit's output"
            let linear = "NeuralNetLinear(\n  (linear_model): Linear(in_features=2, out_features=1, bias=True)\n)"
            Expect.equal ((NeuralNetLinear()).ToString()) linear "NeuralNetLinear"
            Expect.stringContains printed.Value linear "printed"
            let m = NeuralNetLinear()
            Expect.equal (m.ModulesRepr Dict) "{'linear_model': Linear(in_features=2, out_features=1, bias=True)}" "_modules as dict"
            Expect.stringContains printed.Value (m.ModulesRepr Dict) "printed _modules"

        testCase "repr.json modules: two-layer, a Sequential of every layer, nested" <| fun () ->
            let cases = [ for c in (TestData.json "repr.json").GetProperty("modules").EnumerateArray() -> c.GetProperty("desc").GetString(), c.GetProperty("repr").GetString() ]
            let expect desc (m: Module) = Expect.equal (m.ToString()) (cases |> List.find (fst >> (=) desc) |> snd) desc
            expect "NeuralNetTwoLayer" (TwoLayerProps())
            expect "Sequential(...)"
                (Sequential(Linear(2, 4), Sigmoid(), Tanh(), Conv1d(1, 4, 3), Conv1d(2, 4, 3, stride = 2, padding = 1, bias = false),
                            Modules.ofFunction "MSELoss" id, Modules.ofFunction "CrossEntropyLoss" id, Flatten(), Dropout(0.5),
                            LeakyReLU(0.1), Softmax(1), MaxPool1d(2), BatchNorm1d(4), Identity(), ReLU()))
            expect "nested" (Sequential(Sequential(Linear(1, 2), ReLU()), Linear(2, 1)))

        testCase "module_reprs.json: every supported layer" <| fun () ->
            let d = TestData.json "module_reprs.json"
            let made : (string * (unit -> Module)) list =
                [ "Linear(2,1)", (fun () -> Linear(2, 1))
                  "Linear(3,5,bias=False)", (fun () -> Linear(3, 5, false))
                  "Conv1d(1,4,3)", (fun () -> Conv1d(1, 4, 3))
                  "Conv1d(2,4,3,stride=2,padding=1,bias=False)", (fun () -> Conv1d(2, 4, 3, stride = 2, padding = 1, bias = false))
                  "Conv1d(4,8,5,stride=1,padding=2,dilation=2,groups=2,bias=True,padding_mode='reflect')",
                      (fun () -> Conv1d(4, 8, 5, 1, 2, 2, 2, true, "reflect"))
                  "Conv1d(1,2,3,padding='same')", (fun () -> Conv1d(1, 2, 3, "same"))
                  "Conv1d(1,2,3,padding='valid')", (fun () -> Conv1d(1, 2, 3, "valid"))
                  "Conv1d(1,2,3,padding_mode='circular',padding=1)", (fun () -> Conv1d(1, 2, 3, padding = 1, paddingMode = "circular"))
                  "Dropout()", (fun () -> Dropout())
                  "Dropout(p=0.1)", (fun () -> Dropout(0.1))
                  "Flatten()", (fun () -> Flatten())
                  "Flatten(0,2)", (fun () -> Flatten(0, 2))
                  "LeakyReLU()", (fun () -> LeakyReLU())
                  "Softmax(dim=1)", (fun () -> Softmax(1))
                  "Softmax(dim=-1)", (fun () -> Softmax(-1))
                  "Softmax()", (fun () -> Softmax())
                  "LogSoftmax(dim=1)", (fun () -> LogSoftmax(1))
                  "BatchNorm1d(4)", (fun () -> BatchNorm1d(4))
                  "BatchNorm1d(16,eps=0.001,momentum=0.01,affine=False,track_running_stats=False)", (fun () -> BatchNorm1d(16, 0.001, 0.01, false, false))
                  "MaxPool1d(2)", (fun () -> MaxPool1d(2))
                  "MaxPool1d(3,stride=1,padding=1,dilation=2,ceil_mode=True)", (fun () -> MaxPool1d(3, 1, 1, 2, true))
                  "AvgPool1d(2)", (fun () -> AvgPool1d(2))
                  "AvgPool1d(3,stride=1,padding=1)", (fun () -> AvgPool1d(3, 1, 1))
                  "ELU()", (fun () -> ELU())
                  "Softplus()", (fun () -> Softplus())
                  "Softplus(beta=2.0,threshold=10.5)", (fun () -> Softplus(2.0, 10.5))
                  "GELU()", (fun () -> GELU())
                  "GELU(approximate='tanh')", (fun () -> GELU("tanh"))
                  "ReLU()", (fun () -> ReLU())
                  "Sigmoid()", (fun () -> Sigmoid())
                  "Tanh()", (fun () -> Tanh())
                  "Identity()", (fun () -> Identity())
                  "RNN(4,8)", (fun () -> RNN(4, 8))
                  "Sequential(Linear(2,4),ReLU(),Dropout(0.2),Linear(4,1))", (fun () -> Sequential(Linear(2, 4), ReLU(), Dropout(0.2), Linear(4, 1)))
                  "Sequential(Conv1d(1,4,3),MaxPool1d(2),Sequential(Flatten(),Linear(8,2)))",
                      (fun () -> Sequential(Conv1d(1, 4, 3), MaxPool1d(2), Sequential(Flatten(), Linear(8, 2))))
                  "Sequential()", (fun () -> Sequential()) ]
            let cases = [ for c in d.GetProperty("modules").EnumerateArray() -> c.GetProperty("call").GetString(), c.GetProperty("repr").GetString() ]
            for call, mk in made do
                let expected = cases |> List.find (fst >> (=) call) |> snd
                Expect.equal ((mk ()).ToString()) expected call
            let nested = d.GetProperty "modules_dict_nested"
            let m = { new Module() with member _.Forward x = x }
            m.RegisterModule("a", Linear(1, 3)); m.RegisterModule("act", ReLU()); m.RegisterModule("seq", Sequential(Linear(3, 1), Sigmoid()))
            Expect.equal (m.ModulesRepr OrderedDict) (nested.GetProperty("ordered_dict_repr").GetString()) "OrderedDict"
            Expect.equal (m.ModulesRepr Dict) (nested.GetProperty("dict_repr").GetString()) "dict"
            Expect.equal ((Sequential()).ModulesRepr OrderedDict) "OrderedDict()" "empty"

        testCase "default init after a seed equals PyTorch's (init.json: Linear, Conv1d, models)" <| fun () ->
            let d = TestData.json "init.json"
            for c in d.GetProperty("linear").EnumerateArray() do
                Tensor.manualSeed (c.GetProperty("seed").GetInt64())
                let hasBias = c.TryGetProperty("bias") |> fst && c.GetProperty("bias").ValueKind <> Text.Json.JsonValueKind.Null
                let l = Linear(c.GetProperty("in_features").GetInt32(), c.GetProperty("out_features").GetInt32(), hasBias)
                bitsEqual (l.Weight.Data.ToFloat32Array()) (hexesOf (c.GetProperty "weight")) "linear weight"
                if hasBias then bitsEqual (l.Bias.Data.ToFloat32Array()) (hexesOf (c.GetProperty "bias")) "linear bias"
                else Expect.isNull l.Bias "no bias"
            for c in d.GetProperty("conv1d").EnumerateArray() do
                Tensor.manualSeed (c.GetProperty("seed").GetInt64())
                let g k = c.GetProperty(k: string).GetInt32()
                let m = Conv1d(g "in_channels", g "out_channels", g "kernel_size", g "stride", g "padding", 1, g "groups")
                Expect.equal m.Weight.Shape [| for x in c.GetProperty("weight_shape").EnumerateArray() -> x.GetInt32() |] "shape"
                bitsEqual (m.Weight.Data.ToFloat32Array()) (hexesOf (c.GetProperty "weight")) "conv weight"
                bitsEqual (m.Bias.Data.ToFloat32Array()) (hexesOf (c.GetProperty "bias")) "conv bias"
            for c in d.GetProperty("models").EnumerateArray() do
                Tensor.manualSeed (c.GetProperty("seed").GetInt64())
                let isSeq = c.GetProperty("model").GetString().StartsWith "Sequential"
                let m : Module = if isSeq then Sequential(Linear(2, 8), ReLU(), Linear(8, 1)) else NeuralNetTwoLayer()
                let expected = [ for p in c.GetProperty("params").EnumerateObject() -> p.Name, hexesOf p.Value ]
                paramsMatch m expected
                match c.TryGetProperty "forward_x=[1.0]" with
                | true, f -> bitsEqual ((m.Call(Tensor.ofArray [| 1 |] [| 1.0f |])).ToFloat32Array()) (hexesOf f) "forward on [1.0]"
                | _ -> ()

        testCase "the unit's printed initial parameters (golden c20, c28, c35)" <| fun () ->
            Tensor.manualSeed 0L
            Linear(2, 1) |> ignore
            let m = NeuralNetLinear()
            paramsMatch m (goldenParams "c20_neuralnetlinear_init")
            Expect.equal (m.NamedParameters().[0].Value.Data.ToString()) "tensor([[-0.5204, -0.2723]])" "printed weight"
            Tensor.manualSeed 0L
            paramsMatch (NeuralNetTwoLayer()) (goldenParams "c28_twolayer_init")
            let shared = NeuralNet(Tensor.zeros [| 100; 1 |])
            paramsMatch shared (goldenParams "c35_shared_weights_init")

        testCase "untrained two-layer outputs equal golden c31 bit for bit and print with AddmmBackward0" <| fun () ->
            Tensor.manualSeed 0L
            let m = NeuralNetTwoLayer()
            let c = golden.Value.GetProperty "c31_twolayer_untrained_outputs"
            let x = Tensor.create [| [| 0.0f |]; [| 1.0f |]; [| 2.0f |]; [| 3.0f |] |]
            let y = m.Call x
            let expected = [| for r in c.GetProperty("output").EnumerateArray() -> float32 (r.[0].GetDouble()) |]
            bitsEqual (y.ToFloat32Array()) expected "c31"
            let text = y.ToString()
            Expect.equal text "tensor([[0.1390],\n        [0.2220],\n        [0.4676],\n        [0.7132]], grad_fn=<AddmmBackward0>)" "repr"
            Expect.stringContains printed.Value text "as printed by the unit"

        testCase "Linear's grad_fn names follow PyTorch for 1-D, 2-D, N-D inputs with and without bias" <| fun () ->
            let names = TestData.json "repr.json" |> fun d -> d.GetProperty "grad_fn_names"
            let l = Linear(3, 2)
            Expect.equal (l.Call(Tensor.ones [| 4; 3 |])).GradFnName (names.GetProperty("Linear on 2-D input").GetString()) "2-D"
            Expect.equal (l.Call(Tensor.ones [| 3 |])).GradFnName (names.GetProperty("Linear on 1-D input").GetString()) "1-D"
            Expect.equal (l.Call(Tensor.ones [| 2; 4; 3 |])).GradFnName "ViewBackward0" "3-D"
            let nb = Linear(3, 2, false)
            Expect.equal (nb.Call(Tensor.ones [| 4; 3 |])).GradFnName "MmBackward0" "no bias 2-D"
            Expect.equal (nb.Call(Tensor.ones [| 3 |])).GradFnName "SqueezeBackward3" "no bias 1-D"
            Expect.equal (nb.Call(Tensor.ones [| 2; 4; 3 |])).GradFnName "UnsafeViewBackward0" "no bias 3-D"
            Expect.equal (l.Call(Tensor.ones [| 2; 5; 4; 3 |])).Shape [| 2; 5; 4; 2 |] "(*, N) -> (*, M)"

        testCase "Parameter prints as PyTorch's Parameter containing" <| fun () ->
            let p = Parameter(Tensor.ofArray [| 1; 2 |] [| -2.0275f; 1.7172f |])
            let text = p.ToString()
            Expect.equal text "Parameter containing:\ntensor([[-2.0275,  1.7172]], requires_grad=True)" "repr"
            Expect.stringContains printed.Value text "printed"

        testCase "torchinfo.json: all seven tables from real modules" <| fun () ->
            let dflt = SummaryFormat.defaultOptions true
            Tensor.manualSeed 0L
            let two = NeuralNetTwoLayer()
            Expect.equal (Summary.summary two [| 1 |]) (torchinfo 0) "two-layer"
            bitsEqual ((Tensor.rand [| 1 |]).ToFloat32Array()) [| f32OfHex "0x3ecdade4" |] "summary drew one uniform"
            Expect.equal (Summary.summary (Rec()) [| 5; 4 |]) (torchinfo 1) "recursive"
            Expect.equal ((Deep()).Summary [| 2; 1; 10 |]) (torchinfo 2) "nested"
            Expect.equal (Summary.summary (Sequential(Linear(2, 8), ReLU(), Linear(8, 1))) [| 100; 2 |]) (torchinfo 3) "batch 100"
            Expect.equal (Summary.summaryNoInput (Deep())) (torchinfo 4) "no input"
            Expect.equal (Summary.summaryWith { dflt with Columns = [| InputSize; OutputSize; NumParams; MultAdds |] } (Deep()) (Some [| 2; 1; 10 |])) (torchinfo 5) "columns"
            Expect.equal (Summary.summaryWith { dflt with Depth = 1 } (Deep()) (Some [| 2; 1; 10 |])) (torchinfo 6) "depth 1"

        testCase "the unit's summaries: two-layer, shared weights (recursive), four-layer" <| fun () ->
            Expect.equal (Summary.summary (NeuralNetTwoLayer()) [| 1 |]) (printedTable "NeuralNetTwoLayer ") "two-layer"
            Expect.equal (Summary.summary (NeuralNet(Tensor.zeros [| 100; 1 |])) [| 1 |]) (printedTable "NeuralNet ") "shared"
            Expect.equal (Summary.summary (NeuralNetFourLayer(10, fun () -> ReLU() :> Module)) [| 1 |]) (printedTable "NeuralNetFourLayer") "four-layer"

        testCase "summary restores training mode and records no graph" <| fun () ->
            let m = Sequential(Linear(2, 2), Dropout(0.5))
            Summary.summary m [| 3; 2 |] |> ignore
            Expect.isTrue (m.NamedModules() |> Array.forall (fun kv -> kv.Value.Training)) "back in training"
            m.Eval() |> ignore
            Summary.summary m [| 3; 2 |] |> ignore
            Expect.isFalse m.Training "eval kept"

        testCase "shared weights are one parameter set" <| fun () ->
            let shared = NeuralNet(Tensor.zeros [| 100; 1 |])
            Expect.equal (shared.NamedParameters() |> Array.map (fun kv -> kv.Key)) [| "linear_model.weight"; "linear_model.bias" |] "names"
            Expect.equal shared.Numel 2L "counted once"
            let l = Linear(2, 2)
            let s = Sequential(l, Tanh(), l)
            Expect.equal (s.NamedParameters() |> Array.map (fun kv -> kv.Key)) [| "0.weight"; "0.bias" |] "Sequential dedups"
            Expect.equal (Array.ofSeq (s.StateDict().Keys)) [| "0.weight"; "0.bias"; "2.weight"; "2.bias" |] "state dict lists both names"
            Expect.equal (s.NamedModules() |> Array.map (fun kv -> kv.Key)) [| ""; "0"; "1" |] "named_modules once each"
            Expect.equal (Params.flatten (s.ParamsTree()) |> Array.map fst) [| "0.weight"; "0.bias" |] "tree"

        testCase "state dict round trip, including BatchNorm buffers" <| fun () ->
            Tensor.manualSeed 0L
            let a = Sequential(Linear(3, 4), BatchNorm1d(4), ReLU(), Linear(4, 1))
            a.Call(Tensor.randn [| 5; 3 |]) |> ignore
            Tensor.manualSeed 1L
            let b = Sequential(Linear(3, 4), BatchNorm1d(4), ReLU(), Linear(4, 1))
            Expect.equal (Array.ofSeq (a.StateDict().Keys))
                [| "0.weight"; "0.bias"; "1.weight"; "1.bias"; "1.running_mean"; "1.running_var"; "1.num_batches_tracked"; "3.weight"; "3.bias" |] "keys"
            b.LoadStateDict(a.StateDict())
            a.Eval() |> ignore
            b.Eval() |> ignore
            let x = Tensor.randn [| 6; 3 |]
            bitsEqual ((b.Call x).ToFloat32Array()) ((a.Call x).ToFloat32Array()) "same outputs"
            Expect.equal (b.StateDict().["1.num_batches_tracked"].ToDouble()) 1.0 "buffer copied"

        testCase "Train/Eval switch the whole tree; ZeroGrad clears gradients" <| fun () ->
            let m = NeuralNetTwoLayer()
            m.Eval() |> ignore
            Expect.isTrue (m.NamedModules() |> Array.forall (fun kv -> not kv.Value.Training)) "eval"
            m.Train() |> ignore
            Expect.isTrue (m.NamedModules() |> Array.forall (fun kv -> kv.Value.Training)) "train"
            (m.Call(Tensor.ones [| 2; 1 |])).Sum().Backward()
            Expect.isTrue (m.Parameters() |> Array.forall (fun p -> not (isNull (box p.Grad)))) "grads"
            m.ZeroGrad()
            Expect.isTrue (m.Parameters() |> Array.forall (fun p -> isNull (box p.Grad))) "cleared"
    ]
