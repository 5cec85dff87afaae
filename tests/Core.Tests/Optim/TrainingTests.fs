/// The course unit's trainings (unit05_golden.json) with hand-built layers, MSELoss and the optimizers.
module OptimTrainingTests

open System
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Nn
open Fluxion.Optim
open Fluxion.Random
open OptimTestUtil

let private golden = lazy (TestData.json "unit05_golden.json")
let private section (name: string) = golden.Force().GetProperty name

/// A hand-built nn.Linear: parameters drawn like PyTorch's default init (a private generator keeps
/// parallel tests from racing on the global one).
type private Lin(g: Generator, inF: int, outF: int) =
    let w, b = InitMath.defaultInit32 g [| outF; inF |] true
    member val W = Parameter(Tensor.ofArray [| outF; inF |] w)
    member val B = Parameter(Tensor.ofArray [| outF |] b)
    member this.Forward(x: Tensor) = Tensor.MatMul(x, this.W.Value.T) + this.B.Value
    member this.Parameters = [ this.W; this.B ]

/// The unit's training pairs as stored in the golden file (exact float32 values).
let private trainingPairs () =
    let tp = section "training_pairs"
    golden32 [| 100 |] (tp.GetProperty "x"), golden32 [| 100; 1 |] (tp.GetProperty "y")

/// Losses keyed by iteration from a golden `losses_iter_1to10_and_every_100` object.
let private goldenLosses (e: JsonElement) =
    [ for p in e.EnumerateObject() -> int p.Name, TestData.num p.Value ]

/// Compares float32 losses with golden ones (rel = 0 demands the exact float32 value).
let private expectLossesClose (what: string) (losses: float[]) (expected: (int * float) list) (rel: float) =
    for (k, v) in expected do
        if k <= losses.Length then
            let got = float32 losses[k - 1]
            Expect.isTrue (abs (float got - v) <= rel * abs v)
                (sprintf "%s: loss at iteration %d is %.9g, golden %.9g" what k got v)

let private expectParamClose (what: string) (p: Parameter) (e: JsonElement) (tol: float) =
    let expected = (goldenParam e).ToDoubleArray()
    let got = p.Value.ToDoubleArray()
    Array.iteri2 (fun i a b -> Expect.isTrue (abs (a - b) <= tol) (sprintf "%s[%d]: %.9g vs golden %.9g" what i a b)) got expected

/// The two-layer network of the unit (1 → 3 → 1) with a chosen activation.
let private twoLayer (act: Tensor -> Tensor) =
    let g = Generator(0UL)
    let l1 = Lin(g, 1, 3)
    let l2 = Lin(g, 3, 1)
    (fun (x: Tensor) -> l2.Forward(act (l1.Forward x))), [ l1.W; l1.B; l2.W; l2.B ]

let private runTwoLayer (name: string) (act: Tensor -> Tensor) (lr: float) (tol: float) (node: JsonElement) =
    let x, y = trainingPairs ()
    let x = x.Reshape [| 100; 1 |]
    let model, ps = twoLayer act
    let init = node.GetProperty "init_params"
    List.iter2 (fun (p: Parameter) (n: string) ->
        Expect.equal (p.Value.ToFloat32Array()) ((goldenParam (init.GetProperty n)).ToFloat32Array()) (sprintf "%s init %s" name n))
        ps [ "linear1.weight"; "linear1.bias"; "linear2.weight"; "linear2.bias" ]
    let opt = SGD(ps, lr)
    let mse = MSELoss()
    let printed = ResizeArray()
    let losses = Trainer.Fit(opt, (fun () -> mse.Forward(model x, y)), 4000, 1000, (fun k l -> printed.Add(Fit.progressLine k l)))
    expectLossesClose name losses (goldenLosses (node.GetProperty "losses_iter_1to10_and_every_100")) tol
    let fin = node.GetProperty "final_params"
    List.iter2 (fun p (n: string) -> expectParamClose (name + " " + n) p (fin.GetProperty n) tol)
        ps [ "linear1.weight"; "linear1.bias"; "linear2.weight"; "linear2.bias" ]
    printed.ToArray()

let private printedLines (cell: string) =
    let e = section "printed_by_cell"
    [| for c in e.EnumerateArray() do
         if c.GetProperty("id").GetString() = cell then
             for l in c.GetProperty("text").GetString().Split('\n') do
                 if l.StartsWith "Iteration" then yield l |]

