/// FsCheck properties over random shapes (0–4 dims, sizes 0–5, zero-size dims included): result shapes and
/// values of elementwise, reduction, matmul and shape ops against naive float64 references written here with
/// explicit index arithmetic, and ShapeException (never a kernel crash) for incompatible shapes.
module BadInput.ShapePropertyTests

open System
open Expecto
open FsCheck
open FsCheck.FSharp
open Fluxion
open BadInputUtil

/// Fixed replay seed and a modest count: deterministic, and the whole list runs in a few seconds.
let private config =
    { FsCheckConfig.defaultConfig with maxTest = 80; replay = Some(0xBAD1B7UL, 0x2545F4914F6CDD1DUL, None) }

let private genShape = gen {
    let! n = Gen.choose (0, 4)
    return! Gen.arrayOfLength n (Gen.choose (0, 5)) }

/// Two broadcast-compatible shapes: a common base (sizes 0–5), some sizes replaced by 1, leading dims dropped.
let private genCompatible = gen {
    let! n = Gen.choose (0, 4)
    let! baseDims = Gen.arrayOfLength n (Gen.choose (0, 5))
    let! onesA = Gen.arrayOfLength n (Gen.elements [ true; false; false ])
    let! onesB = Gen.arrayOfLength n (Gen.elements [ true; false; false ])
    let! dropA = Gen.choose (0, n)
    let! dropB = Gen.choose (0, n)
    let a = Array.init n (fun i -> if onesA.[i] then 1 else baseDims.[i]) |> Array.skip dropA
    let b = Array.init n (fun i -> if onesB.[i] then 1 else baseDims.[i]) |> Array.skip dropB
    return a, b }

/// Two shapes that cannot broadcast: at one aligned position the sizes differ and neither is 1.
let private genIncompatible = gen {
    let! a, b = genCompatible
    let! extra = Gen.choose (0, 2)
    let! sa = Gen.elements [ 0; 2; 3; 4 ]
    let! sb = Gen.elements [ 0; 2; 3; 4 ] |> Gen.filter (fun s -> s <> sa)
    // Appending a trailing dim to both keeps the other dims aligned and makes that last one clash.
    let pad = Array.create extra 2
    return Array.concat [ a; [| sa |] ], Array.concat [ pad; b; [| sb |] ] }

let private strides (s: int[]) =
    let st = Array.create s.Length 1
    for d in s.Length - 2 .. -1 .. 0 do st.[d] <- st.[d + 1] * s.[d + 1]
    st
let private numel (s: int[]) = Array.fold (*) 1 s
/// The multi-index of flat position `o` in shape `s`.
let private unravel (s: int[]) (o: int) =
    let idx = Array.zeroCreate s.Length
    let mutable rem = o
    for d in s.Length - 1 .. -1 .. 0 do
        if s.[d] > 0 then
            idx.[d] <- rem % s.[d]
            rem <- rem / s.[d]
    idx
let private ravel (s: int[]) (idx: int[]) =
    let st = strides s
    let mutable p = 0
    for d in 0 .. s.Length - 1 do p <- p + idx.[d] * st.[d]
    p

let private refBroadcast (a: int[]) (b: int[]) =
    let n = max a.Length b.Length
    let at (s: int[]) i = if i < n - s.Length then 1 else s.[i - (n - s.Length)]
    Array.init n (fun i -> if at a i = 1 then at b i else at a i)
/// The flat source position in `s` of output multi-index `idx` (broadcast dims read index 0).
let private source (s: int[]) (idx: int[]) =
    let off = idx.Length - s.Length
    ravel s (Array.init s.Length (fun d -> if s.[d] = 1 then 0 else idx.[d + off]))

