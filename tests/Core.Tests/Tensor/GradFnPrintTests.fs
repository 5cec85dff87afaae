/// ToString of tensors in a graph, checked against the text PyTorch 1.13.1 prints for the same code.
module GradFnPrintTests

open Expecto
open Fluxion

let private a () = (Tensor.ofArray [| 3 |] [| 1.5f; -2.0f; 0.25f |]).RequiresGrad_()
let private b () = (Tensor.ofArray64 [| 2; 2 |] [| 1.0; 2.0; 3.0; 4.0 |]).RequiresGrad_()

[<Tests>]
let tests =
    testList "Tensor.GradFnPrint" [
        testCase "a leaf prints requires_grad=True" <| fun () ->
            Expect.equal (string (a ())) "tensor([ 1.5000, -2.0000,  0.2500], requires_grad=True)" "leaf"
        testCase "op results print their grad_fn" <| fun () ->
            let a = a ()
            Expect.equal (string (a * a)) "tensor([2.2500, 4.0000, 0.0625], grad_fn=<MulBackward0>)" "mul"
            Expect.equal (string ((a * a).Sum())) "tensor(6.3125, grad_fn=<SumBackward0>)" "sum"
            Expect.equal (string (a + 1.0)) "tensor([ 2.5000, -1.0000,  1.2500], grad_fn=<AddBackward0>)" "add scalar"
            Expect.equal (string (Tensor.mean (Tensor.exp a))) "tensor(1.9670, grad_fn=<MeanBackward0>)" "mean of exp"
            Expect.equal (string (a - 1.0)) "tensor([ 0.5000, -3.0000, -0.7500], grad_fn=<SubBackward0>)" "sub scalar"
            Expect.equal (string (1.0 - a)) "tensor([-0.5000,  3.0000,  0.7500], grad_fn=<RsubBackward1>)" "scalar minus tensor"
        testCase "float64 results print dtype before grad_fn" <| fun () ->
            let b = b ()
            Expect.equal (string (Tensor.matmul b b)) "tensor([[ 7., 10.],\n        [15., 22.]], dtype=torch.float64, grad_fn=<MmBackward0>)" "mm"
            Expect.equal (string b.T) "tensor([[1., 3.],\n        [2., 4.]], dtype=torch.float64, grad_fn=<PermuteBackward0>)" ".T"
            Expect.equal (string (b.Transpose(0, 1)).GradFnName) "TransposeBackward0" "transpose"
            Expect.equal (string (b.[0, 1])) "tensor(2., dtype=torch.float64, grad_fn=<SelectBackward0>)" "t.[i, j]"
        testCase "detached and no-grad results print no grad_fn" <| fun () ->
            let a = a ()
            Expect.equal (string (a.Detach() * 2.0)) "tensor([ 3.0000, -4.0000,  0.5000])" "detached"
            use _ = GradMode.NoGrad()
            Expect.equal (string (a * 2.0)) "tensor([ 3.0000, -4.0000,  0.5000])" "no grad"
    ]
