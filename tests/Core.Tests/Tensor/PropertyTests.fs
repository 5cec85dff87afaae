/// FsCheck properties of the engine: broadcasting shape algebra, reshape identities, sums over
/// dims, and agreement of forward and reverse mode on random compositions of ops.
module PropertyTests

open System
open Expecto
open FsCheck
open FsCheck.FSharp
open Fluxion
open Fluxion.Ops
open GradCheck

/// Fixed replay seed: the properties explore many cases but the same ones on every run.
let private config =
    { FsCheckConfig.defaultConfig with maxTest = 60; replay = Some(0x5EED1234UL, 0x9E3779B97F4A7C15UL, None) }

/// Two broadcast-compatible shapes: a common base with some sizes replaced by 1 and leading dims dropped.
let private genCompatible =
    gen {
        let! n = Gen.choose (0, 4)
        let! baseDims = Gen.arrayOfLength n (Gen.choose (1, 4))
        let! onesA = Gen.arrayOfLength n (Gen.elements [ true; false ])
        let! onesB = Gen.arrayOfLength n (Gen.elements [ true; false ])
        let! dropA = Gen.choose (0, n)
        let! dropB = Gen.choose (0, n)
        let a = Array.init n (fun i -> if onesA.[i] then 1 else baseDims.[i]) |> Array.skip dropA
        let b = Array.init n (fun i -> if onesB.[i] then 1 else baseDims.[i]) |> Array.skip dropB
        return a, b
    }

let private genShape = gen {
    let! n = Gen.choose (0, 4)
    return! Gen.arrayOfLength n (Gen.choose (1, 4)) }

let private seq01 (shape: int[]) = t64 shape (Array.init (Shape.numel shape) (fun i -> float i * 0.37 - 1.1))

/// Index of the element of `shape` that broadcasting maps output position `o` (in `outShape`) to.
let private sourceIndex (shape: int[]) (outShape: int[]) (o: int) =
    let off = outShape.Length - shape.Length
    let ost = Shape.strides outShape
    let st = Shape.strides shape
    let mutable rem = o
    let mutable p = 0
    for d in 0 .. outShape.Length - 1 do
        let c = rem / ost.[d]
        rem <- rem % ost.[d]
        if d >= off && shape.[d - off] <> 1 then p <- p + c * st.[d - off]
    p

/// A pool of smooth shape-preserving steps for random compositions.
let private steps : (string * (Tensor -> Tensor)) list =
    [ "sin", Tensor.sin
      "tanh", Tensor.tanh
      "x*1.3+0.2", (fun x -> x * 1.3 + 0.2)
      "x*x", (fun x -> x * x)
      "exp(-x²)", (fun x -> Tensor.exp (-(x * x)))
      "softmax last", Tensor.softmax -1
      "x * sum(x, last, keep)", (fun x -> x * x.Sum(-1, true))
      "x * flip(x)", (fun x -> x * Tensor.flip [| 0 |] x)
      "sigmoid", Tensor.sigmoid
      "x - mean(x)", (fun x -> x - Tensor.mean x)
      "transpose·sin·transpose", (fun x -> if x.Dim >= 2 then (Tensor.sin x.T).T else Tensor.sin x)
      "x @ M", (fun x -> if x.Dim = 2 then Tensor.matmul x (t64 [| x.Shape.[1]; x.Shape.[1] |] (Array.init (x.Shape.[1] * x.Shape.[1]) (fun i -> 0.3 * float (i % 5) - 0.5))) else x * 0.9)
      "softplus", Tensor.softplus
      "atan", Elementwise.atan ]

let private genProgram =
    gen {
        let! rows = Gen.choose (1, 3)
        let! cols = Gen.choose (1, 4)
        let! len = Gen.choose (1, 5)
        let! ops = Gen.arrayOfLength len (Gen.choose (0, steps.Length - 1))
        let! seed = Gen.choose (0, 100000)
        return [| rows; cols |], ops, seed
    }

let private compose (ops: int[]) (x: Tensor) = ops |> Array.fold (fun acc i -> snd steps.[i] acc) x
let private describe (ops: int[]) = ops |> Array.map (fun i -> fst steps.[i]) |> String.concat " ∘ "

let private dot (a: Tensor) (b: Tensor) = (a.Reshape [| -1 |] * b.Reshape [| -1 |]).Sum().ToDouble()