/// Deterministic float64 data: mixed signs for `a`, strictly positive (safe for div and pow) for `b`.
let private dataA (s: int[]) = t64 s (Array.init (numel s) (fun i -> float ((i * 7) % 11) * 0.25 - 1.2))
let private dataB (s: int[]) = t64 s (Array.init (numel s) (fun i -> 0.5 + float ((i * 5) % 7) * 0.3))
let private dataPos (s: int[]) = t64 s (Array.init (numel s) (fun i -> 0.2 + float ((i * 3) % 13) * 0.15))

let private vals64 (t: Tensor) = t.Cast(Dtype.Float64).ToDoubleArray()
let private close (x: float) (y: float) = (Double.IsNaN x && Double.IsNaN y) || x = y || abs (x - y) <= 1e-12 * (1.0 + abs y)
let private allClose (xs: float[]) (ys: float[]) = xs.Length = ys.Length && Array.forall2 close xs ys

/// Checks an elementwise binary op's shape and values against a scalar reference.
let private binaryAgrees (op: Tensor -> Tensor -> Tensor) (f: float -> float -> float) (sa: int[], sb: int[]) (x: Tensor) (y: Tensor) =
    let out = refBroadcast sa sb
    let r = op x y
    let va, vb = vals64 x, vals64 y
    let expected = Array.init (numel out) (fun o -> let idx = unravel out o in f va.[source sa idx] vb.[source sb idx])
    r.Shape = out && allClose (vals64 r) expected

let private b2f (b: bool) = if b then 1.0 else 0.0
let private binaryOps : (string * (Tensor -> Tensor -> Tensor) * (float -> float -> float)) list =
    [ "add", (+), (+)
      "sub", (-), (-)
      "mul", (*), (*)
      "div", (/), (/)
      "pow", (fun a b -> Tensor.Pow(a, b)), (fun a b -> Math.Pow(a, b))
      "maximum", Tensor.maximum, max
      "minimum", Tensor.minimum, min
      "eq", (fun a b -> a.Compare(Backend.CompareKind.Eq, b)), (fun a b -> b2f (a = b))
      "ne", (fun a b -> a.Compare(Backend.CompareKind.Ne, b)), (fun a b -> b2f (a <> b))
      "lt", (fun a b -> a.Compare(Backend.CompareKind.Lt, b)), (fun a b -> b2f (a < b))
      "le", (fun a b -> a.Compare(Backend.CompareKind.Le, b)), (fun a b -> b2f (a <= b))
      "gt", (fun a b -> a.Compare(Backend.CompareKind.Gt, b)), (fun a b -> b2f (a > b))
      "ge", (fun a b -> a.Compare(Backend.CompareKind.Ge, b)), (fun a b -> b2f (a >= b)) ]

let private unaryOps : (string * (Tensor -> Tensor) * (float -> float)) list =
    [ "neg", (fun x -> -x), (fun v -> -v)
      "abs", Tensor.abs, abs
      "exp", Tensor.exp, exp
      "sin", Tensor.sin, sin
      "tanh", Tensor.tanh, tanh
      "sigmoid", Tensor.sigmoid, (fun v -> 1.0 / (1.0 + exp -v))
      "relu", Tensor.relu, (fun v -> max v 0.0)
      "x*2.5+1", (fun x -> x * 2.5 + 1.0), (fun v -> v * 2.5 + 1.0) ]

/// Reduces dim `d` of an array of shape `s` with `f` over the slice (keepdim shape returned too).
let private refReduce (s: int[]) (v: float[]) (d: int) (f: float[] -> float) =
    let kept = Array.copy s
    kept.[d] <- 1
    let out = Array.init (numel kept) (fun o ->
        let idx = unravel kept o
        f (Array.init s.[d] (fun k -> let j = Array.copy idx in j.[d] <- k; v.[ravel s j])))
    kept, out

