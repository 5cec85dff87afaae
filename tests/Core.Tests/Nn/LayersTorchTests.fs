/// BatchNorm1d, Dropout, AdaptiveAvgPool1d, Unflatten, Softmax/LogSoftmax against PyTorch 1.13's bits
/// (tests/data/layers.json from tests/data/scripts/gen_layers.py; softmax_modules.json from gen_softmax_modules.py).
module Nn.LayersTorchTests

open System
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Nn
open Fluxion.Ops
open Fluxion.Random

let private data = lazy (TestData.json "layers.json")

/// The values of a vector as doubles (float32 bits widened exactly, float64 bits as they are).
let private values (e: JsonElement) =
    let f64 = e.GetProperty("dtype").GetString() = "float64"
    [| for h in e.GetProperty("hex").EnumerateArray() ->
         if f64 then BitConverter.Int64BitsToDouble(Convert.ToInt64(h.GetString(), 16))
         else float (BitConverter.UInt32BitsToSingle(Convert.ToUInt32(h.GetString(), 16))) |]

let private shapeOf (e: JsonElement) = [| for d in e.GetProperty("shape").EnumerateArray() -> d.GetInt32() |]
let private dtypeOf (e: JsonElement) = if e.GetProperty("dtype").GetString() = "float64" then Dtype.Float64 else Dtype.Float32
let private tensorOf (e: JsonElement) = Creation.ofDoubles (shapeOf e) (dtypeOf e) (values e)

/// Exact equality of every element's bits (float32 values compared through their exact double widening).
let private bits (actual: Tensor) (expected: JsonElement) (what: string) =
    Expect.equal actual.Shape (shapeOf expected) (what + ": shape")
    Expect.equal actual.Dtype (dtypeOf expected) (what + ": dtype")
    let a = actual.ToDoubleArray()
    let e = values expected
    for i in 0 .. a.Length - 1 do
        if BitConverter.DoubleToInt64Bits a.[i] <> BitConverter.DoubleToInt64Bits e.[i] then
            failtestf "%s: element %d is %.17g, PyTorch has %.17g" what i a.[i] e.[i]

/// Closeness relative to the vector's largest magnitude (for gradients, whose summation order differs from PyTorch's).
let private near (tol: float) (actual: Tensor) (expected: JsonElement) (what: string) =
    Expect.equal actual.Shape (shapeOf expected) (what + ": shape")
    let a = actual.ToDoubleArray()
    let e = values expected
    let scale = 1.0 + (e |> Array.fold (fun m v -> max m (abs v)) 0.0)
    for i in 0 .. a.Length - 1 do
        if abs (a.[i] - e.[i]) > tol * scale then failtestf "%s: element %d is %.17g, PyTorch has %.17g" what i a.[i] e.[i]

let private bnLayer (c: JsonElement) =
    let kw = c.GetProperty "kwargs"
    let numF = (shapeOf c).[1]
    let eps = match kw.TryGetProperty "eps" with | true, v -> v.GetDouble() | _ -> 1e-5
    let momentum =
        match kw.TryGetProperty "momentum" with
        | true, v when v.ValueKind = JsonValueKind.Null -> None
        | true, v -> Some(v.GetDouble())
        | _ -> Some 0.1
    let affine = match kw.TryGetProperty "affine" with | true, v -> v.GetBoolean() | _ -> true
    let track = match kw.TryGetProperty "track_running_stats" with | true, v -> v.GetBoolean() | _ -> true
    Layer.batchNorm1dWith numF eps momentum affine track, affine, track

