/// The Torch backend's convolution and pooling kernels against plain loops, and a small Conv1d network trained
/// on both backends. libtorch picks a different kernel per CPU, batch size and stride (oneDNN, NNPACK, its own
/// loops); its stride-1 transposed convolution returned wrong input gradients on one CI machine, so these cases
/// cover batch 1 and batch 3, strides 1 to 3, paddings wider than the kernel, dilation and groups.
module ConvTests

open System
open System.Runtime.InteropServices
open Expecto
open Fluxion
open Fluxion.Backend
open Fluxion.Nn
open Fluxion.Optim
open Fluxion.Backends.Torch
open Fluxion.Ops
open TorchTestUtil

[<UnmanagedFunctionPointer(CallingConvention.Cdecl)>]
type private ContextGetter = delegate of unit -> nativeint

[<UnmanagedFunctionPointer(CallingConvention.Cdecl)>]
type private FlagGetter = delegate of nativeint -> byte

/// conv1d y[n,o,l] = sum over c, j of x[n, g*cpg + c, l*s - p + j*d] * w[o, c, j], with g = o / (cout/groups).
let private refConv (x: float[]) (xs: int[]) (w: float[]) (ws: int[]) s p d groups =
    let nb, cin, lin = xs.[0], xs.[1], xs.[2]
    let cout, cpg, k = ws.[0], ws.[1], ws.[2]
    let lout = (lin + 2 * p - d * (k - 1) - 1) / s + 1
    let y = Array.zeroCreate (nb * cout * lout)
    for n in 0 .. nb - 1 do
        for o in 0 .. cout - 1 do
            let g = o / (cout / groups)
            for l in 0 .. lout - 1 do
                for c in 0 .. cpg - 1 do
                    for j in 0 .. k - 1 do
                        let i = l * s - p + j * d
                        if i >= 0 && i < lin then
                            y.[(n * cout + o) * lout + l] <- y.[(n * cout + o) * lout + l] + x.[(n * cin + g * cpg + c) * lin + i] * w.[(o * cpg + c) * k + j]
    y, [| nb; cout; lout |]

/// The adjoints of `refConv` written as the same loop: each product's output gradient flows back to its factors.
let private refConvGrads (x: float[]) (xs: int[]) (w: float[]) (ws: int[]) (gy: float[]) s p d groups =
    let nb, cin, lin = xs.[0], xs.[1], xs.[2]
    let cout, cpg, k = ws.[0], ws.[1], ws.[2]
    let lout = (lin + 2 * p - d * (k - 1) - 1) / s + 1
    let gx = Array.zeroCreate x.Length
    let gw = Array.zeroCreate w.Length
    for n in 0 .. nb - 1 do
        for o in 0 .. cout - 1 do
            let g = o / (cout / groups)
            for l in 0 .. lout - 1 do
                let gyv = gy.[(n * cout + o) * lout + l]
                for c in 0 .. cpg - 1 do
                    for j in 0 .. k - 1 do
                        let i = l * s - p + j * d
                        if i >= 0 && i < lin then
                            let xi = (n * cin + g * cpg + c) * lin + i
                            let wi = (o * cpg + c) * k + j
                            gx.[xi] <- gx.[xi] + gyv * w.[wi]
                            gw.[wi] <- gw.[wi] + gyv * x.[xi]
    gx, gw

/// Average pooling with zero padding counted (divisor k) and its adjoint, as loops.
let private refAvgPool (x: float[]) (xs: int[]) k s p =
    let rows, lin = xs.[0] * xs.[1], xs.[2]
    let lout = (lin + 2 * p - k) / s + 1
    let y = Array.zeroCreate (rows * lout)
    for r in 0 .. rows - 1 do
        for l in 0 .. lout - 1 do
            for j in 0 .. k - 1 do
                let i = l * s - p + j
                if i >= 0 && i < lin then y.[r * lout + l] <- y.[r * lout + l] + x.[r * lin + i] / float k
    y, lout

let private refAvgPoolGrad (gy: float[]) (xs: int[]) lout k s p =
    let rows, lin = xs.[0] * xs.[1], xs.[2]
    let gx = Array.zeroCreate (rows * lin)
    for r in 0 .. rows - 1 do
        for l in 0 .. lout - 1 do
            for j in 0 .. k - 1 do
                let i = l * s - p + j
                if i >= 0 && i < lin then gx.[r * lin + i] <- gx.[r * lin + i] + gy.[r * lout + l] / float k
    gx

/// A raw tensor of `dtype` on `b` holding `values seed` in [-1, 1), and the same numbers as doubles (as stored).
let private input (b: IBackend) (dtype: Dtype) seed (shape: int[]) =
    let v = values seed (Shape.numel shape) -1.0 1.0
    if dtype = Dtype.Float32 then
        let f = Array.map float32 v
        b.OfFloat32(f, shape), Array.map float f
    else b.OfFloat64(v, shape), v

