/// The facade members course unit 3 needed: print options, round(decimals), std/var along a dim, rand_like with a
/// dtype, int64 matrices from rows, NumPy's str() of float arrays and the principal-directions figure.
module Unit03FacadeTests

open System
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.CSharp

let private bits (t: Tensor) = t.ToFloat32Array() |> Array.map BitConverter.SingleToInt32Bits

[<Tests>]
let tests =
    testList "Api.Unit03" [
        // Sequenced: the print options are process-wide, so nothing else may print while they are changed.
        testSequenced <| testList "print options" [
            testCase "Torch.SetPrintOptions takes PyTorch's keywords and GetPrintOptions restores what was there" <| fun () ->
                let before = Torch.GetPrintOptions()
                try
                    let t = Torch.Tensor([| 0.125; 2.5 |])
                    Torch.SetPrintOptions(precision = 2)
                    // PyTorch 1.13 with torch.set_printoptions(precision=2): tensor([0.12, 2.50])
                    Expect.equal (string t) "tensor([0.12, 2.50])" "precision 2"
                    Torch.SetPrintOptions(sciMode = true)
                    Expect.equal (string t) "tensor([1.25e-01, 2.50e+00])" "precision kept, sci_mode on"
                    Torch.SetPrintOptions(profile = "default")
                    Expect.equal (string t) "tensor([0.1250, 2.5000])" "the default profile and automatic sci_mode"
                finally Torch.SetPrintOptions(before)
                Expect.equal (Torch.GetPrintOptions()) before "restored"
        ]

        testCase "Round(decimals) gives torch.round(x, decimals=d) of PyTorch 1.13 bit for bit" <| fun () ->
            let x = Torch.Tensor([| 1.23456; -2.5e-5; 0.00015; 2.5; 1234.5678; -0.125 |])
            // Bit patterns printed by PyTorch 1.13 (float32).
            let expected =
                [ 0, [| 0x3f800000; 0x80000000; 0x00000000; 0x40000000; 0x449a6000; 0x80000000 |]
                  2, [| 0x3f9d70a4; 0x80000000; 0x00000000; 0x40200000; 0x449a523d; 0xbdf5c28f |]
                  4, [| 0x3f9e075f; 0x80000000; 0x3951b717; 0x40200000; 0x449a522b; 0xbe000000 |]
                  -1, [| 0x00000000; 0x80000000; 0x00000000; 0x00000000; 0x4499c000; 0x80000000 |]
                  -2, [| 0x00000000; 0x80000000; 0x00000000; 0x00000000; 0x44960000; 0x80000000 |] ]
            for d, e in expected do
                Expect.equal (bits (x.Round d)) e (sprintf "decimals=%d" d)

        testCase "Std and Var along a dimension are PyTorch's unbiased values" <| fun () ->
            let y = Torch.Tensor([| [| 1.0; 2.0; 3.0 |]; [| 6.0; 5.0; 4.0 |] |])
            Expect.equal (bits (y.Std 0)) [| 0x40624630; 0x4007c3b6; 0x3f3504f3 |] "std(0) of PyTorch 1.13"
            Expect.equal (bits (y.Var 1)) [| 0x3f800000; 0x3f800000 |] "var(1)"
            Expect.equal (y.Std(1, keepDim = true)).Shape [| 2; 1 |] "keepdim"

        testCase "RandLike with a dtype draws what Rand draws for the shape, in that dtype" <| fun () ->
            let ints = Torch.Tensor([| [| 1L; 2L; 3L |]; [| 4L; 5L; 6L |] |])
            Expect.equal ints.Dtype Dtype.Int64 "rows of longs make an int64 matrix"
            Expect.equal (string ints) "tensor([[1, 2, 3],\n        [4, 5, 6]])" "repr"
            let a = Torch.RandLike(ints, Torch.Float32, Torch.Generator().ManualSeed(42L))
            let b = Torch.Rand([| 2; 3 |], Torch.Float32, Torch.Generator().ManualSeed(42L))
            Expect.equal a.Dtype Dtype.Float32 "float32"
            Expect.equal (bits a) (bits b) "same draws"

        testCase "NumPy.Str prints float arrays as NumPy 1.24 does" <| fun () ->
            for values, text in [ [| 1.0; 2.0; 5.0 |], "[1. 2. 5.]"
                                  [| 0.5; 1.25 |], "[0.5  1.25]"
                                  [| -1.5; 10.0; 0.0 |], "[-1.5 10.   0. ]"
                                  [| 0.1; 0.2 |], "[0.1 0.2]"
                                  [| 1.0 / 3.0; 2.0 |], "[0.33333333 2.        ]"
                                  [| 123.456; -7.0 |], "[123.456  -7.   ]" ] do
                Expect.equal (NumPy.Str(values: float[])) text (sprintf "%A" values)
            Expect.throwsT<NotSupportedException> (fun () -> NumPy.Str([| 1e-6; 1.0 |]) |> ignore) "scientific notation is refused"

        testCase "Plots.PrincipalDirections draws the points and each eigenvector scaled by sqrt(eigenvalue)" <| fun () ->
            let points = Torch.Tensor([| [| 1.0; 0.0 |]; [| -1.0; 0.0 |]; [| 0.0; 0.5 |] |])
            let fig = Plots.PrincipalDirections(points, Torch.Tensor([| 4.0; 1.0 |]), Torch.Tensor([| [| 1.0; 0.0 |]; [| 0.0; 1.0 |] |]))
            use doc = JsonDocument.Parse(fig.ToJson())
            let data = doc.RootElement.GetProperty "data"
            let xs (i: int) (p: string) = [| for v in data[i].GetProperty(p).EnumerateArray() -> v.GetDouble() |]
            Expect.equal (data.GetArrayLength()) 3 "points and two directions"
            Expect.equal (xs 0 "x") [| 1.0; -1.0; 0.0 |] "points x"
            Expect.equal (xs 0 "y") [| 0.0; 0.0; 0.5 |] "points y"
            Expect.equal (xs 1 "x", xs 1 "y") ([| 0.0; 2.0 |], [| 0.0; 0.0 |]) "first column times sqrt 4"
            Expect.equal (xs 2 "x", xs 2 "y") ([| 0.0; 0.0 |], [| 0.0; 1.0 |]) "second column times sqrt 1"
            Expect.throwsT<ArgumentException> (fun () -> Plots.PrincipalDirections(points, Torch.Tensor([| 1.0 |]), Torch.Eye 2) |> ignore) "shapes must agree"
    ]