[<Tests>]
let tests =
    testList "Nn.LayersTorch" [
        testCase "BatchNorm1d: outputs, running statistics and gradients (float32 and float64) are PyTorch's bits" <| fun () ->
            // batchnorm1d_lanes covers the backward kernel's paths: channel tails, rows of 8+ lanes with tails.
            let cases = Seq.append (data.Value.GetProperty("batchnorm1d").EnumerateArray()) (data.Value.GetProperty("batchnorm1d_lanes").EnumerateArray())
            for c in cases do
                let what = sprintf "%s %A %s" (c.GetProperty("repr").GetString()) (shapeOf c) (c.GetProperty("dtype").GetString())
                let layer, affine, track = bnLayer c
                Expect.equal (layer.ToString()) (c.GetProperty("repr").GetString()) (what + ": repr")
                let dt = if c.GetProperty("dtype").GetString() = "float64" then Dtype.Float64 else Dtype.Float32
                let p = if affine then Params.group [ "weight", Params.leaf (tensorOf (c.GetProperty "weight")); "bias", Params.leaf (tensorOf (c.GetProperty "bias")) ] else Params.empty
                let mutable state = Params.map (fun t -> if Dtype.isFloat t.Dtype then t.Cast dt else t) (layer.Buffers())
                let check (mode: Mode) (step: JsonElement) (label: string) =
                    let x = tensorOf (step.GetProperty "x")
                    let gy = tensorOf (step.GetProperty "gy")
                    let y, s' = Layer.applyWithState layer mode p state x
                    bits y (step.GetProperty "y") (what + label + " y")
                    bits (Diff.grad (fun x -> (fst (Layer.applyWithState layer mode p state x) * gy).Sum()) x) (step.GetProperty "dx") (what + label + " dx")
                    if affine then
                        let gp = Params.grad (fun p -> (fst (Layer.applyWithState layer mode p state x) * gy).Sum()) p
                        bits (Params.find "weight" gp) (step.GetProperty "dweight") (what + label + " dweight")
                        bits (Params.find "bias" gp) (step.GetProperty "dbias") (what + label + " dbias")
                    s'
                for i, step in Seq.indexed (c.GetProperty("train").EnumerateArray()) do
                    state <- check (Mode.Train(Generator(1UL))) step (sprintf " train %d" i)
                    if track then
                        bits (Params.find "running_mean" state) (step.GetProperty "running_mean") (sprintf "%s train %d running_mean" what i)
                        bits (Params.find "running_var" state) (step.GetProperty "running_var") (sprintf "%s train %d running_var" what i)
                        Expect.equal ((Params.find "num_batches_tracked" state).ToDouble()) (float (step.GetProperty("num_batches_tracked").GetInt32())) "num_batches_tracked"
                        Expect.equal (Params.find "num_batches_tracked" state).Dtype Dtype.Int64 "num_batches_tracked dtype"
                check Mode.Eval (c.GetProperty "eval") " eval" |> ignore

        testCase "BatchNorm1d module: buffers update in place in training, stay in eval; state_dict names and dtypes" <| fun () ->
            for c in data.Value.GetProperty("batchnorm1d").EnumerateArray() do
                let kw = c.GetProperty "kwargs"
                let isDefault32 = c.GetProperty("dtype").GetString() = "float32" && kw.EnumerateObject() |> Seq.forall (fun p -> p.Name = "momentum" || p.Name = "eps")
                if isDefault32 then
                    let numF = (shapeOf c).[1]
                    let momentum = match kw.TryGetProperty "momentum" with | true, v when v.ValueKind = JsonValueKind.Null -> nan | true, v -> v.GetDouble() | _ -> 0.1
                    let eps = match kw.TryGetProperty "eps" with | true, v -> v.GetDouble() | _ -> 1e-5
                    let bn = BatchNorm1d(numF, eps, momentum)
                    Expect.equal (bn.ToString()) (c.GetProperty("repr").GetString()) "repr"
                    bn.Weight.Data.CopyInPlace(tensorOf (c.GetProperty "weight"))
                    bn.Bias.Data.CopyInPlace(tensorOf (c.GetProperty "bias"))
                    for step in c.GetProperty("train").EnumerateArray() do
                        bits (bn.Call(tensorOf (step.GetProperty "x"))) (step.GetProperty "y") "module train y"
                        bits bn.RunningMean (step.GetProperty "running_mean") "module running_mean"
                        bits bn.RunningVar (step.GetProperty "running_var") "module running_var"
                    Expect.isFalse (bn.Eval().Training) "eval mode"
                    let sd = bn.StateDict()
                    Expect.equal (List.ofSeq sd.Keys) [ "weight"; "bias"; "running_mean"; "running_var"; "num_batches_tracked" ] "state_dict keys"
                    Expect.equal sd.["num_batches_tracked"].Dtype Dtype.Int64 "int64 counter"
                    Expect.equal (sd.["num_batches_tracked"].ToDouble()) 3.0 "three batches"
                    let rm = bn.RunningMean.ToDoubleArray()
                    bits (bn.Call(tensorOf (c.GetProperty("eval").GetProperty "x"))) (c.GetProperty("eval").GetProperty "y") "module eval y"
                    Expect.equal (bn.RunningMean.ToDoubleArray()) rm "eval leaves the running mean"

        testSequenced (testCase "Dropout: PyTorch 1.13's masks for the same seed, scaling 1/(1-p), p=0 and p=1, float64" <| fun () ->
            for c in data.Value.GetProperty("dropout").EnumerateArray() do
                let p = c.GetProperty("p").GetDouble()
                let x = tensorOf (c.GetProperty "x")
                Tensor.manualSeed (c.GetProperty("seed").GetInt64())
                let d = Dropout(p)
                Expect.equal (d.ToString()) (c.GetProperty("repr").GetString()) "repr"
                let y = if x.Dtype = Dtype.Float64 then Functional.dropout Generator.Default p true x else d.Call x
                bits y (c.GetProperty "y") (sprintf "Dropout(p=%g) seed %d" p (c.GetProperty("seed").GetInt64()))
                bits (Tensor.rand [| 1 |]) (c.GetProperty "next_rand") (sprintf "p=%g: draws one uniform per element (none for p=0 or 1)" p)
                d.Eval() |> ignore
                bits (d.Call x) (c.GetProperty "x") "identity in eval")

        testCase "GELU (float32): oneDNN's gelu_erf value and gradient bits over a sweep, the tails, ±0 and ±inf" <| fun () ->
            let c = data.Value.GetProperty "gelu"
            let x = (tensorOf (c.GetProperty "x")).RequiresGrad_()
            let y = GELU().Call x
            bits y (c.GetProperty "y") "GELU y"
            Expect.equal y.GradFnName "GeluBackward0" "grad_fn"
            y.Backward(tensorOf (c.GetProperty "gy"))
            bits x.Grad (c.GetProperty "dx") "GELU dx"

        testCase "AdaptiveAvgPool1d: PyTorch's windows, output bits and gradient bits" <| fun () ->
            for c in data.Value.GetProperty("adaptive_avg_pool1d").EnumerateArray() do
                let o = c.GetProperty("output_size").GetInt32()
                let m = AdaptiveAvgPool1d(o)
                Expect.equal (m.ToString()) (c.GetProperty("repr").GetString()) "repr"
                let x = tensorOf (c.GetProperty "x")
                bits (m.Call x) (c.GetProperty "y") (sprintf "output_size=%d on %A" o x.Shape)
                match c.TryGetProperty "dx" with
                | true, dx ->
                    let gy = tensorOf (c.GetProperty "gy")
                    bits (Diff.grad (fun x -> (m.Call x * gy).Sum()) x) dx (sprintf "output_size=%d gradient" o)
                | _ -> ()

        testCase "Unflatten: shapes, inferred -1 and reprs as PyTorch" <| fun () ->
            for c in data.Value.GetProperty("unflatten").EnumerateArray() do
                let shape = [| for d in c.GetProperty("shape").EnumerateArray() -> d.GetInt32() |]
                let sizes = [| for d in c.GetProperty("sizes").EnumerateArray() -> d.GetInt32() |]
                let m = Unflatten(c.GetProperty("dim").GetInt32(), sizes)
                Expect.equal (m.ToString()) (c.GetProperty("repr").GetString()) "repr"
                let x = (Tensor.arange 0.0 (float (Shape.numel shape)) 1.0).Reshape shape
                let y = m.Call x
                Expect.equal y.Shape [| for d in c.GetProperty("out_shape").EnumerateArray() -> d.GetInt32() |] "shape"
                Expect.equal (y.ToDoubleArray()) (x.ToDoubleArray()) "values kept in order"

        // softmax_modules.json (gen_softmax_modules.py): dims 0, 1 and -1, inner sizes 1 (the last-dim kernel), below,
        // at and past the 8-lane vector width (the non-last-dim kernel's vector and scalar tails).
        testCase "Softmax and LogSoftmax modules over dims 0, 1 and -1: outputs and input gradients are PyTorch's float32 bits" <| fun () ->
            let f32s (e: JsonElement) = [| for h in e.EnumerateArray() -> BitConverter.UInt32BitsToSingle(Convert.ToUInt32(h.GetString(), 16)) |]
            let hexes (t: Tensor) = t.ToFloat32Array() |> Array.map (fun v -> sprintf "0x%08x" (BitConverter.SingleToUInt32Bits v))
            let cases = (TestData.json "softmax_modules.json").GetProperty("cases")
            let bad =
                [ for c in cases.EnumerateArray() do
                    let shape = [| for d in c.GetProperty("shape").EnumerateArray() -> d.GetInt32() |]
                    let dim = c.GetProperty("dim").GetInt32()
                    let name = c.GetProperty("module").GetString()
                    let m: Module = if name = "Softmax" then Softmax(dim) else LogSoftmax(dim)
                    let x = (Tensor.ofArray shape (f32s (c.GetProperty "input"))).RequiresGrad_()
                    let y = m.Call x
                    y.Backward(Tensor.ofArray shape (f32s (c.GetProperty "grad_output")))
                    for (what, t, key) in [ "output", y.Detach(), "output"; "grad", x.Grad, "grad_input" ] do
                        let a = hexes t
                        let e = [| for h in c.GetProperty(key).EnumerateArray() -> h.GetString() |]
                        match Array.tryFindIndex id (Array.map2 (<>) a e) with
                        | Some i -> yield sprintf "%s(dim=%d) %A %s[%d]: %s vs torch %s" name dim shape what i a[i] e[i]
                        | None -> () ]
            Expect.equal (cases.GetArrayLength()) 64 "case count"
            Expect.isEmpty bad (sprintf "%d mismatches:\n%s" bad.Length (String.Join("\n", bad)))
            // layers.json's (3, 4, 5) input over dims 0, 1, 2 and -1, forward only.
            let x = tensorOf (data.Value.GetProperty "softmax_input")
            for kv in data.Value.GetProperty("softmax").EnumerateObject() do
                bits ((Softmax(int kv.Name)).Call x) kv.Value ("Softmax dim " + kv.Name)
            for kv in data.Value.GetProperty("log_softmax").EnumerateObject() do
                bits ((LogSoftmax(int kv.Name)).Call x) kv.Value ("LogSoftmax dim " + kv.Name)

        testCase "reprs as PyTorch 1.13 prints them" <| fun () ->
            let r = data.Value.GetProperty "reprs"
            let expect (key: string) (m: Module) = Expect.equal (m.ToString()) (r.GetProperty(key).GetString()) key
            expect "BatchNorm1d(8)" (BatchNorm1d(8))
            expect "BatchNorm1d(8, momentum=None)" (BatchNorm1d(8, momentum = nan))
            expect "BatchNorm1d(4, eps=0.001, momentum=0.01, affine=False, track_running_stats=False)" (BatchNorm1d(4, 0.001, 0.01, false, false))
            expect "Dropout()" (Dropout())
            expect "Dropout(0.25)" (Dropout(0.25))
            expect "AdaptiveAvgPool1d(1)" (AdaptiveAvgPool1d(1))
            expect "AdaptiveAvgPool1d(5)" (AdaptiveAvgPool1d(5))
            expect "Unflatten(1, (2, 3))" (Unflatten(1, [| 2; 3 |]))
            expect "Unflatten(-1, (2, -1, 4))" (Unflatten(-1, [| 2; -1; 4 |]))
            expect "Flatten()" (Flatten())
            expect "Flatten(0, 2)" (Flatten(0, 2))
            expect "Softmax(dim=1)" (Softmax(1))
            expect "LogSoftmax(dim=-1)" (LogSoftmax(-1))
            expect "MaxPool1d(2)" (MaxPool1d(2))
            expect "AvgPool1d(3, 1, 1)" (AvgPool1d(3, 1, 1))
    ]

