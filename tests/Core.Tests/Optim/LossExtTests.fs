/// Losses' float32 values AND input gradients against torch 1.13 (losses_ext.json), bit for bit.
module OptimLossExtTests

open System
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Optim
open OptimTestUtil

let private data = lazy (TestData.json "losses_ext.json")

let private f32s (e: JsonElement) = [| for h in e.EnumerateArray() -> BitConverter.UInt32BitsToSingle(bits32 (h.GetString())) |]
let private hex32 (t: Tensor) = t.ToFloat32Array() |> Array.map (fun v -> sprintf "0x%08x" (BitConverter.SingleToUInt32Bits v))
let private hexes (e: JsonElement) = [| for h in e.EnumerateArray() -> h.GetString() |]
let private ints (e: JsonElement) = [| for s in e.EnumerateArray() -> s.GetInt32() |]
let private reductions = [ "mean", Reduction.Mean; "sum", Reduction.Sum; "none", Reduction.None ]

let private optTensor (c: JsonElement) (name: string) =
    match c.TryGetProperty name with
    | true, e when e.ValueKind = JsonValueKind.Array -> Some (Tensor.ofArray [| e.GetArrayLength() |] (f32s e))
    | _ -> None

/// Mismatches (value and gradient) of one loss over all its cases and reductions, as readable lines.
let private mismatchesWhere (keep: int[] -> bool) (ulps: int) (kind: string) (make: JsonElement -> Reduction -> (Tensor -> Tensor -> Tensor)) =
    let close (a: string[]) (b: string[]) =
        a.Length = b.Length
        && Array.forall2 (fun (x: string) (y: string) -> abs (int64 (bits32 x |> int32) - int64 (bits32 y |> int32)) <= int64 ulps || x = y) a b
    [ for c in data.Force().GetProperty(kind).EnumerateArray() do
      if keep (ints (c.GetProperty "shape")) then
        let shape = ints (c.GetProperty "shape")
        let tshape = ints (c.GetProperty "target_shape")
        let tgt = c.GetProperty "target"
        let y =
            if tgt.GetArrayLength() > 0 && tgt[0].ValueKind = JsonValueKind.String then Tensor.ofArray tshape (f32s tgt)
            else Tensor.create [| for v in tgt.EnumerateArray() -> v.GetInt64() |] |> fun t -> t.Reshape tshape
        for (name, r) in reductions do
            let e = c.GetProperty name
            let x = Tensor.ofArray shape (f32s (c.GetProperty "input"))
            let xg = x.RequiresGrad_()
            let l = make c r xg y
            let seed = f32s (e.GetProperty "seed")
            l.Backward(Tensor.ofArray l.Shape seed)
            let v, g = hex32 (l.Detach()), hex32 xg.Grad
            let ev, eg = hexes (e.GetProperty "value"), hexes (e.GetProperty "grad")
            // Which variant of the case (weight, label smoothing, probability targets) failed, for the message.
            let variant =
                [ for p in [ "weight"; "pos_weight" ] do
                    match c.TryGetProperty p with
                    | true, w when w.ValueKind = JsonValueKind.Array -> yield p
                    | _ -> ()
                  match c.TryGetProperty "label_smoothing" with
                  | true, ls when ls.GetDouble() <> 0.0 -> yield sprintf "label_smoothing=%g" (ls.GetDouble())
                  | _ -> ()
                  if tgt.GetArrayLength() > 0 && tgt[0].ValueKind = JsonValueKind.String then yield "float targets"
                  elif tgt.EnumerateArray() |> Seq.exists (fun v -> v.GetInt64() = -100L) then yield "ignore_index" ]
                |> String.concat ", "
            let shape = sprintf "%A [%s]" shape variant
            if not (close v ev) then yield sprintf "%s %s %s value: %A vs torch %A" kind shape name (Array.truncate 3 v) (Array.truncate 3 ev)
            if not (close g eg) then
                let i = Array.findIndex id (Array.map2 (fun a b -> not (close [| a |] [| b |])) g eg)
                yield sprintf "%s %s %s grad[%d]: %s vs torch %s" kind shape name i g[i] eg[i] ]

let private mismatches kind make = mismatchesWhere (fun _ -> true) 0 kind make

let private expectWithin keep ulps kind make =
    let m = mismatchesWhere keep ulps kind make
    Expect.isEmpty m (sprintf "%d mismatches:\n%s" m.Length (String.Join("\n", List.truncate 12 m)))

let private expectExact kind make =
    let m = mismatches kind make
    Expect.isEmpty m (sprintf "%d mismatches:\n%s" m.Length (String.Join("\n", List.truncate 12 m)))