/// Asserts a raw tensor equals reference doubles within |a-e| <= tol * (1 + |e|).
let private expectRef (what: string) (tol: float) (shape: int[]) (expected: float[]) (actual: RawTensor) =
    Expect.sequenceEqual actual.Shape shape (what + ": shape")
    let a = actual.ToDoubleArray()
    Expect.equal a.Length expected.Length (what + ": length")
    for i in 0 .. expected.Length - 1 do
        if not (abs (a.[i] - expected.[i]) <= tol * (1.0 + abs expected.[i])) then
            failtestf "%s: element %d is %.9g on %s but %.9g by the plain loop" what i a.[i] actual.Backend.Name expected.[i]

let private tolerance (d: Dtype) = if d = Dtype.Float32 then 1e-5 else 1e-12

/// libtorch's NNPACK switch, read back through the function libtorch exports for it (None when not found).
let private nnpackEnabled () =
    let mutable lib = 0n
    let mutable ctxFn = 0n
    let mutable getFn = 0n
    if NativeLibrary.TryLoad("libtorch_cpu.so", typeof<TorchSharp.torch.Tensor>.Assembly, Nullable(), &lib)
       && NativeLibrary.TryGetExport(lib, "_ZN2at13globalContextEv", &ctxFn)
       && NativeLibrary.TryGetExport(lib, "_ZNK2at7Context17userEnabledNNPACKEv", &getFn) then
        let ctx = Marshal.GetDelegateForFunctionPointer<ContextGetter>(ctxFn).Invoke()
        Some(Marshal.GetDelegateForFunctionPointer<FlagGetter>(getFn).Invoke(ctx) <> 0uy)
    else None

/// (batch, in channels, out channels, groups, kernel, stride, padding, dilation, length): every stride, padding and
/// dilation together, twice, with batch, channel layout and kernel size cycling so that all their pairs occur
/// (each new shape costs libtorch a kernel build, so the full product would take half a minute).
let private convCases =
    let layouts = [| (4, 6, 1); (4, 6, 2); (2, 2, 2) |]
    let kernels = [| 1; 3; 4 |]
    [ for round in 0 .. 1 do
        for s in [ 1; 2; 3 ] do
          for p in [ 0; 1; 2; 5 ] do
            for d in [ 1; 2 ] do
              let i = s + p + d + round
              let nb = if (i + round) % 2 = 0 then 1 else 3
              let cin, cout, groups = layouts.[(i + round) % 3]
              let k = kernels.[(s + 2 * p + d + 2 * round) % 3]
              let lin = if round = 0 then 11 else 12
              if lin + 2 * p >= d * (k - 1) + 1 then yield (nb, cin, cout, groups, k, s, p, d, lin) ]

/// A model with every conv path its backward takes: a stride-1 padded Conv1d, a dilated grouped one, stride-1
/// average pooling and a stride-2 Conv1d, all with input gradients (only the first layer's input has none).
let private convNet () =
    Sequential(Conv1d(2, 4, 3, padding = 1), Tanh(), Conv1d(4, 4, 3, padding = 2, dilation = 2, groups = 2), ReLU(),
               AvgPool1d(3, 1, 1), Conv1d(4, 1, 3, stride = 2, padding = 1))

/// Sets every parameter from `values` (the constructors' random draws are overwritten), trains 25 SGD steps on the
/// default backend and returns the losses, the final parameters as doubles and the parameters' backend.
let private trainConvNet () =
    let net = convNet ()
    net.Parameters() |> Array.iteri (fun i p -> p.SetData(Creation.ofFloat32 p.Shape (values (100 + i) p.Numel -0.5 0.5 |> Array.map float32)))
    let x = Creation.ofFloat32 [| 3; 2; 16 |] (values 90 96 -1.0 1.0 |> Array.map float32)
    let target = Creation.ofFloat32 [| 3; 1; 8 |] (values 91 24 -0.5 0.5 |> Array.map float32)
    let mse = MSELoss()
    let losses = Trainer.Fit(SGD(net.Parameters(), 0.2), (fun () -> mse.Forward(net.Call x, target)), 25)
    let ps = net.Parameters()
    losses, ps |> Array.map (fun p -> p.Data.Raw.ToDoubleArray()), ps.[0].Data.Raw.Backend.Name