/// Naive batched matmul over float64 with PyTorch's 1-D promotion rules.
let private refMatmul (sa: int[]) (va: float[]) (sb: int[]) (vb: float[]) =
    let a2 = if sa.Length = 1 then [| 1; sa.[0] |] else sa
    let b2 = if sb.Length = 1 then [| sb.[0]; 1 |] else sb
    let n, k, m = a2.[a2.Length - 2], a2.[a2.Length - 1], b2.[b2.Length - 1]
    let ba, bb = a2.[.. a2.Length - 3], b2.[.. b2.Length - 3]
    let batch = refBroadcast ba bb
    let full = Array.append batch [| n; m |]
    let out = Array.init (numel full) (fun o ->
        let idx = unravel full o
        let bi = idx.[.. batch.Length - 1]
        let i, j = idx.[batch.Length], idx.[batch.Length + 1]
        let aBase = Array.append (Array.sub bi (batch.Length - ba.Length) ba.Length |> Array.mapi (fun q x -> if ba.[q] = 1 then 0 else x)) [| i; 0 |]
        let bBase = Array.append (Array.sub bi (batch.Length - bb.Length) bb.Length |> Array.mapi (fun q x -> if bb.[q] = 1 then 0 else x)) [| 0; j |]
        let mutable acc = 0.0
        for p in 0 .. k - 1 do
            aBase.[aBase.Length - 1] <- p
            bBase.[bBase.Length - 2] <- p
            acc <- acc + va.[ravel a2 aBase] * vb.[ravel b2 bBase]
        acc)
    let shape =
        match sa.Length, sb.Length with
        | 1, 1 -> [||]
        | 1, _ -> Array.append batch [| m |]
        | _, 1 -> Array.append batch [| n |]
        | _ -> full
    shape, out

let private genMatmul = gen {
    let! n = Gen.choose (0, 4)
    let! k = Gen.choose (0, 4)
    let! m = Gen.choose (0, 4)
    let! batch, batchB = genCompatible |> Gen.filter (fun (a, b) -> a.Length <= 2 && b.Length <= 2)
    let! kindA = Gen.elements [ 1; 2; 3 ]
    let! kindB = Gen.elements [ 1; 2; 3 ]
    let sa = match kindA with 1 -> [| k |] | 2 -> [| n; k |] | _ -> Array.append batch [| n; k |]
    let sb = match kindB with 1 -> [| k |] | 2 -> [| k; m |] | _ -> Array.append batchB [| k; m |]
    return sa, sb }

let private genPerm = gen {
    let! s = genShape
    let! keys = Gen.arrayOfLength s.Length (Gen.choose (0, 1000))
    return s, (Array.init s.Length id |> Array.sortBy (fun i -> keys.[i], i)) }

let private refPermute (s: int[]) (v: float[]) (perm: int[]) =
    let out = perm |> Array.map (fun p -> s.[p])
    out, Array.init (numel out) (fun o ->
        let idx = unravel out o
        let src = Array.zeroCreate s.Length
        perm |> Array.iteri (fun i p -> src.[p] <- idx.[i])
        v.[ravel s src])