[<Tests>]
let tests =
    testList "Optim.LossExt" [
        testCase "BCELoss (with and without weight) values and gradients are PyTorch's float32 bits" <| fun () ->
            expectExact "bce" (fun c r -> fun x y -> BCELoss(Option.toObj (optTensor c "weight"), r).Forward(x, y))
        testCase "BCEWithLogitsLoss (weight, pos_weight) values and gradients are PyTorch's float32 bits" <| fun () ->
            expectExact "bce_logits" (fun c r -> fun x y ->
                BCEWithLogitsLoss(Option.toObj (optTensor c "weight"), r, Option.toObj (optTensor c "pos_weight")).Forward(x, y))
        testCase "L1Loss values and gradients are PyTorch's float32 bits" <| fun () ->
            expectExact "l1" (fun _ r -> fun x y -> L1Loss(r).Forward(x, y))
        testCase "HuberLoss values and gradients are PyTorch's float32 bits" <| fun () ->
            expectExact "huber" (fun c r -> fun x y -> HuberLoss(r, c.GetProperty("delta").GetDouble()).Forward(x, y))
        testCase "SmoothL1Loss values and gradients are PyTorch's float32 bits" <| fun () ->
            expectExact "smooth_l1" (fun c r -> fun x y -> SmoothL1Loss(r, c.GetProperty("beta").GetDouble()).Forward(x, y))
        testCase "CrossEntropyLoss (weight, ignore_index, label_smoothing, probabilities) on (N, C) is PyTorch's float32 bits" <| fun () ->
            expectWithin (fun s -> s.Length <= 2) 0 "ce" (fun c r -> fun x y ->
                CrossEntropyLoss(Option.toObj (optTensor c "weight"), -100L, r, c.GetProperty("label_smoothing").GetDouble()).Forward(x, y))
        // Class dim 1 with extra dims: log_softmax's non-last-dim kernel, then nll_loss2d / nll_loss_nd's cascade.
        testCase "CrossEntropyLoss on (N, C, L) is PyTorch's float32 bits" <| fun () ->
            expectWithin (fun s -> s.Length > 2) 0 "ce" (fun c r -> fun x y ->
                CrossEntropyLoss(Option.toObj (optTensor c "weight"), -100L, r, c.GetProperty("label_smoothing").GetDouble()).Forward(x, y))
        testCase "CrossEntropyLoss on (N, C, d1[, d2]) with inner sizes around the vector width (weight, ignore_index, label_smoothing, probabilities) is PyTorch's float32 bits" <| fun () ->
            Expect.equal (data.Force().GetProperty("ce_nd").GetArrayLength()) 58 "case count"
            expectExact "ce_nd" (fun c r -> fun x y ->
                CrossEntropyLoss(Option.toObj (optTensor c "weight"), -100L, r, c.GetProperty("label_smoothing").GetDouble()).Forward(x, y))
        testCase "NLLLoss (weight, ignore_index, (N, C, L)) is PyTorch's float32 bits" <| fun () ->
            expectExact "nll" (fun c r -> fun x y -> NLLLoss(Option.toObj (optTensor c "weight"), -100L, r).Forward(x, y))
        testCase "bad inputs are rejected with PyTorch's messages" <| fun () ->
            let throwsWith (part: string) (f: unit -> unit) =
                let ex = Expect.throwsC f id
                Expect.isTrue (ex :? ArgumentException) (sprintf "ArgumentException expected, got %s" (ex.GetType().Name))
                Expect.stringContains ex.Message part "message"
            let x = Tensor.zeros [| 4; 5 |]
            throwsWith "Target 5 is out of bounds." (fun () -> CrossEntropyLoss().Forward(x, Tensor.create [| 0L; 5L; 1L; 2L |]) |> ignore)
            throwsWith "Target 5 is out of bounds." (fun () -> CrossEntropyLoss().Forward(Tensor.zeros [| 2; 5; 3 |], Tensor.create [| 0L; 1L; 2L; 3L; 4L; 5L |] |> fun t -> t.Reshape [| 2; 3 |]) |> ignore)
            throwsWith "needs targets of shape (2, 3), got (2, 2)" (fun () -> NLLLoss().Forward(Tensor.zeros [| 2; 5; 3 |], (Tensor.create [| 0L; 0L; 0L; 0L |]).Reshape [| 2; 2 |]) |> ignore)
            throwsWith "all elements of input should be between 0 and 1" (fun () -> BCELoss().Forward(Tensor.full [| 2 |] -0.5, Tensor.zeros [| 2 |]) |> ignore)
            throwsWith "all elements of target should be between 0 and 1" (fun () -> BCELoss().Forward(Tensor.full [| 2 |] 0.5, Tensor.full [| 2 |] 2.0) |> ignore)
            throwsWith "The size of tensor a (3) must match the size of tensor b (5) at non-singleton dimension 1 (BCEWithLogitsLoss: pos_weight of shape (3,) does not broadcast to the input's shape (4, 5); it needs one entry per class (5))"
                (fun () -> BCEWithLogitsLoss(posWeight = Tensor.ones [| 3 |]).Forward(x, x) |> ignore)
            // torch: a pos_weight that broadcasts past the input's shape cannot be written into the output.
            throwsWith "output with shape [4, 5] doesn't match the broadcast shape [2, 4, 5]"
                (fun () -> BCEWithLogitsLoss(posWeight = Tensor.ones [| 2; 1; 1 |]).Forward(x, x) |> ignore)
            throwsWith "The size of tensor a (5) must match the size of tensor b (2) at non-singleton dimension 1 (BCEWithLogitsLoss: weight of shape (2,)"
                (fun () -> BCEWithLogitsLoss(Tensor.ones [| 2 |]).Forward(x, x) |> ignore)
            throwsWith "BCEWithLogitsLoss: input (4, 5) and target (4, 1) differ" (fun () -> BCEWithLogitsLoss().Forward(x, Tensor.zeros [| 4; 1 |]) |> ignore)
    ]
