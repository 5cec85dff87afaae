/// The facade's functional API (F), indexing members, comparison operators and multi-input Hessians, called as
/// C# would call them (F# reaches the same members by name), against torch 1.13 values.
module FunctionalFacadeTests

open System
open System.IO
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.CSharp

let private data = lazy (JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", "indexing.json"))).RootElement)

let private tensorOf (e: JsonElement) =
    let shape = [| for s in e.GetProperty("shape").EnumerateArray() -> s.GetInt32() |]
    Torch.FromArray([| for v in e.GetProperty("data").EnumerateArray() -> v.GetDouble() |], shape)

let private close (what: string) (actual: Tensor) (expected: Tensor) =
    Expect.sequenceEqual actual.Shape expected.Shape (what + ": shape")
    let a = actual.ToDoubleArray()
    let e = expected.ToDoubleArray()
    for i in 0 .. a.Length - 1 do
        if abs (a.[i] - e.[i]) > 1e-12 * (1.0 + abs e.[i]) then failtestf "%s: element %d is %.17g, expected %.17g" what i a.[i] e.[i]

let private conv (name: string) (f: Tensor -> Tensor -> Tensor) =
    testCase (name + " matches torch.nn.functional.conv1d") <| fun () ->
        let c = data.Force().GetProperty name
        let grads = [| for g in c.GetProperty("grads").EnumerateArray() -> tensorOf g |]
        let sig0 = Torch.FromArray(Array.init 16 (fun i -> Math.Sin(float i * 0.5)), 1, 2, 8)
        let k = if name = "conv1d_same_k4" then Torch.FromArray(Array.init 24 (fun i -> Math.Cos(float i)), 3, 2, 4)
                else Torch.FromArray(Array.init 18 (fun i -> Math.Cos(float i * 0.3)), 3, 2, 3)
        let y = f sig0 k
        close (name + " value") y (tensorOf (c.GetProperty "value"))
        let w = Torch.FromArray(Array.init y.Numel (fun i -> Math.Cos(float i)), y.Shape)
        let gs = Diff.Grads((fun (xs: Tensor[]) -> (f xs.[0] xs.[1] * w).Sum()), sig0, k)
        close (name + " input gradient") gs.[0] grads.[0]
        close (name + " weight gradient") gs.[1] grads.[1]

let private bias = Torch.Tensor([| 0.1; -0.2; 0.3 |], Torch.Float64)

[<Tests>]
let tests =
    testList "Facade.Functional" [
        conv "conv1d_same_k4" (fun x w -> F.Conv1d(x, w, padding = Padding.op_Implicit "same"))
        conv "conv1d_same_k3_dil2_bias" (fun x w -> F.Conv1d(x, w, bias, padding = Padding.op_Implicit "same", dilation = 2))
        conv "conv1d_valid" (fun x w -> F.Conv1d(x, w, padding = Padding.op_Implicit "valid"))
        testCase "F.Conv1d rejects 'same' with a stride and unknown strings (PyTorch's text)" <| fun () ->
            let x = Torch.Zeros([| 1; 1; 5 |], Torch.Float64)
            let w = Torch.Ones([| 1; 1; 3 |], Torch.Float64)
            let e = Expect.throwsC (fun () -> F.Conv1d(x, w, stride = 2, padding = Padding.op_Implicit "same") |> ignore) id
            Expect.stringContains e.Message "padding='same' is not supported for strided convolutions" "stride"
            let e = Expect.throwsC (fun () -> Padding.op_Implicit "foo" |> ignore) id
            Expect.stringContains e.Message "Invalid padding string: 'foo'" "string"
        testCase "Nn.Conv1d with padding \"same\" keeps the length; with a stride it fails like PyTorch" <| fun () ->
            let m = Fluxion.CSharp.Nn.Conv1d(2, 3, 4, "same", 1, 2)
            let y = m.Call(Torch.Zeros(1, 2, 9))
            Expect.sequenceEqual y.Shape [| 1; 3; 9 |] "same length"
            let m = Fluxion.CSharp.Nn.Conv1d(2, 3, 3, "valid", 2)
            Expect.sequenceEqual (m.Call(Torch.Zeros(1, 2, 9))).Shape [| 1; 3; 4 |] "valid with stride 2: (9 - 3) / 2 + 1"
            let e = Expect.throwsC (fun () -> Fluxion.CSharp.Nn.Conv1d(2, 3, 3, "same", 2) |> ignore) id
            Expect.stringContains e.Message "padding='same' is not supported for strided convolutions" "stride"
        testCase "F forwards agree with the core ops" <| fun () ->
            let x = Torch.FromArray([| -1.0; 0.5; 2.0; -0.25; 1.5; 0.0 |], 2, 3)
            Expect.sequenceEqual (F.Relu(x).ToDoubleArray()) [| 0.0; 0.5; 2.0; 0.0; 1.5; 0.0 |] "relu"
            let y = Torch.Tensor([| 2L; 0L |])
            let ce = F.CrossEntropy(x, y)
            let ls = F.LogSoftmax(x, 1)
            let manual = -(ls.[0, 2].ToDouble() + ls.[1, 0].ToDouble()) / 2.0
            Expect.floatClose Accuracy.veryHigh (ce.ToDouble()) manual "cross entropy = mean of -log_softmax at the targets"
            Expect.floatClose Accuracy.veryHigh (F.NllLoss(F.LogSoftmax(x, 1), y).ToDouble()) manual "nll of log_softmax"
            Expect.floatClose Accuracy.veryHigh (F.MseLoss(x, x.ZerosLike(), reduction = "sum").ToDouble()) (1.0 + 0.25 + 4.0 + 0.0625 + 2.25) "mse sum"
            let e = Expect.throwsC (fun () -> F.MseLoss(x, x, reduction = "avg") |> ignore) id
            Expect.stringContains e.Message "avg is not a valid value for reduction" "reduction"
            let g1 = Fluxion.Random.Generator(7UL)
            let g2 = Fluxion.Random.Generator(7UL)
            let ones = Torch.Ones([| 100 |], Torch.Float64)
            Expect.sequenceEqual (F.Dropout(ones, 0.3, true, g1).ToDoubleArray()) (F.Dropout(ones, 0.3, true, g2).ToDoubleArray()) "same generator seed, same mask"
            Expect.sequenceEqual (F.Dropout(ones, 0.3, false).ToDoubleArray()) (ones.ToDoubleArray()) "eval mode is the identity"
            Expect.sequenceEqual (F.MaxPool1d(x.Unsqueeze(0), 2).ToDoubleArray()) [| 0.5; 1.5 |] "max_pool1d, stride = kernel"
            Expect.sequenceEqual (F.Pad(x, [| 1; 0 |], value = 9.0).ToDoubleArray()) [| 9.0; -1.0; 0.5; 2.0; 9.0; -0.25; 1.5; 0.0 |] "pad"
        testCase "Diff.Hessian over (u, v) matches torch.autograd.functional.hessian" <| fun () ->
            let h = data.Force().GetProperty "hessian2"
            let u = tensorOf (h.GetProperty "u")
            let v = tensorOf (h.GetProperty "v")
            let f = Func<Tensor[], Tensor>(fun xs ->
                let u, v = xs.[0], xs.[1]
                u.Pow(2.0).Sum() * v.Sin().Sum() + Torch.Einsum("i,j->ij", u, v).Pow(3.0).Sum() + (u.Exp() * 0.1).Sum())
            let hs = Diff.Hessian(f, u, v)
            h.GetProperty("blocks").EnumerateArray() |> Seq.iteri (fun i row ->
                row.EnumerateArray() |> Seq.iteri (fun j b -> close (sprintf "H[%d][%d]" i j) hs.[i].[j] (tensorOf b)))
        testCase "indexers and comparison operators as C# sees them" <| fun () ->
            let x = Torch.Arange(12.0, Torch.Float64).Reshape(3, 4)
            let picked = x.[Tensor.op_GreaterThan(x, 8.5)]
            Expect.sequenceEqual (picked.ToDoubleArray()) [| 9.0; 10.0; 11.0 |] "x[x > 8.5]"
            Expect.sequenceEqual (x.[Torch.Tensor([| 2L; 0L |])].ToDoubleArray()) [| 8.0; 9.0; 10.0; 11.0; 0.0; 1.0; 2.0; 3.0 |] "x[perm]"
            Expect.sequenceEqual (x.Item(Range(Index 1, Index(0, true))).Shape) [| 2; 4 |] "x[1..]"
            Expect.sequenceEqual (x.Item(Index(1, true)).ToDoubleArray()) [| 8.0; 9.0; 10.0; 11.0 |] "x[^1]"
            Expect.sequenceEqual (x.Item(TensorIndex.op_Implicit Range.All, TensorIndex.op_Implicit 1).ToDoubleArray()) [| 1.0; 5.0; 9.0 |] "x[.., 1]"
            Expect.sequenceEqual (x.IndexSelect(1, Torch.Tensor([| 3L |])).ToDoubleArray()) [| 3.0; 7.0; 11.0 |] "IndexSelect(dim, index)"
            Expect.equal ((Tensor.op_Equality(x, 5.0)).ToBoolArray() |> Array.findIndex id) 5 "x == 5"
            Expect.equal (x.MaskedFill(Tensor.op_LessThan(x, 10.0), 0.0).Sum().ToDouble()) 21.0 "MaskedFill"
            let centers = Torch.FromArray([| 0.0; 0.0; 10.0; 10.0 |], 2, 2)
            Expect.sequenceEqual (centers.[Torch.Tensor([| 1L; 1L; 0L |])].Shape) [| 3; 2 |] "centers[labels]"
    ]
