/// nn.RNN / nn.RNNCell against PyTorch 1.13 (tests/data/rnn.json, made by tests/data/scripts/gen_rnn.py).
module Nn.RnnTests

open System
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Nn
open Fluxion.Random
open Fluxion.Ops
open Nn.NnTestUtil

let private data = lazy (TestData.json "rnn.json")
let private str (e: JsonElement) (k: string) = e.GetProperty(k).GetString()
let private int (e: JsonElement) (k: string) = e.GetProperty(k).GetInt32()
let private bool (e: JsonElement) (k: string) = e.GetProperty(k).GetBoolean()
let private opt (e: JsonElement) (k: string) = match e.TryGetProperty k with | true, v -> Some v | _ -> None

let private layerOf (c: JsonElement) =
    Layer.rnnFull (int c "input_size") (int c "hidden_size") (int c "num_layers") (str c "nonlinearity") (bool c "bias")
        (bool c "batch_first") (c.GetProperty("dropout").GetDouble()) (bool c "bidirectional")

let private forwardOf (c: JsonElement) (mode: Mode) (p: Params) (h0: Tensor option) (x: Tensor) =
    Layer.rnnForwardFull (int c "num_layers") (str c "nonlinearity") (bool c "batch_first") (c.GetProperty("dropout").GetDouble())
        (bool c "bidirectional") mode p h0 x

/// loss = Σ output·wo + Σ h_n·wh and its gradients w.r.t. every parameter, the input and h0, from parameters drawn
/// from a fresh generator (which then draws the dropout masks, as torch's global generator does after the constructor).
let private lossGrads (c: JsonElement) =
    let g = Generator(c.GetProperty("seed").GetInt64())
    let p = (layerOf c).Init g
    let mode = if bool c "train" then Mode.Train g else Mode.Eval
    let x = tensorOf (c.GetProperty "input")
    let h0 = opt c "h0" |> Option.map tensorOf
    let wo, wh = tensorOf (c.GetProperty "wo"), tensorOf (c.GetProperty "wh")
    let n = (Params.leaves p).Length
    let inputs = Array.concat [ Params.leaves p; [| x |]; (match h0 with Some h -> [| h |] | None -> [||]) ]
    let gs = Diff.grads (fun ts ->
                let o, h = forwardOf c mode (Params.withLeaves p ts.[.. n - 1]) (if h0.IsSome then Some ts.[n + 1] else None) ts.[n]
                (o * wo).Sum() + (h * wh).Sum()) inputs
    p, Params.withLeaves p gs.[.. n - 1], gs.[n], (if h0.IsSome then Some gs.[n + 1] else None)

let private f32 (t: Tensor) = t.ToFloat32Array()

/// A float64 loss of all of an RNN's leaves packed in one vector, for finite-difference checks.
let private packedLoss (layer: Layer) (run: Params -> Tensor option -> Tensor -> Tensor * Tensor) (xShape: int[]) (hShape: int[] option) =
    let g = Generator(21UL)
    let p = Params.map (fun t -> t.Cast Dtype.Float64) (layer.Init g)
    let rnd (shape: int[]) (seed: uint64) = Creation.ofFloat64 shape (Sampling.uniform64 (Generator(seed)) (Shape.numel shape) -1.0 1.0)
    let x = rnd xShape 22UL
    let h0 = hShape |> Option.map (fun s -> rnd s 23UL)
    let leaves = Array.concat [ Params.leaves p; [| x |]; Option.toArray h0 ]
    let sizes = leaves |> Array.map (fun t -> t.Numel)
    let z = Shapes.cat 0 (leaves |> Array.map (fun t -> t.Reshape [| t.Numel |]))
    let o0, h0v = run p h0 x
    let wo, wh = rnd o0.Shape 24UL, rnd h0v.Shape 25UL
    let n = (Params.leaves p).Length
    let f (z: Tensor) =
        let mutable off = 0
        let parts =
            Array.map2 (fun (t: Tensor) (k: int) ->
                let r = z.Narrow(0, off, k).Reshape t.Shape
                off <- off + k
                r) leaves sizes
        let o, h = run (Params.withLeaves p parts.[.. n - 1]) (if h0.IsSome then Some parts.[n + 1] else None) parts.[n]
        // Squares make the second derivatives of the loss depend on every output, not only through the RNN.
        (o * wo).Sum() + (h * wh).Sum() + (o * o).Sum() * 0.25
    f, z, rnd z.Shape 26UL