/// Float64 first- and second-order checks (reverse, forward, all Hessian nestings vs finite differences).
[<Tests>]
let gradChecks =
    let bn training (xs: Tensor[]) =
        let rm = Tensor.ofArray64 [| 3 |] [| 0.3; -0.2; 0.1 |]
        let rv = Tensor.ofArray64 [| 3 |] [| 0.8; 1.3; 0.6 |]
        fst (Functional.batchNorm (Some xs.[1]) (Some xs.[2]) (Some rm) (Some rv) training 0.1 1e-5 xs.[0])
    let bnNoAffine training (x: Tensor) = fst (Functional.batchNorm None None None None training 0.1 1e-3 x)
    let layer (l: Layer) (mode: unit -> Mode) (x: Tensor) = fst (Layer.applyWithState l (mode ()) Params.empty (l.Buffers()) x)
    let train () = Mode.Train(Generator(5UL))
    testList "Nn.LayersTorch.GradCheck" (
        [ GradCheck.nary "BatchNorm1d train (N, C) with affine" [ GradCheck.normal [| 4; 3 |]; GradCheck.positive [| 3 |]; GradCheck.normal [| 3 |] ] (bn true) true
          GradCheck.nary "BatchNorm1d train (N, C, L) with affine" [ GradCheck.normal [| 2; 3; 3 |]; GradCheck.positive [| 3 |]; GradCheck.normal [| 3 |] ] (bn true) true
          GradCheck.nary "BatchNorm1d eval with running statistics" [ GradCheck.normal [| 4; 3 |]; GradCheck.positive [| 3 |]; GradCheck.normal [| 3 |] ] (bn false) true
          GradCheck.unary "BatchNorm1d without affine or running statistics (train)" (GradCheck.normal [| 5; 2 |]) (bnNoAffine true) true
          GradCheck.unary "BatchNorm1d without running statistics in eval (batch statistics)" (GradCheck.normal [| 3; 2; 2 |]) (bnNoAffine false) true
          GradCheck.unary "Dropout(0.3) train (one fixed mask)" (GradCheck.normal [| 3; 4 |]) (layer (Layer.dropout 0.3) train) true
          GradCheck.unary "Dropout(0.3) eval" (GradCheck.normal [| 3; 4 |]) (layer (Layer.dropout 0.3) (fun () -> Mode.Eval)) true
          GradCheck.unary "AdaptiveAvgPool1d(3) on L=7 (overlapping windows)" (GradCheck.normal [| 2; 2; 7 |]) (layer (Layer.adaptiveAvgPool1d 3) train) true
          GradCheck.unary "AdaptiveAvgPool1d(4) unbatched, L=3 (repeated cells)" (GradCheck.normal [| 2; 3 |]) (layer (Layer.adaptiveAvgPool1d 4) train) true
          GradCheck.unary "Unflatten(1, (2, -1))" (GradCheck.normal [| 2; 6 |]) (layer (Layer.unflatten 1 [| 2; -1 |]) train) true ]
        |> List.collect GradCheck.checks)