[<Tests>]
let tests =
    testList "Tensor.Properties" [
        testPropertyWithConfig config "broadcast is commutative" <| Prop.forAll (Arb.fromGen genCompatible) (fun (a, b) ->
            Shape.broadcast "t" a b = Shape.broadcast "t" b a)

        testPropertyWithConfig config "broadcast result: longer rank, per dim the non-1 size" <| Prop.forAll (Arb.fromGen genCompatible) (fun (a, b) ->
            let r = Shape.broadcast "t" a b
            let n = max a.Length b.Length
            let at (s: int[]) i = if i < n - s.Length then 1 else s.[i - (n - s.Length)]
            r.Length = n && Array.forall id (Array.init n (fun i -> r.[i] = max (at a i) (at b i) && (at a i = 1 || at a i = r.[i]) && (at b i = 1 || at b i = r.[i]))))

        testPropertyWithConfig config "a + b has the broadcast shape and adds the broadcast elements" <| Prop.forAll (Arb.fromGen genCompatible) (fun (a, b) ->
            let ta, tb = seq01 a, seq01 b * 10.0
            let s = Shape.broadcast "t" a b
            let c = ta + tb
            let va, vb, vc = vals ta, vals tb, vals c
            c.Shape = s && Array.forall id (Array.init vc.Length (fun o -> vc.[o] = va.[sourceIndex a s o] + vb.[sourceIndex b s o])))

        testPropertyWithConfig config "broadcast with an all-ones shape of lower or equal rank is the identity" <| Prop.forAll (Arb.fromGen genShape) (fun s ->
            Array.forall id (Array.init (s.Length + 1) (fun k -> Shape.broadcast "t" s (Array.create k 1) = s && Shape.broadcast "t" (Array.create k 1) s = s)))

        testPropertyWithConfig config "incompatible shapes raise a ShapeException naming the op" <| Prop.forAll (Arb.fromGen genShape) (fun s ->
            let a = Array.append s [| 2 |]
            let b = Array.append s [| 3 |]
            let e = Expect.throwsC (fun () -> (seq01 a + seq01 b) |> ignore) id
            (e :? ArgumentException) && e.Message.Contains "add" && e.Message.Contains(Shape.toString a) && e.Message.Contains(Shape.toString b))

        testPropertyWithConfig config "reshape ∘ reshape back is the identity, and reshape chains compose" <| Prop.forAll (Arb.fromGen (Gen.zip genShape genShape)) (fun (s, t) ->
            let x = seq01 (Array.append s t)
            let n = x.Numel
            let u = Array.append t s
            let y = x.Reshape(u).Reshape(x.Shape)
            let z = x.Reshape([| -1 |]).Reshape(u)
            y.Shape = x.Shape && vals y = vals x && z.Shape = u && vals z = vals x && (x.Reshape [| n; -1 |]).Shape = [| n; 1 |])

        testPropertyWithConfig config "gradient through reshape ∘ reshape is the weights reshaped" <| Prop.forAll (Arb.fromGen (Gen.zip genShape genShape)) (fun (s, t) ->
            let x = seq01 (Array.append s t)
            let w = seq01 (Array.append t s) * 0.5
            let g = Diff.grad (fun x -> (x.Reshape(Array.append t s) * w).Sum()) x
            g.Shape = x.Shape && vals g = vals w)

        testPropertyWithConfig config "sum over every dim in any order equals the whole sum (float64, 1e-12)" <| Prop.forAll (Arb.fromGen (Gen.zip genShape (Gen.choose (0, 1000)))) (fun (s, seed) ->
            let r = Random seed
            let x = uniform -10.0 10.0 s r
            let order = Array.init s.Length id |> Array.sortBy (fun _ -> r.Next())
            let stepwise = order |> Array.fold (fun (acc: Tensor) d -> acc.Sum([| d |], true)) x
            let atOnce = x.Sum(order, false)
            let whole = x.Sum().ToDouble()
            let exact = vals x |> Array.sum
            let ok (v: float) = abs (v - whole) <= 1e-12 * (1.0 + abs whole)
            ok (stepwise.ToDouble()) && ok (atOnce.ToDouble()) && abs (whole - exact) <= 1e-12 * (1.0 + abs exact))

        testPropertyWithConfig config "forward JVP and reverse VJP agree: uᵀ(J v) = (uᵀ J) v on random compositions" <| Prop.forAll (Arb.fromGen genProgram) (fun (shape, ops, seed) ->
            let r = Random seed
            let x = normal shape r
            let v = normal shape r
            let f = compose ops
            let u = normal (f x).Shape r
            let lhs = dot u (Diff.jvp f x v)
            let rhs = dot (Diff.vjp f x u) v
            abs (lhs - rhs) <= 1e-10 * (1.0 + abs lhs) || failwithf "%s: %.17g vs %.17g" (describe ops) lhs rhs)

        testPropertyWithConfig config "jacobian by forward columns equals jacobian by reverse rows and finite differences" <| Prop.forAll (Arb.fromGen genProgram) (fun (shape, ops, seed) ->
            let r = Random seed
            let x = normal shape r
            let g = compose ops
            // wide output (more outputs than inputs): Diff.jacobian uses forward columns
            let wide (x: Tensor) = Tensor.stack 0 [| g x; Tensor.sin x |]
            // narrow output (fewer outputs than inputs): Diff.jacobian uses reverse rows
            let narrow (x: Tensor) = (g x).Sum([| 1 |], false).Sum()
            let byRows (f: Tensor -> Tensor) =
                let y = f x
                let m = y.Numel
                (Tensor.stack 0 (Array.init m (fun i -> Diff.vjp f x (Creation.oneHotFlat y.Shape i Dtype.Float64)))).Reshape(Array.append y.Shape x.Shape)
            let byCols (f: Tensor -> Tensor) =
                let y = f x
                let cols = Array.init x.Numel (fun j -> (Diff.jvp f x (Creation.oneHotFlat x.Shape j Dtype.Float64)).Reshape [| -1 |])
                (Tensor.stack 1 cols).Reshape(Array.append y.Shape x.Shape)
            let agree (a: Tensor) (b: Tensor) tol =
                a.Shape = b.Shape && Array.forall2 (fun p q -> abs (p - q) <= tol * (1.0 + abs q)) (vals a) (vals b)
            [ wide; narrow ] |> List.forall (fun f ->
                let j = Diff.jacobian f x
                agree j (byRows f) 1e-12 && agree j (byCols f) 1e-12 && agree j (NumericalDiff.jacobian 1e-6 f x) 1e-6)
            || failwithf "jacobians differ for %s" (describe ops))
    ]
