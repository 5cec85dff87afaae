/// Matrix products and their gradients on the managed backend against torch 1.13 (Debian's build: the reference
/// BLAS, every element an in-order, unfused sum), bit for bit, at the sizes and layouts of small networks
/// (matmul_orders.json, gen_matmul_orders.py): Linear forward and backward, mm, mv, dot (with its JVP) and the
/// matmul cases where PyTorch folds the batch into one product.
module MatMulOrderTests

open System
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Nn

let private data = lazy (TestData.json "matmul_orders.json")

let private f32s = TestData.f32sOfHex

let private shapeOf (e: JsonElement) = [| for v in e.GetProperty("shape").EnumerateArray() -> v.GetInt32() |]

/// The first element whose bits differ (±0 count as equal), or None.
let private firstDiff (ours: float32[]) (theirs: float32[]) =
    if ours.Length <> theirs.Length then Some(sprintf "length %d vs %d" ours.Length theirs.Length)
    else
        Seq.init ours.Length id
        |> Seq.tryFind (fun i -> ours.[i] <> theirs.[i] && not (Single.IsNaN ours.[i] && Single.IsNaN theirs.[i]))
        |> Option.map (fun i -> sprintf "[%d] ours %.9g (0x%08x) torch %.9g (0x%08x)" i ours.[i] (BitConverter.SingleToUInt32Bits ours.[i]) theirs.[i] (BitConverter.SingleToUInt32Bits theirs.[i]))

let private apply (op: string) (xs: Tensor[]) =
    match op with
    | "linear" -> Functional.linear xs.[1] (Some xs.[2]) xs.[0]
    | _ -> Tensor.MatMul(xs.[0], xs.[1])

let private name (c: JsonElement) =
    let shapes = [ for e in c.GetProperty("inputs").EnumerateArray() -> sprintf "%A" (shapeOf e) ] |> String.concat " @ "
    sprintf "%s %s" (c.GetProperty("op").GetString()) shapes

/// Value and gradients (and the tangent where the case has one) of one case; the mismatches found.
let private check (c: JsonElement) =
    let op = c.GetProperty("op").GetString()
    let inputs = [| for e in c.GetProperty("inputs").EnumerateArray() -> shapeOf e, f32s (e.GetProperty("bits").GetString()) |]
    let leaves = inputs |> Array.map (fun (s, d) -> (Tensor.ofArray s d).RequiresGrad_())
    let y = apply op leaves
    let value = c.GetProperty "value"
    [ match firstDiff (y.ToFloat32Array()) (f32s (value.GetProperty("bits").GetString())) with
      | Some d -> yield "value " + d
      | None -> ()
      y.Backward(Tensor.ofArray (shapeOf value) (f32s (c.GetProperty("cotangent").GetString())))
      for k, e in Seq.indexed (c.GetProperty("vjp").EnumerateArray()) do
          match firstDiff (leaves.[k].Grad.ToFloat32Array()) (f32s (e.GetString())) with
          | Some d -> yield sprintf "gradient %d %s" k d
          | None -> ()
      match c.TryGetProperty "jvp" with
      | true, j ->
          let ts = [| for e in c.GetProperty("tangents").EnumerateArray() -> f32s (e.GetString()) |]
          let n = ts.[0].Length
          // Both tangents in one packed vector, so that one forward sweep perturbs both operands.
          let packed = Tensor.ofArray [| 2 * n |] (Array.append (snd inputs.[0]) (snd inputs.[1]))
          let t = Diff.jvp (fun x -> Tensor.MatMul(x.Narrow(0, 0, n), x.Narrow(0, n, n))) packed (Tensor.ofArray [| 2 * n |] (Array.append ts.[0] ts.[1]))
          match firstDiff (t.ToFloat32Array()) (f32s (j.GetString())) with
          | Some d -> yield "tangent " + d
          | None -> ()
      | _ -> () ]

[<Tests>]
let tests =
    testList "MatMulOrders" [
        for c in data.Force().GetProperty("cases").EnumerateArray() do
            let c = c.Clone()
            yield testCase (name c) <| fun () ->
                let bad = check c
                Expect.isEmpty bad (sprintf "%s differs from torch 1.13: %s" (name c) (String.concat "; " bad))
    ]