/// A container holding another container: Train/Eval reach every level.
type private Net() =
    inherit Module()
    let body = Sequential(Linear(3, 3, generator = Generator(2UL)), BatchNorm1d(3), ReLU())
    let drop = Dropout(0.5, generator = Generator(4UL))
    let head = Linear(3, 2, generator = Generator(3UL))
    override _.Forward x = x |> body.Call |> drop.Call |> head.Call

[<Tests>]
let modeTests =
    testList "Nn.LayersTorch.Modes" [
        testCase "Train()/Eval() reach every module; Dropout and BatchNorm1d act per mode" <| fun () ->
            let net = Net()
            let all () = net.NamedModules() |> Array.map (fun kv -> kv.Value.Training)
            Expect.equal (all ()) (Array.create 7 true) "modules start in training"
            Expect.isTrue (obj.ReferenceEquals(net.Eval(), net)) "Eval returns the module"
            Expect.equal (all ()) (Array.create 7 false) "Eval reaches the nested Sequential's children"
            let x = Tensor.ofArray [| 4; 3 |] [| 0.5f; -1.0f; 2.0f; 0.25f; -0.75f; 1.5f; 1.0f; 0.0f; -2.0f; 3.0f; 1.25f; -0.5f |]
            let bn = (net.NamedModules() |> Array.find (fun kv -> kv.Key = "body.1")).Value :?> BatchNorm1d
            let y1 = (net.Call x).ToFloat32Array()
            Expect.equal ((net.Call x).ToFloat32Array()) y1 "eval is deterministic (no dropout, running statistics)"
            Expect.equal (bn.NumBatchesTracked.ToDouble()) 0.0 "eval does not count batches"
            Expect.equal (bn.RunningMean.ToDoubleArray()) [| 0.0; 0.0; 0.0 |] "eval keeps the running mean"
            net.Train() |> ignore
            Expect.equal (all ()) (Array.create 7 true) "Train reaches every module"
            let y2 = (net.Call x).ToFloat32Array()
            Expect.notEqual y2 y1 "training output differs (batch statistics and a dropout mask)"
            Expect.equal (bn.NumBatchesTracked.ToDouble()) 1.0 "one training batch counted"
            net.Train(false) |> ignore
            Expect.isFalse net.Training "Train(false) is Eval"
            let d = Dropout(0.5, generator = Generator(0UL))
            Expect.equal ((d.Eval().Call x).ToFloat32Array()) (x.ToFloat32Array()) "Dropout in eval is the identity"

        testCase "InferenceMode: nothing is recorded inside, nesting with NoGrad, results usable by autograd afterwards" <| fun () ->
            let x = (Tensor.ofArray [| 3 |] [| 1.0f; 2.0f; 3.0f |]).RequiresGrad_()
            Expect.isFalse GradMode.IsInferenceModeEnabled "off outside"
            let y =
                use _ = GradMode.InferenceMode()
                Expect.isTrue GradMode.IsInferenceModeEnabled "on inside"
                Expect.isFalse GradMode.IsEnabled "grad off inside"
                (use _ = GradMode.NoGrad()
                 Expect.isTrue GradMode.IsInferenceModeEnabled "still on in a nested NoGrad")
                Expect.isTrue GradMode.IsInferenceModeEnabled "still on after the nested NoGrad"
                x * 2.0
            Expect.isFalse y.RequiresGrad "made inside: not recorded"
            Expect.isFalse GradMode.IsInferenceModeEnabled "off after the scope"
            Expect.isTrue GradMode.IsEnabled "grad back on"
            (y * x).Sum().Backward()
            Expect.equal (x.Grad.ToFloat32Array()) [| 2.0f; 4.0f; 6.0f |] "the inference result joins autograd as a constant"
    ]