/// Parses the golden optimizer label "SGD (momentum=0.8) {'lr': 0.01, 'momentum': 0.8}".
let private parseOptimizer (label: string) =
    let i = label.IndexOf '{'
    let name = label.Substring(0, label.IndexOf(' ') |> fun j -> if j < 0 || j > i then i else j).Trim()
    name, JsonDocument.Parse(label.Substring(i).Replace('\'', '"')).RootElement

[<Tests>]
let tests =
    testList "Optim.Training" [
        testCase "c09: Linear(2,1) on [x, x²] with a hand-written update p -= 1e-2·grad gives the exact golden losses and parameters" <| fun () ->
            let x, y = trainingPairs ()
            let feats = Tensor.stack 1 [| x; Tensor.Pow(x, 2.0) |]
            let lin = Lin(Generator(0UL), 2, 1)
            let node = section "c09_poly_linear_manual_sgd"
            Expect.equal (lin.W.Value.ToFloat32Array()) ((goldenParam (node.GetProperty("init_params").GetProperty "weight")).ToFloat32Array()) "init weight"
            let losses = Array.zeroCreate 4000
            for k in 1 .. 4000 do
                let loss = Loss.mse Reduction.Mean (lin.Forward feats) y
                for p in lin.Parameters do p.ZeroGrad()
                loss.Backward()
                use _ = GradMode.NoGrad()
                for p in lin.Parameters do p.SetData(p.Data - p.Grad * 1e-2)
                losses[k - 1] <- loss.ToDouble()
            expectLossesClose "c09" losses (goldenLosses (node.GetProperty "losses_iter_1to10_and_every_100")) 0.0
            expectParamClose "c09 weight" lin.W (node.GetProperty("final_params").GetProperty "weight") 0.0
            expectParamClose "c09 bias" lin.B (node.GetProperty("final_params").GetProperty "bias") 0.0

        testCase "c23: the same model with optim.SGD(lr=1e-2) and Trainer.Fit prints the golden progress lines" <| fun () ->
            let x, y = trainingPairs ()
            let feats = Tensor.stack 1 [| x; Tensor.Pow(x, 2.0) |]
            let lin = Lin(Generator(0UL), 2, 1)
            let node = section "c23_neuralnetlinear_optim_sgd"
            let opt = SGD(lin.Parameters, 1e-2)
            let mse = MSELoss()
            let printed = ResizeArray()
            let losses = Trainer.Fit(opt, (fun () -> mse.Invoke(lin.Forward feats, y)), 4000, 1000, (fun k l -> printed.Add(Fit.progressLine k l)))
            Expect.equal losses.Length 4000 "iterations"
            expectLossesClose "c23" losses (goldenLosses (node.GetProperty "losses_iter_1to10_and_every_100")) 0.0
            expectParamClose "c23 weight" lin.W (node.GetProperty("final_params").GetProperty "linear_model.weight") 0.0
            expectParamClose "c23 bias" lin.B (node.GetProperty("final_params").GetProperty "linear_model.bias") 0.0
            Expect.equal (printed.ToArray()) (printedLines "c23_neuralnetlinear_optim_sgd") "printed lines"

        testCase "c33 / exercise 1: the two-layer ReLU, Sigmoid and Identity networks train to the exact golden losses and parameters" <| fun () ->
            let ex1 = section "ex1_activation_function_experiment"
            let relu = runTwoLayer "ReLU" Tensor.relu 0.01 0.0 (ex1.GetProperty "ReLU")
            let _ = runTwoLayer "c33" Tensor.relu 0.01 0.0 (section "c33_twolayer_train")
            let sigmoid = runTwoLayer "Sigmoid" Tensor.sigmoid 0.1 0.0 (ex1.GetProperty "Sigmoid")
            let identity = runTwoLayer "Identity" id 0.01 0.0 (ex1.GetProperty "Identity")
            Expect.equal relu (printedLines "c33_twolayer_train") "c33 printed lines"
            let c40 = printedLines "c40_exercise_activation"
            Expect.equal (Array.concat [ relu; sigmoid; identity ]) c40 "exercise 1 printed lines"

        testCase "exercise 2: the 4-layer ReLU network (H=10, SGD 0.05) gives the exact golden losses up to iteration 1000" <| fun () ->
            let node = section "ex2_model_capacity"
            let x = golden32 [| 16; 1 |] (node.GetProperty "data_x")
            let y = golden32 [| 16; 1 |] (node.GetProperty "data_y")
            // The model is drawn right after the data's 16 normal draws from manual_seed(0).
            let g = Generator(0UL)
            Sampling.randn32 g 16 |> ignore
            let l1 = Lin(g, 1, 10)
            let l2 = Lin(g, 10, 10)
            let l3 = Lin(g, 10, 10)
            let l4 = Lin(g, 10, 1)
            let ps = [ l1.W; l1.B; l2.W; l2.B; l3.W; l3.B; l4.W; l4.B ]
            let names = [ for i in 1 .. 4 do yield sprintf "linear%d.weight" i; yield sprintf "linear%d.bias" i ]
            List.iter2 (fun (p: Parameter) (n: string) ->
                Expect.equal (p.Value.ToFloat32Array()) ((goldenParam (node.GetProperty("init_params").GetProperty n)).ToFloat32Array()) ("init " + n)) ps names
            let model (x: Tensor) = l4.Forward(Tensor.relu (l3.Forward(Tensor.relu (l2.Forward(Tensor.relu (l1.Forward x))))))
            let opt = SGD(ps, 0.05)
            let mse = MSELoss()
            let printed = ResizeArray()
            let losses = Trainer.Fit(opt, (fun () -> mse.Forward(model x, y)), 1000, 1000, (fun k l -> printed.Add(Fit.progressLine k l)))
            expectLossesClose "ex2" losses (goldenLosses (node.GetProperty "losses_iter_1to10_and_every_100") |> List.filter (fun (k, _) -> k <= 1000)) 0.0
            Expect.equal (printed.ToArray()) [| "Iteration 1000 | Loss = 0.297972" |] "printed line"

        testCase "exercise 3: all six Himmelblau runs stop at the golden step with the golden losses and final (u, v), object and pure alike" <| fun () ->
            let runs = (section "ex3_optimization_himmelblau").GetProperty "runs"
            let mutable count = 0
            for run in runs.EnumerateObject() do
                count <- count + 1
                let r = run.Value
                let name, kwargs = parseOptimizer (r.GetProperty("optimizer").GetString())
                let start = TestData.nums (r.GetProperty "start")
                let u = Parameter(Tensor.scalar start[0])
                let v = Parameter(Tensor.scalar start[1])
                let opt = objectOptimizer name kwargs [ u; v ]
                let losses = Trainer.Fit(opt, (fun () -> himmelblauUV u.Value v.Value), 100, lossTol = 1e-3)
                let steps = r.GetProperty("steps_run").GetInt32()
                Expect.equal losses.Length steps (run.Name + ": steps run")
                let expected = TestData.nums (r.GetProperty "loss_history")
                Expect.equal (losses |> Array.map float32) (expected |> Array.map float32) (run.Name + ": loss history (float32 exact)")
                Expect.equal (u.Value.ToSingle()) (float32 (r.GetProperty("u_final").GetDouble())) (run.Name + ": u final")
                Expect.equal (v.Value.ToSingle()) (float32 (r.GetProperty("v_final").GetDouble())) (run.Name + ": v final")
                // The pure form with the same loss_tol semantics gives the same numbers.
                let init = Params.group [ "u", Params.leaf (Tensor.scalar start[0]); "v", Params.leaf (Tensor.scalar start[1]) ]
                let res = Fit.fit (pureOptimizer name kwargs) (fun p -> himmelblauUV (Params.find "u" p) (Params.find "v" p))
                                  { FitOptions.Create 100 with LossTol = 1e-3 } (fun _ _ -> ()) init
                Expect.equal res.Losses losses (run.Name + ": pure losses")
                Expect.isTrue res.EarlyStopped (run.Name + ": pure early stop")
                Expect.equal ((Params.find "u" res.Params).ToSingle()) (u.Value.ToSingle()) (run.Name + ": pure u")
                Expect.equal ((Params.find "v" res.Params).ToSingle()) (v.Value.ToSingle()) (run.Name + ": pure v")
            Expect.equal count 6 "six runs"
    ]