[<Tests>]
let tests =
    testList "BadInput.ShapeProperties" [
        for name, op, f in binaryOps do
            testPropertyWithConfig config (sprintf "%s: broadcast shape and values match the naive reference" name) <| Prop.forAll (Arb.fromGen genCompatible) (fun (sa, sb) ->
                let x, y = (if name = "pow" then dataPos sa else dataA sa), dataB sb
                binaryAgrees op f (sa, sb) x y && binaryAgrees op f (sb, sa) y x)
            testPropertyWithConfig config (sprintf "%s: incompatible shapes raise ShapeException naming both shapes" name) <| Prop.forAll (Arb.fromGen genIncompatible) (fun (sa, sb) ->
                let e = Expect.throwsC (fun () -> op (dataA sa) (dataB sb) |> ignore) id
                e :? ShapeException && e.Message.Contains(Shape.toString sa) && e.Message.Contains(Shape.toString sb))

        for name, op, f in unaryOps do
            testPropertyWithConfig config (sprintf "unary %s keeps the shape and maps each element" name) <| Prop.forAll (Arb.fromGen genShape) (fun s ->
                let x = dataA s
                let r = op x
                r.Shape = s && allClose (vals64 r) (Array.map f (vals64 x)))

        testPropertyWithConfig config "sum/mean over a random dim, keepdim or not, match the naive reduction" <| Prop.forAll (Arb.fromGen (Gen.zip genShape (Gen.zip (Gen.choose (0, 3)) (Gen.elements [ true; false ])))) (fun (s, (dsel, keep)) ->
            s.Length = 0 || (
                let d = dsel % s.Length
                let x = dataA s
                let kept, sums = refReduce s (vals64 x) d Array.sum
                let _, means = refReduce s (vals64 x) d (fun xs -> if xs.Length = 0 then nan else Array.sum xs / float xs.Length)
                let shape = if keep then kept else Array.append s.[.. d - 1] s.[d + 1 ..]
                let rs, rm = x.Sum([| d |], keep), Tensor.meanDim d keep x
                let rneg = x.Sum([| d - s.Length |], keep)
                rs.Shape = shape && rm.Shape = shape && allClose (vals64 rs) sums && allClose (vals64 rm) means && vals64 rneg = vals64 rs))

        testPropertyWithConfig config "max over a random non-empty dim: values and first-occurrence indices" <| Prop.forAll (Arb.fromGen (Gen.zip genShape (Gen.zip (Gen.choose (0, 3)) (Gen.elements [ true; false ])))) (fun (s, (dsel, keep)) ->
            s.Length = 0 || (
                let d = dsel % s.Length
                let x = dataA s
                if s.[d] = 0 then
                    let e = Expect.throwsC (fun () -> Tensor.maxDim d keep x |> ignore) id
                    e :? ShapeException && e.Message.Contains(sprintf "Expected reduction dim %d to have non-zero size" d)
                else
                    let kept, maxs = refReduce s (vals64 x) d Array.max
                    let _, args = refReduce s (vals64 x) d (fun xs -> float (Array.IndexOf(xs, Array.max xs)))
                    let struct (v, i) = Tensor.maxDim d keep x
                    let shape = if keep then kept else Array.append s.[.. d - 1] s.[d + 1 ..]
                    v.Shape = shape && i.Shape = shape && vals64 v = maxs && vals64 i = args))

        testPropertyWithConfig config "reductions over a dim out of range raise ShapeException" <| Prop.forAll (Arb.fromGen genShape) (fun s ->
            let x = dataA s
            let bad = max s.Length 1
            let ok (f: unit -> obj) = match (try f () |> ignore; None with e -> Some e) with Some (:? ShapeException) -> true | _ -> false
            ok (fun () -> box (x.Sum([| bad |], false))) && ok (fun () -> box (Tensor.meanDim (-bad - 1) true x)) && ok (fun () -> box (Tensor.maxDim bad false x)))

        testPropertyWithConfig config "matmul (1-D, 2-D, batched with broadcast batch dims) matches the naive product" <| Prop.forAll (Arb.fromGen genMatmul) (fun (sa, sb) ->
            let a, b = dataA sa, dataB sb
            let shape, expected = refMatmul sa (vals64 a) sb (vals64 b)
            let r = Tensor.matmul a b
            r.Shape = shape && allClose (vals64 r) expected)

        testPropertyWithConfig config "matmul with mismatched inner sizes raises ShapeException" <| Prop.forAll (Arb.fromGen genMatmul) (fun (sa, sb) ->
            let sa' = Array.copy sa
            sa'.[sa'.Length - 1] <- sa.[sa.Length - 1] + 1
            let e = Expect.throwsC (fun () -> Tensor.matmul (dataA sa') (dataB sb) |> ignore) id
            e :? ShapeException && e.Message.Contains "matmul")

        testPropertyWithConfig config "reshape keeps row-major order; -1 is inferred when the size allows" <| Prop.forAll (Arb.fromGen genPerm) (fun (s, perm) ->
            let x = dataA s
            let target = perm |> Array.map (fun p -> s.[p])
            let r = x.Reshape target
            let flat = x.Reshape [| -1 |]
            r.Shape = target && vals64 r = vals64 x && flat.Shape = [| numel s |] && vals64 flat = vals64 x)

        testPropertyWithConfig config "reshape to a different element count raises ShapeException" <| Prop.forAll (Arb.fromGen genShape) (fun s ->
            let e = Expect.throwsC (fun () -> (dataA s).Reshape [| numel s + 1 |] |> ignore) id
            e :? ShapeException && e.Message.Contains "reshape")

        testPropertyWithConfig config "permute moves elements as index arithmetic says" <| Prop.forAll (Arb.fromGen genPerm) (fun (s, perm) ->
            let x = dataA s
            let shape, expected = refPermute s (vals64 x) perm
            let r = x.Permute perm
            r.Shape = shape && vals64 r = expected)

        testPropertyWithConfig config "transpose of two random dims is the swapping permutation" <| Prop.forAll (Arb.fromGen (Gen.zip genShape (Gen.zip (Gen.choose (0, 3)) (Gen.choose (0, 3))))) (fun (s, (i, j)) ->
            s.Length = 0 || (
                let i, j = i % s.Length, j % s.Length
                let perm = Array.init s.Length (fun k -> if k = i then j elif k = j then i else k)
                let shape, expected = refPermute s (vals64 (dataA s)) perm
                let r = (dataA s).Transpose(i, j)
                r.Shape = shape && vals64 r = expected))

        testPropertyWithConfig config "cat along a random dim: sizes add up, blocks in order; a size clash elsewhere raises ShapeException" <| Prop.forAll (Arb.fromGen (Gen.zip genShape (Gen.zip (Gen.choose (0, 3)) (Gen.choose (0, 3))))) (fun (s, (dsel, extra)) ->
            s.Length = 0 || (
                let d = dsel % s.Length
                let s2 = Array.copy s
                s2.[d] <- extra
                let a, b = dataA s, dataB s2
                let r = Tensor.cat d [| a; b |]
                let out = Array.copy s
                out.[d] <- s.[d] + extra
                let va, vb = vals64 a, vals64 b
                let expected = Array.init (numel out) (fun o ->
                    let idx = unravel out o
                    if idx.[d] < s.[d] then va.[ravel s idx]
                    else (let j = Array.copy idx in j.[d] <- idx.[d] - s.[d]; vb.[ravel s2 j]))
                let shapeOk = r.Shape = out && vals64 r = expected
                let clashOk =
                    s.Length < 2 || (
                        let other = (d + 1) % s.Length
                        let s3 = Array.copy s
                        s3.[other] <- s.[other] + 1
                        let e = Expect.throwsC (fun () -> Tensor.cat d [| a; dataB s3 |] |> ignore) id
                        e :? ShapeException && e.Message.Contains "cat")
                shapeOk && clashOk))

        testPropertyWithConfig config "stack of k tensors at a random position inserts a dim of size k" <| Prop.forAll (Arb.fromGen (Gen.zip genShape (Gen.zip (Gen.choose (0, 4)) (Gen.choose (1, 3))))) (fun (s, (dsel, k)) ->
            let d = dsel % (s.Length + 1)
            let xs = Array.init k (fun q -> dataA s * float (q + 1))
            let r = Tensor.stack d xs
            let out = Array.concat [ s.[.. d - 1]; [| k |]; s.[d ..] ]
            let vs = xs |> Array.map vals64
            let expected = Array.init (numel out) (fun o ->
                let idx = unravel out o
                vs.[idx.[d]].[ravel s (Array.append idx.[.. d - 1] idx.[d + 1 ..])])
            let e = Expect.throwsC (fun () -> Tensor.stack (s.Length + 2) xs |> ignore) id
            r.Shape = out && vals64 r = expected && e :? ShapeException)
    ]
