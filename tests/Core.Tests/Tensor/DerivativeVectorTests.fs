/// Reverse-mode (VJP) and forward-mode (JVP) derivatives of every differentiable op on the managed backend
/// against torch 1.13's autograd.grad and forward_ad, bit for bit (derivatives.json, gen_derivatives.py).
module DerivativeVectorTests

open System
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Ops
open Fluxion.Backend

let private data = lazy (TestData.json "derivatives.json")

let private f32s (hex: string) =
    Array.init (hex.Length / 8) (fun i -> BitConverter.UInt32BitsToSingle(Convert.ToUInt32(hex.Substring(8 * i, 8), 16)))

let private ints (e: JsonElement) = [| for v in e.EnumerateArray() -> v.GetInt32() |]
let private shapeOf (e: JsonElement) = ints (e.GetProperty "shape")

/// Float32 bits on one ordered integer line, so that the distance counts representable values between (±0 coincide).
let private ordered (v: float32) =
    let i = BitConverter.SingleToInt32Bits v
    if i < 0 then int64 Int32.MinValue - int64 i else int64 i

/// Ulp distance; two NaNs are equal, a NaN against a number is infinitely far.
let private ulp (a: float32) (b: float32) =
    if Single.IsNaN a || Single.IsNaN b then (if Single.IsNaN a && Single.IsNaN b then 0L else Int64.MaxValue)
    else abs (ordered a - ordered b)

let private p (c: JsonElement) (name: string) = c.GetProperty("params").GetProperty name
let private pf c name = (p c name).GetDouble()
let private pi c name = (p c name).GetInt32()
let private pb c name = (p c name).GetBoolean()
let private pints c name = ints (p c name)
let private longs (e: JsonElement) (shape: int[]) =
    let flat = [| for row in e.EnumerateArray() do
                    if row.ValueKind = JsonValueKind.Array then yield! [ for v in row.EnumerateArray() -> v.GetInt64() ] else yield row.GetInt64() |]
    Creation.ofInt64 shape flat

let private unary (f: JsonElement -> Tensor -> Tensor) = fun c (xs: Tensor[]) -> f c xs.[0]
let private binary (f: JsonElement -> Tensor -> Tensor -> Tensor) = fun c (xs: Tensor[]) -> f c xs.[0] xs.[1]

