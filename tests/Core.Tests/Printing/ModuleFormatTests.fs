module Printing.ModuleFormatTests

open System.Text.Json
open Expecto
open Fluxion.Printing

module M = ModuleFormat

let private leaf name extra = M.moduleRepr name (M.extraLines extra) []
let private linear i o b = leaf "Linear" (M.linearExtra i o b)
let private conv1d i o k s p d g b mode = leaf "Conv1d" (M.conv1dExtra i o k s p d g b mode)
let private seq (children: string list) = M.moduleRepr "Sequential" [] (children |> List.mapi (fun i c -> string i, c))

/// Each entry of module_reprs.json rebuilt from the constructor call it records.
let private built : (string * string) list =
    [ "Linear(2,1)", linear 2 1 true
      "Linear(3,5,bias=False)", linear 3 5 false
      "Conv1d(1,4,3)", conv1d 1 4 3 1 (Explicit [| 0 |]) 1 1 true "zeros"
      "Conv1d(2,4,3,stride=2,padding=1,bias=False)", conv1d 2 4 3 2 (Explicit [| 1 |]) 1 1 false "zeros"
      "Conv1d(4,8,5,stride=1,padding=2,dilation=2,groups=2,bias=True,padding_mode='reflect')",
        conv1d 4 8 5 1 (Explicit [| 2 |]) 2 2 true "reflect"
      "Conv1d(1,2,3,padding='same')", conv1d 1 2 3 1 Same 1 1 true "zeros"
      "Conv1d(1,2,3,padding='valid')", conv1d 1 2 3 1 Valid 1 1 true "zeros"
      "Conv1d(1,2,3,padding_mode='circular',padding=1)", conv1d 1 2 3 1 (Explicit [| 1 |]) 1 1 true "circular"
      "Conv2d(3,6,(3,5),stride=(1,2),padding=(1,0))",
        leaf "Conv2d" (M.convExtra 3 6 [| 3; 5 |] [| 1; 2 |] (Explicit [| 1; 0 |]) [| 1; 1 |] [| 0; 0 |] 1 true "zeros")
      "Conv2d(1,1,3)", leaf "Conv2d" (M.convExtra 1 1 [| 3; 3 |] [| 1; 1 |] (Explicit [| 0; 0 |]) [| 1; 1 |] [| 0; 0 |] 1 true "zeros")
      "Dropout()", leaf "Dropout" (M.dropoutExtra 0.5 false)
      "Dropout(0.25,inplace=True)", leaf "Dropout" (M.dropoutExtra 0.25 true)
      "Dropout(p=0.1)", leaf "Dropout" (M.dropoutExtra 0.1 false)
      "Flatten()", leaf "Flatten" (M.flattenExtra 1 -1)
      "Flatten(0,2)", leaf "Flatten" (M.flattenExtra 0 2)
      "LeakyReLU()", leaf "LeakyReLU" (M.leakyReluExtra 0.01 false)
      "LeakyReLU(0.2,inplace=True)", leaf "LeakyReLU" (M.leakyReluExtra 0.2 true)
      "Softmax(dim=1)", leaf "Softmax" (M.softmaxExtra (Some 1))
      "Softmax(dim=-1)", leaf "Softmax" (M.softmaxExtra (Some -1))
      "Softmax()", leaf "Softmax" (M.softmaxExtra None)
      "LogSoftmax(dim=1)", leaf "LogSoftmax" (M.softmaxExtra (Some 1))
      "BatchNorm1d(4)", leaf "BatchNorm1d" (M.batchNorm1dExtra 4 1e-5 (Some 0.1) true true)
      "BatchNorm1d(16,eps=0.001,momentum=0.01,affine=False,track_running_stats=False)",
        leaf "BatchNorm1d" (M.batchNorm1dExtra 16 0.001 (Some 0.01) false false)
      "MaxPool1d(2)", leaf "MaxPool1d" (M.maxPool1dExtra 2 2 0 1 false)
      "MaxPool1d(3,stride=1,padding=1,dilation=2,ceil_mode=True)", leaf "MaxPool1d" (M.maxPool1dExtra 3 1 1 2 true)
      "AvgPool1d(2)", leaf "AvgPool1d" (M.avgPool1dExtra 2 2 0)
      "AvgPool1d(3,stride=1,padding=1)", leaf "AvgPool1d" (M.avgPool1dExtra 3 1 1)
      "ELU()", leaf "ELU" (M.eluExtra 1.0 false)
      "ELU(alpha=0.5,inplace=True)", leaf "ELU" (M.eluExtra 0.5 true)
      "Softplus()", leaf "Softplus" (M.softplusExtra (PyInt 1L) (PyInt 20L))
      "Softplus(beta=2.0,threshold=10.5)", leaf "Softplus" (M.softplusExtra (PyFloat 2.0) (PyFloat 10.5))
      "GELU()", leaf "GELU" (M.geluExtra "none")
      "GELU(approximate='tanh')", leaf "GELU" (M.geluExtra "tanh")
      "ReLU()", leaf "ReLU" (M.inplaceExtra false)
      "ReLU(inplace=True)", leaf "ReLU" (M.inplaceExtra true)
      "Sigmoid()", leaf "Sigmoid" ""
      "Tanh()", leaf "Tanh" ""
      "Identity()", leaf "Identity" ""
      "MSELoss()", leaf "MSELoss" ""
      "CrossEntropyLoss()", leaf "CrossEntropyLoss" ""
      "Hardtanh()", leaf "Hardtanh" (M.hardtanhExtra -1.0 1.0 false)
      "Hardtanh(-2.0,2.0,inplace=True)", leaf "Hardtanh" (M.hardtanhExtra -2.0 2.0 true)
      "RNN(4,8)", leaf "RNN" (M.rnnExtra 4 8 0 1 true false 0.0 false)
      "RNN(4,8,num_layers=2,nonlinearity='relu',bias=False,batch_first=True,dropout=0.5,bidirectional=True)",
        leaf "RNN" (M.rnnExtra 4 8 0 2 false true 0.5 true)
      "LSTM(3,5)", leaf "LSTM" (M.rnnExtra 3 5 0 1 true false 0.0 false)
      "LSTM(3,5,batch_first=True,proj_size=2)", leaf "LSTM" (M.rnnExtra 3 5 2 1 true true 0.0 false)
      "GRU(3,5,num_layers=3)", leaf "GRU" (M.rnnExtra 3 5 0 3 true false 0.0 false)
      "Sequential(Linear(2,4),ReLU(),Dropout(0.2),Linear(4,1))",
        seq [ linear 2 4 true; leaf "ReLU" ""; leaf "Dropout" (M.dropoutExtra 0.2 false); linear 4 1 true ]
      "Sequential(Conv1d(1,4,3),MaxPool1d(2),Sequential(Flatten(),Linear(8,2)))",
        seq [ conv1d 1 4 3 1 (Explicit [| 0 |]) 1 1 true "zeros"; leaf "MaxPool1d" (M.maxPool1dExtra 2 2 0 1 false)
              seq [ leaf "Flatten" (M.flattenExtra 1 -1); linear 8 2 true ] ]
      "Sequential()", seq [] ]

