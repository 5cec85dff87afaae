/// The speed paths give the same bits as the plain arithmetic they replace: vectorised small matmuls and
/// stride-1 convolutions against in-order scalar loops, in-place optimizer steps against the pure optimizers.
module PerfFastPathTests

open System
open System.Collections.Generic
open Expecto
open Fluxion
open Fluxion.Nn
open Fluxion.Optim

let private rand32 (seed: int) (n: int) =
    let r = Random(seed)
    Array.init n (fun _ -> float32 (r.NextDouble() * 4.0 - 2.0))

let private bits32 (xs: float32[]) = xs |> Array.map BitConverter.SingleToInt32Bits
let private bits64 (xs: float[]) = xs |> Array.map BitConverter.DoubleToInt64Bits

/// op(A)·op(B) with every element an in-order, unfused float32 sum (PyTorch's small-product order).
let private refMatMul32 (a: float32[]) (b: float32[]) m n k ta tb =
    Array.init (m * n) (fun o ->
        let i, j = o / n, o % n
        let mutable s = 0.0f
        for p in 0 .. k - 1 do
            let av = if ta then a.[p * m + i] else a.[i * k + p]
            let bv = if tb then b.[j * k + p] else b.[p * n + j]
            s <- s + av * bv
        s)

let private refMatMul64 (a: float[]) (b: float[]) m n k ta tb =
    Array.init (m * n) (fun o ->
        let i, j = o / n, o % n
        let mutable s = 0.0
        for p in 0 .. k - 1 do
            let av = if ta then a.[p * m + i] else a.[i * k + p]
            let bv = if tb then b.[j * k + p] else b.[p * n + j]
            s <- s + av * bv
        s)

/// Cross-correlation with zero padding, terms in (channel, tap) order, padded taps skipped.
let private refConv (x: float32[]) (w: float32[]) nb cin len cout k pad =
    let lout = len + 2 * pad - k + 1
    Array.init (nb * cout * lout) (fun o ->
        let b, oc, ol = o / (cout * lout), (o / lout) % cout, o % lout
        let mutable s = 0.0f
        for ic in 0 .. cin - 1 do
            for kk in 0 .. k - 1 do
                let pos = ol - pad + kk
                if pos >= 0 && pos < len then s <- s + x.[(b * cin + ic) * len + pos] * w.[(oc * cin + ic) * k + kk]
        s)

/// The weight adjoint: each weight sums gy·x over (batch, position) in order.
let private refConvGradWeight (gy: float32[]) (x: float32[]) nb cin len cout k pad =
    let lout = len + 2 * pad - k + 1
    Array.init (cout * cin * k) (fun o ->
        let oc, ic, kk = o / (cin * k), (o / k) % cin, o % k
        let mutable s = 0.0f
        for b in 0 .. nb - 1 do
            for ol in 0 .. lout - 1 do
                let pos = ol - pad + kk
                if pos >= 0 && pos < len then s <- s + gy.[(b * cout + oc) * lout + ol] * x.[(b * cin + ic) * len + pos]
        s)

/// The saved state of parameter 0 (PyTorch's layout) and its first buffer.
let private stateOf (sd: Dictionary<string, obj>) = (sd.["state"] :?> Dictionary<int64, obj>).[0L] :?> Dictionary<string, obj>
let private paramState (sd: Dictionary<string, obj>) = match (stateOf sd).TryGetValue "step" with | true, v -> v | _ -> null
let private firstBuffer (sd: Dictionary<string, obj>) =
    (stateOf sd) |> Seq.pick (fun kv -> match kv.Value with :? Tensor as t when kv.Key <> "step" -> Some t | _ -> None)

/// Five steps of an optimizer object on a 7-element parameter with grads of sum(p²·c), against the pure optimizer.
let private sameAsPure (make: Parameter -> TorchOptimizer) =
    let c = Tensor.ofArray [| 7 |] (rand32 5 7)
    let p = Parameter(Tensor.ofArray [| 7 |] (rand32 6 7))
    let opt = make p
    let reference = opt.Pure opt.ParamGroups.[0]
    let mutable pp = Params.leaf(Tensor.ofArray [| 7 |] (rand32 6 7))
    let mutable ps = reference.Init pp
    let mutable snapshot = None
    for step in 1 .. 5 do
        opt.ZeroGrad()
        (Tensor.sum (p.Value * p.Value * c)).Backward()
        let g = p.Grad.Detach()
        opt.Step()
        let struct (np, ns) = reference.Update((Params.leaf g), ps, pp)
        pp <- np
        ps <- ns
        Expect.equal (bits32 (p.Data.ToFloat32Array())) (bits32 ((Params.leaves pp).[0].ToFloat32Array())) (sprintf "%s step %d" opt.Name step)
        if step = 2 then snapshot <- Some(opt.StateDict(), (firstBuffer (opt.StateDict())).ToFloat32Array())
    // A snapshot is a copy: later in-place steps do not change it.
    let sd, first = snapshot.Value
    Expect.equal (bits32 ((firstBuffer sd).ToFloat32Array())) (bits32 first) (opt.Name + " snapshot")
    match paramState sd with
    | :? Tensor as t -> Expect.equal (t.ToDouble()) 2.0 (opt.Name + " snapshot step")
    | :? int64 as k -> Expect.equal k 2L (opt.Name + " snapshot step")
    | _ -> ()