[<Tests>]
let tests =
    testSequenced <| testList "Torch.Conv" [
        torchCase "conv1d and both of its gradients match plain loops for strides 1-3, wide paddings, dilation, groups and batch 1 and 3" <| fun () ->
            Expect.equal convCases.Length 48 "case count"
            for (name, pick) in [ "batch", (fun (nb, _, _, _, _, _, _, _, _) -> nb); "groups", (fun (_, _, _, g, _, _, _, _, _) -> g); "kernel", (fun (_, _, _, _, k, _, _, _, _) -> k) ] do
                for s in [ 1; 2; 3 ] do
                    Expect.isGreaterThan (convCases |> List.filter (fun (_, _, _, _, _, cs, _, _, _) -> cs = s) |> List.map pick |> List.distinct |> List.length) 1 (sprintf "stride %d sees more than one %s" s name)
            for b in [ torchB (); managed ] do
                for dtype in [ Dtype.Float32; Dtype.Float64 ] do
                    for (nb, cin, cout, groups, k, s, p, d, lin) in convCases do
                        let what = sprintf "%s %s n=%d cin=%d cout=%d g=%d k=%d s=%d p=%d d=%d L=%d" b.Name (Dtype.name dtype) nb cin cout groups k s p d lin
                        let xs, ws = [| nb; cin; lin |], [| cout; cin / groups; k |]
                        let x, xv = input b dtype (k + 7 * s) xs
                        let w, wv = input b dtype (p + 11 * d) ws
                        let yv, ys = refConv xv xs wv ws s p d groups
                        let y = x.Conv1d(w, s, p, d, groups)
                        Expect.equal y.Backend.Name b.Name (what + ": result backend")
                        expectRef ("conv1d " + what) (tolerance dtype) ys yv y
                        let gy, gyv = input b dtype (nb + 13 * groups) ys
                        let gxv, gwv = refConvGrads xv xs wv ws gyv s p d groups
                        expectRef ("conv1d input gradient " + what) (tolerance dtype) xs gxv (gy.Conv1dGradInput(w, xs, s, p, d, groups))
                        expectRef ("conv1d weight gradient " + what) (tolerance dtype) ws gwv (gy.Conv1dGradWeight(x, ws, s, p, d, groups))

        torchCase "average pooling and its adjoint match plain loops for kernels 1-4, strides 1-3 and every allowed padding" <| fun () ->
            for b in [ torchB (); managed ] do
                for dtype in [ Dtype.Float32; Dtype.Float64 ] do
                    for nb in [ 1; 2 ] do
                        for lin in [ 9; 10 ] do
                            for k in 1 .. 4 do
                                for s in 1 .. 3 do
                                    for p in 0 .. k / 2 do
                                        let what = sprintf "%s %s n=%d L=%d k=%d s=%d p=%d" b.Name (Dtype.name dtype) nb lin k s p
                                        let xs = [| nb; 3; lin |]
                                        let x, xv = input b dtype (lin + k) xs
                                        let yv, lout = refAvgPool xv xs k s p
                                        expectRef ("avg pool " + what) (tolerance dtype) [| nb; 3; lout |] yv (x.AvgPool1d(k, s, p))
                                        let gy, gyv = input b dtype (s + 5 * p) [| nb; 3; lout |]
                                        expectRef ("avg pool adjoint " + what) (tolerance dtype) xs (refAvgPoolGrad gyv xs lout k s p) (gy.AvgPool1dGrad(xs, k, s, p))

        torchCase "a Conv1d network trained 25 SGD steps on torch tracks the managed run step by step" <| fun () ->
            let lt, pt, onTorch = withBackend BackendKind.Torch trainConvNet
            let lm, pm, onManaged = withBackend BackendKind.Managed trainConvNet
            Expect.equal (onTorch, onManaged) ("torch", "managed") "where each run's parameters live"
            Expect.isLessThan lm.[24] (0.8 * lm.[0]) "the managed run learns"
            for i in 0 .. 24 do
                Expect.floatClose { absolute = 1e-7; relative = 1e-5 } lt.[i] lm.[i] (sprintf "loss at step %d, torch vs managed" (i + 1))
            Array.iteri2 (fun i (a: float[]) (e: float[]) ->
                Array.iteri2 (fun j av ev -> Expect.floatClose { absolute = 1e-6; relative = 1e-5 } av ev (sprintf "parameter %d element %d, torch vs managed" i j)) a e) pt pm

        torchCase "libtorch's NNPACK convolutions are switched off once the backend loads" <| fun () ->
            // With NNPACK on, every batch-1 float32 convolution probes it, and CPUs that NNPACK does not support
            // log "Could not initialize NNPACK! Reason: Unsupported hardware." each time.
            Expect.equal (nnpackEnabled ()) (Some false) "at::globalContext().userEnabledNNPACK()"
            let y = (f32 (torchB ()) 5 -1.0 1.0 [| 1; 1; 64 |]).Conv1d(f32 (torchB ()) 6 -1.0 1.0 [| 1; 1; 5 |], 1, 2, 1, 1)
            Expect.sequenceEqual y.Shape [| 1; 1; 64 |] "a batch-1 convolution still runs"
    ]
