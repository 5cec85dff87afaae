/// All 80 trajectories of optim_himmelblau_torch1.13.json through the engine (autograd + optimizers), bit for bit.
module OptimHimmelblauTests

open System
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Nn
open Fluxion.Optim
open OptimTestUtil

let private data = lazy (TestData.json "optim_himmelblau_torch1.13.json")
/// Weight decay in the settings the main file lacks (nesterov, maximize, amsgrad, custom betas, plain RMSprop...).
let private decayData = lazy (TestData.json "optim_weight_decay_torch1.13.json")

type private Traj =
    { Name: string; Opt: string; Kwargs: JsonElement; Start: float[]; Dtype: Dtype
      Loss: string[]; Grad: string[][]; Params: string[][] }

let private trajectoriesOf (file: Lazy<JsonElement>) =
    [ for t in file.Force().GetProperty("trajectories").EnumerateArray() ->
        let pairs (name: string) = [| for e in t.GetProperty(name).GetProperty("hex").EnumerateArray() -> [| for h in e.EnumerateArray() -> h.GetString() |] |]
        { Name = t.GetProperty("name").GetString(); Opt = t.GetProperty("optimizer").GetString(); Kwargs = t.GetProperty "kwargs"
          Start = TestData.nums (t.GetProperty "start")
          Dtype = (if t.GetProperty("dtype").GetString() = "float32" then Dtype.Float32 else Dtype.Float64)
          Loss = [| for e in t.GetProperty("loss").GetProperty("hex").EnumerateArray() -> e.GetString() |]
          Grad = pairs "grad"; Params = pairs "params" } ]

let private trajectories () = trajectoriesOf data

let private startTensor (t: Traj) =
    if t.Dtype = Dtype.Float32 then Tensor.ofArray [| 2 |] (Array.map float32 t.Start) else Tensor.ofArray64 [| 2 |] t.Start

let private label (t: Traj) = sprintf "%s %s start (%g, %g)" t.Name (Dtype.name t.Dtype) t.Start[0] t.Start[1]

let private hexes (t: Traj) (x: Tensor) = x.ToDoubleArray() |> Array.map (hexOf t.Dtype)

let private valueOfHex (t: Traj) (h: string) =
    if t.Dtype = Dtype.Float32 then float (BitConverter.Int32BitsToSingle(int (bits32 h))) else BitConverter.Int64BitsToDouble(int64 (bits64 h))

/// Runs the object optimizer: zero_grad, loss, backward, step, as the vector file's setup. The managed backend
/// must match bit for bit. Another backend's optimizer kernels (libtorch 2.10's) may round differently: there
/// each step must land within a few units of the last place, and the parameter restarts from PyTorch's value.
let private runObject (t: Traj) =
    let p = Parameter(startTensor t)
    let exact = p.Data.Raw.Backend.Name = "managed"
    let opt = objectOptimizer t.Opt t.Kwargs [ p ]
    let rtol = if t.Dtype = Dtype.Float32 then 1e-6 else 1e-14
    for k in 0 .. 49 do
        opt.ZeroGrad()
        let loss = himmelblau p.Value
        loss.Backward()
        Expect.equal (hexOf t.Dtype (loss.ToDouble())) t.Loss[k] (sprintf "%s: loss at step %d" (label t) k)
        Expect.equal (hexes t p.Grad) t.Grad[k] (sprintf "%s: grad at step %d" (label t) k)
        opt.Step()
        if exact then Expect.equal (hexes t p.Value) t.Params[k] (sprintf "%s: params after step %d" (label t) k)
        else
            let expected = t.Params[k] |> Array.map (valueOfHex t)
            let actual = p.Value.ToDoubleArray()
            for i in 0 .. 1 do
                if abs (actual[i] - expected[i]) > rtol * (abs expected[i] + 1.0) then
                    failtestf "%s: param %d after step %d is %.17g, PyTorch has %.17g" (label t) i k actual[i] expected[i]
            p.SetData(if t.Dtype = Dtype.Float32 then Tensor.ofArray [| 2 |] (Array.map float32 expected) else Tensor.ofArray64 [| 2 |] expected)

/// Runs the pure optimizer on a parameter tree with Params.valueAndGrad.
let private runPure (t: Traj) =
    let opt = pureOptimizer t.Opt t.Kwargs
    let mutable p = Params.group [ "p", Params.leaf (startTensor t) ]
    let mutable s = opt.Init p
    let f (ps: Params) = himmelblau (Params.find "p" ps)
    for k in 0 .. 49 do
        let loss, g = Params.valueAndGrad f p
        Expect.equal (hexOf t.Dtype (loss.ToDouble())) t.Loss[k] (sprintf "%s: loss at step %d" (label t) k)
        Expect.equal (hexes t (Params.find "p" g)) t.Grad[k] (sprintf "%s: grad at step %d" (label t) k)
        let struct (p', s') = opt.Update(g, s, p)
        p <- p'
        s <- s'
        Expect.equal (hexes t (Params.find "p" p)) t.Params[k] (sprintf "%s: params after step %d" (label t) k)

[<Tests>]
let tests =
    testList "Optim.Himmelblau" [
        testCase "the vector file holds 20 configurations x 2 starts x 2 dtypes" <| fun () ->
            let ts = trajectories ()
            Expect.equal ts.Length 80 "trajectories"
            Expect.equal (ts |> List.map (fun t -> t.Name) |> List.distinct |> List.length) 20 "configurations"
        testCase "object optimizers reproduce every PyTorch trajectory (loss, grad, params; float32 and float64; bit for bit on managed)" <| fun () ->
            for t in trajectories () do runObject t
        testCase "pure optimizers with Params.valueAndGrad reproduce every PyTorch trajectory bit for bit" <| fun () ->
            for t in trajectories () do runPure t
        testCase "weight decay: object and pure optimizers reproduce torch 1.13 in every remaining setting bit for bit" <| fun () ->
            let ts = trajectoriesOf decayData
            Expect.equal ts.Length 36 "9 configurations x 2 starts x 2 dtypes"
            let decays = ts |> List.map (fun t -> t.Kwargs.GetProperty("weight_decay").GetDouble())
            Expect.isTrue (decays |> List.forall (fun d -> d > 0.0)) "every trajectory decays"
            for t in ts do
                runObject t
                runPure t
        testCase "the pure update leaves its input parameters, gradients and state untouched" <| fun () ->
            let opt = Optim.adam 0.03
            let p = Params.leaf (Tensor.ofArray [| 2 |] [| 3.0f; 0.0f |])
            let s0 = opt.Init p
            let _, g = Params.valueAndGrad (fun ps -> himmelblau (Params.leaves ps).[0]) p
            let gBefore = (Params.leaves g).[0].ToFloat32Array()
            let struct (p1, s1) = opt.Update(g, s0, p)
            let struct (p2, _) = opt.Update(g, s0, p)
            Expect.equal ((Params.leaves p).[0].ToFloat32Array()) [| 3.0f; 0.0f |] "params unchanged"
            Expect.equal ((Params.leaves g).[0].ToFloat32Array()) gBefore "grads unchanged"
            Expect.equal ((Params.leaves (Optim.buffer "exp_avg" s0)).[0].ToFloat32Array()) [| 0.0f; 0.0f |] "state unchanged"
            Expect.equal ((Params.leaves p1).[0].ToFloat32Array()) ((Params.leaves p2).[0].ToFloat32Array()) "same inputs, same result"
            Expect.equal s1.Step 1 "step count"
    ]
