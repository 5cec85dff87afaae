/// Fluxion's AD driving libtorch kernels: reverse-mode gradients against central differences, and backend moves.
module GradTests

open System
open Expecto
open Fluxion
open Fluxion.Backend
open Fluxion.Backends.Torch
open Fluxion.Ops
open TorchTestUtil

let x64 seed (shape: int[]) lo hi = Creation.ofFloat64 shape (values seed (Shape.numel shape) lo hi)

let cases : (string * (Tensor -> Tensor) * int[] * float * float) list =
    [ "sin * exp", (fun x -> (Tensor.sin x * Tensor.exp x).Sum()), [| 2; 3 |], -1.0, 1.0
      "log and sqrt", (fun x -> (Tensor.log x + Tensor.sqrt x * x).Sum()), [| 5 |], 0.2, 2.0
      "tanh, sigmoid, softplus", (fun x -> (Tensor.tanh x * Tensor.sigmoid x + Tensor.softplus x).Sum()), [| 3; 2 |], -2.0, 2.0
      "division and powers", (fun x -> (Tensor.pow 3.0 x / (x + 3.0) + Tensor.Pow(x, x)).Sum()), [| 4 |], 0.5, 1.5
      "matmul with itself transposed", (fun x -> Tensor.sum (Tensor.matmul x x.T |> Tensor.tanh)), [| 3; 4 |], -1.0, 1.0
      "broadcast, mean, max", (fun x -> Tensor.mean (x * x.Sum(0, true)) + Tensor.max (x * 2.0)), [| 3; 4 |], -1.0, 1.0
      "softmax and logsumexp", (fun x -> (Tensor.logSoftmax 1 x * Tensor.softmax 0 x).Sum() + (Tensor.logsumexp 1 false x).Sum()), [| 2; 5 |], -2.0, 2.0
      "permute, slice, cat, flip", (fun x -> (Tensor.cat 0 [| Tensor.flip [| 1 |] x; x.Narrow(0, 1, 1).Permute([| 1; 0 |]).Reshape([| 1; 3 |]) |] |> Tensor.sin).Sum()), [| 2; 3 |], -1.0, 1.0
      "gather", (fun x -> (Tensor.gather 1 (Creation.ofInt64 [| 2; 2 |] [| 0L; 2L; 1L; 1L |]) x |> Tensor.exp).Sum()), [| 2; 3 |], -1.0, 1.0
      "conv1d and pooling", (fun x ->
            let w = Creation.ofFloat64 [| 2; 3; 3 |] (values 7 18 -1.0 1.0)
            let y = Tensor.conv1d 1 1 1 1 w None x
            (Tensor.maxPool1d 2 2 0 (Tensor.tanh y)).Sum() + (Tensor.avgPool1d 3 1 1 y).Sum()), [| 1; 3; 6 |], -1.0, 1.0 ]

[<Tests>]
let tests =
    testList "Torch.Grad" [
        for (name, f, shape, lo, hi) in cases do
            torchCase (sprintf "reverse-mode gradient of %s on torch matches central differences" name) <| fun () ->
                withBackend BackendKind.Torch (fun () ->
                    let x = x64 (name.Length) shape lo hi
                    Expect.equal x.Raw.Backend.Name "torch" "input lives on torch"
                    let g = Diff.grad f x
                    Expect.equal g.Raw.Backend.Name "torch" "gradient lives on torch"
                    let n = NumericalDiff.grad 1e-6 f x
                    assertClose name 1e-5 1e-6 n.Raw g.Raw)

        torchCase "gradients on torch equal gradients on the managed backend in float32" <| fun () ->
            let f (x: Tensor) = (Tensor.tanh (Tensor.matmul x x.T) * Tensor.sigmoid (x.Sum())).Sum()
            let data = values 3 12 -1.0 1.0 |> Array.map float32
            let gm = withBackend BackendKind.Managed (fun () -> Diff.grad f (Creation.ofFloat32 [| 3; 4 |] data))
            let gt = withBackend BackendKind.Torch (fun () -> Diff.grad f (Creation.ofFloat32 [| 3; 4 |] data))
            close32 "grad" gm.Raw gt.Raw

        torchCase "moving a tensor between backends copies the data and carries gradients back" <| fun () ->
            // On managed whatever the default backend is: the case is about the source backend.
            let xm = Tensor.OfRaw(managed.OfFloat32([| 0.5f; -1.0f; 2.0f; 3.0f |], [| 4 |]))
            let xt = Backends.toKind BackendKind.Torch xm
            Expect.equal xt.Raw.Backend.Name "torch" "moved to torch"
            Expect.sequenceEqual (xt.ToFloat32Array()) (xm.ToFloat32Array()) "same values"
            Expect.isTrue (obj.ReferenceEquals(Backends.toBackend (TorchBackend.Instance) xt, xt)) "already there: same tensor"
            // f computes on torch, but x lives on managed: the gradient must come back to managed.
            let f (x: Tensor) = (Tensor.sin (Backends.toKind BackendKind.Torch x) * 3.0).Sum()
            let g = Diff.grad f xm
            Expect.equal g.Raw.Backend.Name "managed" "gradient back on the source backend"
            let expected = xm.ToFloat32Array() |> Array.map (fun v -> 3.0 * cos (float v))
            let got = g.ToDoubleArray()
            for i in 0 .. 3 do Expect.floatClose Accuracy.medium got.[i] expected.[i] "d/dx 3 sin x"
            let back = Backends.toKind BackendKind.Managed (Creation.ofInt64 [| 2 |] [| 7L; 8L |])
            Expect.sequenceEqual (back.ToInt64Array()) [| 7L; 8L |] "int64 move"

        torchCase "a managed kernel given a torch operand names both backends" <| fun () ->
            let m = managed.OfFloat64([| 1.0; 2.0 |], [| 2 |])
            let t = (torchB ()).OfFloat64([| 3.0; 4.0 |], [| 2 |])
            let ex = Expect.throwsC (fun () -> m.Binary(BinaryKind.Mul, t) |> ignore) id
            Expect.isTrue (ex :? ArgumentException) "ArgumentException"
            Expect.stringContains ex.Message "expected a torch.float64 tensor on the managed backend, got a torch.float64 tensor on the torch backend" "names both backends"
            Expect.stringContains ex.Message "Backends.toBackend" "names the fix"

        torchCase "FLUXION_BACKEND=torch makes new tensors torch tensors" <| fun () ->
            let saved = Environment.GetEnvironmentVariable Backends.EnvironmentVariable
            let savedBackend = Creation.defaultBackend
            try
                Environment.SetEnvironmentVariable(Backends.EnvironmentVariable, "torch")
                Expect.equal (Backends.fromEnvironment ()) BackendKind.Torch "kind"
                Expect.equal (Tensor.zeros [| 2 |]).Raw.Backend.Name "torch" "new tensors"
                Backends.``use`` BackendKind.Managed
                Expect.equal (Tensor.zeros [| 2 |]).Raw.Backend.Name "managed" "use Managed"
            finally
                Environment.SetEnvironmentVariable(Backends.EnvironmentVariable, saved)
                Creation.defaultBackend <- savedBackend
    ]