/// The engine's call for each op name of the generator.
let private ops : Map<string, JsonElement -> Tensor[] -> Tensor> =
    Map.ofList [
        "neg", unary (fun _ x -> -x)
        "abs", unary (fun _ x -> Elementwise.abs x)
        "exp", unary (fun _ x -> Elementwise.exp x)
        "log", unary (fun _ x -> Elementwise.log x)
        "sqrt", unary (fun _ x -> Elementwise.sqrt x)
        "sin", unary (fun _ x -> Elementwise.sin x)
        "cos", unary (fun _ x -> Elementwise.cos x)
        "tan", unary (fun _ x -> Elementwise.tan x)
        "tanh", unary (fun _ x -> Elementwise.tanh x)
        "sigmoid", unary (fun _ x -> Elementwise.sigmoid x)
        "relu", unary (fun _ x -> Elementwise.relu x)
        "leaky_relu", unary (fun c x -> Elementwise.leakyRelu (pf c "slope") x)
        "elu", unary (fun c x -> Elementwise.elu (pf c "alpha") x)
        "softplus", unary (fun _ x -> Elementwise.softplus x)
        "erf", unary (fun _ x -> Elementwise.erf x)
        "gelu", unary (fun _ x -> Elementwise.gelu x)
        "log1p", unary (fun _ x -> Elementwise.log1p x)
        "expm1", unary (fun _ x -> Elementwise.expm1 x)
        "square", unary (fun _ x -> Elementwise.square x)
        "reciprocal", unary (fun _ x -> Elementwise.reciprocal x)
        "sinh", unary (fun _ x -> Elementwise.sinh x)
        "cosh", unary (fun _ x -> Elementwise.cosh x)
        "atan", unary (fun _ x -> Elementwise.atan x)
        "asin", unary (fun _ x -> Elementwise.asin x)
        "acos", unary (fun _ x -> Elementwise.acos x)
        "clamp", unary (fun c x -> Elementwise.clamp (pf c "lo") (pf c "hi") x)
        "pow_scalar", unary (fun c x -> Tensor.Pow(x, pf c "e"))
        "add_scalar", unary (fun c x -> x + pf c "s")
        "sub_scalar", unary (fun c x -> x - pf c "s")
        "rsub_scalar", unary (fun c x -> pf c "s" - x)
        "mul_scalar", unary (fun c x -> x * pf c "s")
        "div_scalar", unary (fun c x -> x / pf c "s")
        "rdiv_scalar", unary (fun c x -> pf c "s" / x)
        "add", binary (fun _ a b -> a + b)
        "sub", binary (fun _ a b -> a - b)
        "mul", binary (fun _ a b -> a * b)
        "div", binary (fun _ a b -> a / b)
        "pow", binary (fun _ a b -> Tensor.Pow(a, b))
        "maximum", binary (fun _ a b -> Elementwise.maximum a b)
        "minimum", binary (fun _ a b -> Elementwise.minimum a b)
        "atan2", binary (fun _ a b -> Elementwise.atan2 a b)
        "where", binary (fun c a b -> Tensor.Where(a.Detach().CompareScalar(CompareKind.Gt, pf c "t"), a, b))
        "sum", unary (fun _ x -> x.Sum())
        "sum_dim", unary (fun c x -> x.Sum([| pi c "dim" |], pb c "keep"))
        "mean", unary (fun _ x -> Reductions.mean x)
        "mean_dim", unary (fun c x -> Reductions.meanDim (pi c "dim") (pb c "keep") x)
        "var", unary (fun _ x -> Reductions.var 1 x)
        "std", unary (fun _ x -> Reductions.std 1 x)
        "max", unary (fun _ x -> Reductions.max x)
        "min", unary (fun _ x -> Reductions.min x)
        "max_dim", unary (fun c x -> let struct (v, _) = Reductions.maxDim (pi c "dim") (pb c "keep") x in v)
        "min_dim", unary (fun c x -> let struct (v, _) = Reductions.minDim (pi c "dim") (pb c "keep") x in v)
        "logsumexp", unary (fun c x -> Reductions.logsumexp (pi c "dim") (pb c "keep") x)
        "softmax", unary (fun c x -> Reductions.softmax (pi c "dim") x)
        "log_softmax", unary (fun c x -> Reductions.logSoftmax (pi c "dim") x)
        "matmul", binary (fun _ a b -> Tensor.MatMul(a, b))
        "reshape", unary (fun c x -> x.Reshape(pints c "shape"))
        "permute", unary (fun c x -> x.Permute(pints c "perm"))
        "transpose", unary (fun c x -> x.Transpose(pi c "d0", pi c "d1"))
        "expand", unary (fun c x -> x.Expand(pints c "shape"))
        "cat", fun c xs -> Shapes.cat (pi c "dim") xs
        "stack", fun c xs -> Shapes.stack (pi c "dim") xs
        "select", unary (fun c x -> x.Select(pi c "dim", pi c "index"))
        "narrow", unary (fun c x -> x.Narrow(pi c "dim", pi c "start", pi c "length"))
        "gather", unary (fun c x ->
            let e = p c "index"
            Indexing.gather (pi c "dim") (longs e [| e.GetArrayLength(); e.[0].GetArrayLength() |]) x)
        "index_select", unary (fun c x -> let e = p c "index" in Indexing.indexSelect (pi c "dim") (longs e [| e.GetArrayLength() |]) x)
        "flip", unary (fun c x -> Shapes.flip (pints c "dims") x)
        "repeat", unary (fun c x -> Shapes.repeat (pints c "reps") x)
        "conv1d", fun c xs -> Convolution.conv1d (pi c "stride") (pi c "padding") (pi c "dilation") (pi c "groups") xs.[1] (Some xs.[2]) xs.[0]
        "max_pool1d", unary (fun c x -> Convolution.maxPool1d (pi c "k") (pi c "stride") (pi c "padding") 1 x)
        "avg_pool1d", unary (fun c x -> Convolution.avgPool1d (pi c "k") (pi c "stride") (pi c "padding") x)
    ]

/// Ops whose managed values or derivatives do not match PyTorch's bits, with the measured worst ulp distance and
/// an absolute difference below which elements are not counted (0: every element counts). Empty: every op is
/// bit-exact. An entry added here must carry its cause (and the README's "Derivatives, bit for bit" section too).
let private tolerance : Map<string, int64 * float> =
    Map.ofList [
    ]

/// The worst ulp distance between our values and PyTorch's (ignoring differences up to `floor`), with the element.
let private compareAbove (floor: float) (ours: float32[]) (theirs: float32[]) =
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

/// Runs one case in both modes: (what, worst ulp, detail) per compared array.
let private runCase (floor: float) (c: JsonElement) =
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


let private report (floor: float) (op: string) =
    let cases = [ for c in data.Force().GetProperty("cases").EnumerateArray() do if c.GetProperty("op").GetString() = op then c ]
    [ for i, c in List.indexed cases do
        let shapes = [ for e in c.GetProperty("inputs").EnumerateArray() -> sprintf "%A" (shapeOf e) ] |> String.concat " "
        for what, w, d in runCase floor c -> (i, shapes, what, w, d) ]

let private opNames =
    [ for c in (TestData.json "derivatives.json").GetProperty("cases").EnumerateArray() -> c.GetProperty("op").GetString() ] |> List.distinct

[<Tests>]
let tests =
    testList "DerivativeVectors" [
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