let private d (t: Tensor) = t.ToDoubleArray()
let private nullT = Unchecked.defaultof<Tensor>

[<Tests>]
let tests =
    testList "Nn.RNN" [
        testCase "parameters: PyTorch's names, order, init draws after manual_seed, and repr" <| fun () ->
            for c in data.Value.GetProperty("rnn").EnumerateArray() do
                let name = str c "name"
                let m = RNN(int c "input_size", int c "hidden_size", int c "num_layers", str c "nonlinearity", bool c "bias",
                            bool c "batch_first", c.GetProperty("dropout").GetDouble(), bool c "bidirectional",
                            Generator(c.GetProperty("seed").GetInt64()))
                let expected = [ for p in c.GetProperty("params").EnumerateObject() -> p.Name, hexesOf p.Value ]
                Expect.equal [ for kv in m.NamedParameters() -> kv.Key ] (List.map fst expected) (name + ": names")
                for KeyValue(n, p), (_, e) in Seq.zip (m.NamedParameters()) expected do bitsEqual (f32 p.Data) e (name + " " + n)
                Expect.equal (m.ToString()) (str c "repr") (name + ": repr")
            for c in data.Value.GetProperty("cell").EnumerateArray() do
                let name = str c "name"
                let m = RNNCell(int c "input_size", int c "hidden_size", bool c "bias", str c "nonlinearity", Generator(c.GetProperty("seed").GetInt64()))
                let expected = [ for p in c.GetProperty("params").EnumerateObject() -> p.Name, hexesOf p.Value ]
                Expect.equal [ for kv in m.NamedParameters() -> kv.Key ] (List.map fst expected) (name + ": names")
                for KeyValue(n, p), (_, e) in Seq.zip (m.NamedParameters()) expected do bitsEqual (f32 p.Data) e (name + " " + n)
                Expect.equal (m.ToString()) (str c "repr") (name + ": repr")

        testCase "RNN module: output and h_n bit for bit (tanh/relu, 1-3 layers, bidirectional, batch_first, unbatched, h0, no bias, dropout)" <| fun () ->
            for c in data.Value.GetProperty("rnn").EnumerateArray() do
                let name = str c "name"
                let m = RNN(int c "input_size", int c "hidden_size", int c "num_layers", str c "nonlinearity", bool c "bias",
                            bool c "batch_first", c.GetProperty("dropout").GetDouble(), bool c "bidirectional",
                            Generator(c.GetProperty("seed").GetInt64()))
                if bool c "train" then m.Train() |> ignore else m.Eval() |> ignore
                let h0 = match opt c "h0" with Some h -> tensorOf h | None -> Unchecked.defaultof<Tensor>
                let struct (o, h) = m.ForwardWithHidden(tensorOf (c.GetProperty "input"), h0)
                Expect.equal o.Shape (shapeOf (c.GetProperty "output")) (name + ": output shape")
                Expect.equal h.Shape (shapeOf (c.GetProperty "h_n")) (name + ": h_n shape")
                bitsEqual (f32 o) (hexesOf (c.GetProperty "output")) (name + ": output")
                bitsEqual (f32 h) (hexesOf (c.GetProperty "h_n")) (name + ": h_n")

        testCase "pure layer: gradients in the parameters' tree shape, and w.r.t. input and h0, match PyTorch's" <| fun () ->
            for c in data.Value.GetProperty("rnn").EnumerateArray() do
                let name = str c "name"
                let p, gp, gx, gh = lossGrads c
                Expect.equal (Params.flatten gp |> Array.map fst) (Params.flatten p |> Array.map fst) (name + ": gradient tree")
                for n, g in Params.flatten gp do
                    bitsEqual (f32 g) (hexesOf (c.GetProperty("grads").GetProperty n)) (sprintf "%s: d/d%s" name n)
                bitsEqual (f32 gx) (hexesOf (c.GetProperty "grad_input")) (name + ": d/dinput")
                match gh with
                | Some g -> bitsEqual (f32 g) (hexesOf (c.GetProperty "grad_h0")) (name + ": d/dh0")
                | None -> ()

        testCase "RNNCell: step output and gradients bit for bit (tanh, relu without bias, unbatched without h0)" <| fun () ->
            for c in data.Value.GetProperty("cell").EnumerateArray() do
                let name = str c "name"
                let m = RNNCell(int c "input_size", int c "hidden_size", bool c "bias", str c "nonlinearity", Generator(c.GetProperty("seed").GetInt64()))
                let x = tensorOf (c.GetProperty "input")
                let h0 = opt c "h0" |> Option.map tensorOf
                let y = m.Step(x, (match h0 with Some h -> h | None -> Unchecked.defaultof<Tensor>))
                bitsEqual (f32 y) (hexesOf (c.GetProperty "output")) (name + ": output")
                if h0.IsNone then bitsEqual (f32 (m.Call x)) (hexesOf (c.GetProperty "output")) (name + ": Call")
                let p = m.CurrentParams()
                let wh = tensorOf (c.GetProperty "wh")
                let n = (Params.leaves p).Length
                let inputs = Array.concat [ Params.leaves p; [| x |]; Option.toArray h0 ]
                let gs = Diff.grads (fun ts -> (Layer.rnnCellForward (str c "nonlinearity") (Params.withLeaves p ts.[.. n - 1])
                                                    (if h0.IsSome then Some ts.[n + 1] else None) ts.[n] * wh).Sum()) inputs
                for (pn, _), g in Array.zip (Params.flatten p) gs.[.. n - 1] do
                    bitsEqual (f32 g) (hexesOf (c.GetProperty("grads").GetProperty pn)) (sprintf "%s: d/d%s" name pn)
                bitsEqual (f32 gs.[n]) (hexesOf (c.GetProperty "grad_input")) (name + ": d/dinput")
                if h0.IsSome then bitsEqual (f32 gs.[n + 1]) (hexesOf (c.GetProperty "grad_h0")) (name + ": d/dh0")

        testCase "float64 finite differences: reverse, forward and second order (Hessian-vector both ways)" <| fun () ->
            let cases =
                [ "tanh 2-layer bidirectional with h0", Layer.rnnFull 2 3 2 "tanh" true false 0.0 true, 2, "tanh", false, true, [| 4; 2; 2 |], Some [| 4; 2; 3 |]
                  "relu batch_first no bias", Layer.rnnFull 3 4 2 "relu" false true 0.0 false, 2, "relu", true, false, [| 2; 3; 3 |], None
                  "unbatched tanh 3 layers", Layer.rnnFull 2 2 3 "tanh" true false 0.0 false, 3, "tanh", false, false, [| 4; 2 |], Some [| 3; 2 |] ]
            for name, layer, layers, act, bf, bi, xs, hs in cases do
                let run p h x = Layer.rnnForwardFull layers act bf 0.0 bi Mode.Eval p h x
                let f, z, v = packedLoss layer run xs hs
                close 1e-6 (d (Diff.grad f z)) (d (NumericalDiff.grad 1e-6 f z)) (name + ": reverse")
                let h = 1e-6
                let fd = ((f (z + v * h)) - (f (z - v * h))).ToDouble() / (2.0 * h)
                close 1e-6 [| (Diff.jvp f z v).ToDouble() |] [| fd |] (name + ": forward")
                let hvFd = (Diff.grad f (z + v * 1e-5) - Diff.grad f (z - v * 1e-5)) / 2e-5
                close 1e-5 (d (Diff.jvp (Diff.grad f) z v)) (d hvFd) (name + ": forward-over-reverse")
                close 1e-5 (d (Diff.grad (fun z -> (Diff.grad f z * v).Sum()) z)) (d hvFd) (name + ": reverse-over-reverse")

        testCase "the zero hidden state lives on the input's backend and dtype; float64 runs in float64" <| fun () ->
            let layer = Layer.rnnFull 2 3 1 "tanh" true false 0.0 false
            let p = Params.map (fun t -> t.Cast Dtype.Float64) (layer.Init(Generator(1UL)))
            let x = Creation.ofFloat64 [| 3; 2; 2 |] (Array.init 12 (fun i -> float i / 10.0))
            let o, h = Layer.rnnForwardFull 1 "tanh" false 0.0 false Mode.Eval p None x
            Expect.equal (o.Dtype, h.Dtype) (Dtype.Float64, Dtype.Float64) "dtype"
            Expect.isTrue (obj.ReferenceEquals(h.Raw.Backend, x.Raw.Backend)) "backend"
            // h_n is the last output step (one layer, one direction).
            Expect.equal (d h) (d (o.Select(0, 2).Reshape [| 1; 2; 3 |])) "h_n = output[-1]"

        testCase "state_dict round trip: names, shapes and values, and the loaded module computes the same" <| fun () ->
            let a = RNN(2, 3, numLayers = 2, bidirectional = true, generator = Generator(5UL))
            let b = RNN(2, 3, numLayers = 2, bidirectional = true, generator = Generator(6UL))
            let sd = a.StateDict()
            Expect.equal [ for kv in sd -> kv.Key ]
                [ for l in [ "l0"; "l0_reverse"; "l1"; "l1_reverse" ] do for w in [ "weight_ih_"; "weight_hh_"; "bias_ih_"; "bias_hh_" ] -> w + l ] "keys"
            b.LoadStateDict(sd) |> ignore
            let x = Creation.ofFloat32 [| 4; 1; 2 |] (Array.init 8 (fun i -> float32 i * 0.25f - 1.0f))
            let struct (oa, ha) = a.ForwardWithHidden(x, Unchecked.defaultof<Tensor>)
            let struct (ob, hb) = b.ForwardWithHidden(x, Unchecked.defaultof<Tensor>)
            bitsEqual (f32 ob) (f32 oa) "output"
            bitsEqual (f32 hb) (f32 ha) "h_n"
            Expect.equal (b.Call x).Shape [| 4; 1; 6 |] "Call gives the output sequence"

        testCase "bad input: PyTorch's messages" <| fun () ->
            let errs = dict [ for e in data.Value.GetProperty("errors").EnumerateArray() -> str e "case", e ]
            let msg k = str errs.[k] "message"
            let m = RNN(1, 8, numLayers = 2, generator = Generator(0UL))
            let z (s: int[]) = Tensor.zeros s
            let fails (k: string) (f: unit -> obj) =
                let e = Expect.throwsC (f >> ignore) id
                Expect.stringContains e.Message (msg k) k
                Expect.isTrue (e :? ShapeException || e :? ArgumentException) (k + ": exception type " + e.GetType().Name)
            let call (x: Tensor) (h: Tensor) () = box (m.ForwardWithHidden(x, h))
            fails "hidden_batched" (call (z [| 5; 3; 1 |]) (z [| 1; 3; 8 |]))
            fails "input_size" (call (z [| 5; 3; 2 |]) nullT)
            fails "input_dims" (call (z [| 2; 5; 3; 1 |]) nullT)
            fails "hidden_unbatched_dims" (call (z [| 5; 1 |]) (z [| 2; 1; 8 |]))
            fails "hidden_batched_dims" (call (z [| 5; 3; 1 |]) (z [| 2; 8 |]))
            fails "nonlinearity" (fun () -> box (RNN(1, 8, nonlinearity = "sigmoid")))
            fails "dropout_range" (fun () -> box (RNN(1, 8, dropout = 1.5)))
            let cell = RNNCell(3, 4, generator = Generator(0UL))
            fails "cell_input_dims" (fun () -> box (cell.Step(z [| 2; 3; 3 |], nullT)))
            fails "cell_hidden_dims" (fun () -> box (cell.Step(z [| 2; 3 |], z [| 4 |])))
            fails "cell_input_size" (fun () -> box (cell.Step(z [| 2; 5 |], nullT)))
            fails "cell_hidden_size" (fun () -> box (cell.Step(z [| 2; 3 |], z [| 2; 5 |])))
            Expect.throwsT<ArgumentException> (fun () -> RNNCell(3, 4, nonlinearity = "gelu") |> ignore) "cell nonlinearity"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> RNN(1, 8, numLayers = 0) |> ignore) "num_layers 0"
            Expect.throwsT<ShapeException> (fun () -> m.ForwardWithHidden(z [| 0; 3; 1 |], nullT) |> ignore) "empty sequence"
    ]