let private reprJsonModules : (string * string) list =
    [ "NeuralNetTwoLayer",
        M.moduleRepr "NeuralNetTwoLayer" [] [ "linear1", linear 1 3 true; "relu", leaf "ReLU" ""; "linear2", linear 3 1 true ]
      "Sequential(...)",
        seq [ linear 2 4 true; leaf "Sigmoid" ""; leaf "Tanh" ""
              conv1d 1 4 3 1 (Explicit [| 0 |]) 1 1 true "zeros"
              conv1d 2 4 3 2 (Explicit [| 1 |]) 1 1 false "zeros"
              leaf "MSELoss" ""; leaf "CrossEntropyLoss" ""; leaf "Flatten" (M.flattenExtra 1 -1)
              leaf "Dropout" (M.dropoutExtra 0.5 false); leaf "LeakyReLU" (M.leakyReluExtra 0.1 false)
              leaf "Softmax" (M.softmaxExtra (Some 1)); leaf "MaxPool1d" (M.maxPool1dExtra 2 2 0 1 false)
              leaf "BatchNorm1d" (M.batchNorm1dExtra 4 1e-5 (Some 0.1) true true); leaf "Identity" ""; leaf "ReLU" "" ]
      "nested", seq [ seq [ linear 1 2 true; leaf "ReLU" "" ]; linear 2 1 true ] ]

let private expectedOf (file: string) (listName: string) (key: string) =
    [ for m in (TestData.json file).GetProperty(listName).EnumerateArray() -> m.GetProperty(key).GetString(), m.GetProperty("repr").GetString() ]
    |> Map.ofList

