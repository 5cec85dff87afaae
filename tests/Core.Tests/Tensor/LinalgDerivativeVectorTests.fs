/// Values, reverse-mode (VJP) and forward-mode (JVP) derivatives of the linear-algebra ops on the managed backend
/// against torch 1.13 (reference LAPACK) in float32, bit for bit where the order of operations is replayed and
/// within a measured ulp bound otherwise (linalg_derivatives.json, gen_linalg_derivatives.py).
module LinalgDerivativeVectorTests

open System
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Ops

let private data = lazy (TestData.json "linalg_derivatives.json")

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

let private unary (f: JsonElement -> Tensor -> Tensor) = fun c (xs: Tensor[]) -> f c xs.[0]
let private binary (f: JsonElement -> Tensor -> Tensor -> Tensor) = fun c (xs: Tensor[]) -> f c xs.[0] xs.[1]

/// The engine's call for each op name of the generator.
let private ops : Map<string, JsonElement -> Tensor[] -> Tensor> =
    Map.ofList [
        "inv", unary (fun _ a -> Linalg.inv a)
        "det", unary (fun _ a -> Linalg.det a)
        "slogdet", unary (fun _ a -> (Linalg.slogdet a).LogAbsDet)
        "solve", binary (fun _ a b -> Linalg.solve a b)
        "cholesky", unary (fun _ a -> Linalg.cholesky a)
        "qr_q", unary (fun _ a -> (Linalg.qr QrMode.Reduced a).Q)
        "qr_r", unary (fun _ a -> (Linalg.qr QrMode.Reduced a).R)
        "eigh_values", unary (fun _ a -> (Linalg.eigh a).Eigenvalues)
        "eigh_vectors_sq", unary (fun _ a -> Elementwise.square (Linalg.eigh a).Eigenvectors)
        "svd_s", unary (fun _ a -> (Linalg.svd false a).S)
        "svd_u_sq", unary (fun _ a -> Elementwise.square (Linalg.svd false a).U)
        "svd_vh_sq", unary (fun _ a -> Elementwise.square (Linalg.svd false a).Vh)
        "svdvals", unary (fun _ a -> Linalg.svdvals a)
        "lstsq", binary (fun _ a b -> (Linalg.lstsq a b).Solution)
        "vector_norm", unary (fun c x -> Linalg.vectorNorm 2.0 (ints (p c "dims")) ((p c "keep").GetBoolean()) x)
        "norm", unary (fun _ x -> Linalg.norm x)
        "matrix_norm_fro", unary (fun _ x -> Linalg.matrixNorm MatrixNormOrd.Frobenius (-2, -1) false x)
        "matrix_norm_nuc", unary (fun _ x -> Linalg.matrixNorm MatrixNormOrd.Nuclear (-2, -1) false x)
        "matrix_norm_2", unary (fun _ x -> Linalg.matrixNorm (MatrixNormOrd.Ord 2.0) (-2, -1) false x)
    ]

/// Ops whose managed values or derivatives do not match PyTorch's bits: the measured worst ulp distance over
/// values, VJPs and JVPs, and an absolute difference below which elements are not counted (0: every element
/// counts). An op not listed is bit-exact. Each entry carries its cause (README, "Derivatives, bit for bit").
let private tolerance : Map<string, int64 * float> =
    Map.ofList [
        // Its rules solve with L through linalg_solve_triangular (BLAS trsm), whose order is not replayed.
        "cholesky", (63L, 0.0)
        // The forwards below are not LAPACK's order: QR in float64 rounded once, one-sided Jacobi SVD instead
        // of gesdd, lstsq through QR instead of gelsy. Q's VJP has 3e-7 elements formed by cancellation (one
        // with the opposite sign), so Q is pinned by an absolute floor instead.
        "qr_q", (0L, 1e-6)
        "qr_r", (186L, 0.0)
        "svd_s", (60L, 0.0)
        "svd_u_sq", (3162L, 0.0)
        "svd_vh_sq", (9342L, 0.0)
        "svdvals", (212L, 0.0)
        "lstsq", (240L, 0.0)
        "matrix_norm_nuc", (128L, 0.0)
        "matrix_norm_2", (49L, 0.0)
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
    let leaves = inputs |> Array.map (fun (s, d) -> (Tensor.ofArray s d).RequiresGrad_())
    let y = f leaves
    let add what (w: int64, d: string) = results.Add((what, w, d))
    add "value" (compare (y.ToFloat32Array()) (f32s (value.GetProperty("bits").GetString())))
    y.Backward(Tensor.ofArray vshape (f32s (c.GetProperty("cotangent").GetString())))
    c.GetProperty("vjp").EnumerateArray() |> Seq.iteri (fun k e ->
        let g = leaves.[k].Grad
        let ours = if isNull (box g) then Array.zeroCreate (snd inputs.[k]).Length else g.ToFloat32Array()
        add (sprintf "vjp[%d]" k) (compare ours (f32s (e.GetString()))))
    // Forward mode: the inputs packed into one vector so that one Diff.jvp perturbs them together.
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
    [ for c in (TestData.json "linalg_derivatives.json").GetProperty("cases").EnumerateArray() -> c.GetProperty("op").GetString() ] |> List.distinct

[<Tests>]
let tests =
    testList "LinalgDerivativeVectors" [
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
                let rows = report floor op
                let bad = rows |> List.filter (fun (_, _, _, w, _) -> w > bound)
                if not bad.IsEmpty then
                    let worst = bad |> List.map (fun (_, _, _, w, _) -> w) |> List.max
                    let lines = rows |> List.map (fun (i, s, what, w, d) -> sprintf "  case %d (%s) %s: %d ulp %s" i s what w d)
                    failtestf "%s: max %d ulp (allowed %d) in %d comparisons\n%s" op worst bound bad.Length (String.concat "\n" lines)
    ]
