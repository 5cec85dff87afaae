/// clip_grad_norm_ / clip_grad_value_ against torch 1.13's float32 bits (losses_ext.json).
module OptimClipGradTests

open System
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Nn
open OptimTestUtil

let private data = lazy (TestData.json "losses_ext.json")
let private f32s (e: JsonElement) = [| for h in e.EnumerateArray() -> BitConverter.UInt32BitsToSingle(bits32 (h.GetString())) |]
let private hex32 (t: Tensor) = t.ToFloat32Array() |> Array.map (fun v -> sprintf "0x%08x" (BitConverter.SingleToUInt32Bits v))
let private hexes (e: JsonElement) = [| for h in e.EnumerateArray() -> h.GetString() |]
let private ints (e: JsonElement) = [| for s in e.EnumerateArray() -> s.GetInt32() |]

/// Parameters whose gradients are the given values (a backward of sum(p * g) leaves exactly g).
let private withGrads (shapes: int[][]) (grads: float32[][]) =
    let ps = Array.map2 (fun (s: int[]) (g: float32[]) -> Parameter(Tensor.zeros s)) shapes grads
    let loss = Array.map2 (fun (p: Parameter) (g: float32[]) -> (p.Value * Tensor.ofArray p.Shape g).Sum()) ps grads |> Array.reduce (+)
    loss.Backward()
    ps

[<Tests>]
let tests =
    testList "Optim.ClipGrad" [
        testCase "clipGradNormWith returns PyTorch's total norm and leaves PyTorch's clipped gradients, bit for bit" <| fun () ->
            for c in data.Force().GetProperty("clip_grad_norm").EnumerateArray() do
                let shapes = [| for s in c.GetProperty("shapes").EnumerateArray() -> ints s |]
                let grads = [| for g in c.GetProperty("grads").EnumerateArray() -> f32s g |]
                let nt = let e = c.GetProperty "norm_type" in if e.ValueKind = JsonValueKind.String then infinity else e.GetDouble()
                let mx = c.GetProperty("max_norm").GetDouble()
                let ps = withGrads shapes grads
                for p, g in Array.zip ps grads do Expect.equal (p.Grad.ToFloat32Array()) g "gradient set up"
                let total = Utils.clipGradNormWith nt false mx ps
                Expect.equal (hex32 total) (hexes (c.GetProperty "total")) (sprintf "total norm p=%g max=%g" nt mx)
                let clipped = [| for e in c.GetProperty("clipped").EnumerateArray() -> hexes e |]
                for i in 0 .. ps.Length - 1 do
                    Expect.equal (hex32 ps[i].Grad) clipped[i] (sprintf "clipped grad %d p=%g max=%g" i nt mx)

        testCase "clipGradNormOf on a Params tree gives PyTorch's Euclidean total and clipped gradients, leaving its input alone" <| fun () ->
            let mutable checkedCases = 0
            for c in data.Force().GetProperty("clip_grad_norm").EnumerateArray() do
                let nt = c.GetProperty "norm_type"
                if nt.ValueKind = JsonValueKind.Number && nt.GetDouble() = 2.0 then
                    checkedCases <- checkedCases + 1
                    let shapes = [| for s in c.GetProperty("shapes").EnumerateArray() -> ints s |]
                    let grads = [| for g in c.GetProperty("grads").EnumerateArray() -> f32s g |]
                    let tree = Params.group [ for i in 0 .. shapes.Length - 1 -> sprintf "p%d" i, Params.leaf (Tensor.ofArray shapes[i] grads[i]) ]
                    let clipped, total = Utils.clipGradNormOf (c.GetProperty("max_norm").GetDouble()) tree
                    Expect.equal (hex32 total) (hexes (c.GetProperty "total")) "total norm"
                    let expected = [| for e in c.GetProperty("clipped").EnumerateArray() -> hexes e |]
                    Expect.equal (Params.leaves clipped |> Array.map hex32) expected "clipped gradients"
                    Expect.equal (Params.leaves tree |> Array.map (fun t -> t.ToFloat32Array())) grads "the input tree is unchanged"
                    Expect.equal (Params.flatten clipped |> Array.map fst) (Params.flatten tree |> Array.map fst) "same names"
            Expect.isGreaterThan checkedCases 0 "some cases use the Euclidean norm"

        testCase "clipGradValue clamps each gradient element like PyTorch" <| fun () ->
            for c in data.Force().GetProperty("clip_grad_value").EnumerateArray() do
                let g = f32s (c.GetProperty "grad")
                let ps = withGrads [| [| g.Length |] |] [| g |]
                Utils.clipGradValue (c.GetProperty("clip_value").GetDouble()) ps
                Expect.equal (hex32 ps[0].Grad) (hexes (c.GetProperty "clipped")) "clipped"

        testCase "clipGradNorm skips parameters without gradients, returns 0 for none, and can reject a non-finite norm" <| fun () ->
            let none = Utils.clipGradNorm 1.0 [ Parameter(Tensor.zeros [| 3 |]) ]
            Expect.equal (none.ToFloat32Array()) [| 0.0f |] "no gradients: zero"
            let ps = withGrads [| [| 2 |] |] [| [| 3.0f; 4.0f |] |]
            let total = Utils.clipGradNorm 10.0 (Array.append ps [| Parameter(Tensor.zeros [| 2 |]) |])
            Expect.equal (total.ToFloat32Array()) [| 5.0f |] "norm of (3, 4)"
            Expect.equal (ps[0].Grad.ToFloat32Array()) [| 3.0f; 4.0f |] "under max_norm: unchanged"
            let bad = withGrads [| [| 2 |] |] [| [| nanf; 1.0f |] |]
            let ex = Expect.throwsC (fun () -> Utils.clipGradNormWith 2.0 true 1.0 bad |> ignore) id
            Expect.isTrue (ex :? InvalidOperationException) "InvalidOperationException"
            Expect.stringContains ex.Message "is non-finite, so it cannot be clipped" "PyTorch's message"
    ]
