/// The C# surface of torch.fft and torch.roll.
module FftFacadeTests

open Expecto
open Fluxion
open Fluxion.CSharp

[<Tests>]
let tests =
    testList "Api.Fft" [
        testCase "Fft.Rfft(x, n, dim, norm).Abs() and Irfft from C#, values from PyTorch 1.13" <| fun () ->
            // torch.fft.rfft(torch.tensor([1., 2., 3., 4.])) == tensor([10.+0.j, -2.+2.j, -2.+0.j])
            let x = Torch.Tensor([| 1.0f; 2.0f; 3.0f; 4.0f |])
            let z = Fft.Rfft(x)
            Expect.equal (string z) "tensor([10.+0.j, -2.+2.j, -2.+0.j])" "repr"
            Expect.equal (z.Abs().ToFloat32Array()) [| 10.0f; sqrt 8.0f; 2.0f |] "abs"
            Expect.equal (Fft.Irfft(z).ToFloat32Array()) [| 1.0f; 2.0f; 3.0f; 4.0f |] "irfft restores x"
            let o = Fft.Rfft(x, n = 2, norm = "ortho")
            // torch.fft.rfft(x, n=2, norm="ortho") == [3/√2, -1/√2]
            Expect.equal (o.Real.ToFloat32Array()) [| float32 (3.0 / sqrt 2.0); float32 (-1.0 / sqrt 2.0) |] "cropped, ortho"
            Expect.equal (Fft.Transform(x).Imag.ToFloat32Array()) [| 0.0f; 2.0f; 0.0f; -2.0f |] "full fft imaginary parts"
        testCase "x.Roll(shifts, dim) from C#" <| fun () ->
            let x = Torch.Tensor([| 1.0f; 2.0f; 3.0f |])
            Expect.equal (x.Roll(1).ToFloat32Array()) [| 3.0f; 1.0f; 2.0f |] "flattened roll"
            Expect.equal (x.Roll([| -1 |], [| 0 |]).ToFloat32Array()) [| 2.0f; 3.0f; 1.0f |] "roll with dims"
    ]
