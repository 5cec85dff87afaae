/// Checked sizes and zero-sized tensors through the C# facade (`Torch`, `Nn`, the tensor extension methods),
/// with PyTorch 1.13's values (see tests/data/scripts/gen_empty_sizes.py for the torch side).
module SizeFacadeTests

open System
open Expecto
open Fluxion
open Fluxion.CSharp

let private shapeError (f: unit -> 'a) (message: string) =
    let e = Expect.throwsC (fun () -> f () |> ignore) id
    Expect.isTrue (e :? ShapeException) (sprintf "expected a ShapeException, got %s: %s" (e.GetType().Name) e.Message)
    Expect.equal e.Message message "message"

let private nanOr (expected: float[]) (actual: Tensor) (what: string) =
    let got = actual.ToDoubleArray()
    Expect.equal got.Length expected.Length (what + ": element count")
    Array.iteri2 (fun i (g: float) (w: float) ->
        if Double.IsNaN w then Expect.isTrue (Double.IsNaN g) (sprintf "%s: element %d is NaN" what i)
        else Expect.equal g w (sprintf "%s: element %d" what i)) got expected

[<Tests>]
let tests =
    // Layer constructors draw from the process-wide generator: keep these apart from parallel tests.
    testSequenced <| testList "Api.Sizes" [
        testCase "Torch.Zeros(65536, 65536) raises the overflow error instead of giving 0 elements" <| fun () ->
            shapeError (fun () -> Torch.Zeros(65536, 65536)) "zeros: shape (65536, 65536) has 4294967296 elements; a tensor holds at most 2147483647"
            shapeError (fun () -> Torch.Ones(65537, 65537)) "ones: shape (65537, 65537) has 4295098369 elements; a tensor holds at most 2147483647"
            shapeError (fun () -> Torch.Rand(50000, 50000)) "rand: shape (50000, 50000) has 2500000000 elements; a tensor holds at most 2147483647"
            shapeError (fun () -> Torch.Randn(50000, 50000)) "randn: shape (50000, 50000) has 2500000000 elements; a tensor holds at most 2147483647"
            shapeError (fun () -> Torch.Full([| 65536; 65536 |], 1.0)) "full: shape (65536, 65536) has 4294967296 elements; a tensor holds at most 2147483647"

        testCase "negative sizes from C# name the op with PyTorch's text" <| fun () ->
            shapeError (fun () -> Torch.Zeros(2, -1)) "zeros: Trying to create tensor with negative dimension -1: [2, -1]"
            shapeError (fun () -> Torch.Ones(3, 2).Reshape(2, -3)) "reshape: invalid shape dimension -3 in (2, -3)"

        testCase "new Linear(0, 5).Call(Torch.Zeros(2, 0)) gives PyTorch's (2, 5) bias rows (zeros)" <| fun () ->
            // torch: nn.Linear(0, 5)(torch.zeros(2, 0)) -> zeros (2, 5); the bias bound 1/sqrt(0) is taken as 0.
            let lin = Nn.Linear(0, 5)
            let y = lin.Call(Torch.Zeros(2, 0))
            Expect.equal y.Shape [| 2; 5 |] "(2, 5)"
            Expect.equal (y.ToDoubleArray()) (Array.zeroCreate 10) "bias rows"
            Expect.equal lin.Weight.Value.Shape [| 5; 0 |] "empty weight"
            let z = Nn.Linear(5, 0).Call(Torch.Ones(2, 5))
            Expect.equal z.Shape [| 2; 0 |] "Linear(5, 0) gives (2, 0)"

        testCase "empty reductions, matmul and losses give PyTorch's values" <| fun () ->
            let e = Torch.Zeros(2, 0)
            nanOr [| 0.0 |] (e.Sum()) "sum"
            nanOr [| nan |] (e.Mean()) "mean"
            nanOr [| 0.0; 0.0 |] (e.Sum(1)) "sum(1)"
            nanOr [| nan; nan |] (e.Mean(1)) "mean(1)"
            nanOr [| -infinity; -infinity |] (e.LogSumExp(1)) "logsumexp(1)"
            Expect.equal (e.Softmax(1).Shape) [| 2; 0 |] "softmax(1)"
            let mm = Torch.MatMul(Torch.Ones(2, 0), Torch.Ones(0, 5))
            Expect.equal mm.Shape [| 2; 5 |] "(2,0)@(0,5)"
            nanOr (Array.zeroCreate 10) mm "zeros"
            Expect.equal (Torch.MatMul(Torch.Ones(0, 3), Torch.Ones(3, 4)).Shape) [| 0; 4 |] "(0,3)@(3,4)"
            nanOr [| nan |] (Nn.MSELoss().Forward(Torch.Zeros(0), Torch.Zeros(0))) "MSELoss mean"
            nanOr [| 0.0 |] (Nn.MSELoss(Fluxion.Optim.Reduction.Sum).Forward(Torch.Zeros(0), Torch.Zeros(0))) "MSELoss sum"
            Expect.equal (Nn.Conv1d(2, 3, 3).Call(Torch.Zeros(0, 2, 5)).Shape) [| 0; 3; 3 |] "Conv1d on batch 0"
            Expect.equal (string e) "tensor([], size=(2, 0))" "repr"

        testCase "max and argmax of an empty tensor raise PyTorch's errors" <| fun () ->
            let e = Torch.Zeros(2, 0)
            shapeError (fun () -> e.Max()) "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument."
            shapeError (fun () -> e.ArgMax()) "argmax(): Expected reduction dim to be specified for input.numel() == 0."
            shapeError (fun () -> e.Max(1)) "max(): Expected reduction dim 1 to have non-zero size."

        testCase "backward through an empty batch gives zero gradients of the parameters' shapes" <| fun () ->
            let lin = Nn.Linear(3, 2)
            lin.Call(Torch.Zeros(0, 3)).Sum().Backward()
            nanOr (Array.zeroCreate 6) lin.Weight.Value.Grad "weight grad (2, 3) zeros"
            nanOr [| 0.0; 0.0 |] lin.Bias.Value.Grad "bias grad zeros"
    ]
