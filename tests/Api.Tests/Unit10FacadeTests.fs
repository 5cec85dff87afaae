/// The facade members course unit 10 needed: allclose, element_size and var(unbiased=False); the expected
/// values are PyTorch 1.13's (torch.allclose, Tensor.element_size, Tensor.var).
module Unit10FacadeTests

open System
open Expecto
open Fluxion
open Fluxion.CSharp

let private t (values: float[]) = Torch.Tensor(values)

[<Tests>]
let tests =
    testList "Api.Unit10" [
        testCase "AllClose follows torch.allclose: rtol and atol, broadcasting, NaNs only with equalNan" <| fun () ->
            Expect.isTrue ((t [| 1.0; 2.0 |]).AllClose(t [| 1.000001; 2.0 |])) "within the default rtol 1e-5"
            Expect.isFalse ((t [| 1.0 |]).AllClose(t [| 1.001 |])) "outside the default tolerances"
            Expect.isTrue ((Torch.Ones(2, 3)).AllClose(Torch.Ones(3))) "broadcast (2, 3) against (3,)"
            Expect.isFalse ((t [| nan; 1.0 |]).AllClose(t [| nan; 1.0 |])) "NaN is not close to NaN"
            Expect.isTrue ((t [| nan; 1.0 |]).AllClose(t [| nan; 1.0 |], equalNan = true)) "unless equalNan"
            Expect.isTrue ((t [| 100.0 |]).AllClose(t [| 100.5 |], rtol = 0.01)) "rtol scales with |b|"
            Expect.isTrue ((t [| 0.0 |]).AllClose(t [| 0.05 |], atol = 0.1)) "atol"
            Expect.throws (fun () -> (t [| 1.0 |]).AllClose(Unchecked.defaultof<Tensor>) |> ignore) "null is refused"

        testCase "ElementSize is the dtype's bytes per element" <| fun () ->
            Expect.equal ((t [| 1.0 |]).ElementSize()) 4 "float32"
            Expect.equal ((Torch.Tensor([| 1.0 |], Dtype.Float64)).ElementSize()) 8 "float64"
            Expect.equal ((Torch.Tensor([| 1L |])).ElementSize()) 8 "int64"
            Expect.equal ((Torch.Ones(2).Gt(0.0)).ElementSize()) 1 "bool"

        testCase "Var(unbiased) divides by n or n - 1 as x.var(unbiased=...)" <| fun () ->
            let x = t [| 1.0; 2.0; 3.0; 4.0 |]
            Expect.equal (x.Var(unbiased = false).ToDouble()) 1.25 "population variance"
            Expect.equal (float32 (x.Var(unbiased = true).ToDouble())) 1.6666666f "sample variance, PyTorch's float32 1.6666666269302368"
    ]