[<Tests>]
let copyTests =
    testList "Nn.LayersTorch.DeepCopy" [
        testCase "Module.DeepCopy: same structure, values and modes; independent parameters and buffers" <| fun () ->
            let net = Net()
            let x = Tensor.ofArray [| 4; 3 |] [| 0.5f; -1.0f; 2.0f; 0.25f; -0.75f; 1.5f; 1.0f; 0.0f; -2.0f; 3.0f; 1.25f; -0.5f |]
            net.Call x |> ignore
            net.Eval() |> ignore
            let copy = Module.DeepCopy net
            Expect.equal (copy.GetType()) (net.GetType()) "same type"
            Expect.equal (copy.ToString()) (net.ToString()) "same repr"
            Expect.notEqual copy.Id net.Id "a new module id"
            Expect.isFalse copy.Training "training flag copied"
            let sd, sdc = net.StateDict(), copy.StateDict()
            Expect.equal (List.ofSeq sdc.Keys) (List.ofSeq sd.Keys) "same state_dict keys"
            for k in sd.Keys do
                Expect.equal (sdc.[k].ToDoubleArray()) (sd.[k].ToDoubleArray()) ("same value " + k)
                Expect.equal sdc.[k].Dtype sd.[k].Dtype ("same dtype " + k)
            Expect.equal (sdc.["body.1.num_batches_tracked"].ToDouble()) 1.0 "buffers copied"
            Expect.isTrue (copy.Parameters() |> Array.forall (fun p -> p.RequiresGrad)) "parameters require grad"
            Expect.equal ((copy.Call x).ToFloat32Array()) ((net.Call x).ToFloat32Array()) "same eval output"
            // Change the copy every way training does: parameters in place, buffers through a training pass, gradients.
            for p in copy.Parameters() do p.Data.CopyInPlace(p.Data * 2.0)
            copy.Train() |> ignore
            (copy.Call x).Sum().Backward()
            Expect.isTrue (net.Parameters() |> Array.forall (fun p -> isNull (box p.Grad))) "original has no gradients"
            Expect.isTrue (copy.Parameters() |> Array.forall (fun p -> not (isNull (box p.Grad)))) "copy's own gradients"
            let after = net.StateDict()
            for k in sd.Keys do Expect.equal (after.[k].ToDoubleArray()) (sd.[k].ToDoubleArray()) ("original unchanged " + k)
            Expect.isFalse net.Training "original's mode unchanged"
            Expect.equal (copy.StateDict().["body.1.num_batches_tracked"].ToDouble()) 2.0 "copy counted its batch"

        testCase "DeepCopy keeps sharing inside the copy (one Linear used twice stays one)" <| fun () ->
            let lin = Linear(2, 2, generator = Generator(1UL))
            let s = Sequential(lin, ReLU(), lin)
            let c = Module.DeepCopy s
            Expect.equal (c.Parameters().Length) 2 "shared parameters counted once"
            Expect.isTrue (obj.ReferenceEquals(c.[0], c.[2])) "the copy shares its Linear"
            Expect.isFalse (obj.ReferenceEquals(c.[0], lin)) "but not with the original"

        testCase "StateDict.DeepCopy: same keys and values, own storage" <| fun () ->
            let bn = BatchNorm1d(3)
            bn.Call(Tensor.ofArray [| 2; 3 |] [| 1.0f; 2.0f; 3.0f; -1.0f; 0.5f; 4.0f |]) |> ignore
            let sd = bn.StateDict()
            let c = sd.DeepCopy()
            Expect.equal (List.ofSeq c.Keys) (List.ofSeq sd.Keys) "keys in order"
            let before = [ for k in sd.Keys -> sd.[k].ToDoubleArray() ]
            bn.Call(Tensor.ofArray [| 2; 3 |] [| 3.0f; 2.0f; 1.0f; 1.0f; 0.5f; -4.0f |]) |> ignore
            bn.Weight.Data.CopyInPlace(bn.Weight.Data + 1.0)
            Expect.equal [ for k in c.Keys -> c.[k].ToDoubleArray() ] before "the copy keeps the old values"
            Expect.notEqual (sd.["running_mean"].ToDoubleArray()) (c.["running_mean"].ToDoubleArray()) "the plain state_dict shares storage"
            Expect.equal c.["num_batches_tracked"].Dtype Dtype.Int64 "int64 counter"
    ]