[<Tests>]
let tests =
    testList "Printing.ModuleFormat" [
        testList "module_reprs.json (PyTorch 1.13)" [
            let expected = expectedOf "module_reprs.json" "modules" "call"
            yield testCase "every recorded module has a rebuilt repr" <| fun () ->
                Expect.equal (Set.ofSeq (Map.keys expected)) (Set.ofList (List.map fst built)) "same module calls"
            for call, actual in built ->
                testCase call <| fun () -> Expect.equal actual expected.[call] call
        ]
        testList "repr.json modules (PyTorch 1.13)" [
            let expected = expectedOf "repr.json" "modules" "desc"
            for desc, actual in reprJsonModules ->
                testCase desc <| fun () -> Expect.equal actual expected.[desc] desc
        ]
        testCase "_modules prints as OrderedDict in 1.13 and as dict in newer versions (golden c18)" <| fun () ->
            let golden = (TestData.json "unit05_golden.json").GetProperty("notebook_comparison").GetProperty("cells_that_differ").GetProperty("c18_structure")
            let children = [ "linear_model", linear 2 1 true ]
            let od = M.modulesDictRepr OrderedDict children
            let d = M.modulesDictRepr Dict children
            Expect.stringContains (golden.GetProperty("golden_text").GetString()) ("\n" + od + "\n") "1.13 golden text"
            Expect.stringContains (golden.GetProperty("notebook_text").GetString()) ("\n" + d + "\n") "newer PyTorch text"
            let md = (TestData.json "module_reprs.json").GetProperty("modules_dict")
            Expect.equal od (md.GetProperty("ordered_dict_repr").GetString()) "OrderedDict"
            Expect.equal d (md.GetProperty("dict_repr").GetString()) "dict"
        testCase "_modules with a nested child keeps the child's own indentation" <| fun () ->
            let children = [ "a", linear 1 3 true; "act", leaf "ReLU" ""; "seq", seq [ linear 3 1 true; leaf "Sigmoid" "" ] ]
            let md = (TestData.json "module_reprs.json").GetProperty("modules_dict_nested")
            Expect.equal (M.modulesDictRepr OrderedDict children) (md.GetProperty("ordered_dict_repr").GetString()) "OrderedDict"
            Expect.equal (M.modulesDictRepr Dict children) (md.GetProperty("dict_repr").GetString()) "dict"
            let empty = (TestData.json "module_reprs.json").GetProperty("empty_modules_dict")
            Expect.equal (M.modulesDictRepr OrderedDict []) (empty.GetProperty("ordered_dict_repr").GetString()) "empty OrderedDict"
            Expect.equal (M.modulesDictRepr Dict []) (empty.GetProperty("dict_repr").GetString()) "empty dict"
        testCase "optimizer reprs of repr.json: sorted group keys, params left out" <| fun () ->
            let expected = expectedOf "repr.json" "modules" "desc"
            let sgd =
                OptimizerFormat.optimizerRepr "SGD"
                    [ [ "params", "[...]"; "lr", M.pyNumber (PyFloat 0.01); "momentum", M.pyNumber (PyFloat 0.5)
                        "dampening", M.pyNumber (PyInt 0L); "weight_decay", M.pyNumber (PyInt 0L)
                        "nesterov", OptimizerFormat.pyBool false; "maximize", OptimizerFormat.pyBool false
                        "foreach", "None"; "differentiable", OptimizerFormat.pyBool false ] ]
            Expect.equal sgd expected.["torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.5)"] "SGD"
            let adam =
                OptimizerFormat.optimizerRepr "Adam"
                    [ [ "params", "[...]"; "lr", M.pyNumber (PyFloat 0.03); "betas", OptimizerFormat.floatTuple [ 0.9; 0.999 ]
                        "eps", M.pyNumber (PyFloat 1e-8); "weight_decay", M.pyNumber (PyInt 0L)
                        "amsgrad", OptimizerFormat.pyBool false; "maximize", OptimizerFormat.pyBool false; "foreach", "None"
                        "capturable", OptimizerFormat.pyBool false; "differentiable", OptimizerFormat.pyBool false
                        "fused", OptimizerFormat.pyBool false ] ]
            Expect.equal adam expected.["torch.optim.Adam(m.parameters(), lr=0.03)"] "Adam"
        testCase "multi-line extra text counts as several lines" <| fun () ->
            Expect.equal (M.moduleRepr "X" [ "a=1\nb=2" ] []) "X(\n  a=1\n  b=2\n)" "split on newline"
    ]
