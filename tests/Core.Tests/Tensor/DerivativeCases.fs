/// The runner shared by the derivative-vector suites: one case of a generator's JSON (float32 inputs as hex bits,
/// PyTorch's value, VJPs for a cotangent and the JVP for packed tangents) run in both modes on the managed backend,
/// measured in ulps, and a suite per file with a pinned tolerance per op.
module DerivativeCases

open System
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Ops

/// Float32 values from a hex string of their bits (8 digits each).
let f32s = TestData.f32sOfHex

/// The integers of a JSON array.
let ints (e: JsonElement) = [| for v in e.EnumerateArray() -> v.GetInt32() |]

/// The "shape" of a JSON tensor record.
let shapeOf (e: JsonElement) = ints (e.GetProperty "shape")

/// Float32 bits on one ordered integer line, so that the distance counts representable values between (±0 coincide).
let private ordered (v: float32) =
    let i = BitConverter.SingleToInt32Bits v
    if i < 0 then int64 Int32.MinValue - int64 i else int64 i

/// Ulp distance; two NaNs are equal, a NaN against a number is infinitely far.
let ulp (a: float32) (b: float32) =
    if Single.IsNaN a || Single.IsNaN b then (if Single.IsNaN a && Single.IsNaN b then 0L else Int64.MaxValue)
    else abs (ordered a - ordered b)

/// The worst ulp distance between our values and PyTorch's (ignoring differences up to `floor`), with the element.
let compareAbove (floor: float) (ours: float32[]) (theirs: float32[]) =
    if ours.Length <> theirs.Length then Int64.MaxValue, sprintf "length %d vs %d" ours.Length theirs.Length
    else
        let mutable worst = 0L
        let mutable where = ""
        for i in 0 .. ours.Length - 1 do
            let d = if abs (float ours.[i] - float theirs.[i]) <= floor then 0L else ulp ours.[i] theirs.[i]
            if d > worst then
                worst <- d
                where <- sprintf "[%d] ours %.9g (0x%08x) torch %.9g (0x%08x)" i ours.[i] (BitConverter.SingleToUInt32Bits ours.[i]) theirs.[i] (BitConverter.SingleToUInt32Bits theirs.[i])
        worst, where

/// The engine's call per op name of a generator: (case parameters, inputs) -> output.
type OpTable = Map<string, JsonElement -> Tensor[] -> Tensor>

/// Runs one case in both modes: (what, worst ulp, detail) per compared array.
let runCase (ops: OpTable) (floor: float) (c: JsonElement) =
    let compare = compareAbove floor
    let f = ops.[c.GetProperty("op").GetString()] c
    let inputs = [| for e in c.GetProperty("inputs").EnumerateArray() -> shapeOf e, f32s (e.GetProperty("bits").GetString()) |]
    let value = c.GetProperty "value"
    let vshape = shapeOf value
    let results = ResizeArray<string * int64 * string>()
    // Reverse mode, PyTorch style: leaves that require grad, Backward with the cotangent.
    let leaves = inputs |> Array.map (fun (s, d) -> (Tensor.ofArray s d).RequiresGrad_())
    let y = f leaves
    let add what (w: int64, d: string) = results.Add((what, w, d))
    add "value" (compare (y.ToFloat32Array()) (f32s (value.GetProperty("bits").GetString())))
    y.Backward(Tensor.ofArray vshape (f32s (c.GetProperty("cotangent").GetString())))
    c.GetProperty("vjp").EnumerateArray() |> Seq.iteri (fun k e ->
        let g = leaves.[k].Grad
        let ours = if isNull (box g) then Array.zeroCreate (snd inputs.[k]).Length else g.ToFloat32Array()
        add (sprintf "vjp[%d]" k) (compare ours (f32s (e.GetString()))))
    // Forward mode: all inputs packed into one vector so that one Diff.jvp perturbs them together (slices and
    // reshapes of a tangent are exact, so the packing adds no rounding).
    match c.GetProperty "jvp" with
    | j when j.ValueKind = JsonValueKind.Object ->
        let lens = inputs |> Array.map (fun (_, d) -> d.Length)
        let offs = Array.scan (+) 0 lens
        let packed = Tensor.ofArray [| offs.[lens.Length] |] (inputs |> Array.collect snd)
        let tangents = [| for e in c.GetProperty("tangents").EnumerateArray() -> f32s (e.GetString()) |]
        let tangent = Tensor.ofArray [| offs.[lens.Length] |] (Array.concat tangents)
        let unpack (x: Tensor) = inputs |> Array.mapi (fun k (s, _) -> x.Narrow(0, offs.[k], lens.[k]).Reshape s)
        let t = Diff.jvp (fun x -> f (unpack x)) packed tangent
        add "jvp" (compare (t.ToFloat32Array()) (f32s (j.GetProperty("bits").GetString())))
    | _ -> ()
    results

/// The suite for one vectors file: every op of the generator has an engine call, every tolerance equals the
/// measured worst case (a fix must tighten it), and one test per op within its tolerance (none: bit for bit).
let suite (name: string) (file: string) (ops: OpTable) (tolerance: Map<string, int64 * float>) =
    let data = lazy (TestData.json file)
    let report (floor: float) (op: string) =
        let cases = [ for c in data.Force().GetProperty("cases").EnumerateArray() do if c.GetProperty("op").GetString() = op then c ]
        [ for i, c in List.indexed cases do
            let shapes = [ for e in c.GetProperty("inputs").EnumerateArray() -> sprintf "%A" (shapeOf e) ] |> String.concat " "
            for what, w, d in runCase ops floor c -> (i, shapes, what, w, d) ]
    let opNames = [ for c in (TestData.json file).GetProperty("cases").EnumerateArray() -> c.GetProperty("op").GetString() ] |> List.distinct
    testList name [
        yield testCase "every op of the generator has an engine call" <| fun () ->
            Expect.isEmpty (opNames |> List.filter (fun o -> not (ops.ContainsKey o))) "ops without a mapping"
        yield testCase "every tolerance is the measured worst case (a fix must tighten it)" <| fun () ->
            let loose =
                [ for KeyValue(op, (bound, floor)) in tolerance do
                    let worst = report floor op |> List.map (fun (_, _, _, w, _) -> w) |> List.fold max 0L
                    if worst <> bound then yield sprintf "%s: allowed %d ulp, measured %d" op bound worst ]
            Expect.isEmpty loose (sprintf "tolerances that no longer match the measurement: %s" (String.concat "; " loose))
        for op in opNames do
          yield testCase op <| fun () ->
                let bound, floor = defaultArg (tolerance.TryFind op) (0L, 0.0)
                let bad = report floor op |> List.filter (fun (_, _, _, w, _) -> w > bound)
                if not bad.IsEmpty then
                    let worst = bad |> List.map (fun (_, _, _, w, _) -> w) |> List.max
                    let lines = bad |> List.truncate 8 |> List.map (fun (i, s, what, w, d) -> sprintf "  case %d (%s) %s: %d ulp %s" i s what w d)
                    failtestf "%s: max %d ulp (allowed %d) in %d comparisons\n%s" op worst bound bad.Length (String.concat "\n" lines)
    ]