/// Runs interop_layers.py on a file; skips (fails on CI) when /usr/bin/python3 has no PyTorch.
let private torchReport (file: string) : JsonElement =
    let python = "/usr/bin/python3"
    let available =
        try
            use p = Diagnostics.Process.Start(Diagnostics.ProcessStartInfo(python, "-c \"import torch\"", RedirectStandardError = true, UseShellExecute = false))
            p.WaitForExit 120_000 && p.ExitCode = 0
        with _ -> false
    if not available then
        if Environment.GetEnvironmentVariable "CI" = "true" then failtest "CI=true but /usr/bin/python3 cannot import torch"
        else skiptest "/usr/bin/python3 cannot import torch"
    let psi = Diagnostics.ProcessStartInfo(python, sprintf "\"%s\" \"%s\"" (TestData.path "interop_layers.py") file,
                                           RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)
    use p = Diagnostics.Process.Start psi
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()
    if not (p.WaitForExit 300_000) then (p.Kill true; failtest "the PyTorch side did not finish within 5 minutes")
    if p.ExitCode <> 0 then failtestf "the PyTorch side failed (%d): %s" p.ExitCode err.Result
    JsonDocument.Parse(out.Result).RootElement

[<Tests>]
let interopTests =
    testList "Nn.LayersTorch.Interop" [
        testCase "a torch.save'd state_dict with BatchNorm buffers loads: bits, int64 counter, eval output" <| fun () ->
            let e = data.Value.GetProperty "bn_state"
            let sd = Fluxion.IO.Pt.read (TestData.path "layers_bn_state.pt") :?> StateDict
            Expect.equal (List.ofSeq sd.Keys) [ for k in e.GetProperty("keys").EnumerateArray() -> k.GetString() ] "keys in PyTorch's order"
            let m = Sequential(Linear(3, 4, generator = Generator(0UL)), BatchNorm1d(4))
            m.LoadStateDict(sd)
            let own = m.StateDict()
            for kv in e.GetProperty("values").EnumerateObject() do
                if kv.Value.ValueKind = JsonValueKind.Number then
                    Expect.equal own.[kv.Name].Dtype Dtype.Int64 (kv.Name + " is int64")
                    Expect.equal (own.[kv.Name].ToDouble()) (kv.Value.GetDouble()) kv.Name
                else bits own.[kv.Name] kv.Value kv.Name
            m.Eval() |> ignore
            bits (m.Call(tensorOf (e.GetProperty "eval_x"))) (e.GetProperty "eval_y") "eval output from the loaded statistics"

        testCase "a Fluxion state_dict with BatchNorm buffers saved as .pt loads into PyTorch (strict)" <| fun () ->
            let m = Sequential(Linear(3, 4, generator = Generator(7UL)), BatchNorm1d(4))
            for k in 0 .. 2 do m.Call(Creation.ofDoubles [| 5; 3 |] Dtype.Float32 (Array.init 15 (fun i -> sin (float (i * (k + 2)))))) |> ignore
            let dir = IO.Path.Combine(IO.Path.GetTempPath(), "fluxion-layers-" + Guid.NewGuid().ToString("N"))
            IO.Directory.CreateDirectory dir |> ignore
            try
                let file = IO.Path.Combine(dir, "bn.pt")
                Fluxion.IO.Pt.write file (m.StateDict())
                let r = torchReport file
                let sd = m.StateDict()
                Expect.equal [ for k in r.GetProperty("keys").EnumerateArray() -> k.GetString() ] (List.ofSeq sd.Keys) "keys"
                Expect.equal (r.GetProperty("dtypes").GetProperty("1.num_batches_tracked").GetString()) "torch.int64" "int64 counter"
                Expect.equal (r.GetProperty("values").GetProperty("1.num_batches_tracked").GetInt32()) 3 "three batches"
                for k in sd.Keys do
                    if k <> "1.num_batches_tracked" then
                        let hexes = [ for h in r.GetProperty("values").GetProperty(k).EnumerateArray() -> h.GetString() ]
                        Expect.equal hexes [ for v in sd.[k].ToFloat32Array() -> (BitConverter.SingleToUInt32Bits v).ToString("x8") ] k
            finally IO.Directory.Delete(dir, true)
    ]