[<Tests>]
let tests =
    testList "Perf.FastPaths" [
        testCase "small float32 matmuls equal in-order scalar dot products bit for bit, for every transposition" <| fun () ->
            // Shapes for every tile edge: 6-row tiles with 1-5 rows left, 16/8/4-wide column blocks and their
            // partial stores, and sizes past 2^15 multiply-adds (a 64 x 32 x 32 Linear).
            for (m, n, k) in [ (37, 11, 13); (5, 16, 3); (16, 10, 10); (3, 1, 100); (1, 24, 16); (100, 3, 1); (7, 3, 9)
                               (64, 32, 32); (13, 35, 7); (70, 17, 40); (6, 16, 1); (11, 48, 5); (1, 100, 3); (9, 40, 130) ] do
                for ta in [ false; true ] do
                    for tb in [ false; true ] do
                        let a = rand32 (m * 1000 + k) (m * k)
                        let b = rand32 (n * 1000 + k) (k * n)
                        let ra = (Tensor.ofArray (if ta then [| k; m |] else [| m; k |]) a).Raw
                        let rb = (Tensor.ofArray (if tb then [| n; k |] else [| k; n |]) b).Raw
                        let got = (ra.MatMul(rb, ta, tb)).ToFloat32Array()
                        Expect.equal (bits32 got) (bits32 (refMatMul32 a b m n k ta tb)) (sprintf "%dx%dx%d ta=%b tb=%b" m n k ta tb)

        testCase "small float64 matmuls equal in-order scalar dot products bit for bit" <| fun () ->
            for (m, n, k) in [ (9, 7, 5); (6, 4, 30); (5, 6, 7); (13, 19, 11); (8, 8, 3) ] do
                for ta in [ false; true ] do
                    for tb in [ false; true ] do
                        let a = rand32 (m + k) (m * k) |> Array.map (fun v -> float v / 3.0)
                        let b = rand32 (n + k) (k * n) |> Array.map (fun v -> float v / 7.0)
                        let ra = (Tensor.ofArray64 (if ta then [| k; m |] else [| m; k |]) a).Raw
                        let rb = (Tensor.ofArray64 (if tb then [| n; k |] else [| k; n |]) b).Raw
                        let got = (ra.MatMul(rb, ta, tb)).ToDoubleArray()
                        Expect.equal (bits64 got) (bits64 (refMatMul64 a b m n k ta tb)) (sprintf "%dx%dx%d ta=%b tb=%b" m n k ta tb)

        testCase "stride-1 conv1d and its weight adjoint equal the direct loops bit for bit on a long signal" <| fun () ->
            // One signal: batched float32 convolutions follow oneDNN's orders instead (Conv1d.followsOneDnnDirect).
            let nb, cin, len, cout, k, pad = 1, 2, 300, 3, 31, 15
            let x = rand32 1 (nb * cin * len)
            let w = rand32 2 (cout * cin * k)
            let rx = (Tensor.ofArray [| nb; cin; len |] x).Raw
            let rw = (Tensor.ofArray [| cout; cin; k |] w).Raw
            let y = rx.Conv1d(rw, 1, pad, 1, 1)
            Expect.equal y.Shape [| nb; cout; len |] "output shape"
            Expect.equal (bits32 (y.ToFloat32Array())) (bits32 (refConv x w nb cin len cout k pad)) "forward"
            let gy = rand32 3 (nb * cout * len)
            let rg = (Tensor.ofArray [| nb; cout; len |] gy).Raw
            let gw = rg.Conv1dGradWeight(rx, [| cout; cin; k |], 1, pad, 1, 1)
            Expect.equal (bits32 (gw.ToFloat32Array())) (bits32 (refConvGradWeight gy x nb cin len cout k pad)) "weight adjoint"

        testCase "optimizer objects stepping in place give the pure optimizers' bits and copy their state snapshots" <| fun () ->
            sameAsPure (fun p -> SGD([ p ], 0.05, momentum = 0.9, weightDecay = 0.01, nesterov = true) :> TorchOptimizer)
            sameAsPure (fun p -> Adam([ p ], 0.03, amsgrad = true) :> TorchOptimizer)
            sameAsPure (fun p -> AdamW([ p ], 0.02) :> TorchOptimizer)
            sameAsPure (fun p -> RMSprop([ p ], 0.01, momentum = 0.5, centered = true) :> TorchOptimizer)
    ]
